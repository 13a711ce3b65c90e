import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient, type ApiResponse } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { basicAuth, freePort } from '../support/processes.ts';
import {
  EXAMPLE_GROUPS,
  EXAMPLE_PASSWORDS,
  exampleUserDn,
  ldapSettingsFor,
  slapdUnavailable,
  startSlapd,
  type SlapdPeer,
} from '../support/slapd.ts';
import { ADMIN_PASSWORD, passwordOf, startTestApp, type TestApp } from '../support/test-app.ts';

const skipLdap = slapdUnavailable() ?? false;
const LDAP = '/api/v1/settings/ldap';

/** A group as GET /api/v1/me lists it. */
interface MyGroup {
  id: string;
  name: string;
}

/** Logs in through POST /api/v1/session. */
async function session(t: TestApp, login: string, password: string): Promise<ApiResponse> {
  return t.anonymous.post('/api/v1/session', { login, password });
}

/** GET /api/v1/me with HTTP Basic. */
async function basic(t: TestApp, login: string, password: string): Promise<ApiResponse> {
  return new ApiClient(t.app, { authorization: basicAuth(login, password) }).get('/api/v1/me');
}

function assertProblem(response: ApiResponse, status: number, code: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.code, code, JSON.stringify(response.body));
}

/** The names of the groups GET /api/v1/me shows, sorted. */
async function myGroups(client: ApiClient): Promise<string[]> {
  const me = await client.get('/api/v1/me');
  assert.equal(me.status, 200, JSON.stringify(me.body));
  return me.body.groups.map((group: MyGroup) => group.name).sort();
}

/** The logins of every account the store holds, sorted. */
async function logins(t: TestApp): Promise<string[]> {
  const page = await t.services.store.users.list({ limit: 500 });
  return page.items.map((user) => user.login).sort();
}

async function makeGroup(t: TestApp, name: string, memberIds: string[] = []): Promise<string> {
  const created = await t.admin.post('/api/v1/groups', {
    name,
    permissions: ['taskplanner'],
    memberIds,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

async function putSettings(t: TestApp, body: Record<string, unknown>): Promise<void> {
  const saved = await t.admin.put(LDAP, body);
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
}

/** The mapping of cn=finance (with its nested finance-leads) to the local group Finance. */
const financeMap = (financeId: string) => [
  { directoryGroup: EXAMPLE_GROUPS.finance, groupId: financeId },
];

/** A member: line change of cn=finance. */
const financeMember = (change: 'add' | 'delete', login: string) =>
  `dn: ${EXAMPLE_GROUPS.finance}\nchangetype: modify\n${change}: member\nmember: ${exampleUserDn(login)}\n`;

for (const backend of await backends()) {
  describe(`logging in with LDAP on ${backend.name}`, { skip: backend.skip || skipLdap }, () => {
    let peer: SlapdPeer;

    before(async () => {
      peer = await startSlapd({ tls: true });
    });
    after(async () => {
      await peer?.stop();
    });

    /** An app whose local group Finance is mapped from cn=finance, over a fresh store. */
    async function directoryApp(label: string): Promise<{ t: TestApp; financeId: string }> {
      const t = await startTestApp(backend, label);
      const financeId = await makeGroup(t, 'Finance');
      await putSettings(t, ldapSettingsFor(peer, { groupMap: financeMap(financeId) }));
      return { t, financeId };
    }

    describe('directory users', () => {
      let t: TestApp;
      let financeId: string;

      before(async () => {
        ({ t, financeId } = await directoryApp('ldap-login-users'));
      });
      after(async () => {
        await t?.close();
      });

      it('gives alice a directory account on her first login: name, e-mail, mapped group', async () => {
        const first = await session(t, 'alice', EXAMPLE_PASSWORDS.alice);
        assert.equal(first.status, 200, JSON.stringify(first.body));
        assert.equal(first.body.login, 'alice');
        assert.equal(first.body.displayName, 'Alice Example');
        assert.equal(first.body.email, 'alice@example.test');
        const alice = await t.login('alice', EXAMPLE_PASSWORDS.alice);
        assert.deepEqual(await myGroups(alice), ['Finance']);

        const stored = await t.services.store.users.getWithSecretByLogin('alice');
        assert.ok(stored);
        assert.equal(stored.source, 'ldap');
        assert.equal(stored.externalId, exampleUserDn('alice'));
        assert.equal(stored.passwordHash, null, 'no password is kept here');
        assert.deepEqual(stored.groupIds, [financeId]);
        assert.equal(stored.id, first.body.id, 'the second login found the same account');
        const created = await t.admin.get(`/api/v1/audit?objectType=user&objectId=${stored.id}`);
        const actions = created.body.items.map((event: { action: string }) => event.action);
        assert.equal(actions.filter((action: string) => action === 'user.create').length, 1);
        assert.ok(actions.includes('user.login'), JSON.stringify(actions));
      });

      it('puts carol into Finance through the nested group finance-leads', async () => {
        const carol = await t.login('carol', EXAMPLE_PASSWORDS.carol);
        assert.deepEqual(await myGroups(carol), ['Finance']);
        const stored = await t.services.store.users.getWithSecretByLogin('carol');
        assert.equal(stored?.source, 'ldap');
        assert.deepEqual(stored?.groupIds, [financeId]);
      });

      it('logs a directory user in with HTTP Basic too', async () => {
        const me = await basic(t, 'alice', EXAMPLE_PASSWORDS.alice);
        assert.equal(me.status, 200, JSON.stringify(me.body));
        assert.equal(me.body.login, 'alice');
        assert.equal(me.body.authenticatedBy, 'basic');
      });

      it('refuses a wrong password and an unknown user with 401 INVALID_CREDENTIALS', async () => {
        assertProblem(await session(t, 'alice', 'not-her-password'), 401, 'INVALID_CREDENTIALS');
        assertProblem(await basic(t, 'alice', EXAMPLE_PASSWORDS.bob), 401, 'INVALID_CREDENTIALS');
        assertProblem(await session(t, 'zoe', 'any-password-1'), 401, 'INVALID_CREDENTIALS');
        assertProblem(await basic(t, 'zoe', 'any-password-1'), 401, 'INVALID_CREDENTIALS');
        assert.deepEqual(await logins(t), ['admin', 'alice', 'carol']);
      });

      it('never logs anyone in with an empty password (an anonymous bind)', async () => {
        assertProblem(await basic(t, 'bob', ''), 401, 'INVALID_CREDENTIALS');
        assertProblem(await basic(t, 'alice', ''), 401, 'INVALID_CREDENTIALS');
        // The login form refuses it before any check.
        assertProblem(await session(t, 'bob', ''), 400, 'VALIDATION_FAILED');
        assert.deepEqual(await logins(t), ['admin', 'alice', 'carol'], 'bob got no account');
      });

      it('refuses logins with filter characters, which never match a directory user', async () => {
        // Unescaped, each would find alice alone (or all users), and her password would fit.
        for (const login of ['al*', '*)(uid=alice', 'alice)(uid=*', '*', 'a*e', 'alice\\2a']) {
          assertProblem(
            await session(t, login, EXAMPLE_PASSWORDS.alice),
            401,
            'INVALID_CREDENTIALS',
          );
          assertProblem(await basic(t, login, EXAMPLE_PASSWORDS.alice), 401, 'INVALID_CREDENTIALS');
        }
        assert.deepEqual(await logins(t), ['admin', 'alice', 'carol']);
      });

      it('refuses dave, whom the directory disabled, with 401', async () => {
        assertProblem(await session(t, 'dave', EXAMPLE_PASSWORDS.dave), 401, 'INVALID_CREDENTIALS');
        assertProblem(await basic(t, 'dave', EXAMPLE_PASSWORDS.dave), 401, 'INVALID_CREDENTIALS');
        const dave = await t.services.store.users.getWithSecretByLogin('dave');
        assert.ok(dave === undefined || dave.disabled, 'an account made for dave is disabled');
      });
    });

    describe('local accounts beside the directory', () => {
      let t: TestApp;
      let bobId: string;

      before(async () => {
        t = await startTestApp(backend, 'ldap-login-local');
        const made = await t.admin.post('/api/v1/users', {
          login: 'bob',
          password: passwordOf('bob'),
          permissions: ['taskplanner'],
        });
        assert.equal(made.status, 201, JSON.stringify(made.body));
        bobId = made.body.id;
        const financeId = await makeGroup(t, 'Finance');
        await putSettings(t, ldapSettingsFor(peer, { groupMap: financeMap(financeId) }));
      });
      after(async () => {
        await t?.close();
      });

      it('logs a local bob in only with his local password, never the directory one', async () => {
        assert.equal((await session(t, 'bob', passwordOf('bob'))).status, 200);
        assertProblem(await session(t, 'bob', EXAMPLE_PASSWORDS.bob), 401, 'INVALID_CREDENTIALS');
        assertProblem(await basic(t, 'bob', EXAMPLE_PASSWORDS.bob), 401, 'INVALID_CREDENTIALS');
        assertProblem(await session(t, 'BOB', EXAMPLE_PASSWORDS.bob), 401, 'INVALID_CREDENTIALS');
        const bob = await t.services.store.users.getWithSecretByLogin('bob');
        assert.equal(bob?.id, bobId);
        assert.equal(bob?.source, 'local');
        assert.equal(bob?.displayName, 'bob', 'the directory did not touch him');
        assert.deepEqual(bob?.groupIds, []);
      });

      it('keeps the local admin working while the directory is down; others get 503 without the URL', async () => {
        assert.equal((await session(t, 'alice', EXAMPLE_PASSWORDS.alice)).status, 200);
        const port = await freePort();
        await putSettings(t, ldapSettingsFor(peer, { url: `ldap://127.0.0.1:${port}` }));

        assert.equal((await session(t, 'admin', ADMIN_PASSWORD)).status, 200);
        assert.equal((await basic(t, 'admin', ADMIN_PASSWORD)).status, 200);
        assert.equal((await session(t, 'bob', passwordOf('bob'))).status, 200);
        for (const answer of [
          await session(t, 'carol', EXAMPLE_PASSWORDS.carol),
          await basic(t, 'carol', EXAMPLE_PASSWORDS.carol),
          await session(t, 'alice', EXAMPLE_PASSWORDS.alice),
        ]) {
          assertProblem(answer, 503, 'DIRECTORY_UNAVAILABLE');
          const text = JSON.stringify(answer.body);
          assert.ok(!text.includes(String(port)) && !text.includes('127.0.0.1'), text);
          assert.ok(!text.includes('ldap://'), text);
        }
        await putSettings(t, ldapSettingsFor(peer));
      });
    });

    describe('changes in the directory and passwords', () => {
      let t: TestApp;
      let financeId: string;

      before(async () => {
        ({ t, financeId } = await directoryApp('ldap-login-changes'));
      });
      after(async () => {
        await peer.modify(financeMember('add', 'bob')).catch(() => undefined);
        await t?.close();
      });

      it('takes bob out of Finance when the directory took him out of finance, keeping his other groups', async () => {
        const bob = await t.login('bob', EXAMPLE_PASSWORDS.bob);
        const bobId = (await bob.get('/api/v1/me')).body.id;
        await makeGroup(t, 'Reviewers', [bobId]);
        assert.deepEqual(await myGroups(bob), ['Finance', 'Reviewers']);

        await peer.modify(financeMember('delete', 'bob'));
        const again = await t.login('bob', EXAMPLE_PASSWORDS.bob);
        assert.deepEqual(await myGroups(again), ['Reviewers']);
        const stored = await t.services.store.users.get(bobId);
        assert.ok(stored && !stored.groupIds.includes(financeId));

        await peer.modify(financeMember('add', 'bob'));
        assert.deepEqual(await myGroups(await t.login('bob', EXAMPLE_PASSWORDS.bob)), [
          'Finance',
          'Reviewers',
        ]);
      });

      it('takes over a changed name and e-mail address on the next login', async () => {
        const carol = await t.login('carol', EXAMPLE_PASSWORDS.carol);
        await peer.modify(
          `dn: ${exampleUserDn('carol')}\nchangetype: modify\nreplace: mail\nmail: carol.new@example.test\n-\nreplace: cn\ncn: Carol Renamed\n`,
        );
        const again = await session(t, 'carol', EXAMPLE_PASSWORDS.carol);
        assert.equal(again.body.email, 'carol.new@example.test');
        assert.equal(again.body.displayName, 'Carol Renamed');
        assert.equal((await carol.get('/api/v1/me')).status, 200, 'her other session goes on');
        await peer.modify(
          `dn: ${exampleUserDn('carol')}\nchangetype: modify\nreplace: mail\nmail: carol@example.test\n-\nreplace: cn\ncn: Carol Example\n`,
        );
      });

      it('keeps a directory account an administrator disabled here out, whatever the directory says', async () => {
        const carol = await t.login('carol', EXAMPLE_PASSWORDS.carol);
        const carolId = (await carol.get('/api/v1/me')).body.id;
        const disabled = await t.admin.patch(`/api/v1/users/${carolId}`, { disabled: true });
        assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
        assertProblem(
          await session(t, 'carol', EXAMPLE_PASSWORDS.carol),
          401,
          'INVALID_CREDENTIALS',
        );
        assertProblem(await basic(t, 'carol', EXAMPLE_PASSWORDS.carol), 401, 'INVALID_CREDENTIALS');
        assert.equal((await t.services.store.users.get(carolId))?.disabled, true, 'still disabled');
        const enabled = await t.admin.patch(`/api/v1/users/${carolId}`, { disabled: false });
        assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
        assert.equal((await session(t, 'carol', EXAMPLE_PASSWORDS.carol)).status, 200);
      });

      it('trusts neither of two directory entries with one login', async () => {
        const contractors = `ou=contractors,ou=people,${peer.baseDn}`;
        const twin = `uid=alice,${contractors}`;
        await peer.add(
          `dn: ${contractors}\nobjectClass: organizationalUnit\nou: contractors\n\n` +
            `dn: ${twin}\nobjectClass: inetOrgPerson\nuid: alice\ncn: Alice Twin\nsn: Twin\nuserPassword: ${EXAMPLE_PASSWORDS.alice}\n`,
        );
        try {
          assertProblem(
            await session(t, 'alice', EXAMPLE_PASSWORDS.alice),
            401,
            'INVALID_CREDENTIALS',
          );
        } finally {
          await peer.remove(twin);
          await peer.remove(contractors);
        }
        assert.equal((await session(t, 'alice', EXAMPLE_PASSWORDS.alice)).status, 200);
      });

      it('refuses to change or reset the password of a directory account (409 PASSWORD_IN_DIRECTORY)', async () => {
        const alice = await t.login('alice', EXAMPLE_PASSWORDS.alice);
        const aliceId = (await alice.get('/api/v1/me')).body.id;
        const own = await alice.put('/api/v1/me/password', {
          currentPassword: EXAMPLE_PASSWORDS.alice,
          newPassword: 'a-Brand-new-secret-9',
        });
        assertProblem(own, 409, 'PASSWORD_IN_DIRECTORY');
        const reset = await t.admin.patch(`/api/v1/users/${aliceId}`, {
          password: 'a-Brand-new-secret-9',
        });
        assertProblem(reset, 409, 'PASSWORD_IN_DIRECTORY');
        const mustChange = await t.admin.patch(`/api/v1/users/${aliceId}`, {
          mustChangePassword: true,
        });
        assertProblem(mustChange, 409, 'PASSWORD_IN_DIRECTORY');
        const stored = await t.services.store.users.getWithSecretByLogin('alice');
        assert.equal(stored?.passwordHash, null);
        assert.equal(stored?.mustChangePassword, false);
        assert.equal((await alice.get('/api/v1/me')).status, 200, 'her session goes on');
        assertProblem(
          await session(t, 'alice', 'a-Brand-new-secret-9'),
          401,
          'INVALID_CREDENTIALS',
        );
        assert.equal((await session(t, 'alice', EXAMPLE_PASSWORDS.alice)).status, 200);
      });
    });

    describe('TLS to the directory', () => {
      let t: TestApp;

      before(async () => {
        ({ t } = await directoryApp('ldap-login-tls'));
      });
      after(async () => {
        await t?.close();
      });

      /** The settings for TLS: no plain text allowed. */
      const secure = (overrides: Record<string, unknown>) =>
        ldapSettingsFor(peer, { allowPlaintext: false, ...overrides });

      it('logs in over ldaps:// that the CA vouches for', async () => {
        await putSettings(t, secure({ url: peer.ldapsUrl, caCertificate: peer.caCertPem }));
        assert.equal((await session(t, 'alice', EXAMPLE_PASSWORDS.alice)).status, 200);
      });

      it('refuses ldaps:// to a certificate no trusted CA signed: 503', async () => {
        await putSettings(t, secure({ url: peer.ldapsUrl, caCertificate: '' }));
        assertProblem(
          await session(t, 'alice', EXAMPLE_PASSWORDS.alice),
          503,
          'DIRECTORY_UNAVAILABLE',
        );
      });

      it('logs in with StartTLS and the CA, and refuses StartTLS without it', async () => {
        const upgrades = () => (peer.log().match(/STARTTLS/g) ?? []).length;
        const before = upgrades();
        await putSettings(t, secure({ startTls: true, caCertificate: peer.caCertPem }));
        assert.equal((await session(t, 'bob', EXAMPLE_PASSWORDS.bob)).status, 200);
        assert.ok(upgrades() > before, 'the connections were upgraded');

        await putSettings(t, secure({ startTls: true, caCertificate: '' }));
        assertProblem(await session(t, 'bob', EXAMPLE_PASSWORDS.bob), 503, 'DIRECTORY_UNAVAILABLE');
      });
    });

    describe('throttling directory logins', () => {
      let t: TestApp;

      before(async () => {
        ({ t } = await directoryApp('ldap-login-throttle'));
      });
      after(async () => {
        await t?.close();
      });

      it('answers 429 after 5 wrong directory passwords, even to the right one', async () => {
        for (let attempt = 1; attempt <= 5; attempt++) {
          const wrong = await session(t, 'carol', `wrong-password-${attempt}`);
          assertProblem(wrong, 401, 'INVALID_CREDENTIALS');
        }
        const right = await session(t, 'carol', EXAMPLE_PASSWORDS.carol);
        assertProblem(right, 429, 'TOO_MANY_ATTEMPTS');
        assert.ok(Number(right.headers['retry-after']) >= 1);
        assertProblem(await basic(t, 'carol', EXAMPLE_PASSWORDS.carol), 429, 'TOO_MANY_ATTEMPTS');
        assert.equal((await session(t, 'alice', EXAMPLE_PASSWORDS.alice)).status, 200);
      });
    });
  });
}
