import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bootstrapAdmin } from '../../src/auth/bootstrap-admin.ts';
import { verifyPassword } from '../../src/auth/password.ts';
import { PASSWORD_PROBLEMS, passwordProblem } from '../../src/auth/password-policy.ts';
import { ConfigError } from '../../src/config.ts';
import { PermissionCatalog } from '../../src/domain/permissions.ts';
import { openStore } from '../../src/store/open-store.ts';
import { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { describeOutput, runCli, tempDir } from '../support/processes.ts';
import { passwordOf, startTestApp, type TestApp } from '../support/test-app.ts';

/** Weak passwords for a login, each with the sentence that refuses it. */
const weakFor = (login: string): readonly { password: string; problem: string }[] => [
  { password: `my-${login.toUpperCase()}-2024`, problem: PASSWORD_PROBLEMS.containsLogin },
  { password: 'password1', problem: PASSWORD_PROBLEMS.common },
  { password: 'QWERTY123', problem: PASSWORD_PROBLEMS.common },
  { password: 'iloveyou', problem: PASSWORD_PROBLEMS.common },
  { password: 'aaaaaaaa', problem: PASSWORD_PROBLEMS.trivial },
];
const STRONG = 'violet-harbor-58';

describe('password policy rules', () => {
  it('refuses the login inside the password in any case, from three characters on', async () => {
    assert.equal(await passwordProblem('xxOlIvIaxx', 'olivia'), PASSWORD_PROBLEMS.containsLogin);
    assert.equal(await passwordProblem('bob-is-builder', 'BOB'), PASSWORD_PROBLEMS.containsLogin);
    // A two-letter login would forbid too many good passwords: it is not searched for.
    assert.equal(await passwordProblem('violet-al-harbor', 'al'), null);
  });

  it('refuses common passwords whatever their case, and only whole matches', async () => {
    for (const common of ['password1', 'PassWord1', 'qwerty123', 'iloveyou', 'trustno1']) {
      assert.equal(await passwordProblem(common, 'someone'), PASSWORD_PROBLEMS.common, common);
    }
    assert.equal(await passwordProblem('password1-violet-harbor', 'someone'), null);
  });

  it('refuses one repeated character, a short repeated unit and a simple sequence', async () => {
    for (const trivial of [
      'aaaaaaaa',
      '########',
      'abababab',
      'abcabcab',
      'abcdefgh',
      '87654321',
    ]) {
      assert.equal(await passwordProblem(trivial, 'someone'), PASSWORD_PROBLEMS.trivial, trivial);
    }
    assert.equal(await passwordProblem('abcdefgz', 'someone'), null, 'a broken sequence');
  });

  it('counts characters, not UTF-16 units, for the minimum length', async () => {
    assert.equal(await passwordProblem('😀😀😀😀', 'someone'), PASSWORD_PROBLEMS.tooShort);
    assert.equal(await passwordProblem('😀a😀b😀c😀d', 'someone'), null);
  });
});

for (const backend of await backends()) {
  describe(`password policy over the API on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(backend, 'password-policy');
    });
    after(async () => {
      await t?.close();
    });

    const loginStatus = async (login: string, password: string) =>
      (await t.anonymous.post('/api/v1/session', { login, password })).status;
    const updates = async (id: string) =>
      (
        await t.testStore.store.audit.list({ objectType: 'user', objectId: id, limit: 50 })
      ).items.filter((event) => event.action === 'user.update').length;

    it('refuses a weak password when creating a user, creating nothing', async () => {
      const count = await t.testStore.store.users.count();
      for (const { password, problem } of weakFor('olivia')) {
        const refused = await t.admin.post('/api/v1/users', { login: 'olivia', password });
        assert.equal(refused.status, 400, password);
        assert.equal(refused.body.code, 'VALIDATION_FAILED');
        assert.equal(refused.body.errors[0].path, '/password');
        assert.equal(refused.body.errors[0].message, problem, password);
      }
      assert.equal(await t.testStore.store.users.count(), count, 'no user was created');
      const created = await t.admin.post('/api/v1/users', { login: 'olivia', password: STRONG });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(await loginStatus('olivia', STRONG), 200);
    });

    it('refuses a weak password in a reset, leaving the password, sessions and audit as they were', async () => {
      const { id, client } = await t.user('pat');
      for (const { password } of weakFor('pat')) {
        const reset = await t.admin.patch(`/api/v1/users/${id}`, { password });
        assert.equal(reset.status, 400, password);
        assert.equal(reset.body.code, 'VALIDATION_FAILED');
        assert.equal(reset.body.errors[0].path, '/password');
      }
      const renamed = await t.admin.patch(`/api/v1/users/${id}`, {
        login: 'quinn',
        password: 'hello-quinn-58',
      });
      assert.equal(renamed.status, 400, 'checked against the login the user gets');
      assert.equal(renamed.body.errors[0].message, PASSWORD_PROBLEMS.containsLogin);
      assert.equal((await t.admin.get(`/api/v1/users/${id}`)).body.login, 'pat');
      assert.equal(await loginStatus('pat', passwordOf('pat')), 200, 'the old password works');
      assert.equal((await client.get('/api/v1/me')).status, 200, 'the session was kept');
      assert.equal(await updates(id), 0, 'no change was audited');

      const accepted = await t.admin.patch(`/api/v1/users/${id}`, { password: STRONG });
      assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
      assert.equal(await loginStatus('pat', STRONG), 200);
      assert.equal(await loginStatus('pat', passwordOf('pat')), 401);
    });

    it('refuses a weak new password of ones own, at /newPassword, changing nothing', async () => {
      const { client } = await t.user('olga');
      for (const { password } of weakFor('olga')) {
        const changed = await client.put('/api/v1/me/password', {
          currentPassword: passwordOf('olga'),
          newPassword: password,
        });
        assert.equal(changed.status, 400, password);
        assert.equal(changed.body.code, 'VALIDATION_FAILED');
        assert.equal(changed.body.errors[0].path, '/newPassword');
      }
      assert.equal((await client.get('/api/v1/me')).status, 200, 'the session was kept');
      assert.equal(await loginStatus('olga', passwordOf('olga')), 200, 'the old password works');

      const changed = await client.put('/api/v1/me/password', {
        currentPassword: passwordOf('olga'),
        newPassword: STRONG,
      });
      assert.equal(changed.status, 204, JSON.stringify(changed.body));
      const basic = `Basic ${Buffer.from(`olga:${STRONG}`).toString('base64')}`;
      assert.equal(
        (await new ApiClient(t.app, { authorization: basic }).get('/api/v1/me')).status,
        200,
      );
    });
  });

  describe(
    `the first admin's configured password on ${backend.name}`,
    { skip: backend.skip },
    () => {
      it('refuses a weak TASKPLANNER_ADMIN_PASSWORD, creating no user, and takes a strong one', async () => {
        const testStore = await backend.open('password-bootstrap');
        try {
          const catalog = new PermissionCatalog();
          for (const weak of ['admin-password-1', 'iloveyou', 'short']) {
            await assert.rejects(
              bootstrapAdmin(testStore.store, catalog, weak, new Date()),
              (error: Error) =>
                error instanceof ConfigError && /^TASKPLANNER_ADMIN_PASSWORD: /.test(error.message),
            );
          }
          assert.equal(await testStore.store.users.count(), 0);
          const made = await bootstrapAdmin(testStore.store, catalog, STRONG, new Date());
          assert.deepEqual(made, { created: true, generatedPassword: null });
        } finally {
          await testStore.dispose();
        }
      });
    },
  );
}

describe('password policy in the CLI', () => {
  const dir = tempDir('cli-password-policy');
  const env = { TASKPLANNER_DATA_DIR: dir.path };
  after(() => dir.remove());

  const fails = async (args: string[], pattern: RegExp) => {
    const result = await runCli(args, env);
    const output = describeOutput(result.stdout, result.stderr);
    assert.equal(result.code, 2, output);
    assert.match(result.stderr, pattern, output);
    assert.doesNotMatch(result.stderr, /^\s+at /m, `no stack trace\n${output}`);
  };

  it('serve refuses a weak configured admin password with a clear message', async () => {
    const weak = { ...env, TASKPLANNER_PORT: '0', TASKPLANNER_ADMIN_PASSWORD: 'admin-password-1' };
    const result = await runCli(['serve'], weak, { timeoutMs: 20_000 });
    const output = describeOutput(result.stdout, result.stderr);
    assert.equal(result.code, 2, output);
    assert.match(
      result.stderr,
      /^Configuration error: TASKPLANNER_ADMIN_PASSWORD: The password must not contain the login/,
      output,
    );
  });

  it('user add and user passwd refuse weak passwords and change nothing', async () => {
    await fails(
      ['user', 'add', 'olivia', '--password', 'qwerty123'],
      /This password is too common/,
    );
    await fails(
      ['user', 'add', 'olivia', '--password', 'olivia-2024'],
      /must not contain the login/,
    );
    const listed = await runCli(['user', 'list'], env);
    assert.equal(listed.stdout.trim(), '', 'no user, not even the admin the refused serve wanted');
    const added = await runCli(['user', 'add', 'olivia', '--password', STRONG], env);
    assert.equal(added.code, 0, describeOutput(added.stdout, added.stderr));
    await fails(
      ['user', 'passwd', 'olivia', '--password', 'aaaaaaaa'],
      /^Error \(VALIDATION_FAILED\)/,
    );
    const store = openStore({ databaseUrl: null, dataDir: dir.path });
    try {
      const stored = await store.users.getWithSecretByLogin('olivia');
      assert.ok(stored?.passwordHash);
      assert.equal(
        await verifyPassword(STRONG, stored.passwordHash),
        true,
        'the old password stays',
      );
    } finally {
      await store.close();
    }
  });
});
