import { SESSION_COOKIE } from '../../src/http/authentication.ts';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../support/api-client.ts';
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
import { basicAuth, freePort } from '../support/processes.ts';
import { passwordOf, startTestApp, type TestApp } from '../support/test-app.ts';

const OIDC = '/api/v1/settings/oidc';
/** Where browsers reach the planner; app.inject needs no server there. */
const PUBLIC_URL = 'http://planner.example.test';
const CALLBACK = `${PUBLIC_URL}/api/v1/session/oidc/callback`;
const PLANNER = plannerClient(PUBLIC_URL, {
  clientId: 'taskplanner',
  clientSecret: 'planner-secret',
  tokenEndpointAuthMethod: 'client_secret_basic',
});
/** Another relying party at the same provider, with the same redirect URI. */
const OTHER = plannerClient(PUBLIC_URL, { clientId: 'other-app', clientSecret: 'other-secret' });
const ALICE = {
  sub: 'user-alice',
  preferred_username: 'alice',
  name: 'Alice Example',
  email: 'alice@example.test',
  groups: ['planners'],
};
const TEN_MINUTES_MS = 10 * 60_000;

/** What GET /api/v1/me answers, as far as these tests look. */
interface Me {
  id: string;
  login: string;
  source: string;
  displayName: string;
  email: string | null;
  authenticatedBy: string;
  permissions: string[];
  groups: Array<{ name: string }>;
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
  const saved = await t.admin.put(OIDC, body);
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
}

/** GET /api/v1/me of a finished sign-in's session. */
async function meOf(t: TestApp, step: SsoStep): Promise<Me> {
  const me = await (await ssoSession(t.app, step)).get('/api/v1/me');
  assert.equal(me.status, 200, JSON.stringify(me.body));
  return me.body as Me;
}

function groupNames(me: Me): string[] {
  return me.groups.map((group) => group.name).sort();
}

/** The message a refused sign-in took back to the login page. */
function ssoErrorOf(step: SsoStep): string {
  assert.equal(step.status, 303, `${step.status} to ${step.location}`);
  const back = new URL(step.location, PUBLIC_URL);
  assert.equal(`${back.origin}${back.pathname}`, `${PUBLIC_URL}/`, step.location);
  const message = back.searchParams.get('ssoError');
  assert.ok(message, `an ssoError is shown: ${step.location}`);
  return message;
}

/**
 * A callback that ended as 303 to /?ssoError=<message>: no session cookie, the state cookie
 * cleared, and the same accounts as before.
 */
async function assertRefused(
  t: TestApp,
  step: SsoStep,
  message: RegExp,
  accountsBefore: string[],
): Promise<void> {
  assert.match(ssoErrorOf(step), message);
  assert.equal(step.cookies.has(SESSION_COOKIE), false, 'no session cookie is set');
  assert.equal(step.cookies.get(SSO_STATE_COOKIE), '', 'the state cookie is cleared');
  assert.deepEqual(await logins(t), accountsBefore, 'no account was made');
}

/** A state cookie with one character of its middle changed. */
function tampered(cookie: string): string {
  const at = Math.floor(cookie.length / 2);
  const changed = cookie[at] === 'A' ? 'B' : 'A';
  return `${cookie.slice(0, at)}${changed}${cookie.slice(at + 1)}`;
}

for (const backend of await backends()) {
  describe(`single sign-on with OpenID Connect on ${backend.name}`, { skip: backend.skip }, () => {
    let peer: OidcPeer;
    /** How far the app's clock is ahead of the real one. */
    let clockAheadMs = 0;
    const appClock = () => new Date(Date.now() + clockAheadMs);

    before(async () => {
      peer = await startOidcProvider({ clients: [PLANNER, OTHER], accounts: { alice: ALICE } });
    });
    after(async () => {
      await peer?.stop();
    });

    /** An app signing in at the peer, its groups Planners and Finance mapped from the claim. */
    async function ssoApp(label: string) {
      const t = await startTestApp(backend, label, { now: appClock });
      const plannersId = await makeGroup(t, 'Planners');
      const financeId = await makeGroup(t, 'Finance');
      const groupMap = [
        { claimValue: 'planners', groupId: plannersId },
        { claimValue: 'finance', groupId: financeId },
      ];
      const settings = (overrides: Record<string, unknown> = {}) =>
        oidcSettingsFor(peer, PLANNER, { groupMap, ...overrides });
      await putSettings(t, settings());
      return { t, settings };
    }

    describe('signing in', () => {
      let t: TestApp;
      let settings: (overrides?: Record<string, unknown>) => Record<string, unknown>;

      before(async () => {
        ({ t, settings } = await ssoApp('oidc-sign-in'));
      });
      after(async () => {
        await t?.close();
      });

      it('sends the browser to the provider with PKCE (S256), state and nonce, keeping them in an httpOnly cookie', async () => {
        const started = await ssoStart(t.app, '/tasks');
        assert.equal(started.status, 302);
        const to = new URL(started.location);
        assert.equal(to.origin, peer.issuer);
        const params = to.searchParams;
        assert.equal(params.get('client_id'), PLANNER.clientId);
        assert.equal(params.get('redirect_uri'), CALLBACK);
        assert.equal(params.get('response_type'), 'code');
        assert.equal(params.get('scope'), 'openid profile email groups');
        assert.equal(params.get('code_challenge_method'), 'S256');
        assert.match(params.get('code_challenge') ?? '', /^[\w-]{43}$/);
        assert.ok((params.get('state') ?? '').length >= 20, 'a state');
        assert.ok((params.get('nonce') ?? '').length >= 20, 'a nonce');
        const cookie = started.response.cookies.find((each) => each.name === SSO_STATE_COOKIE);
        assert.ok(cookie, 'the state cookie is set');
        assert.equal(cookie.httpOnly, true);
        assert.equal(cookie.path, '/api/v1/session/oidc');
        assert.equal(String(cookie.sameSite).toLowerCase(), 'lax');
        const sealed = cookie.value;
        for (const secret of [params.get('state'), params.get('nonce')]) {
          assert.ok(!sealed.includes(String(secret)), 'the browser cannot read the state');
        }
      });

      it('logs alice in: a session, source oidc, name and e-mail from the claims, the mapped group', async () => {
        const before = await logins(t);
        const step = await ssoSignIn(t.app, peer, 'alice', { returnTo: '/tasks?x=1' });
        assert.equal(step.status, 303, step.location);
        assert.equal(step.location, '/tasks?x=1');
        assert.equal(step.cookies.get(SSO_STATE_COOKIE), '', 'the state cookie is cleared');
        const me = await meOf(t, step);
        assert.equal(me.login, 'alice');
        assert.equal(me.source, 'oidc');
        assert.equal(me.displayName, 'Alice Example');
        assert.equal(me.email, 'alice@example.test');
        assert.equal(me.authenticatedBy, 'session');
        assert.deepEqual(groupNames(me), ['Planners']);
        assert.ok(me.permissions.includes('taskplanner'), 'through Planners');
        assert.deepEqual(await logins(t), [...before, 'alice'].sort());

        const stored = await t.services.store.users.getWithSecretByLogin('alice');
        assert.equal(stored?.source, 'oidc');
        assert.equal(stored?.externalId, 'user-alice');
        assert.equal(stored?.passwordHash, null);
        const audit = await t.admin.get(`/api/v1/audit?objectType=user&objectId=${me.id}`);
        const events = audit.body.items as Array<{ action: string; details: any }>;
        assert.equal(events.filter((event) => event.action === 'user.create').length, 1);
        const login = events.find((event) => event.action === 'user.login');
        assert.deepEqual(login?.details, { via: 'oidc', issuer: peer.issuer });
      });

      it('brings name, e-mail and mapped groups up to date at the next sign-in, keeping a group an admin added', async () => {
        const first = await meOf(t, await ssoSignIn(t.app, peer, 'alice'));
        await makeGroup(t, 'Reviewers', [first.id]);
        peer.setAccount('alice', {
          ...ALICE,
          name: 'Alice Renamed',
          email: 'alice.new@example.test',
          groups: ['finance', 'not-mapped'],
        });
        try {
          const me = await meOf(t, await ssoSignIn(t.app, peer, 'alice'));
          assert.equal(me.id, first.id, 'the same account');
          assert.equal(me.displayName, 'Alice Renamed');
          assert.equal(me.email, 'alice.new@example.test');
          assert.deepEqual(groupNames(me), ['Finance', 'Reviewers']);
          const audit = await t.admin.get(`/api/v1/audit?objectType=user&objectId=${me.id}`);
          const update = audit.body.items.find(
            (event: { action: string }) => event.action === 'user.update',
          );
          assert.deepEqual(update?.details.changed.sort(), ['displayName', 'email']);
        } finally {
          peer.setAccount('alice', ALICE);
        }
        const back = await meOf(t, await ssoSignIn(t.app, peer, 'alice'));
        assert.deepEqual(groupNames(back), ['Planners', 'Reviewers']);
      });

      it('keeps an account’s login when the provider renames it to a login someone else has', async () => {
        peer.setAccount('alice', { ...ALICE, preferred_username: 'admin' });
        try {
          const me = await meOf(t, await ssoSignIn(t.app, peer, 'alice'));
          assert.equal(me.login, 'alice');
          assert.equal(me.source, 'oidc');
        } finally {
          peer.setAccount('alice', ALICE);
        }
        const admin = await t.services.store.users.getWithSecretByLogin('admin');
        assert.equal(admin?.source, 'local');
      });

      it('goes back only to a path of this server: other origins become /', async () => {
        const cases: Array<[string | undefined, string]> = [
          ['/tasks?x=1', '/tasks?x=1'],
          ['//evil.example', '/'],
          ['//evil.example/tasks', '/'],
          ['/\\evil.example', '/'],
          ['https://evil.example', '/'],
          ['javascript:alert(1)', '/'],
          ['tasks', '/'],
          [undefined, '/'],
        ];
        for (const [returnTo, expected] of cases) {
          const step = await ssoSignIn(t.app, peer, 'alice', {
            ...(returnTo === undefined ? {} : { returnTo }),
          });
          assert.equal(step.status, 303, `${returnTo}: ${step.location}`);
          assert.equal(step.location, expected, `returnTo ${returnTo}`);
          assert.ok(step.cookies.get(SESSION_COOKIE), `${returnTo}: logged in`);
        }
      });

      it('goes back to a returnTo a Location header cannot carry as / or percent-encoded, not a 500', async () => {
        for (const returnTo of ['/tasks?name=任务', '/tasks\u0001', '/tasks\u007f']) {
          const step = await ssoSignIn(t.app, peer, 'alice', { returnTo });
          assert.equal(step.status, 303, `${JSON.stringify(returnTo)}: ${step.response.body}`);
          assert.ok(
            ['/', encodeURI(returnTo)].includes(step.location),
            `${JSON.stringify(returnTo)} went to ${step.location}`,
          );
          assert.ok(step.cookies.get(SESSION_COOKIE), 'logged in');
        }
      });

      it('refuses a login claim that is no login here, making no account', async () => {
        const before = await logins(t);
        const cases: Array<[string, Record<string, unknown>]> = [
          ['spacey', { sub: 'user-spacey', preferred_username: 'a b' }],
          ['long', { sub: 'user-long', preferred_username: 'l'.repeat(65) }],
          ['nameless', { sub: 'user-nameless', name: 'No Login' }],
          ['listed', { sub: 'user-listed', preferred_username: ['listed'] }],
        ];
        for (const [login, claims] of cases) {
          peer.setAccount(login, claims);
          const step = await ssoSignIn(t.app, peer, login);
          await assertRefused(t, step, /preferred_username claim is no login/, before);
        }
      });

      it('never gives a new subject the login of a local or an existing SSO account', async () => {
        const bob = await t.user('bob');
        await meOf(t, await ssoSignIn(t.app, peer, 'alice'));
        const before = await logins(t);
        const cases: Array<[string, Record<string, unknown>, RegExp]> = [
          ['bob-at-idp', { sub: 'user-bob', preferred_username: 'bob', name: 'Mallory' }, /'bob'/],
          ['BOB-at-idp', { sub: 'user-BOB', preferred_username: 'BOB' }, /'BOB'/],
          ['alice-twin', { sub: 'user-alice-2', preferred_username: 'alice' }, /'alice'/],
        ];
        for (const [login, claims, named] of cases) {
          peer.setAccount(login, claims);
          const step = await ssoSignIn(t.app, peer, login);
          await assertRefused(t, step, /exists already/, before);
          assert.match(ssoErrorOf(step), named);
        }
        const stored = await t.services.store.users.getWithSecretByLogin('bob');
        assert.equal(stored?.id, bob.id);
        assert.equal(stored?.source, 'local');
        assert.equal(stored?.externalId, null);
        assert.equal(stored?.displayName, 'bob');
        assert.equal((await bob.client.get('/api/v1/me')).status, 200, 'his session goes on');
        await t.login('bob', passwordOf('bob'));
        const alice = await t.services.store.users.getWithSecretByLogin('alice');
        assert.equal(alice?.externalId, 'user-alice');
      });

      it('signs in only known subjects when createUsers is off', async () => {
        await meOf(t, await ssoSignIn(t.app, peer, 'alice'));
        await putSettings(t, settings({ clientSecret: undefined, createUsers: false }));
        try {
          const before = await logins(t);
          peer.setAccount('frank', { sub: 'user-frank', preferred_username: 'frank' });
          const step = await ssoSignIn(t.app, peer, 'frank');
          await assertRefused(t, step, /no account for 'frank'/, before);
          const alice = await ssoSignIn(t.app, peer, 'alice');
          assert.ok(alice.cookies.get(SESSION_COOKIE), 'a known subject still signs in');
        } finally {
          await putSettings(t, settings({ clientSecret: undefined }));
        }
      });

      it('never logs an SSO account in with a password (401), and sets none (409)', async () => {
        const me = await meOf(t, await ssoSignIn(t.app, peer, 'alice'));
        // Two passwords, each by form and by HTTP Basic: the fifth failure would be throttled.
        for (const password of ['any-password-1', passwordOf('alice')]) {
          const answer = await t.anonymous.post('/api/v1/session', { login: 'alice', password });
          assert.equal(answer.status, 401, JSON.stringify(answer.body));
          assert.equal(answer.body.code, 'INVALID_CREDENTIALS');
          const basic = new ApiClient(t.app, { authorization: basicAuth('alice', password) });
          assert.equal((await basic.get('/api/v1/me')).status, 401);
        }
        const reset = await t.admin.patch(`/api/v1/users/${me.id}`, {
          password: 'a-Brand-new-secret-9',
        });
        assert.equal(reset.status, 409, JSON.stringify(reset.body));
        assert.equal(reset.body.code, 'PASSWORD_IN_DIRECTORY');
        const stored = await t.services.store.users.getWithSecretByLogin('alice');
        assert.equal(stored?.passwordHash, null);
      });

      it('refuses an SSO account an administrator disabled, changing nothing of it', async () => {
        const me = await meOf(t, await ssoSignIn(t.app, peer, 'alice'));
        const disabled = await t.admin.patch(`/api/v1/users/${me.id}`, { disabled: true });
        assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
        peer.setAccount('alice', { ...ALICE, name: 'Alice While Disabled' });
        try {
          const before = await logins(t);
          const step = await ssoSignIn(t.app, peer, 'alice');
          await assertRefused(t, step, /disabled/, before);
          const stored = await t.services.store.users.get(me.id);
          assert.equal(stored?.disabled, true);
          assert.equal(stored?.displayName, 'Alice Example');
        } finally {
          peer.setAccount('alice', ALICE);
          await t.admin.patch(`/api/v1/users/${me.id}`, { disabled: false });
        }
        assert.ok((await ssoSignIn(t.app, peer, 'alice')).cookies.get(SESSION_COOKIE));
      });
    });

    describe('refused sign-ins', () => {
      let t: TestApp;
      let settings: (overrides?: Record<string, unknown>) => Record<string, unknown>;
      let accountsBefore: string[];

      /** erin, whom no test signs in: every refusal must leave her without an account. */
      const ERIN = { sub: 'user-erin', preferred_username: 'erin', name: 'Erin Example' };

      /** Starts a sign-in and lets erin through the provider's pages. */
      async function erinAtProvider(options: { deny?: boolean } = {}) {
        const started = await ssoStart(t.app);
        assert.equal(started.status, 302, started.location);
        const { callbackUrl } = await peer.signIn(started.location, 'erin', options);
        return {
          callbackUrl,
          cookie: started.cookies.get(SSO_STATE_COOKIE),
          url: started.location,
        };
      }

      before(async () => {
        ({ t, settings } = await ssoApp('oidc-refused'));
        peer.setAccount('erin', ERIN);
        accountsBefore = await logins(t);
      });
      after(async () => {
        await t?.close();
      });

      it('refuses a tampered or a missing state cookie', async () => {
        const first = await erinAtProvider();
        const cookie = first.cookie ?? assert.fail('a state cookie');
        for (const sent of [tampered(cookie), undefined, '', 'not-sealed']) {
          const step = await ssoCallback(t.app, first.callbackUrl, sent);
          await assertRefused(t, step, /took too long or began in another browser/, accountsBefore);
        }
      });

      it('refuses the state cookie of another sign-in, saying why', async () => {
        const first = await erinAtProvider();
        const second = await ssoStart(t.app);
        const mixed = await ssoCallback(
          t.app,
          first.callbackUrl,
          second.cookies.get(SSO_STATE_COOKIE),
        );
        await assertRefused(t, mixed, /\bstate\b|another sign-in/, accountsBefore);
      });

      it('refuses a state cookie older than ten minutes', async () => {
        const { callbackUrl, cookie } = await erinAtProvider();
        clockAheadMs = TEN_MINUTES_MS + 1_000;
        try {
          const step = await ssoCallback(t.app, callbackUrl, cookie);
          await assertRefused(t, step, /took too long/, accountsBefore);
        } finally {
          clockAheadMs = 0;
        }
      });

      it('tells the user when they cancelled at the provider (access_denied)', async () => {
        const { callbackUrl, cookie } = await erinAtProvider({ deny: true });
        assert.equal(new URL(callbackUrl).searchParams.get('error'), 'access_denied');
        const step = await ssoCallback(t.app, callbackUrl, cookie);
        await assertRefused(t, step, /^The sign-in was cancelled at the provider$/, accountsBefore);
      });

      it('refuses a code used a second time, keeping the first sign-in', async () => {
        peer.setAccount('gina', { sub: 'user-gina', preferred_username: 'gina' });
        const started = await ssoStart(t.app);
        const cookie = started.cookies.get(SSO_STATE_COOKIE);
        const { callbackUrl } = await peer.signIn(started.location, 'gina');
        const first = await ssoCallback(t.app, callbackUrl, cookie);
        assert.ok(first.cookies.get(SESSION_COOKIE), 'the first use signs in');
        const withGina = await logins(t);
        assert.ok(withGina.includes('gina'));
        const again = await ssoCallback(t.app, callbackUrl, cookie);
        await assertRefused(t, again, /no longer accepts this sign-in/, withGina);
        assert.equal(peer.tokenErrors.at(-1), 'authorization code already consumed');
        accountsBefore = withGina;
      });

      it('refuses a code the provider issued to another client', async () => {
        const started = await ssoStart(t.app);
        const forOther = new URL(started.location);
        forOther.searchParams.set('client_id', OTHER.clientId);
        const { callbackUrl } = await peer.signIn(forOther.href, 'erin');
        const step = await ssoCallback(t.app, callbackUrl, started.cookies.get(SSO_STATE_COOKIE));
        await assertRefused(t, step, /no longer accepts this sign-in/, accountsBefore);
        assert.equal(peer.tokenErrors.at(-1), 'client mismatch');
      });

      it('refuses an ID token whose audience is another client', async () => {
        const { callbackUrl, cookie } = await erinAtProvider();
        peer.issueIdTokensFor(OTHER.clientId);
        try {
          const step = await ssoCallback(t.app, callbackUrl, cookie);
          await assertRefused(t, step, /\baud\b|audience|another client/, accountsBefore);
        } finally {
          peer.issueIdTokensFor(null);
        }
      });

      it('refuses a sign-in begun before the settings changed to another client or issuer', async () => {
        const forPlanner = await erinAtProvider();
        await putSettings(t, settings(oidcSettingsFor(peer, OTHER)));
        try {
          const step = await ssoCallback(t.app, forPlanner.callbackUrl, forPlanner.cookie);
          await assertRefused(t, step, /no longer accepts this sign-in/, accountsBefore);
        } finally {
          await putSettings(t, settings());
        }
        const other = await startOidcProvider({ clients: [PLANNER], accounts: { erin: ERIN } });
        try {
          const begun = await erinAtProvider();
          await putSettings(t, settings({ issuer: other.issuer }));
          const step = await ssoCallback(t.app, begun.callbackUrl, begun.cookie);
          await assertRefused(t, step, /changed during the sign-in/, accountsBefore);
        } finally {
          await putSettings(t, settings());
          await other.stop();
        }
      });

      it('refuses a code that expired at the provider', async () => {
        const brief = await startOidcProvider({
          clients: [PLANNER],
          accounts: { erin: ERIN },
          ttl: { AuthorizationCode: 1 },
        });
        await putSettings(t, settings({ issuer: brief.issuer }));
        try {
          const started = await ssoStart(t.app);
          const { callbackUrl } = await brief.signIn(started.location, 'erin');
          await sleep(1_100);
          const step = await ssoCallback(t.app, callbackUrl, started.cookies.get(SSO_STATE_COOKIE));
          await assertRefused(t, step, /no longer accepts this sign-in/, accountsBefore);
          assert.deepEqual(brief.tokenErrors, ['authorization code is expired']);
        } finally {
          await putSettings(t, settings());
          await brief.stop();
        }
      });

      it('sends the browser back with a message when the provider cannot be reached', async () => {
        const port = await freePort();
        await putSettings(t, settings({ issuer: `http://127.0.0.1:${port}` }));
        try {
          const started = await ssoStart(t.app, '/tasks');
          assert.match(ssoErrorOf(started), /cannot be reached/);
          assert.ok(!ssoErrorOf(started).includes(String(port)), 'the address stays in the log');
          assert.equal(started.cookies.has(SSO_STATE_COOKIE), false, 'no sign-in began');
        } finally {
          await putSettings(t, settings());
        }
        assert.equal((await ssoStart(t.app)).status, 302, 'back once it is reachable');
      });
    });
  });
}
