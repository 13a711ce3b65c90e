import { SESSION_COOKIE } from '../../src/http/authentication.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SECRET_MASK } from '../../src/secrets/secret-box.ts';
import type { ApiClient, ApiResponse } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import {
  oidcSettingsFor,
  plannerClient,
  ssoCallback,
  ssoSession,
  ssoSignIn,
  ssoStart,
  SSO_STATE_COOKIE,
  startOidcProvider,
  type OidcPeer,
  type SsoStep,
} from '../support/oidc-peer.ts';
import { freePort } from '../support/processes.ts';
import { passwordOf, startTestApp, type TestApp } from '../support/test-app.ts';

const OIDC = '/api/v1/settings/oidc';
const PUBLIC_URL = 'http://planner.example.test';
const REDIRECT_URI = `${PUBLIC_URL}/api/v1/session/oidc/callback`;
const PLANNER = plannerClient(PUBLIC_URL, {
  clientId: 'taskplanner',
  clientSecret: 'planner-secret-8c1f',
});
/** Another client at the same provider. */
const OTHER = plannerClient(PUBLIC_URL, { clientId: 'other-app', clientSecret: 'other-secret' });
const ALICE = { sub: 'user-alice', preferred_username: 'alice', name: 'Alice Example' };

function assertRefused(response: ApiResponse, path: string): void {
  assert.equal(response.status, 400, JSON.stringify(response.body));
  assert.equal(response.body.code, 'VALIDATION_FAILED');
  const paths = (response.body.errors ?? []).map((issue: { path: string }) => issue.path);
  assert.ok(paths.includes(path), `${path} is named: ${JSON.stringify(response.body)}`);
}

/** A callback that did not log anyone in: back to the login page with a message, no session. */
function assertNotSignedIn(step: SsoStep): void {
  assert.equal(step.status, 303, step.location);
  assert.match(step.location, /^\/\?ssoError=./);
  assert.equal(step.cookies.has(SESSION_COOKIE), false, `no session: ${step.location}`);
}

for (const backend of await backends()) {
  describe(`OpenID Connect settings on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let peer: OidcPeer;
    let financeId: string;
    let operatorsId: string;

    /** What GET shows and how many settings.oidc events the audit log holds. */
    async function snapshot() {
      const shown = await t.admin.get(OIDC);
      assert.equal(shown.status, 200, JSON.stringify(shown.body));
      const events = await t.services.store.audit.list({ objectType: 'settings', limit: 500 });
      const oidcEvents = events.items.filter((event) => event.action === 'settings.oidc');
      return { shown: shown.body, events: oidcEvents.length };
    }

    async function makeGroup(name: string, permissions: string[]): Promise<string> {
      const created = await t.admin.post('/api/v1/groups', { name, permissions });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id;
    }

    /** The settings at the peer for PLANNER, Finance mapped from the claim value finance. */
    const valid = (overrides: Record<string, unknown> = {}) =>
      oidcSettingsFor(peer, PLANNER, {
        groupMap: [{ claimValue: 'finance', groupId: financeId }],
        ...overrides,
      });

    async function putValid(overrides: Record<string, unknown> = {}): Promise<void> {
      const saved = await t.admin.put(OIDC, valid(overrides));
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
    }

    before(async () => {
      peer = await startOidcProvider({ clients: [PLANNER, OTHER], accounts: { alice: ALICE } });
      t = await startTestApp(backend, 'oidc-settings');
      financeId = await makeGroup('Finance', ['taskplanner']);
      operatorsId = await makeGroup('Operators', ['taskplanner', 'job.command']);
    });
    after(async () => {
      await t?.close();
      await peer?.stop();
    });

    it('refuses a first PUT without a client secret (/clientSecret), storing nothing', async () => {
      const { clientSecret: _omitted, ...withoutSecret } = valid();
      assertRefused(await t.admin.put(OIDC, withoutSecret), '/clientSecret');
      assertRefused(
        await t.admin.put(OIDC, { ...withoutSecret, clientSecret: SECRET_MASK }),
        '/clientSecret',
      );
      assert.deepEqual(await snapshot(), { shown: null, events: 0 });
    });

    it('refuses an empty client secret, as the Settings page sends an untouched field', async () => {
      try {
        assertRefused(await t.admin.put(OIDC, valid({ clientSecret: '' })), '/clientSecret');
        assert.deepEqual(await snapshot(), { shown: null, events: 0 });
      } finally {
        // Straight into the store: a wrongly stored setting must not change the next tests.
        await t.services.store.settings.set('oidc', null, new Date());
      }
    });

    it('stores valid settings: the secret masked, the redirect URI below publicUrl', async () => {
      const before = await snapshot();
      const body = valid();
      const saved = await t.admin.put(OIDC, body);
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      const expected = { ...body, clientSecret: SECRET_MASK, redirectUri: REDIRECT_URI };
      assert.deepEqual(saved.body, expected);
      const { shown, events } = await snapshot();
      assert.deepEqual(shown, expected);
      assert.equal(events, before.events + 1);
      const button = await t.anonymous.get('/api/v1/session/oidc');
      assert.deepEqual(button.body, { enabled: true, name: 'Example ID' });
    });

    it('names the redirect URI without a doubled slash when publicUrl ends in /', async () => {
      const cases: Array<[string, string]> = [
        [`${PUBLIC_URL}/`, REDIRECT_URI],
        [
          'https://example.test/planner//',
          'https://example.test/planner/api/v1/session/oidc/callback',
        ],
      ];
      try {
        for (const [publicUrl, redirectUri] of cases) {
          const saved = await t.admin.put(OIDC, valid({ publicUrl, clientSecret: SECRET_MASK }));
          assert.equal(saved.status, 200, JSON.stringify(saved.body));
          assert.equal(saved.body.redirectUri, redirectUri);
          assert.equal((await t.admin.get(OIDC)).body.redirectUri, redirectUri);
        }
      } finally {
        await putValid();
      }
    });

    it('refuses each invalid PUT with a 400 naming the field, and changes nothing', async () => {
      const before = await snapshot();
      const elsewhere = `http://127.0.0.1:${await freePort()}`;
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['an http issuer without allowHttp', valid({ allowHttp: false }), '/issuer'],
        ['an issuer of another scheme', valid({ issuer: 'ftp://idp.example.test' }), '/issuer'],
        ['an issuer with a query', valid({ issuer: `${peer.issuer}?realm=x` }), '/issuer'],
        ['an issuer with a fragment', valid({ issuer: `${peer.issuer}#x` }), '/issuer'],
        ['a publicUrl with a query', valid({ publicUrl: `${PUBLIC_URL}/?a=1` }), '/publicUrl'],
        ['scopes without openid', valid({ scopes: 'profile email groups' }), '/scopes'],
        ['scopes with openidx only', valid({ scopes: 'openidx profile' }), '/scopes'],
        [
          'the masked secret with a changed issuer',
          valid({ issuer: elsewhere, clientSecret: SECRET_MASK }),
          '/clientSecret',
        ],
        [
          'no secret with a changed issuer',
          valid({ issuer: elsewhere, clientSecret: undefined }),
          '/clientSecret',
        ],
        [
          'the masked secret with a changed clientId',
          valid({ clientId: OTHER.clientId, clientSecret: SECRET_MASK }),
          '/clientSecret',
        ],
        [
          'no secret with a changed clientId',
          valid({ clientId: OTHER.clientId, clientSecret: undefined }),
          '/clientSecret',
        ],
        [
          'a mapping to a missing group',
          valid({ groupMap: [{ claimValue: 'finance', groupId: 'no-such-group' }] }),
          '/groupMap/0/groupId',
        ],
        ['an unknown field', valid({ prompt: 'login' }), '/prompt'],
        ['a claim name with a space', valid({ loginClaim: 'preferred username' }), '/loginClaim'],
        [
          'an unknown client authentication',
          valid({ clientAuthentication: 'private_key_jwt' }),
          '/clientAuthentication',
        ],
        ['an empty name', valid({ name: '' }), '/name'],
      ];
      for (const [what, body, path] of cases) {
        const refused = await t.admin.put(OIDC, body);
        assert.equal(refused.status, 400, `${what}: ${JSON.stringify(refused.body)}`);
        assertRefused(refused, path);
        assert.deepEqual(await snapshot(), before, `${what} changed nothing`);
      }
    });

    it('refuses scopes that hold openid only inside another scope (openid-connect, x:openid)', async () => {
      const before = await snapshot();
      for (const scopes of ['openid-connect profile', 'profile x:openid', 'openid.read']) {
        assertRefused(await t.admin.put(OIDC, valid({ scopes })), '/scopes');
        assert.deepEqual(await snapshot(), before, `${scopes} changed nothing`);
      }
    });

    it('keeps the stored secret, masked or left out, for the same issuer and client', async () => {
      for (const clientSecret of [SECRET_MASK, undefined]) {
        await putValid({ clientSecret, name: `Example ${String(clientSecret)}` });
        const stored = await t.services.oidc.current();
        assert.equal(stored?.clientSecret, PLANNER.clientSecret);
      }
      const signedIn = await ssoSignIn(t.app, peer, 'alice');
      const me = await (await ssoSession(t.app, signedIn)).get('/api/v1/me');
      assert.equal(me.body.login, 'alice', 'the kept secret works at the provider');
      await putValid();
    });

    it('takes a new secret for another client at the same issuer', async () => {
      try {
        const saved = await t.admin.put(OIDC, oidcSettingsFor(peer, OTHER));
        assert.equal(saved.status, 200, JSON.stringify(saved.body));
        assert.equal((await t.services.oidc.current())?.clientSecret, OTHER.clientSecret);
      } finally {
        await putValid();
      }
    });

    it('never shows the secret in an answer or in the settings.oidc audit events', async () => {
      const sealed = JSON.stringify(await t.services.store.settings.get('oidc'));
      assert.ok(!sealed.includes(PLANNER.clientSecret), 'the secret is stored sealed');
      const answers = [
        await t.admin.put(OIDC, valid()),
        await t.admin.get(OIDC),
        await t.anonymous.get('/api/v1/session/oidc'),
        await t.admin.get('/api/v1/audit?objectType=settings&limit=500'),
      ];
      for (const answer of answers) {
        assert.ok(answer.status < 300, JSON.stringify(answer.body));
        const text = JSON.stringify(answer.body);
        assert.ok(!text.includes(PLANNER.clientSecret), text);
      }
      const events = answers[3]?.body.items.filter(
        (event: { action: string }) => event.action === 'settings.oidc',
      );
      assert.ok(events.length >= 3, JSON.stringify(events));
      for (const event of events) {
        const text = JSON.stringify(event);
        assert.ok(!text.includes(PLANNER.clientSecret) && !text.includes('clientSecret'), text);
      }
      assert.deepEqual(events[0].details, {
        issuer: peer.issuer,
        clientId: PLANNER.clientId,
        groupMap: [{ claimValue: 'finance', groupId: financeId }],
      });
    });

    it('refuses GET, PUT and DELETE to a user without settings.manage (403), changing nothing', async () => {
      const uma = (await t.user('uma', ['taskplanner', 'users.manage'])).client;
      const before = await snapshot();
      const answers = [await uma.get(OIDC), await uma.put(OIDC, valid()), await uma.delete(OIDC)];
      for (const answer of answers) {
        assert.equal(answer.status, 403, JSON.stringify(answer.body));
        assert.equal(answer.body.code, 'FORBIDDEN');
      }
      for (const answer of [await t.anonymous.get(OIDC), await t.anonymous.delete(OIDC)]) {
        assert.equal(answer.status, 401, JSON.stringify(answer.body));
      }
      assert.deepEqual(await snapshot(), before);
    });

    it('refuses a settings manager who lacks a permission of a mapped local group (403)', async () => {
      const sam = (await t.user('sam', ['taskplanner', 'settings.manage'])).client;
      const before = await snapshot();
      const raising = await sam.put(
        OIDC,
        valid({
          clientSecret: SECRET_MASK,
          groupMap: [{ claimValue: 'operators', groupId: operatorsId }],
        }),
      );
      assert.equal(raising.status, 403, JSON.stringify(raising.body));
      assert.equal(raising.body.code, 'FORBIDDEN');
      assert.match(raising.body.detail, /job\.command/);
      assert.deepEqual(await snapshot(), before);

      const within = await sam.put(OIDC, valid({ clientSecret: SECRET_MASK }));
      assert.equal(within.status, 200, JSON.stringify(within.body));
    });

    describe('pointing single sign-on at a provider of ones own', () => {
      let forged: OidcPeer;
      let sam: ApiClient;
      /** The same client id at the forged provider, whose secret the settings manager knows. */
      const FORGED_CLIENT = plannerClient(PUBLIC_URL, {
        clientId: PLANNER.clientId,
        clientSecret: 'forged-secret',
      });

      before(async () => {
        forged = await startOidcProvider({
          clients: [FORGED_CLIENT],
          accounts: {
            alice: { ...ALICE, name: 'Alice Forged' },
            'alice-own': { sub: 'forged-alice', preferred_username: 'alice' },
          },
        });
        await putValid();
        const alice = await ssoSession(t.app, await ssoSignIn(t.app, peer, 'alice'));
        const aliceId = (await alice.get('/api/v1/me')).body.id;
        const granted = await t.admin.patch(`/api/v1/users/${aliceId}`, {
          permissions: ['taskplanner', 'taskplanner.admin'],
        });
        assert.equal(granted.status, 200, JSON.stringify(granted.body));
        sam = await t.login('sam', passwordOf('sam'));
      });
      after(async () => {
        await putValid();
        await forged?.stop();
      });

      it('refuses a settings manager changing the issuer while an SSO account holds more (403)', async () => {
        const before = await snapshot();
        const repointed = await sam.put(OIDC, oidcSettingsFor(forged, FORGED_CLIENT));
        assert.equal(
          repointed.status,
          403,
          `a settings manager without taskplanner.admin could point SSO at their own provider (${repointed.status}), then sign in as alice`,
        );
        assert.equal(repointed.body.code, 'FORBIDDEN');
        assert.match(repointed.body.detail, /alice/);
        assert.match(repointed.body.detail, /taskplanner\.admin/);
        assert.deepEqual(await snapshot(), before);
        assert.equal((await t.services.oidc.current())?.issuer, peer.issuer);
      });

      it('does not sign in as alice with a code from the own provider for the same login', async () => {
        const started = await ssoStart(t.app);
        const atForged = new URL(started.location);
        const forgedOrigin = new URL(forged.issuer);
        atForged.host = forgedOrigin.host;
        const { callbackUrl } = await forged.signIn(atForged.href, 'alice');
        const step = await ssoCallback(t.app, callbackUrl, started.cookies.get(SSO_STATE_COOKIE));
        assertNotSignedIn(step);
        const stored = await t.services.store.users.getWithSecretByLogin('alice');
        assert.equal(stored?.displayName, 'Alice Example', 'the forged claims were not taken');
      });

      it('after an issuer change by someone holding everything, a new subject does not get the login alice', async () => {
        const saved = await t.admin.put(OIDC, oidcSettingsFor(forged, FORGED_CLIENT));
        assert.equal(saved.status, 200, JSON.stringify(saved.body));
        try {
          assertNotSignedIn(await ssoSignIn(t.app, forged, 'alice-own'));
          const stored = await t.services.store.users.getWithSecretByLogin('alice');
          assert.equal(stored?.externalId, 'user-alice');
        } finally {
          await putValid();
        }
      });
    });

    it('switches single sign-on off with DELETE: no button, /start and a begun sign-in go back with a message', async () => {
      await putValid();
      assert.ok((await ssoSignIn(t.app, peer, 'alice')).cookies.get(SESSION_COOKIE));
      const begun = await ssoStart(t.app);
      const { callbackUrl } = await peer.signIn(begun.location, 'alice');

      const removed = await t.admin.delete(OIDC);
      assert.equal(removed.status, 204, JSON.stringify(removed.body));
      assert.equal((await t.admin.get(OIDC)).body, null);
      const button = await t.anonymous.get('/api/v1/session/oidc');
      assert.deepEqual(button.body, { enabled: false, name: null });

      const started = await ssoStart(t.app, '/tasks');
      assert.equal(started.status, 303, started.location);
      assert.equal(
        started.location,
        `/?ssoError=${encodeURIComponent('Single sign-on is not set up on this server')}`,
      );
      assert.equal(started.cookies.has(SSO_STATE_COOKIE), false);
      assertNotSignedIn(await ssoCallback(t.app, callbackUrl, begun.cookies.get(SSO_STATE_COOKIE)));
      const alice = await t.services.store.users.getWithSecretByLogin('alice');
      assert.equal(alice?.source, 'oidc', 'the account stays');
      const events = await t.services.store.audit.list({ objectType: 'settings', limit: 1 });
      assert.equal(events.items[0]?.action, 'settings.oidc');
      assert.deepEqual(events.items[0]?.details, { removed: true });
    });
  });
}
