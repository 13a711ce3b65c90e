import { GrantList } from './grant-schema.ts';
import { Type, type Static } from '@sinclair/typebox';
import { NoticesInput } from './task-schema.ts';

const Text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, description });

/** An SMTP server as an administrator enters it; the password may be the mask to keep it. */
export const SmtpInput = Type.Object(
  {
    host: Text(255, 'Host name or address of the SMTP server'),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 587, description: 'Port' }),
    secure: Type.Boolean({
      default: false,
      description:
        'TLS from the start (usually port 465); otherwise STARTTLS, which a login requires unless an administrator allows plain text',
    }),
    user: Type.String({ maxLength: 255, default: '', description: 'Login, empty for none' }),
    password: Type.Optional(
      Type.String({
        maxLength: 1024,
        secret: true,
        description: 'Password (stored encrypted, shown masked); left out, the stored one is kept',
      }),
    ),
    from: Text(320, 'Sender address, e.g. "Task Planner <planner@example.com>"'),
    // Optional for the type only: the default fills it in, and answers always carry it.
    allowPlaintext: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Log in even when the server offers no STARTTLS, the password unencrypted (with secure false and a login)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A limit: a whole number from minimum up, or null for none. */
const Limit = (minimum: number, maximum: number, description: string) =>
  Type.Optional(
    Type.Union([Type.Integer({ minimum, maximum }), Type.Null()], {
      description: `${description}; null: no limit`,
    }),
  );

/** A change to the per-user limits: the limits sent are replaced, the others kept. */
export const LimitsPatch = Type.Object(
  {
    tasksPerUser: Limit(0, 1_000_000, 'Tasks one user may own'),
    minimumIntervalSeconds: Limit(
      1,
      366 * 86_400,
      'The shortest time between two fires of a scheduled trigger, checked when a task is saved',
    ),
    runsPerMinutePerUser: Limit(
      0,
      1_000_000,
      "Runs of one user's tasks started in 60 s other than by their schedules (manual, API, hooks, events, other tasks)",
    ),
    artifactBytesPerUser: Limit(
      0,
      Number.MAX_SAFE_INTEGER,
      "Bytes of run files kept for download over all of one user's runs; a file past it is not kept",
    ),
  },
  {
    additionalProperties: false,
    description:
      'What one user may put on the server; holders of taskplanner.admin are exempt except from storage',
  },
);

/** A list of networks, each address/prefix (IPv4 or IPv6) or one address. */
const Networks = (description: string) =>
  Type.Array(Text(100, 'A network as address/prefix, e.g. 192.168.0.0/16 or fd00::/8'), {
    maxItems: 1000,
    description,
  });

/** A change to the server-wide settings: what is sent is replaced. */
/** How long the outbox tries to deliver a message before it gives up. */
export const MailRetryHours = Type.Integer({
  minimum: 1,
  maximum: 168,
  description:
    'How long mail is retried while the SMTP server is unreachable or answers "try later" (4xx), in hours',
});

/** The server's address as people reach it, for links in notices; null when unknown. */
export const PublicUrl = Type.Union(
  [Type.String({ maxLength: 500, pattern: '^https?://[^\\s?#]+$' }), Type.Null()],
  {
    description:
      "The server's address as people reach it, e.g. https://planner.example.com: links in notices and {run.url} start with it",
  },
);

export const SettingsPatch = Type.Object(
  {
    smtp: Type.Optional(Type.Union([SmtpInput, Type.Null()])),
    folderRoots: Type.Optional(
      Type.Array(Text(4096, 'An absolute folder'), {
        maxItems: 100,
        description: 'Folders tasks may read, write and watch, with everything below them',
      }),
    ),
    allowedNetworks: Type.Optional(
      Networks(
        'Networks tasks may reach even when a denied network holds them, e.g. 10.1.2.0/24 for an intranet service',
      ),
    ),
    deniedNetworks: Type.Optional(
      Networks(
        "Networks tasks may not reach (HTTP jobs, webhooks and notice webhooks, a task's own SMTP server, SFTP and FTP uploads, calendar URLs); the server's own addresses are denied as well",
      ),
    ),
    allowPlaintextSmtp: Type.Optional(
      Type.Boolean({
        description:
          "Tasks' own SMTP servers may take a login unencrypted when they offer no STARTTLS",
      }),
    ),
    mailRetryHours: Type.Optional(MailRetryHours),
    limits: Type.Optional(LimitsPatch),
    newTaskGrants: Type.Optional(GrantList),
    notices: Type.Optional(NoticesInput),
    publicUrl: Type.Optional(PublicUrl),
  },
  { additionalProperties: false },
);
export type SettingsPatch = Static<typeof SettingsPatch>;

const Access = Type.Object(
  {
    everyone: Type.Boolean({ default: false, description: 'Every user of the planner' }),
    userIds: Type.Array(Type.String({ maxLength: 64 }), { default: [], maxItems: 1000 }),
    groupIds: Type.Array(Type.String({ maxLength: 64 }), { default: [], maxItems: 1000 }),
  },
  { additionalProperties: false, description: 'Who may query it besides administrators' },
);

const dataSourceFields = {
  name: Type.String({
    minLength: 1,
    maxLength: 100,
    pattern: '^[A-Za-z0-9][A-Za-z0-9 _.-]*$',
    description: 'What tasks call it (letters, digits, space, _ . -)',
  }),
  kind: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres'), Type.Literal('mysql')], {
    description: 'sqlite (a file), postgres or mysql (MySQL/MariaDB)',
  }),
  location: Text(
    4096,
    'sqlite: the file; postgres/mysql: a URL such as postgres://user@host:5432/db (password separately)',
  ),
  password: Type.String({ maxLength: 1024, default: '', secret: true, description: 'Password' }),
  access: Access,
};

/** A new data source. */
export const DataSourceCreateInput = Type.Object(
  { ...dataSourceFields, password: Type.Optional(dataSourceFields.password) },
  { additionalProperties: false },
);
export type DataSourceCreateInput = Static<typeof DataSourceCreateInput>;

/** A change to a data source: what is sent is replaced; the masked password keeps it. */
export const DataSourceUpdateInput = Type.Partial(
  // No default here: a change that does not send the password keeps it.
  Type.Object({
    ...dataSourceFields,
    password: Type.String({ maxLength: 1024, secret: true, description: 'Password' }),
  }),
  { additionalProperties: false },
);
export type DataSourceUpdateInput = Static<typeof DataSourceUpdateInput>;
