import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Authenticator } from './auth/authenticator.ts';
import type { Config } from './config.ts';
import { CredentialChecker } from './auth/credentials.ts';
import { GroupService } from './auth/group-service.ts';
import { LoginService } from './auth/login-service.ts';
import { SessionManager } from './auth/session-manager.ts';
import { TokenService } from './auth/token-service.ts';
import { UserService } from './auth/user-service.ts';
import { PermissionCatalog } from './domain/permissions.ts';
import { builtinPlugin } from './plugins/builtin/index.ts';
import { installPlugin } from './plugins/install.ts';
import type { Plugin } from './plugins/plugin.ts';
import { ComponentRegistry } from './plugins/registry.ts';
import { LiveRuns } from './engine/live-runs.ts';
import { RunService } from './runs/run-service.ts';
import { OutboxService } from './mail/outbox-service.ts';
import { HookLinks } from './secrets/hook-links.ts';
import { SecretBox } from './secrets/secret-box.ts';
import { HookService } from './runs/hook-service.ts';
import { resolveSecretKey } from './secret-key.ts';
import { DataSourceService } from './settings/data-source-service.ts';
import { SettingsService } from './settings/settings-service.ts';
import { RunHosts } from './engine/run-host.ts';
import { ENGINE_DEFAULTS } from './engine/engine.ts';
import { Runner } from './engine/runner.ts';
import { UnsavedRunService } from './runs/unsaved-run-service.ts';
import { HolidayRegister } from './calendar/holiday-register.ts';
import type { Store } from './store/store.ts';
import { TaskService } from './tasks/task-service.ts';
import { TaskGrantService } from './tasks/grant-service.ts';
import { TaskDisposer } from './tasks/task-disposal.ts';
import { DirectoryService } from './auth/directory-service.ts';
import { LdapLogin } from './auth/ldap/ldap-login.ts';
import { LdapSettingsService } from './settings/ldap-settings-service.ts';
import { OidcSettingsService } from './settings/oidc-settings-service.ts';
import { OidcClients } from './auth/oidc/oidc-client.ts';
import { OidcSignIn } from './auth/oidc/oidc-sign-in.ts';

/** The application's use cases, shared by the HTTP API and the CLI. */
export interface Services {
  store: Store;
  catalog: PermissionCatalog;
  registry: ComponentRegistry;
  sessions: SessionManager;
  authenticator: Authenticator;
  credentials: CredentialChecker;
  logins: LoginService;
  tokens: TokenService;
  users: UserService;
  groups: GroupService;
  tasks: TaskService;
  /** Tasks' rights lists. */
  grants: TaskGrantService;
  /** The users and groups tasks can be shared with. */
  directory: DirectoryService;
  runs: RunService;
  /** The runs executing in this process (the engine's), for live logs and cancelling. */
  live: LiveRuns;
  settings: SettingsService;
  /** The LDAP directory users log in with. */
  ldap: LdapSettingsService;
  /** The OpenID provider users may sign in with. */
  oidc: OidcSettingsService;
  /** Signing in with that provider. */
  sso: OidcSignIn;
  dataSources: DataSourceService;
  /** Encrypts the secrets in configs and settings. */
  box: SecretBox;
  /** The server's services as components use them in runs. */
  hosts: RunHosts;
  /** The URLs of HTTP triggers. */
  hooks: HookService;
  /** The mail outbox: its messages and their delivery. */
  outbox: OutboxService;
  /** Running task definitions that are not saved (POST /tasks/execute). */
  unsavedRuns: UnsavedRunService;
  /** The days of the holiday calendars schedules exclude, as the engine has read them. */
  holidays: HolidayRegister;
}

/** The settings the services need. */
export interface ServiceOptions {
  defaultTimezone: string;
  sessionHours: number;
  httpBasic: boolean;
  /** The key secrets are encrypted with at rest. */
  secretKey: string;
  /** Plugins besides the built-in one, e.g. a test's own kinds. */
  plugins?: readonly Plugin[];
  /** Where unsaved runs get their working folders (default: under the system's temporary folder). */
  workRoot?: string;
}

/** The service options a configuration gives; makes the secret key on first use. */
export function serviceOptionsOf(
  config: Pick<Config, 'timezone' | 'sessionHours' | 'httpBasic' | 'secret' | 'dataDir'>,
): ServiceOptions {
  return {
    workRoot: join(config.dataDir, 'work', 'unsaved'),
    defaultTimezone: config.timezone,
    sessionHours: config.sessionHours,
    httpBasic: config.httpBasic,
    secretKey: resolveSecretKey(config.secret, config.dataDir),
  };
}

/** Wires the services over one store and one clock. */
export function createServices(
  store: Store,
  options: ServiceOptions,
  now: () => Date = () => new Date(),
): Services {
  const catalog = new PermissionCatalog();
  const registry = new ComponentRegistry();
  for (const plugin of [builtinPlugin, ...(options.plugins ?? [])])
    installPlugin(plugin, registry, catalog);
  const sessions = new SessionManager(store, now, options.sessionHours * 3_600_000);
  const box = new SecretBox(options.secretKey);
  const ldap = new LdapSettingsService(store, box, now);
  const oidc = new OidcSettingsService(store, box, now);
  const credentials = new CredentialChecker(
    store,
    () => now().getTime(),
    new LdapLogin(store, ldap, now),
  );
  const tokens = new TokenService(store, now);
  const authenticator = new Authenticator(store, sessions, tokens, credentials, {
    httpBasic: options.httpBasic,
  });
  const holidays = new HolidayRegister();
  const tasks = new TaskService(
    store,
    { registry, defaultTimezone: options.defaultTimezone, box },
    holidays,
    now,
  );
  const live = new LiveRuns();
  const settings = new SettingsService(store, box, now);
  const dataSources = new DataSourceService(store, box, now);
  const runs = new RunService(store, tasks, live, now);
  const hosts = new RunHosts(store, settings, dataSources, ldap, box, () => now().getTime());
  const runner = new Runner({
    store,
    registry,
    hosts,
    box,
    settings: () => settings.recent(),
    now: () => now().getTime(),
    workRoot: options.workRoot ?? join(tmpdir(), 'taskplanner-unsaved-runs'),
    jobConcurrency: ENGINE_DEFAULTS.jobConcurrency,
  });
  return {
    store,
    catalog,
    registry,
    sessions,
    authenticator,
    credentials,
    tokens,
    logins: new LoginService(store, credentials, sessions, now),
    users: new UserService(store, catalog, credentials, now, new TaskDisposer(tasks)),
    groups: new GroupService(store, catalog, now),
    tasks,
    grants: new TaskGrantService(store, tasks, now),
    directory: new DirectoryService(store),
    runs,
    live,
    settings,
    ldap,
    oidc,
    sso: new OidcSignIn(store, oidc, sessions, box, new OidcClients(() => now().getTime()), now),
    dataSources,
    box,
    hosts,
    hooks: new HookService(store, new HookLinks(options.secretKey), now),
    outbox: new OutboxService(store, runs, settings, now),
    unsavedRuns: new UnsavedRunService(store, tasks, runner, () => now().getTime()),
    holidays,
  };
}
