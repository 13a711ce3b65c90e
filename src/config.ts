import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isValidTimeZone, systemTimeZone } from './domain/timezone.ts';

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
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** A setting that is wrong; the message names the variable. */
export class ConfigError extends Error {
  constructor(variable: string, expected: string, got: string) {
    super(`${variable} must be ${expected} (got ${JSON.stringify(got)})`);
    this.name = 'ConfigError';
  }
}

/** The variables, their meaning and default: the README's configuration table follows this. */
export const CONFIG_VARIABLES = {
  TASKPLANNER_CONFIG: 'A JSON file with any of these variables as keys; the environment wins',
  TASKPLANNER_DATA_DIR:
    'Folder for the SQLite file, the secret key and the working folders of runs (./data)',
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
} as const;

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

/** Reads the JSON config file named by TASKPLANNER_CONFIG, as a source of variables. */
function fileSource(path: string): Source {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      'TASKPLANNER_CONFIG',
      'a readable JSON file',
      `${path}: ${(error as Error).message}`,
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
  return {
    dataDir: read(source, 'TASKPLANNER_DATA_DIR') ?? './data',
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
  };
}

/** The configuration of this process. */
export function loadConfig(): Config {
  return resolveConfig(process.env);
}
