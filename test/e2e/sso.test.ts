// Single sign-on in the browser: the login page's "Sign in with <name>" goes to a real OpenID
// provider, whose login and consent pages the user answers, and comes back logged in; a user who
// denies at the provider is back on the login page with the reason.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserUnavailable, screenshot, startUi, type UiHarness } from '../support/browser.ts';
import {
  oidcSettingsFor,
  plannerClient,
  startOidcProvider,
  type OidcPeer,
} from '../support/oidc-peer.ts';
import { loginForm, taskListHeading, withPage } from './steps.ts';

const skip = browserUnavailable() ?? false;

const PROVIDER_NAME = 'Example ID';
const ALICE = {
  sub: 'user-alice',
  preferred_username: 'alice',
  name: 'Alice Example',
  email: 'alice@example.test',
  groups: ['planners'],
};

/** The provider's login page (test/support/oidc-peer.ts): a login, a password, two buttons. */
function providerLogin(page: Page) {
  return {
    login: page.locator('input[name="login"]'),
    password: page.locator('input[name="password"]'),
    signIn: page.getByRole('button', { name: 'Sign in', exact: true }),
    deny: page.getByRole('button', { name: 'Deny', exact: true }),
  };
}

/** From the planner's login page to the provider's, through the single sign-on button. */
async function toProvider(page: Page, peer: OidcPeer): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: `Sign in with ${PROVIDER_NAME}` }).click();
  await page.waitForURL((url) => url.origin === peer.issuer);
  await providerLogin(page).login.waitFor();
}

describe('single sign-on in the browser', { skip }, () => {
  let ui: UiHarness | undefined;
  let peer: OidcPeer | undefined;
  const harness = () => ui ?? assert.fail('the server and browser did not start');
  const provider = () => peer ?? assert.fail('the OpenID provider did not start');

  before(async () => {
    ui = await startUi();
    // The provider knows the client's redirect URI, which is below the server's address.
    const client = plannerClient(ui.url, { clientId: 'taskplanner', clientSecret: 'e2e-secret' });
    peer = await startOidcProvider({ clients: [client], accounts: { alice: ALICE } });
    const groups = await ui.api<{ items: Array<{ id: string; name: string }> }>('GET', '/groups');
    const planners = groups.body.items.find((group) => group.name === 'Planners');
    assert.ok(planners, `the shipped role Planners: ${JSON.stringify(groups.body)}`);
    const saved = await ui.api('PUT', '/settings/oidc', {
      body: oidcSettingsFor(peer, client, {
        name: PROVIDER_NAME,
        groupMap: [{ claimValue: 'planners', groupId: planners.id }],
      }),
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
  });
  after(async () => {
    await peer?.stop();
    await ui?.close();
  });

  it('signs alice in at the provider and brings her back to the task list, logged in', async () => {
    await withPage(harness(), 'sso-sign-in', async (page) => {
      await toProvider(page, provider());
      const form = providerLogin(page);
      await form.login.fill('alice');
      await form.password.fill('any password');
      await form.signIn.click();
      await page.getByRole('button', { name: 'Allow', exact: true }).click();

      await taskListHeading(page).waitFor();
      assert.equal(new URL(page.url()).origin, harness().url);
      assert.equal(new URL(page.url()).pathname, '/');
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      await page.getByRole('link', { name: 'Your account: Alice Example' }).waitFor();
      await screenshot(page, 'sso-signed-in');

      const users = await harness().api<{ items: Array<{ login: string; source: string }> }>(
        'GET',
        '/users?q=alice',
      );
      const alice = users.body.items.find((user) => user.login === 'alice');
      assert.equal(alice?.source, 'oidc', JSON.stringify(users.body));
    });
  });

  it('shows why on the login page when the user denies at the provider', async () => {
    await withPage(harness(), 'sso-denied', async (page) => {
      await toProvider(page, provider());
      await providerLogin(page).deny.click();

      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.equal(new URL(page.url()).origin, harness().url);
      assert.equal(
        (await alert.textContent())?.trim(),
        'Single sign-on did not work: The sign-in was cancelled at the provider',
      );
      await loginForm(page).login.waitFor();
      await page.getByRole('link', { name: `Sign in with ${PROVIDER_NAME}` }).waitFor();
      assert.equal(await taskListHeading(page).count(), 0, 'not logged in');
      await screenshot(page, 'sso-denied');
    });
  });
});
