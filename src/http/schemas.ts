import { ACCESS_LEVELS } from '../domain/task-access.ts';
import { Type } from '@sinclair/typebox';
import { REASON_CODE_LIST } from '../domain/reason-codes.ts';
import { RUN_CAUSES, RUN_STATUSES } from '../domain/run.ts';
import {
  ActionInput,
  ComponentInput,
  JobInput,
  NoticesInput,
  PolicyInput,
} from '../domain/task-schema.ts';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** An RFC 9457 problem document. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable error code, see docs/api.md#errors' }),
    instance: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Object({ in: Type.String(), path: Type.String(), message: Type.String() })),
    ),
  },
  { $id: 'Problem' },
);

/** A stored component (ids assigned). */
const StoredComponent = Type.Required(ComponentInput);
const StoredJob = Type.Composite([
  Type.Required(Type.Omit(JobInput, ['condition'])),
  Type.Object({ condition: Nullable(Type.Record(Type.String(), Type.Unknown())) }),
]);
const StoredAction = Type.Required(ActionInput);

const RunStatus = Type.Union(RUN_STATUSES.map((status) => Type.Literal(status)));
const RunCause = Type.Union(RUN_CAUSES.map((cause) => Type.Literal(cause)));

/** The latest run of a task, in short. */
const LastRunSchema = Type.Object({
  id: Type.String(),
  status: RunStatus,
  cause: RunCause,
  queuedAt: Timestamp,
  startedAt: Nullable(Timestamp),
  finishedAt: Nullable(Timestamp),
});

/** A task as the API returns it. */
export const TaskSchema = Type.Object(
  {
    id: Type.String(),
    ownerId: Type.String(),
    ownerLogin: Type.String(),
    ownerName: Type.String(),
    access: Type.Union(
      ['owner', 'admin', ...ACCESS_LEVELS].map((access) => Type.Literal(access)),
      {
        description:
          'How you reach it: as its owner, as an administrator, or shared with you to view, run, edit or manage it',
      },
    ),
    name: Type.String(),
    description: Type.String(),
    enabled: Type.Boolean(),
    timezone: Type.String(),
    triggers: Type.Array(StoredComponent),
    jobs: Type.Array(StoredJob),
    actions: Type.Array(StoredAction),
    series: Nullable(StoredComponent),
    policy: Type.Required(PolicyInput),
    notices: Type.Union([Type.Required(NoticesInput), Type.Null()], {
      description: "Its failure notices; null: the server's default",
    }),
    expiresAt: Nullable(Timestamp),
    hidden: Type.Boolean({ description: "Its schedule has ended: not in its owner's list" }),
    lastRun: Nullable(LastRunSchema),
    nextRunAt: Nullable(Timestamp),
    hooks: Type.Array(Type.Object({ triggerId: Type.String(), path: Type.String() }), {
      description: 'The URL paths of its HTTP triggers: GET or POST starts the task',
    }),
    startsWhen: Type.String({
      description:
        'What starts it, in words, e.g. "Every 2 weeks on Monday and Wednesday at 09:00"',
    }),
    revision: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Task' },
);

const ComponentOutcomeSchema = Type.Object({
  id: Type.String(),
  category: Type.Union([Type.Literal('job'), Type.Literal('action')]),
  kind: Type.String(),
  status: Type.String({ description: 'succeeded, failed, skipped, canceled or timed-out' }),
  message: Nullable(Type.String()),
  startedAt: Nullable(Timestamp),
  finishedAt: Nullable(Timestamp),
});

/** One series item of a run: its values and each component's outcome. */
const ItemOutcomeSchema = Type.Object({
  index: Type.Integer(),
  values: Type.Record(Type.String(), Type.Unknown()),
  status: Type.String(),
  components: Type.Array(ComponentOutcomeSchema),
});

/** A result of a run's job: a file (kept for download when artifactId is set), text or JSON. */
const ResultSchema = Type.Object({
  itemIndex: Type.Integer(),
  jobId: Type.String(),
  type: Type.String(),
  name: Type.String(),
  valid: Type.Boolean(),
  artifactId: Type.Optional(Type.String()),
  size: Type.Optional(Type.Integer()),
  mediaType: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  value: Type.Optional(Type.Unknown()),
});

/** A run as the API returns it. */
export const RunSchema = Type.Object(
  {
    id: Type.String(),
    taskId: Type.String(),
    taskName: Type.String(),
    ownerId: Type.String(),
    triggerId: Nullable(Type.String()),
    cause: RunCause,
    status: RunStatus,
    reasonCode: Nullable(
      Type.Union(
        REASON_CODE_LIST.map((code) => Type.Literal(code)),
        { description: 'Why the run is as it is: a code of docs/reason-codes.md' },
      ),
    ),
    reason: Nullable(Type.String({ description: 'The detail of the reason code, in words' })),
    attempt: Type.Integer(),
    retryOf: Nullable(Type.String({ description: 'The first attempt, for a retry' })),
    node: Nullable(Type.String()),
    cancelRequested: Type.Boolean(),
    scheduledFor: Nullable(Timestamp),
    occurrences: Type.Integer({
      minimum: 0,
      description:
        'How many times the task was asked to run that this record accounts for: for a schedule, its occurrences from scheduledFor (several when coalesced or skipped together); 0 for a retry',
    }),
    queuedAt: Timestamp,
    startedAt: Nullable(Timestamp),
    finishedAt: Nullable(Timestamp),
    durationMs: Nullable(Type.Integer()),
    lateMs: Nullable(Type.Integer({ description: 'Start minus scheduled time' })),
    parameters: Type.Record(Type.String(), Type.String()),
    chain: Type.Array(Type.String(), { description: 'Task ids of the after-task chain' }),
    items: Type.Array(ItemOutcomeSchema),
    results: Type.Array(ResultSchema),
  },
  { $id: 'Run' },
);

/** What an action of a dry run would deliver. */
const DeliveryPreviewSchema = Type.Object({
  itemIndex: Type.Integer(),
  actionId: Type.String(),
  kind: Type.String(),
  to: Type.Array(Type.String(), { description: 'Addresses, a folder, a server and path, a URL' }),
  files: Type.Array(Type.Object({ name: Type.String(), bytes: Type.Integer() })),
  note: Type.Optional(Type.String()),
});

/** How an unsaved task's run went (POST /tasks/execute): it is not recorded. */
export const UnsavedRunSchema = Type.Object(
  {
    dryRun: Type.Boolean(),
    status: RunStatus,
    reasonCode: Nullable(Type.String({ description: 'A code of docs/reason-codes.md' })),
    reason: Nullable(Type.String()),
    startedAt: Timestamp,
    finishedAt: Timestamp,
    durationMs: Type.Integer(),
    items: Type.Array(ItemOutcomeSchema),
    results: Type.Array(ResultSchema, { description: 'Files are described, not kept' }),
    deliveries: Type.Array(DeliveryPreviewSchema, {
      description: 'A dry run: what each action would deliver; empty otherwise',
    }),
    log: Type.String(),
  },
  { description: 'An unsaved task ran: how it went (it is not recorded)' },
);

/** Where an account is kept. */
const UserSource = Type.Union([Type.Literal('local'), Type.Literal('ldap'), Type.Literal('oidc')], {
  description:
    'local: the password is kept here; ldap: the LDAP directory checks it; oidc: the user signs in with the OpenID provider',
});

/** A user as the API returns it. */
export const UserSchema = Type.Object(
  {
    id: Type.String(),
    login: Type.String(),
    displayName: Type.String(),
    email: Nullable(Type.String()),
    disabled: Type.Boolean(),
    mustChangePassword: Type.Boolean({
      description: 'Must change the password at the next login',
    }),
    source: UserSource,
    permissions: Type.Array(Type.String(), { description: 'Granted directly, not through groups' }),
    groupIds: Type.Array(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'User' },
);

/** A group as the API returns it. */
export const GroupSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    permissions: Type.Array(Type.String()),
    memberIds: Type.Array(Type.String()),
    usableInSeries: Type.Boolean(),
    role: Type.Boolean({ description: 'A role: offered by name when a user is made' }),
    description: Type.String(),
  },
  { $id: 'Group' },
);

/** An API token as listed: never the secret. */
export const TokenSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the token' }),
    createdAt: Timestamp,
    lastUsedAt: Nullable(Timestamp),
    expiresAt: Nullable(Timestamp),
  },
  { $id: 'Token' },
);

/** A page of a listing. */
export function PageSchema<T extends Parameters<typeof Type.Array>[0]>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });
}

/** Path parameter of routes on one object. */
/** A task's rights list as the API returns it. */
export const GrantListSchema = Type.Object({
  grants: Type.Array(
    Type.Object({
      subject: Type.Object({
        type: Type.Union([Type.Literal('user'), Type.Literal('group')]),
        id: Type.String(),
      }),
      level: Type.Union(ACCESS_LEVELS.map((level) => Type.Literal(level))),
      name: Type.String({ description: "The user's display name or the group's name" }),
      login: Nullable(Type.String()),
    }),
  ),
});

/** Users and groups a task can be shared with, as the picker lists them. */
export const DirectorySchema = Type.Object({
  users: Type.Array(
    Type.Object({ id: Type.String(), login: Type.String(), displayName: Type.String() }),
  ),
  groups: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
});

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Answers of every route: the success schema plus the problem for errors. */
export function responses<T extends Record<number, unknown>>(success: T) {
  const problem = {
    description: 'An RFC 9457 problem',
    content: { 'application/problem+json': { schema: Type.Ref(ProblemSchema) } },
  };
  return { ...success, '4xx': problem, '5xx': problem };
}

/** Who the caller is and what they may do. */
export const MeSchema = Type.Object({
  id: Type.String(),
  login: Type.String(),
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  mustChangePassword: Type.Boolean({
    description: 'Someone else chose the password: change it before anything else',
  }),
  source: UserSource,
  permissions: Type.Array(Type.String(), { description: 'Held directly or through groups' }),
  can: Type.Object({
    usePlanner: Type.Boolean(),
    administerTasks: Type.Boolean(),
    manageUsers: Type.Boolean(),
    manageSettings: Type.Boolean(),
    manageMail: Type.Boolean(),
  }),
  authenticatedBy: Type.String({ description: 'session, token or basic' }),
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: 'With a session cookie, send this in X-CSRF-Token on every change',
  }),
});
