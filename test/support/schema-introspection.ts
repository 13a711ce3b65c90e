import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type {
  ColumnShape,
  IndexShape,
  SchemaModel,
  TableShape,
  TypeFamily,
} from './schema-model.ts';

// ---------------------------------------------------------------- SQLite

/** A declared SQLite type's family, by SQLite's own type-affinity rules (in their order). */
export function sqliteFamily(declaredType: string): TypeFamily {
  const type = declaredType.toUpperCase();
  if (type.includes('INT')) return 'integer';
  if (/CHAR|CLOB|TEXT/.test(type)) return 'text';
  if (type === '' || type.includes('BLOB')) return 'blob';
  if (/REAL|FLOA|DOUB/.test(type)) return 'real';
  return 'numeric';
}

interface SqliteColumnRow {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

interface SqliteIndexRow {
  name: string;
  unique: number;
  origin: 'c' | 'u' | 'pk';
  partial: number;
}

function sqliteTable(database: SqliteDatabase.Database, name: string): TableShape {
  const rows = database
    .prepare('select name, type, "notnull", pk from pragma_table_info(?) order by cid')
    .all(name) as SqliteColumnRow[];
  return {
    name,
    columns: rows.map((row) => ({
      name: row.name,
      family: sqliteFamily(row.type),
      nullable: row.notnull === 0,
    })),
    primaryKey: rows
      .filter((row) => row.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((row) => row.name),
  };
}

function sqliteIndexes(database: SqliteDatabase.Database, table: string): IndexShape[] {
  const rows = database
    .prepare('select name, "unique", origin, partial from pragma_index_list(?)')
    .all(table) as SqliteIndexRow[];
  return rows
    .filter((row) => row.origin !== 'pk')
    .map((row) => ({
      table,
      name: row.origin === 'u' ? null : row.name,
      columns: (
        database.prepare('select name from pragma_index_info(?) order by seqno').all(row.name) as {
          name: string | null;
        }[]
      ).map((column) => column.name ?? '<expression>'),
      unique: row.unique === 1,
      partial: row.partial === 1,
    }));
}

/** The schema of a SQLite file, without SQLite's own sqlite_* tables. */
export function readSqliteSchema(file: string): SchemaModel {
  const database = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const names = (
      database
        .prepare(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'",
        )
        .all() as { name: string }[]
    ).map((row) => row.name);
    return {
      tables: names.map((name) => sqliteTable(database, name)),
      indexes: names.flatMap((name) => sqliteIndexes(database, name)),
    };
  } finally {
    database.close();
  }
}

// ---------------------------------------------------------------- PostgreSQL

const POSTGRES_FAMILIES: Readonly<Record<string, TypeFamily>> = {
  text: 'text',
  'character varying': 'text',
  character: 'text',
  smallint: 'integer',
  integer: 'integer',
  bigint: 'integer',
  real: 'real',
  'double precision': 'real',
  numeric: 'numeric',
  bytea: 'blob',
  boolean: 'boolean',
  'timestamp with time zone': 'timestamp',
  'timestamp without time zone': 'timestamp',
  date: 'timestamp',
  json: 'json',
  jsonb: 'json',
};

/** A PostgreSQL type's family, from its information_schema data_type. */
export function postgresFamily(dataType: string): TypeFamily {
  return POSTGRES_FAMILIES[dataType] ?? 'other';
}

interface PostgresColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
}

interface PostgresIndexRow {
  table_name: string;
  index_name: string;
  columns: string[];
  is_unique: boolean;
  is_partial: boolean;
  constraint_type: 'p' | 'u' | null;
}

const COLUMNS_QUERY = `
  select c.table_name, c.column_name, c.data_type, c.is_nullable
  from information_schema.columns c
  join information_schema.tables t
    on t.table_schema = c.table_schema and t.table_name = c.table_name
  where c.table_schema = $1 and t.table_type = 'BASE TABLE'
  order by c.table_name, c.ordinal_position`;

// Key columns in key order; pg_get_indexdef(index, n, true) spells the n-th one (1-based).
const INDEXES_QUERY = `
  select t.relname as table_name, i.relname as index_name,
    array(select pg_get_indexdef(x.indexrelid, k, true)
          from generate_series(1, x.indnkeyatts) as k order by k) as columns,
    x.indisunique as is_unique, x.indpred is not null as is_partial,
    con.contype as constraint_type
  from pg_index x
  join pg_class t on t.oid = x.indrelid
  join pg_class i on i.oid = x.indexrelid
  join pg_namespace n on n.oid = t.relnamespace
  left join pg_constraint con on con.conindid = x.indexrelid and con.contype in ('p', 'u')
  where n.nspname = $1`;

function postgresTables(
  columns: readonly PostgresColumnRow[],
  indexes: readonly PostgresIndexRow[],
): TableShape[] {
  const byTable = new Map<string, ColumnShape[]>();
  for (const row of columns) {
    const list = byTable.get(row.table_name) ?? [];
    list.push({
      name: row.column_name,
      family: postgresFamily(row.data_type),
      nullable: row.is_nullable === 'YES',
    });
    byTable.set(row.table_name, list);
  }
  return [...byTable].map(([name, tableColumns]) => ({
    name,
    columns: tableColumns,
    primaryKey:
      indexes.find((index) => index.table_name === name && index.constraint_type === 'p')
        ?.columns ?? [],
  }));
}

/** The schema of one PostgreSQL schema (namespace) of the database at `url`. */
export async function readPostgresSchema(url: string, schema: string): Promise<SchemaModel> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = (await client.query<PostgresColumnRow>(COLUMNS_QUERY, [schema])).rows;
    const indexes = (await client.query<PostgresIndexRow>(INDEXES_QUERY, [schema])).rows;
    return {
      tables: postgresTables(columns, indexes),
      indexes: indexes
        .filter((row) => row.constraint_type !== 'p')
        .map((row) => ({
          table: row.table_name,
          name: row.constraint_type === 'u' ? null : row.index_name,
          columns: row.columns,
          unique: row.is_unique,
          partial: row.is_partial,
        })),
    };
  } finally {
    await client.end();
  }
}
