// The `taskplanner` command line as a real process over a SQLite data folder.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  basicAuth,
  describeOutput,
  httpJson,
  runCli,
  startServer,
  tempDir,
  type CliResult,
  type ProcessEnv,
  type ServerProcess,
} from '../support/processes.ts';
import { passwordOf } from '../support/passwords.ts';

/** Runs the CLI and asserts that it succeeded, showing its output when not. */
async function ok(args: string[], env: ProcessEnv): Promise<CliResult> {
  const result = await runCli(args, env);
  assert.equal(
    result.code,
    0,
    `taskplanner ${args.join(' ')}\n${describeOutput(result.stdout, result.stderr)}`,
  );
  return result;
}

/** Runs the CLI and asserts the exit code 2 of an expected error with this code. */
async function failsWith(args: string[], env: ProcessEnv, code: string): Promise<CliResult> {
  const result = await runCli(args, env);
  const output = `taskplanner ${args.join(' ')}\n${describeOutput(result.stdout, result.stderr)}`;
  assert.equal(result.code, 2, output);
  assert.match(result.stderr, new RegExp(`^Error \\(${code}\\): `), output);
  assert.doesNotMatch(result.stderr, /^\s+at /m, `no stack trace\n${output}`);
  return result;
}

function lines(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.split('\t'));
}

/** `user list` as {login: [displayName, state, permissions]}. */
async function listUsers(env: ProcessEnv): Promise<Record<string, string[]>> {
  const rows = lines((await ok(['user', 'list'], env)).stdout);
  return Object.fromEntries(rows.map(([login = '', ...rest]) => [login, rest]));
}

/** `task list` as sorted "owner enabled name" rows, and the raw lines. */
async function listTasks(env: ProcessEnv, user?: string) {
  const result = await ok(['task', 'list', ...(user === undefined ? [] : ['--user', user])], env);
  const rows = lines(result.stdout);
  return {
    raw: result.stdout,
    ids: rows.map(([id = '']) => id),
    rows: rows.map(([, owner, enabled, name]) => `${owner} ${enabled} ${name}`).sort(),
  };
}

// Each suite works in its own data folder, so the suites run side by side; the steps of one suite
// build on each other and run in order.
const sequential = { concurrency: 1 };

/** Running servers of this file, stopped in `after` even when a test failed. */
const running = new Set<ServerProcess>();
after(async () => {
  await Promise.all([...running].map((server) => server.stop()));
});

async function withServer<T>(
  env: ProcessEnv,
  use: (server: ServerProcess) => Promise<T>,
): Promise<T> {
  const server = await startServer(env);
  running.add(server);
  try {
    return await use(server);
  } finally {
    await server.stop();
    running.delete(server);
  }
}

describe('taskplanner CLI', { concurrency: true }, () => {
  describe('taskplanner migrate', sequential, () => {
    const dir = tempDir('cli-migrate');
    const env = { TASKPLANNER_DATA_DIR: dir.path };
    after(() => dir.remove());

    it('applies the migrations on an empty folder, then finds nothing to do', async () => {
      const first = await ok(['migrate'], env);
      assert.match(first.stdout, /^Applied 0001_initial/);
      assert.ok(existsSync(join(dir.path, 'taskplanner.db')));
      const second = await ok(['migrate'], env);
      assert.equal(second.stdout.trim(), 'The schema is up to date');
    });
  });

  describe('taskplanner user and token', sequential, () => {
    const dir = tempDir('cli-users');
    const env = { TASKPLANNER_DATA_DIR: dir.path };
    after(() => dir.remove());
    let bobPassword = '';
    let token = '';

    it('user add creates a user that user list shows with its permissions', async () => {
      const added = await ok(
        [
          'user',
          'add',
          'alice',
          '--password',
          'looking-glass-1',
          '--name',
          'Alice Liddell',
          '--email',
          'alice@example.com',
          '--permission',
          'taskplanner',
        ],
        env,
      );
      assert.match(added.stdout, /^Created alice \(\S+\) with taskplanner$/m);
      assert.doesNotMatch(added.stdout, /Password/, 'a given password is not printed');
      assert.deepEqual((await listUsers(env)).alice, ['Alice Liddell', 'enabled', 'taskplanner']);
    });

    it('user add without --password or --permission prints a generated password and grants taskplanner', async () => {
      const added = await ok(['user', 'add', 'bob'], env);
      assert.match(added.stdout, /^Created bob \(\S+\) with taskplanner$/m);
      bobPassword = /^Password: (\S+)$/m.exec(added.stdout)?.[1] ?? '';
      assert.notEqual(bobPassword, '', added.stdout);
    });

    it('user grant and user revoke change the listed permissions', async () => {
      const granted = await ok(
        ['user', 'grant', 'alice', 'taskplanner.admin', 'users.manage'],
        env,
      );
      assert.match(
        granted.stdout,
        /alice now holds: taskplanner, taskplanner\.admin, users\.manage/,
      );
      assert.equal((await listUsers(env)).alice?.[2], 'taskplanner,taskplanner.admin,users.manage');
      await ok(['user', 'revoke', 'alice', 'taskplanner.admin', 'users.manage'], env);
      assert.equal((await listUsers(env)).alice?.[2], 'taskplanner');
    });

    it('user grant of an unknown permission exits 2 naming it, and grants nothing', async () => {
      const result = await failsWith(
        ['user', 'grant', 'alice', 'taskplanner.admin', 'no.such.permission'],
        env,
        'VALIDATION_FAILED',
      );
      assert.match(result.stderr, /no\.such\.permission/);
      assert.equal(
        (await listUsers(env)).alice?.[2],
        'taskplanner',
        'not even the known permission',
      );
    });

    it('user add of a login that exists, in any case, exits 2 with LOGIN_TAKEN', async () => {
      const [exact, upper] = await Promise.all([
        failsWith(['user', 'add', 'alice', '--password', 'another-pass-1'], env, 'LOGIN_TAKEN'),
        failsWith(
          ['user', 'add', 'ALICE', '--password', 'another-pass-1', '--name', 'Impostor'],
          env,
          'LOGIN_TAKEN',
        ),
      ]);
      assert.match(exact.stderr, /alice/);
      assert.match(upper.stderr, /ALICE/);
      const users = await listUsers(env);
      assert.deepEqual(users, {
        alice: ['Alice Liddell', 'enabled', 'taskplanner'],
        bob: ['bob', 'enabled', 'taskplanner'],
      });
    });

    it('commands naming an unknown user exit 2 with NOT_FOUND', async () => {
      const result = await failsWith(
        ['user', 'passwd', 'carol', '--password', 'nobody-here-1'],
        env,
        'NOT_FOUND',
      );
      assert.match(result.stderr, /carol/);
    });

    it('user passwd sets the password', async () => {
      const changed = await ok(['user', 'passwd', 'alice', '--password', 'rabbit-hole-23'], env);
      assert.equal(changed.stdout.trim(), 'Password of alice changed');
    });

    it('token create prints only the token secret', async () => {
      const created = await ok(['token', 'create', 'alice', '--name', 'ci'], env);
      assert.match(created.stdout, /^tpat_\S+\n$/);
      token = created.stdout.trim();
    });

    it('a server on the same folder accepts the new password, the generated one and the token, not the old password', async () => {
      await withServer(env, async (server) => {
        const me = (authorization: string) =>
          httpJson<{ login: string; authenticatedBy: string }>(`${server.url}/api/v1/me`, {
            authorization,
          });

        const withNew = await me(basicAuth('alice', 'rabbit-hole-23'));
        assert.equal(withNew.status, 200, JSON.stringify(withNew.body));
        assert.equal(withNew.body.login, 'alice');

        const withOld = await me(basicAuth('alice', 'looking-glass-1'));
        assert.equal(withOld.status, 401, JSON.stringify(withOld.body));

        const asBob = await me(basicAuth('bob', bobPassword));
        assert.equal(asBob.status, 200, JSON.stringify(asBob.body));
        assert.equal(asBob.body.login, 'bob');

        const withToken = await me(`Bearer ${token}`);
        assert.equal(withToken.status, 200, JSON.stringify(withToken.body));
        assert.deepEqual(
          [withToken.body.login, withToken.body.authenticatedBy],
          ['alice', 'token'],
        );

        assert.doesNotMatch(server.stdout(), /with password/, 'no admin is made when users exist');
      });
    });
  });

  interface ExportFile {
    format: string;
    version: number;
    tasks: ({ owner: string; id: string; name: string } & Record<string, unknown>)[];
  }

  /** An exported task without what differs between copies (its id). */
  function comparable(task: ExportFile['tasks'][number]) {
    const { id: _id, ...rest } = task;
    return rest;
  }

  function byName(a: { name: string }, b: { name: string }): number {
    return a.name.localeCompare(b.name);
  }

  describe('taskplanner task list, export and import', sequential, () => {
    const source = tempDir('cli-tasks-source');
    const target = tempDir('cli-tasks-target');
    const sourceEnv = { TASKPLANNER_DATA_DIR: source.path };
    const targetEnv = { TASKPLANNER_DATA_DIR: target.path };
    const exportFile = join(source.path, 'export.json');
    after(() => {
      source.remove();
      target.remove();
    });

    const daily = {
      id: 'daily',
      kind: 'time',
      config: { start: '2026-01-01T06:30', intervals: [{ kind: 'days' }] },
    };
    const hourly = {
      id: 'hourly',
      kind: 'time',
      config: { start: '2026-01-01T00:00', intervals: [{ kind: 'hours' }] },
    };
    const seeded = [
      {
        owner: 'alice',
        name: 'Alice daily',
        description: 'Sends the report',
        timezone: 'Europe/Berlin',
        triggers: [daily],
      },
      { owner: 'alice', name: 'Alice twice', timezone: 'Asia/Kolkata', triggers: [daily, hourly] },
      {
        owner: 'bob',
        name: 'Bob paused',
        enabled: false,
        timezone: 'America/New_York',
        triggers: [hourly],
      },
    ];

    before(async () => {
      // Seed through the API, so export is checked against tasks import did not make.
      const admin = basicAuth('admin', 'boss-pass-1');
      await withServer(
        { ...sourceEnv, TASKPLANNER_ADMIN_PASSWORD: 'boss-pass-1' },
        async (server) => {
          for (const login of ['alice', 'bob']) {
            const user = await httpJson(`${server.url}/api/v1/users`, {
              authorization: admin,
              body: { login, password: passwordOf(login), permissions: ['taskplanner'] },
            });
            assert.equal(user.status, 201, JSON.stringify(user.body));
          }
          for (const { owner, ...task } of seeded) {
            const created = await httpJson(`${server.url}/api/v1/tasks`, {
              authorization: basicAuth(owner, passwordOf(owner)),
              body: task,
            });
            assert.equal(created.status, 201, JSON.stringify(created.body));
          }
        },
      );
    });

    it('task list shows every task with its owner, and --user only that user’s', async () => {
      assert.deepEqual((await listTasks(sourceEnv)).rows, [
        'alice enabled Alice daily',
        'alice enabled Alice twice',
        'bob disabled Bob paused',
      ]);
      assert.deepEqual((await listTasks(sourceEnv, 'alice')).rows, [
        'alice enabled Alice daily',
        'alice enabled Alice twice',
      ]);
    });

    it('task export writes every task with owner and definition to a file', async () => {
      const result = await ok(['task', 'export', '--output', exportFile], sourceEnv);
      assert.equal(result.stdout, '', 'nothing on standard output');
      const exported = JSON.parse(readFileSync(exportFile, 'utf8')) as ExportFile;
      assert.equal(exported.format, 'taskplanner-tasks');
      assert.equal(exported.version, 1);
      const tasks = [...exported.tasks].sort(byName);
      assert.deepEqual(
        tasks.map((task) => [task.owner, task.name, task.timezone, task.enabled, task.triggers]),
        seeded.map((task) => [
          task.owner,
          task.name,
          task.timezone,
          task.enabled ?? true,
          task.triggers,
        ]),
      );
      assert.equal(tasks[0]?.description, 'Sends the report');
    });

    it('task export --user to standard output has only that user’s tasks', async () => {
      const result = await ok(['task', 'export', '--user', 'bob'], sourceEnv);
      const exported = JSON.parse(result.stdout) as ExportFile;
      assert.deepEqual(
        exported.tasks.map((task) => [task.owner, task.name]),
        [['bob', 'Bob paused']],
      );
    });

    it('task import into a fresh folder recreates the tasks for the same owners', async () => {
      await ok(['user', 'add', 'alice', '--password', 'looking-glass-2'], targetEnv);
      await ok(['user', 'add', 'bob', '--password', 'builder-pass-2'], targetEnv);
      const imported = await ok(['task', 'import', exportFile], targetEnv);
      assert.equal(imported.stdout.trim(), 'Imported 3 tasks');

      const original = (JSON.parse(readFileSync(exportFile, 'utf8')) as ExportFile).tasks.sort(
        byName,
      );
      const copy = (
        JSON.parse((await ok(['task', 'export'], targetEnv)).stdout) as ExportFile
      ).tasks.sort(byName);
      assert.deepEqual(copy.map(comparable), original.map(comparable));
      const originalIds = new Set(original.map((task) => task.id));
      assert.ok(
        copy.every((task) => !originalIds.has(task.id)),
        'imported tasks get new ids',
      );
    });

    it('task import --user gives every task to that user', async () => {
      const other = tempDir('cli-tasks-bob');
      try {
        const env = { TASKPLANNER_DATA_DIR: other.path };
        await ok(['user', 'add', 'bob', '--password', 'builder-pass-3'], env);
        const imported = await ok(['task', 'import', exportFile, '--user', 'bob'], env);
        assert.equal(imported.stdout.trim(), 'Imported 3 tasks');
        assert.deepEqual((await listTasks(env)).rows, [
          'bob disabled Bob paused',
          'bob enabled Alice daily',
          'bob enabled Alice twice',
        ]);
      } finally {
        other.remove();
      }
    });

    describe('an import file with one bad task imports none', () => {
      const good = { owner: 'alice', name: 'Would be fine', triggers: [hourly] };
      const bad: [string, string, Record<string, unknown>, RegExp][] = [
        [
          'an unknown trigger kind',
          'UNKNOWN_COMPONENT_KIND',
          { owner: 'bob', name: 'Bad kind', triggers: [{ kind: 'nope', config: {} }] },
          /nope/,
        ],
        [
          'an unknown time zone',
          'VALIDATION_FAILED',
          { owner: 'bob', name: 'Bad zone', timezone: 'Mars/Olympus_Mons' },
          /Mars\/Olympus_Mons/,
        ],
        [
          'an unknown owner',
          'VALIDATION_FAILED',
          { owner: 'mallory', name: 'Nobody’s' },
          /mallory/,
        ],
      ];
      let unchanged = '';
      before(async () => {
        unchanged = (await listTasks(targetEnv)).raw;
        assert.equal(lines(unchanged).length, 3);
      });
      for (const [what, code, task, named] of bad) {
        it(`exits 2 (${code}) for ${what}, naming it, and leaves the tasks as they were`, async () => {
          const file = join(target.path, `bad-${code}-${what.replace(/\W+/g, '-')}.json`);
          // The good task comes first, so an import that is not all-or-nothing would keep it.
          writeFileSync(
            file,
            JSON.stringify({ format: 'taskplanner-tasks', version: 1, tasks: [good, task] }),
          );
          const result = await failsWith(['task', 'import', file], targetEnv, code);
          assert.match(result.stderr, named);
          assert.match(result.stderr, /Task 1/, 'names the bad entry');
          assert.equal((await listTasks(targetEnv)).raw, unchanged);
        });
      }
    });
  });
});
