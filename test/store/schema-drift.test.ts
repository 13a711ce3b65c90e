// The two dialects keep separate migration files (src/store/sqlite/ and src/store/postgres/).
// This test migrates a fresh database of each with the project's own runner, reads back what
// was built, and asserts both hold the same tables, columns, keys and indexes, so the files
// cannot drift apart. Whatever migrations exist are applied: nothing here lists tables.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sqliteFile } from '../../src/store/open-store.ts';
import { backends, type TestStore } from '../support/backends.ts';
import { TEST_DATABASE_URL } from '../support/postgres.ts';
import { readPostgresSchema, readSqliteSchema } from '../support/schema-introspection.ts';
import {
  describeDiff,
  diffSchemas,
  mapFamilies,
  schemaFacts,
  type SchemaModel,
} from '../support/schema-model.ts';

// ---------------------------------------------------------------- intended differences

/**
 * SQLite has no boolean type: its migrations declare flags `integer` and the store writes
 * 0 and 1, where PostgreSQL's declare `boolean`. A PostgreSQL boolean therefore matches a
 * SQLite integer.
 */
const POSTGRES_AS_SQLITE_STORES_IT = { boolean: 'integer' } as const;

/**
 * SQLite, unlike PostgreSQL, does not make a primary key's columns NOT NULL unless a
 * column says so (a legacy quirk, see https://sqlite.org/lang_createtable.html#the_primary_key),
 * and the SQLite migrations write `id text primary key`. The store never writes a null key,
 * so key columns are compared as not null.
 */
function keyColumnsNotNull(model: SchemaModel): SchemaModel {
  return {
    ...model,
    tables: model.tables.map((table) => ({
      ...table,
      columns: table.columns.map((column) =>
        table.primaryKey.includes(column.name) ? { ...column, nullable: false } : column,
      ),
    })),
  };
}

function sqliteModel(testStore: TestStore): SchemaModel {
  return keyColumnsNotNull(readSqliteSchema(sqliteFile(testStore.location.dataDir)));
}

async function postgresModel(testStore: TestStore): Promise<SchemaModel> {
  const schema = testStore.location.schema;
  if (schema === undefined) throw new Error('the PostgreSQL test store has no schema of its own');
  return mapFamilies(
    await readPostgresSchema(TEST_DATABASE_URL, schema),
    POSTGRES_AS_SQLITE_STORES_IT,
  );
}

function assertSameSchema(sqlite: SchemaModel, postgres: SchemaModel): void {
  const diff = diffSchemas(sqlite, postgres);
  assert.deepEqual(
    diff,
    { onlyInLeft: [], onlyInRight: [] },
    `the migrations drifted apart:\n${describeDiff(diff, 'SQLite', 'PostgreSQL')}`,
  );
}

// ---------------------------------------------------------------- the two dialects

const [sqliteBackend, postgresBackend] = await backends();
if (!sqliteBackend || !postgresBackend)
  throw new Error('expected a SQLite and a PostgreSQL backend');

describe('migrated schemas', { skip: postgresBackend.skip }, () => {
  const opened: TestStore[] = [];
  before(async () => {
    opened.push(
      ...(await Promise.all([sqliteBackend.open('drift'), postgresBackend.open('drift')])),
    );
  });
  after(async () => {
    await Promise.all(opened.map((testStore) => testStore.dispose()));
  });

  it('SQLite and PostgreSQL build the same tables, columns, keys and indexes', async () => {
    const [sqlite, postgres] = opened;
    assert.ok(sqlite && postgres, 'both stores are open');
    const sqliteSchema = sqliteModel(sqlite);
    assert.ok(
      sqliteSchema.tables.some((table) => table.name === 'schema_migrations'),
      'the schema was read back (the runner always creates schema_migrations)',
    );
    assertSameSchema(sqliteSchema, await postgresModel(postgres));
  });
});

// ---------------------------------------------------------------- the comparison itself

const baseline: SchemaModel = {
  tables: [
    {
      name: 'runs',
      columns: [
        { name: 'id', family: 'text', nullable: false },
        { name: 'state', family: 'text', nullable: false },
      ],
      primaryKey: ['id'],
    },
  ],
  indexes: [
    { table: 'runs', name: 'runs_state', columns: ['state'], unique: false, partial: true },
  ],
};

function withRuns(change: (runs: SchemaModel['tables'][number]) => object): SchemaModel {
  return { ...baseline, tables: baseline.tables.map((table) => ({ ...table, ...change(table) })) };
}

describe('diffSchemas', () => {
  it('finds nothing between equal schemas', () => {
    assert.deepEqual(diffSchemas(baseline, structuredClone(baseline)), {
      onlyInLeft: [],
      onlyInRight: [],
    });
  });

  it('names a column only one side has', () => {
    const extra = withRuns((runs) => ({
      columns: [...runs.columns, { name: 'note', family: 'text', nullable: true }],
    }));
    const diff = diffSchemas(baseline, extra);
    assert.deepEqual(diff, { onlyInLeft: [], onlyInRight: ['column runs.note: text null'] });
    assert.equal(
      describeDiff(diff, 'SQLite', 'PostgreSQL'),
      'only in PostgreSQL:\n  column runs.note: text null',
    );
  });

  it('names both sides of a column whose type family or nullability differs', () => {
    const changed = withRuns((runs) => ({
      columns: runs.columns.map((column) =>
        column.name === 'state' ? { ...column, family: 'integer', nullable: true } : column,
      ),
    }));
    assert.deepEqual(diffSchemas(baseline, changed), {
      onlyInLeft: ['column runs.state: text not null'],
      onlyInRight: ['column runs.state: integer null'],
    });
  });

  it('names an index only one side has, and one whose columns or kind differ', () => {
    const other: SchemaModel = {
      ...baseline,
      indexes: [
        {
          table: 'runs',
          name: 'runs_state',
          columns: ['state', 'id'],
          unique: false,
          partial: true,
        },
        { table: 'runs', name: null, columns: ['state'], unique: true, partial: false },
      ],
    };
    assert.deepEqual(diffSchemas(baseline, other), {
      onlyInLeft: ['index runs_state on runs(state) (partial)'],
      onlyInRight: [
        'index runs_state on runs(state, id) (partial)',
        'unique constraint on runs(state)',
      ],
    });
  });

  it('names a primary key that differs', () => {
    const rekeyed = withRuns(() => ({ primaryKey: ['id', 'state'] }));
    assert.deepEqual(diffSchemas(baseline, rekeyed), {
      onlyInLeft: ['primary key runs(id)'],
      onlyInRight: ['primary key runs(id, state)'],
    });
  });
});

describe('readSqliteSchema', () => {
  let testStore: TestStore | undefined;
  before(async () => {
    testStore = await sqliteBackend.open('drift-probe');
  });
  after(async () => {
    await testStore?.dispose();
  });

  it('sees a column and an index added after the migrations', () => {
    assert.ok(testStore);
    const file = sqliteFile(testStore.location.dataDir);
    const migrated = readSqliteSchema(file);
    const database = new SqliteDatabase(file);
    database.exec('alter table runs add column drift_probe integer not null default 0');
    database.exec('create unique index runs_drift_probe on runs(drift_probe, id)');
    database.close();
    assert.deepEqual(diffSchemas(migrated, readSqliteSchema(file)), {
      onlyInLeft: [],
      onlyInRight: [
        'column runs.drift_probe: integer not null',
        'unique index runs_drift_probe on runs(drift_probe, id)',
      ],
    });
    assert.ok(schemaFacts(migrated).includes('primary key runs(id)'), 'keys are read back');
  });
});
