// `taskplanner serve` as a real process: first start, restarts, two nodes, bad settings.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestSchema, postgresUnavailable, TEST_DATABASE_URL } from '../support/postgres.ts';
import {
  basicAuth,
  describeOutput,
  freePort,
  httpJson,
  runCli,
  spawnServer,
  startServer,
  tempDir,
  untilHealthy,
  waitFor,
  type ProcessEnv,
  type ServerProcess,
} from '../support/processes.ts';

const PASSWORD_LINE = /log in as 'admin' with password (\S+)/g;

interface TaskBody {
  id: string;
  name: string;
  revision: number;
  ownerLogin: string;
  triggers: { kind: string; config: Record<string, unknown> }[];
}

/** Every running server of this file, so `after` can stop the ones a failed test left. */
const running = new Set<ServerProcess>();

async function start(env: ProcessEnv): Promise<ServerProcess> {
  const server = await startServer(env);
  running.add(server);
  return server;
}

async function stop(server: ServerProcess) {
  const exit = await server.stop();
  running.delete(server);
  return exit;
}

after(async () => {
  await Promise.all([...running].map((server) => server.stop()));
});

/** The test database with every connection working inside this schema. */
function postgresUrl(schema: string): string {
  const separator = TEST_DATABASE_URL.includes('?') ? '&' : '?';
  return `${TEST_DATABASE_URL}${separator}options=-c%20search_path%3D${schema}`;
}

/** The generated admin passwords a server printed. */
function printedPasswords(server: ServerProcess): string[] {
  return [...server.stdout().matchAll(PASSWORD_LINE)].map((match) => match[1] ?? '');
}

const dailyTrigger = {
  kind: 'time',
  config: { start: '2026-01-01T06:30', intervals: [{ kind: 'days' }] },
};

/**
 * The first-start and restart story, told the same way over any store: storeEnv() gives the
 * variables that select this store (called once, in `before`; every start uses the same ones).
 */
function describeFirstStartAndRestart(storeEnv: () => ProcessEnv) {
  let env: ProcessEnv;
  let server: ServerProcess;
  let password = '';
  let authorization = '';
  let task: TaskBody;

  before(() => {
    env = storeEnv();
  });

  it('serves /healthz and /readyz on an empty store', async () => {
    server = await start(env);
    const health = await httpJson<{ status: string }>(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
    const ready = await httpJson(`${server.url}/readyz`);
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
  });

  it('prints the generated admin password exactly once, and it works', async () => {
    // The line is written before listening, but the pipe may be read after the health check.
    await waitFor(() => printedPasswords(server).length > 0, { timeoutMs: 5_000 });
    const passwords = printedPasswords(server);
    assert.equal(passwords.length, 1, describeOutput(server.stdout(), server.stderr()));
    password = passwords[0] ?? '';
    assert.match(password, /^\S{12,}$/);
    authorization = basicAuth('admin', password);
    const me = await httpJson<{ login: string; can: { manageUsers: boolean } }>(
      `${server.url}/api/v1/me`,
      {
        authorization,
      },
    );
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.login, 'admin');
    assert.equal(me.body.can.manageUsers, true);
    const wrong = await httpJson(`${server.url}/api/v1/me`, {
      authorization: basicAuth('admin', `${password}x`),
    });
    assert.equal(wrong.status, 401);
  });

  it('asks for the generated password to be changed before anything else', async () => {
    const me = await httpJson<{ mustChangePassword: boolean }>(`${server.url}/api/v1/me`, {
      authorization,
    });
    assert.equal(me.body.mustChangePassword, true);
    const blocked = await httpJson<{ code: string }>(`${server.url}/api/v1/tasks`, {
      authorization,
    });
    assert.equal(blocked.status, 403, JSON.stringify(blocked.body));
    assert.equal(blocked.body.code, 'PASSWORD_CHANGE_REQUIRED');
    const newPassword = `${password}-mine`;
    const changed = await httpJson(`${server.url}/api/v1/me/password`, {
      method: 'PUT',
      authorization,
      body: { currentPassword: password, newPassword },
    });
    assert.equal(changed.status, 204, JSON.stringify(changed.body));
    authorization = basicAuth('admin', newPassword);
  });

  it('keeps the generated secret key readable by the owner only', () => {
    const key = join(env.TASKPLANNER_DATA_DIR ?? '', 'secret.key');
    assert.ok(existsSync(key), `${key} exists`);
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.ok(statSync(key).size >= 32, 'the key is not empty');
  });

  it('creates a task over the API', async () => {
    const created = await httpJson<TaskBody>(`${server.url}/api/v1/tasks`, {
      authorization,
      body: { name: 'Nightly report', timezone: 'Europe/Berlin', triggers: [dailyTrigger] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.revision, 1);
    task = created.body;
  });

  it('stops cleanly on SIGTERM', async () => {
    const exit = await stop(server);
    assert.deepEqual(
      exit,
      { code: 0, signal: null },
      describeOutput(server.stdout(), server.stderr()),
    );
  });

  it('still has the task after a restart on the same store, and prints no password again', async () => {
    server = await start(env);
    const listed = await httpJson<{ items: TaskBody[] }>(`${server.url}/api/v1/tasks`, {
      authorization,
    });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(
      listed.body.items.map((each) => [each.id, each.name, each.revision]),
      [[task.id, 'Nightly report', 1]],
    );
    const one = await httpJson<TaskBody>(`${server.url}/api/v1/tasks/${task.id}`, {
      authorization,
    });
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.triggers, task.triggers);
    assert.doesNotMatch(server.stdout(), /password/i, 'the second start prints no password');
    assert.deepEqual(await stop(server), { code: 0, signal: null });
  });
}

describe('serve over SQLite', () => {
  const dir = tempDir('serve-sqlite');
  after(() => dir.remove());

  describeFirstStartAndRestart(() => ({ TASKPLANNER_DATA_DIR: dir.path }));

  it('keeps the store in the data folder', () => {
    const files = readdirSync(dir.path);
    assert.ok(files.includes('taskplanner.db'), files.join(', '));
  });

  it('refuses a second server on the folder while one runs, and starts once it has stopped', async () => {
    const env = { TASKPLANNER_DATA_DIR: dir.path, TASKPLANNER_ADMIN_PASSWORD: 'unused-pass-1' };
    const first = await start(env);
    try {
      const second = await runCli(['serve'], env, { timeoutMs: 20_000 });
      const output = describeOutput(second.stdout, second.stderr);
      assert.equal(second.code, 2, output);
      assert.match(
        second.stderr,
        /^Configuration error: TASKPLANNER_DATA_DIR: another server already runs on the data folder /,
        output,
      );
      const health = await httpJson(`${first.url}/healthz`);
      assert.equal(health.status, 200, 'the first server runs on');
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    // The lock went with the killed process: no stale lock keeps the next server out.
    const next = await start(env);
    assert.deepEqual(await stop(next), { code: 0, signal: null });
  });
});

const postgresSkip = (await postgresUnavailable()) ?? false;

describe('serve over PostgreSQL', { skip: postgresSkip }, () => {
  // The data folder still holds the secret key; the store is the schema.
  const dir = tempDir('serve-pg');
  let schema: Awaited<ReturnType<typeof createTestSchema>> | undefined;
  before(async () => {
    schema = await createTestSchema('serve');
  });
  after(async () => {
    await schema?.drop();
    dir.remove();
  });

  describeFirstStartAndRestart(() => ({
    TASKPLANNER_DATA_DIR: dir.path,
    TASKPLANNER_DATABASE_URL: postgresUrl(schema?.schema ?? 'missing'),
  }));

  it('writes no SQLite file when PostgreSQL is the store', () => {
    assert.ok(!existsSync(join(dir.path, 'taskplanner.db')));
  });
});

describe(
  'two servers starting at once on one empty PostgreSQL schema',
  { skip: postgresSkip },
  () => {
    const adminPassword = 'shared-boss-password-1';
    const authorization = basicAuth('admin', adminPassword);
    const dirA = tempDir('serve-pg-a');
    const dirB = tempDir('serve-pg-b');
    let schema: Awaited<ReturnType<typeof createTestSchema>> | undefined;
    let a: ServerProcess;
    let b: ServerProcess;

    before(async () => {
      schema = await createTestSchema('twonodes');
    });
    after(async () => {
      await schema?.drop();
      dirA.remove();
      dirB.remove();
    });

    it('both come up healthy', async () => {
      const [portA, portB] = [await freePort(), await freePort()];
      const common = {
        TASKPLANNER_DATABASE_URL: postgresUrl(schema?.schema ?? 'missing'),
        TASKPLANNER_ADMIN_PASSWORD: adminPassword,
      };
      // Spawned in the same tick, so both migrate and bootstrap the admin concurrently.
      const spawned = [
        spawnServer({
          ...common,
          TASKPLANNER_DATA_DIR: dirA.path,
          TASKPLANNER_PORT: String(portA),
        }),
        spawnServer({
          ...common,
          TASKPLANNER_DATA_DIR: dirB.path,
          TASKPLANNER_PORT: String(portB),
        }),
      ];
      for (const server of spawned) running.add(server);
      const results = await Promise.allSettled(spawned.map((server) => untilHealthy(server)));
      const failures = results.flatMap((result) =>
        result.status === 'rejected' ? [String(result.reason)] : [],
      );
      assert.deepEqual(failures, []);
      [a, b] = spawned as [ServerProcess, ServerProcess];
      for (const server of spawned) {
        const ready = await httpJson(`${server.url}/readyz`);
        assert.equal(ready.status, 200);
      }
    });

    it('created exactly one admin, seen alike through both', async () => {
      for (const server of [a, b]) {
        const users = await httpJson<{ items: { login: string }[] }>(`${server.url}/api/v1/users`, {
          authorization,
        });
        assert.equal(users.status, 200, JSON.stringify(users.body));
        assert.deepEqual(
          users.body.items.map((user) => user.login),
          ['admin'],
        );
      }
      assert.doesNotMatch(
        a.stdout() + b.stdout(),
        /with password/,
        'a configured password is never printed',
      );
    });

    it('shows a task created through one server through the other', async () => {
      const created = await httpJson<TaskBody>(`${a.url}/api/v1/tasks`, {
        authorization,
        body: { name: 'Shared', triggers: [dailyTrigger] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const seen = await httpJson<TaskBody>(`${b.url}/api/v1/tasks/${created.body.id}`, {
        authorization,
      });
      assert.equal(seen.status, 200, JSON.stringify(seen.body));
      assert.equal(seen.body.name, 'Shared');
      assert.deepEqual(seen.body.triggers, created.body.triggers);
      await Promise.all([stop(a), stop(b)]);
    });
  },
);

// The cases are independent (each has its own folder), so they run side by side.
describe('serve with a bad configuration', { concurrency: true }, () => {
  const cases: [string, ProcessEnv][] = [
    ['TASKPLANNER_PORT', { TASKPLANNER_PORT: 'abc' }],
    ['TASKPLANNER_PORT', { TASKPLANNER_PORT: '70000' }],
    ['TASKPLANNER_DATABASE_URL', { TASKPLANNER_DATABASE_URL: 'mysql://x' }],
    ['TASKPLANNER_LOG_LEVEL', { TASKPLANNER_LOG_LEVEL: 'loud' }],
  ];
  for (const [variable, env] of cases) {
    it(`exits at once with an error naming ${variable} (${JSON.stringify(env)})`, async () => {
      const dir = tempDir('serve-bad');
      try {
        // A server that started anyway would never exit: the timeout turns that into a failure.
        const result = await runCli(
          ['serve'],
          { TASKPLANNER_DATA_DIR: dir.path, TASKPLANNER_ADMIN_PASSWORD: 'never-used-1', ...env },
          { timeoutMs: 20_000 },
        );
        const output = describeOutput(result.stdout, result.stderr);
        assert.equal(result.code, 2, output);
        assert.match(
          result.stderr,
          new RegExp(`^Configuration error: ${variable} must be `),
          output,
        );
        assert.doesNotMatch(result.stderr, /^\s+at /m, `no stack trace\n${output}`);
        assert.deepEqual(readdirSync(dir.path), [], 'nothing is created');
      } finally {
        dir.remove();
      }
    });
  }

  it('exits non-zero when the PostgreSQL server cannot be reached', async () => {
    const own = tempDir('serve-nopg');
    try {
      const result = await runCli(
        ['serve'],
        {
          TASKPLANNER_DATA_DIR: own.path,
          TASKPLANNER_DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`,
          TASKPLANNER_PORT: String(await freePort()),
        },
        { timeoutMs: 20_000 },
      );
      assert.notEqual(result.code, 0, describeOutput(result.stdout, result.stderr));
      assert.match(result.stderr, /ECONNREFUSED/, 'says why');
    } finally {
      own.remove();
    }
  });
});
