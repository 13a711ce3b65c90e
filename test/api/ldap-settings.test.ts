import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SECRET_MASK } from '../../src/secrets/secret-box.ts';
import type { ApiClient, ApiResponse } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { freePort } from '../support/processes.ts';
import {
  EXAMPLE_GROUPS,
  EXAMPLE_PASSWORDS,
  ldapSettingsFor,
  slapdUnavailable,
  startSlapd,
  type SlapdPeer,
} from '../support/slapd.ts';
import { ADMIN_PASSWORD, passwordOf, startTestApp, type TestApp } from '../support/test-app.ts';

const skipLdap = slapdUnavailable() ?? false;
const LDAP = '/api/v1/settings/ldap';

/** Another directory with its own alice, whose password whoever set it up knows. */
const FORGED_PASSWORD = 'forged-password-1';
const FORGED_DIRECTORY = `dn: ou=people,dc=example,dc=test
objectClass: organizationalUnit
ou: people

dn: uid=alice,ou=people,dc=example,dc=test
objectClass: inetOrgPerson
uid: alice
cn: Alice Forged
sn: Forged
userPassword: ${FORGED_PASSWORD}
`;

function assertRefused(response: ApiResponse, path: string): void {
  assert.equal(response.status, 400, JSON.stringify(response.body));
  assert.equal(response.body.code, 'VALIDATION_FAILED');
  const paths = (response.body.errors ?? []).map((issue: { path: string }) => issue.path);
  assert.ok(paths.includes(path), `${path} is named: ${JSON.stringify(response.body)}`);
}

/** Logs in through POST /api/v1/session and returns the status. */
async function loginStatus(t: TestApp, login: string, password: string): Promise<number> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { login, password },
  });
  return response.statusCode;
}

for (const backend of await backends()) {
  describe(`LDAP settings on ${backend.name}`, { skip: backend.skip || skipLdap }, () => {
    let t: TestApp;
    let peer: SlapdPeer;
    let financeId: string;
    let operatorsId: string;

    /** What GET shows and how many settings.ldap events the audit log holds. */
    async function snapshot() {
      const shown = await t.admin.get(LDAP);
      assert.equal(shown.status, 200, JSON.stringify(shown.body));
      const events = await t.services.store.audit.list({ objectType: 'settings', limit: 500 });
      const ldapEvents = events.items.filter((event) => event.action === 'settings.ldap');
      return { shown: shown.body, events: ldapEvents.length };
    }

    async function put(client: ApiClient, body: Record<string, unknown>): Promise<ApiResponse> {
      return client.put(LDAP, body);
    }

    async function makeGroup(name: string, permissions: string[]): Promise<string> {
      const created = await t.admin.post('/api/v1/groups', { name, permissions });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id;
    }

    before(async () => {
      peer = await startSlapd();
      t = await startTestApp(backend, 'ldap-settings');
      financeId = await makeGroup('Finance', ['taskplanner']);
      operatorsId = await makeGroup('Operators', ['taskplanner', 'job.command']);
    });
    after(async () => {
      await t?.close();
      await peer?.stop();
    });

    it('refuses a first PUT without bindPassword (/bindPassword), storing nothing', async () => {
      const { bindPassword: _omitted, ...withoutPassword } = ldapSettingsFor(peer);
      assertRefused(await put(t.admin, withoutPassword), '/bindPassword');
      assertRefused(
        await put(t.admin, { ...withoutPassword, bindPassword: SECRET_MASK }),
        '/bindPassword',
      );
      assert.deepEqual(await snapshot(), { shown: null, events: 0 });
    });

    it('stores valid settings and shows them with the password masked', async () => {
      const body = ldapSettingsFor(peer, {
        groupMap: [{ directoryGroup: EXAMPLE_GROUPS.finance, groupId: financeId }],
      });
      const saved = await put(t.admin, body);
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.deepEqual(saved.body, { ...body, bindPassword: SECRET_MASK });
      const { shown, events } = await snapshot();
      assert.deepEqual(shown, saved.body);
      assert.equal(events, 1);
    });

    it('refuses each invalid PUT with a 400 naming the field, and changes nothing', async () => {
      const before = await snapshot();
      const valid = ldapSettingsFor(peer, {
        groupMap: [{ directoryGroup: EXAMPLE_GROUPS.finance, groupId: financeId }],
      });
      const otherPort = await freePort();
      const cases: Array<[string, Record<string, unknown>, string]> = [
        [
          'ldap:// without StartTLS or allowPlaintext',
          { ...valid, startTls: false, allowPlaintext: false },
          '/url',
        ],
        ['a URL with a path', { ...valid, url: `${peer.url}/dc=example,dc=test` }, '/url'],
        ['a URL with a query', { ...valid, url: `${peer.url}?uid` }, '/url'],
        ['a URL of another scheme', { ...valid, url: 'http://127.0.0.1:389' }, '/url'],
        [
          'a filter without parentheses',
          { ...valid, userFilter: 'objectClass=person' },
          '/userFilter',
        ],
        ['a group filter without parentheses', { ...valid, groupFilter: 'cn=*' }, '/groupFilter'],
        ['a bad attribute name', { ...valid, loginAttribute: 'uid)(cn=*' }, '/loginAttribute'],
        [
          'an attribute starting with a digit',
          { ...valid, memberAttribute: '1member' },
          '/memberAttribute',
        ],
        [
          'the masked password with a changed URL',
          { ...valid, url: `ldap://127.0.0.1:${otherPort}`, bindPassword: SECRET_MASK },
          '/bindPassword',
        ],
        [
          'no password with a changed URL',
          { ...valid, url: `ldap://127.0.0.1:${otherPort}`, bindPassword: undefined },
          '/bindPassword',
        ],
        [
          'the masked password with a changed bindDn',
          { ...valid, bindDn: `uid=alice,ou=people,${peer.baseDn}`, bindPassword: SECRET_MASK },
          '/bindPassword',
        ],
        [
          'a mapping to a missing group',
          {
            ...valid,
            groupMap: [{ directoryGroup: EXAMPLE_GROUPS.finance, groupId: 'no-such-group' }],
          },
          '/groupMap/0/groupId',
        ],
        [
          'more than 500 mappings',
          {
            ...valid,
            groupMap: Array.from({ length: 501 }, (_, index) => ({
              directoryGroup: `cn=group-${index},ou=groups,${peer.baseDn}`,
              groupId: financeId,
            })),
          },
          '/groupMap',
        ],
        ['an unknown field', { ...valid, referrals: true }, '/referrals'],
        ['a timeout of 0', { ...valid, timeoutSeconds: 0 }, '/timeoutSeconds'],
      ];
      for (const [what, body, path] of cases) {
        const refused = await put(t.admin, JSON.parse(JSON.stringify(body)));
        assert.equal(refused.status, 400, `${what}: ${JSON.stringify(refused.body)}`);
        assertRefused(refused, path);
        assert.deepEqual(await snapshot(), before, `${what} changed nothing`);
      }
    });

    it('keeps the stored password with the mask for the same URL and account', async () => {
      const kept = await put(
        t.admin,
        ldapSettingsFor(peer, { bindPassword: SECRET_MASK, timeoutSeconds: 7 }),
      );
      assert.equal(kept.status, 200, JSON.stringify(kept.body));
      const stored = await t.services.ldap.current();
      assert.equal(stored?.bindPassword, peer.adminPassword);
      assert.equal(stored?.timeoutSeconds, 7);
      const tested = await t.admin.post(`${LDAP}/test`);
      assert.equal(tested.body.ok, true, JSON.stringify(tested.body));
    });

    it('never shows the password in an answer or in the settings.ldap audit events', async () => {
      const sealed = JSON.stringify(await t.services.store.settings.get('ldap'));
      assert.ok(!sealed.includes(peer.adminPassword), 'the password is stored sealed');
      const answers = [
        await put(t.admin, ldapSettingsFor(peer)),
        await t.admin.get(LDAP),
        await t.admin.post(`${LDAP}/test`),
        await t.admin.get('/api/v1/audit?objectType=settings&limit=500'),
      ];
      for (const answer of answers) {
        assert.ok(answer.status < 300, JSON.stringify(answer.body));
        const text = JSON.stringify(answer.body);
        assert.ok(!text.includes(peer.adminPassword), text);
      }
      const events = answers[3]?.body.items.filter(
        (event: { action: string }) => event.action === 'settings.ldap',
      );
      assert.ok(events.length >= 3, JSON.stringify(events));
      for (const event of events) {
        const text = JSON.stringify(event);
        assert.ok(!text.includes(peer.adminPassword) && !text.includes('bindPassword'), text);
      }
      assert.equal(events[0].details.url, peer.url);
    });

    it('tests the stored directory: ok with the count of users and of each mapped group', async () => {
      const body = ldapSettingsFor(peer, {
        groupMap: [
          { directoryGroup: EXAMPLE_GROUPS.finance, groupId: financeId },
          { directoryGroup: EXAMPLE_GROUPS.financeLeads, groupId: financeId },
        ],
      });
      assert.equal((await put(t.admin, body)).status, 200);
      const tested = await t.admin.post(`${LDAP}/test`);
      assert.equal(tested.status, 200, JSON.stringify(tested.body));
      assert.equal(tested.body.ok, true, tested.body.message);
      assert.match(tested.body.message, /\b4 users\b/);
      assert.ok(tested.body.message.includes(`${EXAMPLE_GROUPS.finance}: 4`), tested.body.message);
      assert.ok(
        tested.body.message.includes(`${EXAMPLE_GROUPS.financeLeads}: 1`),
        tested.body.message,
      );
    });

    it('tests a closed port as ok:false with a message, and a wrong service password too', async () => {
      const port = await freePort();
      assert.equal(
        (await put(t.admin, ldapSettingsFor(peer, { url: `ldap://127.0.0.1:${port}` }))).status,
        200,
      );
      const closed = await t.admin.post(`${LDAP}/test`);
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      assert.equal(closed.body.ok, false);
      assert.ok(closed.body.message.length > 0);

      assert.equal(
        (await put(t.admin, ldapSettingsFor(peer, { bindPassword: 'not-the-password' }))).status,
        200,
      );
      const refused = await t.admin.post(`${LDAP}/test`);
      assert.equal(refused.body.ok, false);
      assert.match(refused.body.message, /service account/);
      assert.equal((await put(t.admin, ldapSettingsFor(peer))).status, 200);
    });

    it('refuses a settings manager who lacks a permission of a mapped local group (403)', async () => {
      const sam = (await t.user('sam', ['taskplanner', 'settings.manage'])).client;
      const before = await snapshot();
      const raising = await put(
        sam,
        ldapSettingsFor(peer, {
          groupMap: [{ directoryGroup: EXAMPLE_GROUPS.finance, groupId: operatorsId }],
        }),
      );
      assert.equal(raising.status, 403, JSON.stringify(raising.body));
      assert.equal(raising.body.code, 'FORBIDDEN');
      assert.match(raising.body.detail, /job\.command/);
      assert.deepEqual(await snapshot(), before);

      const within = await put(
        sam,
        ldapSettingsFor(peer, {
          bindPassword: SECRET_MASK,
          groupMap: [{ directoryGroup: EXAMPLE_GROUPS.finance, groupId: financeId }],
        }),
      );
      assert.equal(within.status, 200, JSON.stringify(within.body));
    });

    it('refuses all four routes to a user without settings.manage (403), changing nothing', async () => {
      const uma = (await t.user('uma', ['taskplanner', 'users.manage'])).client;
      const before = await snapshot();
      const answers = [
        await uma.get(LDAP),
        await put(uma, ldapSettingsFor(peer)),
        await uma.post(`${LDAP}/test`),
        await uma.delete(LDAP),
      ];
      for (const answer of answers) {
        assert.equal(answer.status, 403, JSON.stringify(answer.body));
        assert.equal(answer.body.code, 'FORBIDDEN');
      }
      assert.deepEqual(await snapshot(), before);
    });

    it('switches LDAP off with DELETE: directory users can no longer log in, the local admin can', async () => {
      assert.equal((await put(t.admin, ldapSettingsFor(peer))).status, 200);
      assert.equal(await loginStatus(t, 'alice', EXAMPLE_PASSWORDS.alice), 200);
      const aliceSession = await t.login('alice', EXAMPLE_PASSWORDS.alice);
      assert.equal((await aliceSession.get('/api/v1/me')).status, 200);
      const removed = await t.admin.delete(LDAP);
      assert.equal(removed.status, 204, JSON.stringify(removed.body));
      assert.equal((await aliceSession.get('/api/v1/me')).status, 401, 'her session ended');
      assert.equal((await t.admin.get(LDAP)).body, null);
      assert.equal(await loginStatus(t, 'alice', EXAMPLE_PASSWORDS.alice), 401);
      assert.equal(await loginStatus(t, 'bob', EXAMPLE_PASSWORDS.bob), 401);
      assert.equal(await loginStatus(t, 'admin', ADMIN_PASSWORD), 200);
      const events = await t.services.store.audit.list({ objectType: 'settings', limit: 1 });
      assert.equal(events.items[0]?.action, 'settings.ldap');
      assert.deepEqual(events.items[0]?.details, { removed: true });
    });

    it('refuses a settings manager pointing the directory elsewhere while a directory account holds more than they do', async () => {
      const forged = await startSlapd({ ldif: FORGED_DIRECTORY });
      try {
        assert.equal((await put(t.admin, ldapSettingsFor(peer))).status, 200);
        assert.equal(await loginStatus(t, 'alice', EXAMPLE_PASSWORDS.alice), 200);
        const alice = await t.services.store.users.getWithSecretByLogin('alice');
        assert.ok(alice);
        const granted = await t.admin.patch(`/api/v1/users/${alice.id}`, {
          permissions: ['taskplanner', 'taskplanner.admin'],
        });
        assert.equal(granted.status, 200, JSON.stringify(granted.body));

        const sam = await t.login('sam', passwordOf('sam'));
        const repointed = await put(sam, ldapSettingsFor(forged));
        assert.equal(
          repointed.status,
          403,
          `a settings manager without taskplanner.admin could point the directory at their own server (${repointed.status}), then log in as alice`,
        );
        assert.equal(await loginStatus(t, 'alice', FORGED_PASSWORD), 401);
      } finally {
        await forged.stop();
      }
    });
  });
}
