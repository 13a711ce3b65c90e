import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DatabaseTarget } from '../../src/datasources/query-database.ts';
import type { DataSourceKind } from '../../src/domain/settings.ts';
import { TEST_DATABASE_URL } from './postgres.ts';

/** The MariaDB server tests use (root with no password, database test). */
export const TEST_MYSQL_URL =
  process.env.TASKPLANNER_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** A row of the orders table every seeded database holds. */
export interface Order {
  id: number;
  customer: string;
  amount: number;
  created: Date;
}

/** The orders: one whose customer is itself SQL, so pasting it into a query would show. */
export const ORDERS: readonly Order[] = [
  { id: 1, customer: 'Ann', amount: 12.5, created: new Date('2026-03-01T08:00:00Z') },
  { id: 2, customer: "x' OR '1'='1", amount: 7.25, created: new Date('2026-03-02T09:30:00Z') },
  { id: 3, customer: 'Bob, "the builder"', amount: 100, created: new Date('2026-03-03T10:45:00Z') },
];

/** A database holding a fresh orders table, and how to throw it away. */
export interface SeededDatabase {
  kind: DataSourceKind;
  target: DatabaseTarget;
  /** The table's name (unique per seeding, so tests never share data). */
  table: string;
  drop(): Promise<void>;
}

const COLUMNS = ['id', 'customer', 'amount', 'created'] as const;

async function seedSqlite(table: string): Promise<SeededDatabase> {
  const folder = await mkdtemp(join(tmpdir(), 'tp-sqlite-source-'));
  const location = join(folder, 'orders.db');
  const db = new Database(location);
  db.exec(
    `create table ${table} (id integer primary key, customer text, amount real, created text)`,
  );
  const insert = db.prepare(`insert into ${table} values (?, ?, ?, ?)`);
  for (const order of ORDERS) {
    insert.run(order.id, order.customer, order.amount, order.created.toISOString());
  }
  db.close();
  return {
    kind: 'sqlite',
    target: { kind: 'sqlite', location, password: '' },
    table,
    drop: () => rm(folder, { recursive: true, force: true }),
  };
}

async function withPostgres(fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}

async function seedPostgres(table: string): Promise<SeededDatabase> {
  await withPostgres(async (client) => {
    await client.query(
      `create table ${table} (id integer primary key, customer text, amount double precision, created timestamptz)`,
    );
    for (const order of ORDERS) {
      await client.query(
        `insert into ${table} values ($1, $2, $3, $4)`,
        COLUMNS.map((c) => order[c]),
      );
    }
  });
  return {
    kind: 'postgres',
    target: { kind: 'postgres', location: TEST_DATABASE_URL, password: '' },
    table,
    drop: () => withPostgres((client) => client.query(`drop table if exists ${table}`)),
  };
}

async function withMysql(fn: (connection: mysql.Connection) => Promise<unknown>): Promise<void> {
  const connection = await mysql.createConnection({ uri: TEST_MYSQL_URL, timezone: 'Z' });
  try {
    await fn(connection);
  } finally {
    await connection.end();
  }
}

async function seedMysql(table: string): Promise<SeededDatabase> {
  await withMysql(async (connection) => {
    await connection.query(
      `create table ${table} (id int primary key, customer varchar(100), amount double, created datetime)`,
    );
    for (const order of ORDERS) {
      await connection.execute(
        `insert into ${table} values (?, ?, ?, ?)`,
        COLUMNS.map((c) => order[c]),
      );
    }
  });
  return {
    kind: 'mysql',
    target: { kind: 'mysql', location: TEST_MYSQL_URL, password: '' },
    table,
    drop: () => withMysql((connection) => connection.query(`drop table if exists ${table}`)),
  };
}

/** Creates the orders table in a database of that kind (SQLite in a temp file). */
export function seedOrders(kind: DataSourceKind): Promise<SeededDatabase> {
  const table = `orders_${randomBytes(4).toString('hex')}`;
  switch (kind) {
    case 'sqlite':
      return seedSqlite(table);
    case 'postgres':
      return seedPostgres(table);
    case 'mysql':
      return seedMysql(table);
  }
}

/** The kinds of database a data source can be: all three are on every test machine. */
export const DATABASE_KINDS: readonly DataSourceKind[] = ['sqlite', 'postgres', 'mysql'];
