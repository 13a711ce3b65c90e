import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import {
  queryDatabase,
  type DatabaseTarget,
  type QueryLimits,
} from '../../src/datasources/query-database.ts';
import type { DataSourceKind } from '../../src/domain/settings.ts';
import {
  DATABASE_KINDS,
  ORDERS,
  seedOrders,
  TEST_MYSQL_URL,
  type SeededDatabase,
} from '../support/data-databases.ts';
import { eventually } from '../support/engine-runs.ts';
import { TEST_DATABASE_URL } from '../support/postgres.ts';

const noPlaceholders = () => undefined;

/** A text no other statement holds, to find this test's statement among the running ones. */
function marker(): string {
  return `tp_marker_${randomBytes(4).toString('hex')}`;
}

/**
 * A file no one has written yet, in the folder the database servers of the test machine (and
 * their OS users, postgres and mysql) can write to; the test process can see and remove it.
 */
function unwrittenFile(): string {
  return `/tmp/tp-escape-${randomBytes(6).toString('hex')}.txt`;
}

/** The pids of the SQLite query processes this test process has started. */
function sqliteQueryProcesses(): number[] {
  const processes = execFileSync('ps', ['-e', '-o', 'ppid=,pid=,args='], { encoding: 'utf8' });
  return processes
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(
      ([ppid, , ...args]) =>
        ppid === String(process.pid) && args.join(' ').includes('sqlite-query-process'),
    )
    .map(([, pid]) => Number(pid));
}

/** True while the process has the file open: it is reading the database. */
function hasOpen(pid: number, file: string): boolean {
  try {
    const folder = `/proc/${pid}/fd`;
    return readdirSync(folder).some((fd) => {
      try {
        return readlinkSync(join(folder, fd)) === file;
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    return false; // the process ended meanwhile
  }
}

/**
 * SQLite runs no list of statements: a query runs while a query process has the database
 * open. Once stopped, no query process may be left at all.
 */
async function sqliteRunning(_mark: string, location: string): Promise<number> {
  return sqliteQueryProcesses().filter((pid) => hasOpen(pid, location)).length;
}

async function postgresRunning(mark: string): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
       where state = 'active' and pid <> pg_backend_pid() and query like '%' || $1 || '%'`,
      [mark],
    );
    return result.rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

async function mysqlRunning(mark: string): Promise<number> {
  const connection = await mysql.createConnection({ uri: TEST_MYSQL_URL });
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      `select count(*) as n from information_schema.processlist
       where id <> connection_id() and info like concat('%', ?, '%')`,
      [mark],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await connection.end();
  }
}

async function postgresAdminister(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function mysqlAdminister(sql: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: TEST_MYSQL_URL });
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

async function sqliteAdminister(sql: string, location: string): Promise<void> {
  const db = new Database(location);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** Digits crossed `times` times: the numbers 1 to 10^times, in SQL MySQL and MariaDB run. */
function mysqlNumbers(times: number): string {
  const digits = [...Array(10).keys()].map((d) => `select ${d}`).join(' union all ');
  const tables = [...Array(times).keys()].map((i) => `d t${i}`);
  const value = tables.map((_, i) => `${10 ** i} * t${i}.x`).join(' + ');
  return `with d(x) as (${digits}) select ${value} + 1 as n from ${tables.join(', ')}`;
}

/** What each kind of database needs to show a finding: SQL in its dialect, and a probe. */
interface Dialect {
  /** Ten million rows, marked. */
  tenMillionRows(mark: string): string;
  /** A statement that runs far longer than a test (30 s and more), marked. */
  slow(mark: string): string;
  /** How many statements holding mark the database at location is running. */
  running(mark: string, location: string): Promise<number>;
  /** Where the server stops a statement, as the stop message says. */
  stoppedWhere: string;
  /** Statements that return no rows and, once run, write file on the database's host. */
  fileWrites(file: string): string[];
  /** Runs sql on the database at location as its administrator, not as a data source. */
  administer(sql: string, location: string): Promise<void>;
}

const SQLITE_COUNT = (limit: number) =>
  `with recursive c(x) as (select 1 union all select x + 1 from c where x < ${limit})`;

const DIALECTS: Record<DataSourceKind, Dialect> = {
  postgres: {
    tenMillionRows: (mark) => `select generate_series(1, 10000000) as n, '${mark}' as mark`,
    slow: (mark) => `select pg_sleep(30) as slept, '${mark}' as mark`,
    running: postgresRunning,
    stoppedWhere: ' on the server',
    fileWrites: (file) => [
      // A program of the user's choosing, run as the database's OS user.
      `copy (select 1) to program 'id > ${file}'`,
      `copy (select 1) to '${file}'`,
      `do $$ begin execute format('copy (select 1) to %L', '${file}'); end $$`,
    ],
    administer: postgresAdminister,
  },
  mysql: {
    tenMillionRows: (mark) => `select n, '${mark}' as mark from (${mysqlNumbers(7)}) numbers`,
    slow: (mark) => `select sleep(30) as slept, '${mark}' as mark`,
    running: mysqlRunning,
    stoppedWhere: ' on the server',
    fileWrites: (file) => [
      `select 1 into outfile '${file}'`,
      `select 'x' as a from dual into dumpfile '${file}'`,
      // MariaDB and MySQL run what such a comment holds.
      `select 1 /*! into outfile '${file}' */`,
    ],
    administer: mysqlAdminister,
  },
  sqlite: {
    tenMillionRows: (mark) => `${SQLITE_COUNT(10_000_000)} select x, '${mark}' as mark from c`,
    // About 15 s of one core, inside a single native call (no row comes out before the end).
    slow: (mark) => `${SQLITE_COUNT(100_000_000)} select count(*) as n, '${mark}' as mark from c`,
    running: sqliteRunning,
    stoppedWhere: '',
    fileWrites: (file) => [`vacuum into '${file}'`, `attach database '${file}' as w`],
    administer: sqliteAdminister,
  },
};

/** The error the promise rejects with (undefined when it resolves), to check other things first. */
function failure(promise: Promise<unknown>): Promise<Error | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );
}

/**
 * Starts the dialect's slow statement, stops the run for reason once the statement runs (and the
 * event loop still turns), and checks that the statement stopped; gives the query's error.
 */
async function stopWhileRunning(
  target: DatabaseTarget,
  dialect: Dialect,
  reason: string,
): Promise<Error | undefined> {
  const mark = marker();
  const controller = new AbortController();
  let ticks = 0;
  const ticker = setInterval(() => (ticks += 1), 10);
  try {
    const query = failure(
      queryDatabase(target, dialect.slow(mark), noPlaceholders, controller.signal),
    );
    await eventually('the statement to run', async () =>
      (await dialect.running(mark, target.location)) > 0 ? true : undefined,
    );
    const before = ticks;
    await eventually('the event loop to turn', async () =>
      ticks > before + 20 ? true : undefined,
    );
    controller.abort(reason);
    const error = await query;
    assert.deepEqual(sqliteQueryProcesses(), [], 'no query process is left behind');
    await eventually('the statement to stop', async () =>
      (await dialect.running(mark, target.location)) === 0 ? true : undefined,
    );
    return error;
  } finally {
    clearInterval(ticker);
  }
}

for (const kind of DATABASE_KINDS) {
  describe(`data-source safety on ${kind}`, () => {
    const dialect = DIALECTS[kind];
    let seeded: SeededDatabase;
    before(async () => {
      seeded = await seedOrders(kind);
    });
    after(async () => {
      await seeded.drop();
    });

    const run = (sql: string, signal?: AbortSignal, limits?: QueryLimits) =>
      queryDatabase(seeded.target, sql, noPlaceholders, signal, limits);

    it('refuses a second statement after the first, and the data stays as it was', async () => {
      const pwned = `${seeded.table}_pwned`;
      const error = await failure(
        run(`commit; create table ${pwned} (x int); drop table ${seeded.table}; select 1`),
      );
      const orders = await run(`select id from ${seeded.table} order by id`);
      assert.deepEqual(
        orders.rows.map((row) => Number(row.id)),
        ORDERS.map((order) => order.id),
      );
      await assert.rejects(run(`select x from ${pwned}`), /pwned/, 'no table was created');
      assert.equal(
        error?.message,
        "the query must be one statement: remove the ';' and what follows it",
      );
    });

    it('refuses a lone statement that returns no rows, such as COMMIT', async () => {
      await assert.rejects(run('commit'), /^Error: the query must return rows \(a SELECT\)$/);
    });

    it('refuses, without running them, statements that write files on the database host', async () => {
      const control = unwrittenFile();
      const file = unwrittenFile();
      try {
        // Else the files might be written where this test cannot see them, and it would pass.
        await dialect.administer(dialect.fileWrites(control)[0] ?? '', seeded.target.location);
        assert.ok(existsSync(control), 'the test sees the files the database writes');
        for (const sql of dialect.fileWrites(file)) {
          const error = await failure(run(sql));
          assert.equal(existsSync(file), false, `${sql} wrote its file`);
          assert.equal(error?.message, 'the query must return rows (a SELECT)', sql);
        }
      } finally {
        rmSync(control, { force: true });
        rmSync(file, { force: true });
      }
    });

    it('keeps the columns as the statement names and orders them, and its rows in order', async () => {
      const result = await run(
        `with t(x) as (values (1), (2), (3))
         select x * 10 as b, x as a, 0 as a from t order by x desc limit 2`,
      );
      assert.deepEqual(result.columns, ['b', 'a', 'a']);
      assert.deepEqual(
        result.rows.map((row) => Number(row.b)),
        [30, 20],
      );
    });

    it('stops a ten-million-row result at the cap instead of reading it whole', async () => {
      const mark = marker();
      const started = Date.now();
      await assert.rejects(
        run(dialect.tenMillionRows(mark), undefined, { maxRows: 1000 }),
        /^Error: the query returned more than 1000 rows; narrow it down$/,
      );
      const took = Date.now() - started;
      // Reading all of them takes many seconds and hundreds of megabytes.
      assert.ok(took < 5000, `stopping at the cap took ${took} ms`);
      await eventually('the statement to stop', async () =>
        (await dialect.running(mark, seeded.target.location)) === 0 ? true : undefined,
      );
    });

    it("stops the statement when the task's time-out ends the run", async () => {
      const error = await stopWhileRunning(seeded.target, dialect, 'timed-out');
      assert.equal(
        error?.message,
        `the query ran longer than the task's time-out and was stopped${dialect.stoppedWhere}`,
      );
    });
  });
}

describe('data-source safety: rows past the cap', () => {
  const lazily: [DataSourceKind, string][] = [
    // Row 5000 divides by zero: the query fails if it is ever computed.
    ['postgres', 'select n, 1 / (5000 - n) as inverse from generate_series(1, 10000) as n'],
    // Row 5000 is malformed JSON.
    [
      'sqlite',
      `${SQLITE_COUNT(10000)} select x, case when x = 5000 then json(x || '}') end from c`,
    ],
  ];
  for (const [kind, sql] of lazily) {
    it(`are never computed on ${kind}`, async () => {
      const seeded = await seedOrders(kind);
      try {
        await assert.rejects(
          queryDatabase(seeded.target, sql, noPlaceholders, undefined, { maxRows: 1000 }),
          /^Error: the query returned more than 1000 rows; narrow it down$/,
        );
      } finally {
        await seeded.drop();
      }
    });
  }
});

describe('data-source safety: PostgreSQL sessions', () => {
  let seeded: SeededDatabase;
  before(async () => {
    seeded = await seedOrders('postgres');
  });
  after(async () => {
    await seeded.drop();
  });

  it("reads only in the whole session, even with the location's own options", async () => {
    const location = `${TEST_DATABASE_URL}?options=${encodeURIComponent('-c statement_timeout=12345')}`;
    const result = await queryDatabase(
      { ...seeded.target, location },
      `select current_setting('default_transaction_read_only') as read_only,
              current_setting('statement_timeout') as statement_timeout`,
      noPlaceholders,
    );
    assert.deepEqual(result.rows, [{ read_only: 'on', statement_timeout: '12345ms' }]);
  });

  it('stops the statement on the server when the run is canceled', async () => {
    const error = await stopWhileRunning(seeded.target, DIALECTS.postgres, 'canceled');
    assert.equal(error?.message, 'the run was canceled, so the query was stopped on the server');
  });
});

describe('data-source safety: MySQL sessions', () => {
  let seeded: SeededDatabase;
  before(async () => {
    seeded = await seedOrders('mysql');
  });
  after(async () => {
    await seeded.drop();
  });

  const run = (sql: string) => queryDatabase(seeded.target, sql, noPlaceholders);

  async function maxConnections(): Promise<number> {
    const connection = await mysql.createConnection({ uri: TEST_MYSQL_URL });
    try {
      const [rows] = await connection.query<mysql.RowDataPacket[]>(
        'select @@global.max_connections as n',
      );
      return Number(rows[0]?.n);
    } finally {
      await connection.end();
    }
  }

  it('refuses SET GLOBAL without running it, so the server keeps its settings', async () => {
    const before = await maxConnections();
    try {
      const error = await failure(run(`set global max_connections = ${before + 17}`));
      assert.equal(await maxConnections(), before);
      assert.equal(error?.message, 'the query must return rows (a SELECT)');
    } finally {
      await mysqlAdminister(`set global max_connections = ${before}`);
    }
  });

  it('refuses DO and SELECT … INTO variables without running them', async () => {
    for (const sql of ['do sleep(20)', 'select sleep(20) as slept into @slept']) {
      const started = Date.now();
      const error = await failure(run(sql));
      const took = Date.now() - started;
      // Run, either would take 20 s.
      assert.ok(took < 5000, `${sql} took ${took} ms`);
      assert.equal(error?.message, 'the query must return rows (a SELECT)', sql);
    }
  });

  it('keeps to one statement when the location asks for multiple statements', async () => {
    const location = `${TEST_MYSQL_URL}?multipleStatements=true`;
    const error = await failure(
      queryDatabase(
        { ...seeded.target, location },
        `commit; drop table ${seeded.table}; select 1`,
        noPlaceholders,
      ),
    );
    const orders = await queryDatabase(
      seeded.target,
      `select count(*) as n from ${seeded.table}`,
      noPlaceholders,
    );
    assert.equal(Number(orders.rows[0]?.n), ORDERS.length);
    assert.equal(
      error?.message,
      "the query must be one statement: remove the ';' and what follows it",
    );
  });
});

describe('data-source safety: SQLite files', () => {
  let seeded: SeededDatabase;
  before(async () => {
    seeded = await seedOrders('sqlite');
  });
  after(async () => {
    await seeded.drop();
  });

  /** The database's own version numbers, as its owner reads them. */
  function versions(): unknown {
    const db = new Database(seeded.target.location, { readonly: true });
    try {
      return [
        db.pragma('user_version', { simple: true }),
        db.pragma('schema_version', { simple: true }),
      ];
    } finally {
      db.close();
    }
  }

  it('refuses pragmas that write, without running them', async () => {
    const unchanged = versions();
    for (const sql of ['pragma user_version = 5', 'pragma schema_version = 99']) {
      const error = await failure(queryDatabase(seeded.target, sql, noPlaceholders));
      assert.deepEqual(versions(), unchanged, sql);
      assert.equal(error?.message, 'the query must return rows (a SELECT)', sql);
    }
  });
});
