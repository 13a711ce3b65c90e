import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError, underPath } from '../../domain/errors.ts';
import { readHolidayCalendarsOnce } from '../../engine/holiday-preview.ts';
import type { TriggerHost } from '../../plugins/run-host.ts';
import { MAX_COUNT } from '../../schedule/occurrences.ts';
import { previewScheduleYielding, type SchedulePreview } from '../../schedule/preview.ts';
import { ScheduleSchema } from '../../schedule/schedule-schema.ts';
import { requiresPlanner } from '../route-permission.ts';
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

/**
 * The preview of a schedule in a request body, with the days of the holiday calendars it
 * excludes read as the caller may (allowed folders, network policy): problems are named under
 * /schedule. One that needs too much work answers SCHEDULE_TOO_COMPLEX; computing it lets other
 * requests run in between.
 */
async function previewOf(
  schedule: unknown,
  after: Date | null,
  count: number,
  defaultZone: string,
  host: TriggerHost,
): Promise<SchedulePreview> {
  try {
    const calendars = await readHolidayCalendarsOnce(schedule, defaultZone, host, Date.now());
    return await previewScheduleYielding(schedule, after, count, defaultZone, calendars);
  } catch (error) {
    throw error instanceof AppError && error.code === 'VALIDATION_FAILED'
      ? underPath(error, '/schedule')
      : error;
  }
}

/** /api/v1/schedules: a live preview of a schedule, for the editor of users of the planner. */
export function scheduleRoutes(defaultZone: string, host: TriggerHost): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/preview',
      {
        preValidation: requiresPlanner,
        schema: {
          tags: ['schedules'],
          summary: 'The next occurrences of a schedule and its description',
          description:
            "Needs the permission 'taskplanner'. A schedule that needs too much work to compute " +
            '(it may never fire) answers 422 SCHEDULE_TOO_COMPLEX. The holiday calendars it ' +
            'excludes are read (files inside the allowed folders, feeds as the network settings ' +
            'allow); one that cannot be read answers 400 VALIDATION_FAILED.',
          body: PreviewInput,
          response: responses({ 200: Preview }),
        },
      },
      async (request) => {
        const { schedule, after, count } = request.body;
        return previewOf(
          schedule,
          after === undefined ? null : new Date(after),
          count ?? 10,
          defaultZone,
          host,
        );
      },
    );
  };
}
