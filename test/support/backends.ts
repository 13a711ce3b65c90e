import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { createTestSchema, postgresUnavailable, TEST_DATABASE_URL } from './postgres.ts';

/** A migrated store of one kind, and how to throw it away. */
export interface TestStore {
  store: Store;
  /** Where it lives, to open the same data again (e.g. after a restart). */
  location: { databaseUrl: string | null; dataDir: string; schema?: string };
  dispose(): Promise<void>;
}

/** A kind of store the suites run against; skip says why it cannot run here. */
export interface Backend {
  name: 'sqlite' | 'postgres';
  skip: string | false;
  open(label: string): Promise<TestStore>;
}

/** Opens and migrates the store at a location; dispose closes it, then cleans up. */
async function openAt(
  location: TestStore['location'],
  cleanUp: () => Promise<void>,
): Promise<TestStore> {
  const store = openStore(location);
  await store.migrate();
  return {
    store,
    location,
    dispose: async () => {
      await store.close();
      await cleanUp();
    },
  };
}

async function openSqlite(label: string): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), `tp-${label}-`));
  return openAt({ databaseUrl: null, dataDir }, async () =>
    rmSync(dataDir, { recursive: true, force: true }),
  );
}

async function openPostgres(label: string): Promise<TestStore> {
  const { schema, drop } = await createTestSchema(label);
  return openAt({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema }, drop);
}

/** SQLite always; PostgreSQL when reachable (and always under CI=true). */
export async function backends(): Promise<Backend[]> {
  const unavailable = await postgresUnavailable();
  return [
    { name: 'sqlite', skip: false, open: openSqlite },
    { name: 'postgres', skip: unavailable ?? false, open: openPostgres },
  ];
}
