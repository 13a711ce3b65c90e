import type { FastifyInstance } from 'fastify';
import { bootstrapAdmin } from '../../src/auth/bootstrap-admin.ts';
import { seedRoles } from '../../src/auth/seed-roles.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type ServiceOptions, type Services } from '../../src/services.ts';
import { ApiClient } from './api-client.ts';
import type { Backend, TestStore } from './backends.ts';
import { LOOPBACK_NETWORKS } from './http-peer.ts';
import { passwordOf } from './passwords.ts';

export { passwordOf };

/** The admin password of every test app (the password policy refuses one containing 'admin'). */
export const ADMIN_PASSWORD = 'first-boss-key-1';

/** A running app over a fresh store, with helpers to act as its users. */
export interface TestApp {
  app: FastifyInstance;
  services: Services;
  testStore: TestStore;
  anonymous: ApiClient;
  admin: ApiClient;
  /** Logs in with a password, returning a client with the session cookie and CSRF token. */
  login(login: string, password: string): Promise<ApiClient>;
  /** Creates a user through the API (as admin) and logs them in. */
  user(login: string, permissions?: string[]): Promise<{ id: string; client: ApiClient }>;
  close(): Promise<void>;
}

/** How a test app differs from the default one. */
export interface TestAppOptions {
  services?: Partial<ServiceOptions>;
  now?: () => Date;
  https?: boolean;
  /**
   * The allowedNetworks setting stored before the test starts: default the loopback networks
   * the test peers listen on; null stores nothing, leaving a new server's defaults.
   */
  allowedNetworks?: readonly string[] | null;
  /** Make the shipped roles as a server's first start does (src/auth/seed-roles.ts). */
  roles?: boolean;
}

/** Builds the app over a fresh store of the backend, with the admin created. */
export async function startTestApp(
  backend: Backend,
  label: string,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const testStore = await backend.open(label);
  const services = createServices(
    testStore.store,
    {
      defaultTimezone: 'Europe/Berlin',
      sessionHours: 12,
      httpBasic: true,
      secretKey: 'a test key for the secrets of task planner tests',
      ...options.services,
    },
    options.now ?? (() => new Date()),
  );
  await bootstrapAdmin(testStore.store, services.catalog, ADMIN_PASSWORD, new Date());
  if (options.roles) await seedRoles(testStore.store, services.catalog, new Date());
  const allowedNetworks =
    options.allowedNetworks === undefined ? LOOPBACK_NETWORKS : options.allowedNetworks;
  // Straight into the store, as a setting made before the test: no audit event to count.
  if (allowedNetworks !== null) {
    await testStore.store.settings.set('allowedNetworks', [...allowedNetworks], new Date());
  }
  const app = await buildApp({
    services,
    config: {
      bodyLimitBytes: 1024 * 1024,
      trustProxy: false,
      https: options.https ?? false,
      timezone: 'Europe/Berlin',
    },
    logger: false,
    version: 'test',
  });
  const login = async (name: string, password: string): Promise<ApiClient> => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { login: name, password },
    });
    if (response.statusCode !== 200) throw new Error(`login of ${name} failed: ${response.body}`);
    const cookie = response.cookies.find((each) => each.name === 'taskplanner_session');
    const csrf = (JSON.parse(response.body) as { csrfToken: string }).csrfToken;
    return new ApiClient(app, { cookie: `taskplanner_session=${cookie?.value ?? ''}`, csrf });
  };
  const admin = await login('admin', ADMIN_PASSWORD);
  return {
    app,
    services,
    testStore,
    anonymous: new ApiClient(app),
    admin,
    login,
    user: async (name, permissions = ['taskplanner']) => {
      const password = passwordOf(name);
      const created = await admin.post('/api/v1/users', { login: name, password, permissions });
      if (created.status !== 201)
        throw new Error(`creating ${name} failed: ${JSON.stringify(created.body)}`);
      return { id: (created.body as { id: string }).id, client: await login(name, password) };
    },
    close: async () => {
      await app.close();
      await testStore.dispose();
    },
  };
}
