import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isValidTimeZone, systemTimeZone } from './domain/timezone.ts';
import type { GidRange } from './plugins/builtin/programs/run-groups.ts';
import { coerceError } from './domain/coerce-error.ts';

/** Everything the server can be configured with, resolved and checked. */
export interface Config {
  dataDir: string;
  databaseUrl: string | null;
  host: string;
  port: number;
  adminPassword: string | null;
  secret: string | null;
  httpBasic: boolean;
  logLevel: LogLevel;
  timezone: string;
  bodyLimitBytes: number;
  sessionHours: number;
  /** false; true (every hop, only behind a proxy that strips client headers); hops; or proxy addresses. */
  trustProxy: boolean | number | string[];
  /** Clients reach the server over HTTPS, so cookies are Secure and browsers are told to stay on HTTPS. */
  https: boolean;
  /** This node's name in the run history. */
  nodeName: string;
  /** Runs this node executes at once. */
  maxRuns: number;
  leaseSeconds: number;
  shutdownGraceSeconds: number;
  misfireGraceSeconds: number;
  /** Plugin modules to load: package names or paths. */
  plugins: string[];
  /** The unprivileged OS user (name or uid) programs of command jobs run as; null: the server's own. */
  runAs: string | null;
  /** Group ids given out one per running program, so runs cannot enter each other's folders. */
  runGids: GidRange | null;
  /** Where programs run as runAs get their private folders. */
  programDir: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** A setting that is wrong; the message names the variable. */
export class ConfigError extends Error {
  constructor(variable: string, expected: string, got: string) {
    super(`${variable} must be ${expected} (got ${JSON.stringify(got)})`);
    this.name = 'ConfigError';
  }

  /** A setting that is well-formed but cannot be used here; problem says why. */
  static unusable(variable: string, problem: string): ConfigError {
    const error = new ConfigError(variable, '', '');
    error.message = `${variable}: ${problem}`;
    return error;
  }
}

/** The variables, their meaning and default: docs/configuration.md's table follows this. */
export const CONFIG_VARIABLES = {
  TASKPLANNER_CONFIG: 'A JSON file with any of these variables as keys; the environment wins',
  TASKPLANNER_DATA_DIR:
    'Folder for the SQLite file, the secret key and the working folders of runs; closed to other users (0700) (./data)',
  TASKPLANNER_DATABASE_URL:
    'postgres:// URL selects PostgreSQL; unset means SQLite in the data folder',
  TASKPLANNER_HOST: 'Address to listen on (127.0.0.1)',
  TASKPLANNER_PORT: 'Port to listen on, 0 for any free one (8080)',
  TASKPLANNER_ADMIN_PASSWORD:
    'Password of the admin user created on first start (generated and printed)',
  TASKPLANNER_SECRET:
    'Key for secrets at rest, 32+ characters (generated into <data dir>/secret.key)',
  TASKPLANNER_HTTP_BASIC: 'Accept HTTP Basic authentication on the API (true)',
  TASKPLANNER_LOG_LEVEL: 'fatal, error, warn, info, debug, trace or silent (info)',
  TASKPLANNER_TIMEZONE: "Default time zone of new tasks (the machine's)",
  TASKPLANNER_BODY_LIMIT: 'Largest accepted request body in bytes (1048576)',
  TASKPLANNER_SESSION_HOURS: 'A browser session ends after this many hours without use (12)',
  TASKPLANNER_TRUST_PROXY:
    'Behind a reverse proxy: its addresses/CIDRs (comma-separated) or the number of proxy hops, whose X-Forwarded-For is trusted (false)',
  TASKPLANNER_HTTPS:
    'Clients reach the server over HTTPS (say, through a reverse proxy): Secure cookie, HSTS, upgrade-insecure-requests (false)',
  TASKPLANNER_PLUGINS:
    'Plugins to load, comma-separated: package names, or paths relative to the working folder',
  TASKPLANNER_NODE_NAME: "This server's name in the run history (the host name)",
  TASKPLANNER_MAX_RUNS: 'Runs one server executes at once; more wait in the queue (10000)',
  TASKPLANNER_LEASE_SECONDS:
    'A run whose server sent no heartbeat for this long is interrupted and retried per policy (30)',
  TASKPLANNER_SHUTDOWN_GRACE_SECONDS:
    'On SIGTERM, running runs get this long to finish before they are interrupted (10)',
  TASKPLANNER_MISFIRE_GRACE_SECONDS:
    'An occurrence later than this counts as missed for the misfire policy "skip" (60)',
  TASKPLANNER_RUN_AS:
    "The unprivileged OS user (name or uid) the programs of command jobs run as; the server must run as root to switch to it. Unset: programs run as the server's own user, which makes the permission job.command equal to administering the server",
  TASKPLANNER_RUN_GIDS:
    "With TASKPLANNER_RUN_AS: unused group ids (first-last), one given to each running program, so that programs running at the same time cannot read each other's folders; as many as programs may run at once (unset: all programs share the user's group and can)",
  TASKPLANNER_PROGRAM_DIR:
    'With TASKPLANNER_RUN_AS: the folder for the private folders of programs; that user must be able to enter it (<data dir>-programs, beside the data folder, which it may not enter)',
} as const;

/** The variables that hold secrets: scrubSecretsFromEnv() removes them once read. */
export const SECRET_VARIABLES = [
  'TASKPLANNER_ADMIN_PASSWORD',
  'TASKPLANNER_SECRET',
  'TASKPLANNER_DATABASE_URL',
] as const satisfies readonly (keyof typeof CONFIG_VARIABLES)[];

type Source = Record<string, string | undefined>;

function read(source: Source, name: keyof typeof CONFIG_VARIABLES): string | undefined {
  const value = source[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(
  source: Source,
  name: keyof typeof CONFIG_VARIABLES,
  min: number,
  max: number,
  fallback: number,
): number {
  const raw = read(source, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `a whole number from ${min} to ${max}`, raw);
  }
  return value;
}

function flag(source: Source, name: keyof typeof CONFIG_VARIABLES, fallback: boolean): boolean {
  const raw = read(source, name);
  if (raw === undefined) return fallback;
  if (/^(true|1|yes|on)$/i.test(raw)) return true;
  if (/^(false|0|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

function trustProxy(source: Source): boolean | number | string[] {
  const raw = read(source, 'TASKPLANNER_TRUST_PROXY');
  if (raw === undefined || /^(false|no|off)$/i.test(raw)) return false;
  if (/^(true|yes|on)$/i.test(raw)) return true;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const addresses = raw.split(',').map((part) => part.trim());
  if (addresses.every((address) => /^[0-9a-f:.]+(\/\d{1,3})?$/i.test(address))) return addresses;
  throw new ConfigError(
    'TASKPLANNER_TRUST_PROXY',
    'false, true, a hop count, or proxy addresses',
    raw,
  );
}

function databaseUrl(source: Source): string | null {
  const raw = read(source, 'TASKPLANNER_DATABASE_URL');
  if (raw === undefined) return null;
  if (!/^postgres(ql)?:\/\/./.test(raw)) {
    // Never echo credentials: keep the scheme and host, drop user and password.
    const shown = raw.replace(/\/\/[^@/]*@/, '//***@');
    throw new ConfigError('TASKPLANNER_DATABASE_URL', 'a postgres:// or postgresql:// URL', shown);
  }
  return raw;
}

function oneOf<T extends string>(
  source: Source,
  name: keyof typeof CONFIG_VARIABLES,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = read(source, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw))
    throw new ConfigError(name, `one of ${allowed.join(', ')}`, raw);
  return raw as T;
}

function secret(source: Source): string | null {
  const raw = read(source, 'TASKPLANNER_SECRET');
  if (raw !== undefined && raw.length < 32) {
    throw new ConfigError('TASKPLANNER_SECRET', 'at least 32 characters long', '(hidden)');
  }
  return raw ?? null;
}

function timezone(source: Source): string {
  const raw = read(source, 'TASKPLANNER_TIMEZONE');
  if (raw === undefined) return systemTimeZone();
  if (!isValidTimeZone(raw))
    throw new ConfigError('TASKPLANNER_TIMEZONE', 'an IANA time zone name', raw);
  return raw;
}

/** The largest group id: 2^32 - 2, since -1 means "no change" to setgid. */
const MAX_GID = 4_294_967_294;

function runGids(source: Source, runAs: string | null): GidRange | null {
  const raw = read(source, 'TASKPLANNER_RUN_GIDS');
  if (raw === undefined) return null;
  if (runAs === null) {
    throw new ConfigError('TASKPLANNER_RUN_GIDS', 'set only with TASKPLANNER_RUN_AS', raw);
  }
  const match = /^(\d+)\s*-\s*(\d+)$/.exec(raw);
  const [first, last] = [Number(match?.[1]), Number(match?.[2])];
  // gid 0 is root's group: its files are often readable by it.
  if (!match || first < 1 || first > last || last > MAX_GID) {
    throw new ConfigError(
      'TASKPLANNER_RUN_GIDS',
      `a range first-last of group ids from 1 to ${MAX_GID}`,
      raw,
    );
  }
  return { first, last };
}

/** Reads the JSON config file named by TASKPLANNER_CONFIG, as a source of variables. */
function fileSource(path: string): Source {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      'TASKPLANNER_CONFIG',
      'a readable JSON file',
      `${path}: ${coerceError(error).message}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('TASKPLANNER_CONFIG', 'a JSON object of variables', path);
  }
  const source: Source = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in CONFIG_VARIABLES))
      throw new ConfigError('TASKPLANNER_CONFIG', 'made of known variables only', key);
    source[key] = String(value);
  }
  return source;
}

/** Resolves the configuration from the environment (and the config file it names). */
export function resolveConfig(env: Source): Config {
  const file = read(env, 'TASKPLANNER_CONFIG');
  const source: Source = { ...(file === undefined ? {} : fileSource(file)), ...env };
  const dataDir = read(source, 'TASKPLANNER_DATA_DIR') ?? './data';
  const runAs = read(source, 'TASKPLANNER_RUN_AS') ?? null;
  return {
    dataDir,
    databaseUrl: databaseUrl(source),
    host: read(source, 'TASKPLANNER_HOST') ?? '127.0.0.1',
    port: integer(source, 'TASKPLANNER_PORT', 0, 65535, 8080),
    adminPassword: read(source, 'TASKPLANNER_ADMIN_PASSWORD') ?? null,
    secret: secret(source),
    httpBasic: flag(source, 'TASKPLANNER_HTTP_BASIC', true),
    logLevel: oneOf(source, 'TASKPLANNER_LOG_LEVEL', LOG_LEVELS, 'info'),
    timezone: timezone(source),
    bodyLimitBytes: integer(source, 'TASKPLANNER_BODY_LIMIT', 1024, 100 * 1024 * 1024, 1024 * 1024),
    sessionHours: integer(source, 'TASKPLANNER_SESSION_HOURS', 1, 24 * 365, 12),
    trustProxy: trustProxy(source),
    https: flag(source, 'TASKPLANNER_HTTPS', false),
    nodeName: read(source, 'TASKPLANNER_NODE_NAME') ?? hostname(),
    maxRuns: integer(source, 'TASKPLANNER_MAX_RUNS', 1, 100_000, 10_000),
    leaseSeconds: integer(source, 'TASKPLANNER_LEASE_SECONDS', 1, 3600, 30),
    shutdownGraceSeconds: integer(source, 'TASKPLANNER_SHUTDOWN_GRACE_SECONDS', 0, 3600, 10),
    misfireGraceSeconds: integer(source, 'TASKPLANNER_MISFIRE_GRACE_SECONDS', 0, 86_400, 60),
    plugins: (read(source, 'TASKPLANNER_PLUGINS') ?? '')
      .split(',')
      .map((spec) => spec.trim())
      .filter((spec) => spec !== ''),
    runAs,
    runGids: runGids(source, runAs),
    programDir:
      read(source, 'TASKPLANNER_PROGRAM_DIR') ?? `${dataDir.replace(/(.)\/+$/, '$1')}-programs`,
  };
}

/**
 * Removes the secret variables from env, so that code running later in this process (a
 * plugin, a child process given the environment) does not find them. This does not change
 * /proc/<pid>/environ, which keeps the environment the process started with: what keeps
 * programs from reading it is that they run as another user (TASKPLANNER_RUN_AS).
 */
export function scrubSecretsFromEnv(env: Source): void {
  for (const name of SECRET_VARIABLES) delete env[name];
}

/** The configuration of this process; the secret variables are removed from its environment. */
export function loadConfig(): Config {
  const config = resolveConfig(process.env);
  scrubSecretsFromEnv(process.env);
  return config;
}
