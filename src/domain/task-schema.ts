import { Type, type Static } from '@sinclair/typebox';
import { TASK_SORT_KEYS } from './task.ts';
import { MISFIRE_POLICIES, OVERLAP_POLICIES } from './policy-names.ts';
import { NOTICE_EVENTS } from './run-notices.ts';

const ComponentId = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,64}$',
  description: 'Unique within the task; generated when omitted',
});
const Config = Type.Record(Type.String(), Type.Unknown(), {
  description: "Validated against the JSON Schema of the component's kind",
});
const componentFields = {
  id: Type.Optional(ComponentId),
  kind: Type.String({ minLength: 1, maxLength: 100 }),
  config: Type.Optional(Config),
};

/** A trigger, or a series source, as sent by a client. */
export const ComponentInput = Type.Object(componentFields, { additionalProperties: false });
/** A job as sent by a client. */
export const JobInput = Type.Object(
  {
    ...componentFields,
    condition: Type.Optional(
      Type.Union([Config, Type.Null()], {
        description:
          'Whether the results are valid: {"expression": "rows > 0"} over the outputs the job publishes, or what its kind reads (sql-report: {"hasRows": true})',
      }),
    ),
  },
  { additionalProperties: false },
);
/** An action as sent by a client. */
export const ActionInput = Type.Object(
  {
    ...componentFields,
    qualification: Type.Optional(
      Type.Union([
        Type.Literal('always'),
        Type.Literal('all-valid'),
        Type.Literal('any-valid'),
        Type.Literal('none-valid'),
      ]),
    ),
  },
  { additionalProperties: false },
);

/** A task's policy as sent by a client; omitted fields take the defaults. */
export const PolicyInput = Type.Object(
  {
    overlap: Type.Optional(Type.Union(OVERLAP_POLICIES.map((name) => Type.Literal(name)))),
    misfire: Type.Optional(Type.Union(MISFIRE_POLICIES.map((name) => Type.Literal(name)))),
    misfireLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
    timeoutSeconds: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 604800 }), Type.Null()]),
    ),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    retryBackoffSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
    keepRuns: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000000, description: 'Keep at most this many runs' }),
    ),
    keepDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 36500, description: 'Keep runs this many days' }),
    ),
    keepFailedDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 36500, description: 'Keep failed runs this long' }),
    ),
  },
  { additionalProperties: false },
);

/** Where failure notices go and when (domain/run-notices.ts). */
export const NoticesInput = Type.Object(
  {
    on: Type.Array(Type.Union(NOTICE_EVENTS.map((event) => Type.Literal(event))), {
      uniqueItems: true,
      maxItems: NOTICE_EVENTS.length,
      description:
        'When to send a notice: a run failed, timed out or was interrupted (and no retry follows), or the task recovered (a success after one of those)',
    }),
    toOwner: Type.Optional(
      Type.Boolean({ default: true, description: "To the owner's e-mail address" }),
    ),
    to: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 320 }), {
        maxItems: 50,
        description: 'Further addresses, "ops@example.com" or "Ops <ops@example.com>"',
      }),
    ),
    webhook: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 2048 }), Type.Null()], {
        description: 'An http:// or https:// address a JSON notice is POSTed to',
      }),
    ),
    quietMinutes: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 10080,
        default: 60,
        description:
          'After a notice, the next waits this long; those that fall in between are summed up in it',
      }),
    ),
  },
  { additionalProperties: false },
);
export type NoticesInput = Static<typeof NoticesInput>;

const MAX_COMPONENTS = 100;

const definitionFields = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  description: Type.Optional(Type.String({ maxLength: 10000 })),
  enabled: Type.Optional(Type.Boolean({ description: 'Default true' })),
  timezone: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: "IANA name; default the server's" }),
  ),
  triggers: Type.Optional(Type.Array(ComponentInput, { maxItems: MAX_COMPONENTS })),
  jobs: Type.Optional(Type.Array(JobInput, { maxItems: MAX_COMPONENTS })),
  actions: Type.Optional(Type.Array(ActionInput, { maxItems: MAX_COMPONENTS })),
  series: Type.Optional(Type.Union([ComponentInput, Type.Null()])),
  policy: Type.Optional(PolicyInput),
  notices: Type.Optional(
    Type.Union([NoticesInput, Type.Null()], {
      description: "Failure notices; null or left out: the server's default",
    }),
  ),
  expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
};

const Revision = Type.Integer({
  minimum: 1,
  description: 'The revision the change is based on (or send If-Match)',
});

/**
 * What an If-Match header asks of a task's revision: '*' (whichever it is now), or one of the
 * revisions its strong entity tags name. An empty list (only weak or unknown tags) matches none.
 */
export type RevisionCondition = '*' | readonly number[];

/** The body of POST /tasks: a whole task definition. */
export const TaskCreateInput = Type.Object(definitionFields, { additionalProperties: false });
export type TaskCreateInput = Static<typeof TaskCreateInput>;

/** The body of PUT /tasks/{id}: the whole definition, replacing the stored one. */
export const TaskReplaceInput = Type.Object(
  { ...definitionFields, revision: Type.Optional(Revision) },
  { additionalProperties: false },
);
export type TaskReplaceInput = Static<typeof TaskReplaceInput>;

/** The body of PATCH /tasks/{id}: the fields to change. */
export const TaskPatchInput = Type.Partial(TaskReplaceInput, { additionalProperties: false });
export type TaskPatchInput = Static<typeof TaskPatchInput>;

/** Query of GET /tasks. */
export const TaskListParams = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    enabled: Type.Optional(Type.Boolean()),
    owner: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'A user id, or "all"; admins only' }),
    ),
    scope: Type.Optional(
      Type.Union([Type.Literal('mine'), Type.Literal('shared'), Type.Literal('all')], {
        description:
          "mine: your own tasks; shared: those shared with you; all: for administrators everyone's, for others both. Without it: your own and those shared with you",
      }),
    ),
    sort: Type.Optional(Type.Union(TASK_SORT_KEYS.map((key) => Type.Literal(key)))),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type TaskListParams = Static<typeof TaskListParams>;
