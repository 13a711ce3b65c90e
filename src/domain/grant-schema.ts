import { Type, type Static } from '@sinclair/typebox';
import { ACCESS_LEVELS, MAX_GRANTS_PER_TASK } from './task-access.ts';

/** One entry of a rights list: a user or group, and the level granted. */
export const GrantInput = Type.Object(
  {
    subject: Type.Object(
      {
        type: Type.Union([Type.Literal('user'), Type.Literal('group')]),
        id: Type.String({ minLength: 1, maxLength: 64 }),
      },
      { additionalProperties: false },
    ),
    level: Type.Union(
      ACCESS_LEVELS.map((level) => Type.Literal(level)),
      { description: 'view, run, edit or manage; each includes the ones before' },
    ),
  },
  { additionalProperties: false },
);
export type GrantInput = Static<typeof GrantInput>;

/** A whole rights list. */
export const GrantList = Type.Array(GrantInput, { maxItems: MAX_GRANTS_PER_TASK });

/** The body of PUT /tasks/{id}/grants: the task's new rights list, replacing the old. */
export const GrantsInput = Type.Object({ grants: GrantList }, { additionalProperties: false });
export type GrantsInput = Static<typeof GrantsInput>;
