import { Type, type Static } from '@sinclair/typebox';
import { RUN_STATUSES } from '../domain/run.ts';

/** Query of GET /runs. */
export const RunListParams = Type.Object(
  {
    taskId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    status: Type.Optional(
      Type.String({
        pattern: `^(${RUN_STATUSES.join('|')})(,(${RUN_STATUSES.join('|')}))*$`,
        description: `One or more of ${RUN_STATUSES.join(', ')}, separated by commas`,
      }),
    ),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Queued at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Queued before' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type RunListParams = Static<typeof RunListParams>;

/** Body of POST /tasks/{id}/run. */
export const RunStartInput = Type.Object(
  {
    parameters: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 10000 }), {
        maxProperties: 100,
        description: 'Placeholders for this run, by name',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RunStartInput = Static<typeof RunStartInput>;
