// Stores, an owner and tasks for the engine benchmarks, made directly in the store.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SystemClock } from '../src/engine/clock.ts';
import { followDatabaseClock } from '../src/engine/database-clock.ts';
import { ENGINE_DEFAULTS, Engine } from '../src/engine/engine.ts';
import { join } from 'node:path';
import pg from 'pg';
import { bootstrapAdmin } from '../src/auth/bootstrap-admin.ts';
import { DEFAULT_POLICY, type Task, type TaskPolicy } from '../src/domain/task.ts';
import { PermissionCatalog } from '../src/domain/permissions.ts';
import type { Plugin } from '../src/plugins/plugin.ts';
import { ComponentRegistry } from '../src/plugins/registry.ts';
import { installPlugin } from '../src/plugins/install.ts';
import { builtinPlugin } from '../src/plugins/builtin/index.ts';
import { openStore, type StoreLocation } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import { storedTriggersOf } from '../src/tasks/trigger-sync.ts';
import { LiveRuns } from '../src/engine/live-runs.ts';
import { RunHosts } from '../src/engine/run-host.ts';
import { SecretBox } from '../src/secrets/secret-box.ts';
import { DataSourceService } from '../src/settings/data-source-service.ts';
import { LdapSettingsService } from '../src/settings/ldap-settings-service.ts';
import { SettingsService } from '../src/settings/settings-service.ts';
import { HolidayRegister } from '../src/calendar/holiday-register.ts';

export const POSTGRES_URL =
  process.env.TASKPLANNER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Start delays (actual start minus scheduled time) the probe job measured. */
export const lateness: number[] = [];

/** Jobs for benchmarks: one that does nothing, one that notes how late it started. */
export const benchPlugin: Plugin = {
  name: 'bench',
  components: [
    {
      category: 'job',
      kind: 'noop',
      title: 'No-op',
      description: '',
      configSchema: {} as never,
      produces: [],
      run: async () => [],
    },
    {
      category: 'job',
      kind: 'probe',
      title: 'Probe',
      description: '',
      configSchema: {} as never,
      produces: [],
      run: async (_config, context) => {
        if (context.scheduledFor) lateness.push(Date.now() - context.scheduledFor.getTime());
        return [];
      },
    },
  ],
};

/** A registry with the built-in and the bench kinds. */
export function benchRegistry(): ComponentRegistry {
  const registry = new ComponentRegistry();
  const catalog = new PermissionCatalog();
  for (const plugin of [builtinPlugin, benchPlugin]) installPlugin(plugin, registry, catalog);
  return registry;
}

/** A fresh, migrated store of either kind, and where it lives. */
export async function benchStore(
  kind: 'sqlite' | 'postgres',
): Promise<{ store: Store; location: StoreLocation }> {
  let location: StoreLocation;
  if (kind === 'sqlite') {
    location = { databaseUrl: null, dataDir: mkdtempSync(join(tmpdir(), 'tp-bench-')) };
  } else {
    const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
    location = { databaseUrl: POSTGRES_URL, dataDir: '', schema };
  }
  const store = openStore(location);
  await store.migrate();
  return { store, location };
}

/** Drops a PostgreSQL bench schema. */
export async function dropSchema(schema: string | undefined): Promise<void> {
  if (!schema) return;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

/** The admin user, who owns the bench tasks. */
export async function benchOwner(store: Store): Promise<string> {
  await bootstrapAdmin(store, new PermissionCatalog(), 'bench-password-1', new Date());
  const admin = await store.users.getWithSecretByLogin('admin');
  if (!admin) throw new Error('no admin');
  return admin.id;
}

/** Inserts tasks with their stored triggers, in transactions of 1,000. */
export async function insertTasks(
  store: Store,
  registry: ComponentRegistry,
  count: number,
  make: (index: number) => Pick<Task, 'triggers' | 'jobs'> & { policy?: Partial<TaskPolicy> },
  ownerId: string,
  now: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let from = 0; from < count; from += 1000) {
    await store.transaction(async (tx) => {
      for (let index = from; index < Math.min(count, from + 1000); index++) {
        const spec = make(index);
        const task: Task = {
          id: randomUUID(),
          ownerId,
          ownerLogin: 'admin',
          ownerName: 'admin',
          name: `bench ${index}`,
          description: '',
          enabled: true,
          timezone: 'UTC',
          triggers: spec.triggers,
          jobs: spec.jobs,
          actions: [],
          series: null,
          policy: { ...DEFAULT_POLICY, ...spec.policy },
          notices: null,
          expiresAt: null,
          hidden: false,
          revision: 1,
          createdAt: new Date(now),
          updatedAt: new Date(now),
        };
        await tx.tasks.insert(task);
        await tx.triggers.replaceForTask(
          task.id,
          storedTriggersOf(task, { registry, holidays: new HolidayRegister() }, [], now),
        );
        ids.push(task.id);
      }
    });
  }
  return ids;
}

/** p-th percentile of the values (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
    NaN
  );
}

const quiet = { info: () => {}, error: (message: string) => console.error(message) };

/** An engine on the machine's (or the database's) clock, with the bench kinds. */
export async function startBenchEngine(
  store: Store,
  node: string,
): Promise<{ engine: Engine; stop: () => Promise<void> }> {
  const clock = new SystemClock();
  const stopClock = await followDatabaseClock(store, clock, (error) => console.error(error));
  const options = {
    ...ENGINE_DEFAULTS,
    nodeName: node,
    workRoot: join(tmpdir(), `tp-bench-work-${node}`),
  };
  const box = new SecretBox('a key for the secrets of task planner benchmarks');
  const now = () => new Date();
  const settings = new SettingsService(store, box, now);
  const dataSources = new DataSourceService(store, box, now);
  const ldap = new LdapSettingsService(store, box, now);
  const hosts = new RunHosts(store, settings, dataSources, ldap, box, Date.now);
  const parts = { live: new LiveRuns(), hosts, box, settings, holidays: new HolidayRegister() };
  const engine = new Engine(store, benchRegistry(), clock, options, quiet, parts);
  await engine.start();
  return {
    engine,
    stop: async () => {
      await engine.stop(5000);
      await stopClock();
    },
  };
}
