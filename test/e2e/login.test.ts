// In the browser: logging in (mouse and keyboard alone), logging out, and the admin's pages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { browserUnavailable, screenshot, startUi, type UiHarness } from '../support/browser.ts';
import {
  focused,
  focusIsVisible,
  logIn,
  loginForm,
  tabTo,
  taskListHeading,
  withPage,
} from './steps.ts';

const skip = browserUnavailable() ?? false;

describe('logging in and out in the browser', { skip }, () => {
  let ui: UiHarness | undefined;
  const harness = () => ui ?? assert.fail('the server and browser did not start');

  before(async () => {
    ui = await startUi();
  });
  after(async () => {
    await ui?.close();
  });

  it('refuses a wrong password with a message, then shows the task list at /', async () => {
    await withPage(harness(), 'login', async (page) => {
      await page.goto('/');
      const form = loginForm(page);
      await form.login.waitFor();
      await screenshot(page, 'login');

      await form.login.fill('admin');
      await form.password.fill('not-the-password');
      await form.submit.click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.notEqual((await alert.textContent())?.trim() ?? '', '', 'the error says something');
      assert.equal(await form.login.isVisible(), true, 'the form stays for another try');

      await form.password.fill(harness().admin.password);
      await form.submit.click();
      await taskListHeading(page).waitFor();
      assert.equal(new URL(page.url()).pathname, '/');
      assert.equal(await page.getByRole('alert').count(), 0, 'the error is gone');
    });
  });

  it('logs out: the login form is back, also after a reload', async () => {
    await withPage(harness(), 'logout', async (page) => {
      await logIn(page, harness().admin);
      await page.getByRole('button', { name: 'Log out' }).click();
      await loginForm(page).login.waitFor();
      await page.reload();
      await loginForm(page).login.waitFor();
      assert.equal(await taskListHeading(page).count(), 0);
    });
  });

  it('logs in with the keyboard alone (Tab, typing, Enter)', async () => {
    await withPage(harness(), 'keyboard-login', async (page) => {
      await page.goto('/');
      await loginForm(page).login.waitFor();

      await tabTo(page, /^Login$/);
      await page.keyboard.type('admin');
      await page.keyboard.press('Tab');
      assert.deepEqual((await focused(page)).name, 'Password');
      await page.keyboard.type(harness().admin.password);
      await page.keyboard.press('Tab');
      const button = await focused(page);
      assert.deepEqual([button.tag, button.name], ['button', 'Log in']);
      assert.ok(await focusIsVisible(page), 'the focused button shows a focus outline');
      await page.keyboard.press('Enter');
      await taskListHeading(page).waitFor();

      // The navigation is reachable too: Enter on a link goes there.
      await tabTo(page, /^Runs$/);
      assert.ok(await focusIsVisible(page), 'the focused link shows a focus outline');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Runs', level: 1, exact: true }).waitFor();
    });
  });

  it('shows the admin the server settings and the users', async () => {
    await withPage(harness(), 'admin-pages', async (page) => {
      await logIn(page, harness().admin);
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
      await page.getByRole('heading', { name: /SMTP/i }).first().waitFor();
      await screenshot(page, 'admin-settings');

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Users' })
        .click();
      await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
      await page.getByText('admin', { exact: true }).first().waitFor();
      await screenshot(page, 'admin-users');
    });
  });
});
