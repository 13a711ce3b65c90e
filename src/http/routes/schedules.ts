import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError, underPath } from '../../domain/errors.ts';
import { describeSchedule } from '../../schedule/describe.ts';
import { MAX_COUNT, nextOccurrences } from '../../schedule/occurrences.ts';
import { ScheduleSchema } from '../../schedule/schedule-schema.ts';
import { formatInZone } from '../../schedule/zone.ts';
import { callerOf } from '../authentication.ts';
import { responses } from '../schemas.ts';

const PreviewInput = Type.Object(
  {
    schedule: ScheduleSchema,
    after: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Default: just before the start, so the start counts',
      }),
    ),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_COUNT, default: 10 })),
  },
  { additionalProperties: false },
);

const Preview = Type.Object({
  occurrences: Type.Array(Type.String({ description: 'ISO 8601 with the schedule zone’s offset' })),
  timezone: Type.String(),
  description: Type.String(),
});

/** The occurrences of a schedule in a request body: problems are named under /schedule. */
function previewOf(
  schedule: unknown,
  after: Date | null,
  count: number,
  defaultZone: string,
): Date[] {
  try {
    return nextOccurrences(schedule, after, count, defaultZone);
  } catch (error) {
    throw error instanceof AppError && error.code === 'VALIDATION_FAILED'
      ? underPath(error, '/schedule')
      : error;
  }
}

/** /api/v1/schedules: a live preview of a schedule, for the editor. */
export function scheduleRoutes(defaultZone: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/preview',
      {
        schema: {
          tags: ['schedules'],
          summary: 'The next occurrences of a schedule and its description',
          body: PreviewInput,
          response: responses({ 200: Preview }),
        },
      },
      async (request) => {
        callerOf(request);
        const { schedule, after, count } = request.body;
        const zone = schedule.timezone ?? defaultZone;
        const from = after === undefined ? null : new Date(after);
        const occurrences = previewOf(schedule, from, count ?? 10, defaultZone);
        return {
          occurrences: occurrences.map((instant) => formatInZone(instant.getTime(), zone)),
          timezone: zone,
          description: describeSchedule(schedule, defaultZone),
        };
      },
    );
  };
}
