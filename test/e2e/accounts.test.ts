// Accounts in the browser: the admin makes a user in the Planners role with a generated
// password; the user must choose their own before anything else, then plans a task and sees
// what they may do; the admin deletes a user who owns a task, giving it to someone else.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  browserUnavailable,
  screenshot,
  startUi,
  type Credentials,
  type UiHarness,
} from '../support/browser.ts';
import { waitFor } from '../support/processes.ts';
import { createUser, focused, logIn, loginForm, taskListHeading, withPage } from './steps.ts';

const skip = browserUnavailable() ?? false;

const CAROL = { login: 'carol', displayName: 'Carol Planner' };
const CAROL_OWN_PASSWORD = 'quiet-harbour-lantern-7';
/** Long enough for the form, refused by the server's policy as too common. */
const WEAK_PASSWORD = 'password123';
const TASK_NAME = 'Carol’s first task';

/** The users page, as the logged-in admin reaches it from the navigation. */
async function openUsers(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
}

/** The row of a user in the users table. */
function userRow(page: Page, login: string) {
  return page
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: login, exact: true }) });
}

/** The fields of the form for a password of one's own. */
function passwordChangeForm(page: Page) {
  return {
    current: page.getByLabel('Current password', { exact: true }),
    next: page.getByLabel('New password', { exact: true }),
    repeat: page.getByLabel('Repeat the new password', { exact: true }),
  };
}

describe('accounts and roles in the browser', { skip }, () => {
  let ui: UiHarness | undefined;
  let carol: (Credentials & { id: string }) | undefined;
  const harness = () => ui ?? assert.fail('the server and browser did not start');
  const needed = <T>(value: T | undefined, what: string): T =>
    value ?? assert.fail(`${what} is missing: an earlier step failed`);

  before(async () => {
    ui = await startUi();
  });
  after(async () => {
    await ui?.close();
  });

  it('lets the admin make a user in the Planners role with a generated password to change', async () => {
    await withPage(harness(), 'account-create', async (page) => {
      await logIn(page, harness().admin);
      await openUsers(page);
      await page.getByRole('button', { name: 'New user' }).click();
      const form = page.getByRole('form', { name: 'New user' });
      await form.getByLabel('Login', { exact: true }).fill(CAROL.login);
      await form.getByLabel('Display name', { exact: true }).fill(CAROL.displayName);
      await form.getByRole('button', { name: 'Generate a password' }).click();
      const shown = form.getByLabel(/^Generated password/);
      const password = await shown.inputValue();
      assert.match(password, /^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/, 'four groups of five');
      assert.equal(await form.getByLabel('Password', { exact: true }).inputValue(), password);
      await form.getByRole('button', { name: 'Copy the password' }).waitFor();
      const mustChange = form.getByLabel('The user must change it at first login');
      assert.equal(await mustChange.isChecked(), true, 'checked unless unticked');

      const roles = form.getByRole('group', { name: 'Roles' });
      assert.equal(await roles.getByRole('checkbox').count(), 3, 'the three shipped roles');
      await roles.getByText('Build and run their own tasks', { exact: false }).waitFor();
      await roles.getByRole('checkbox', { name: /^Planners/ }).check();
      await screenshot(page, 'account-new-user');
      await form.getByRole('button', { name: 'Create user' }).click();
      await page.getByRole('status').filter({ hasText: 'User carol created.' }).waitFor();
      await userRow(page, CAROL.login).getByText('must change password').waitFor();

      const listed = await harness().api('GET', '/users?q=carol');
      const user = listed.body.items.find((each: { login: string }) => each.login === 'carol');
      const planners = (await harness().api('GET', '/groups')).body.items.find(
        (group: { name: string }) => group.name === 'Planners',
      );
      assert.equal(user.mustChangePassword, true);
      assert.deepEqual(user.groupIds, [planners.id]);
      assert.deepEqual(user.permissions, [], 'everything comes from the role');
      carol = { login: CAROL.login, password, id: user.id };
    });
  });

  it('makes that user choose their own password first, refusing a weak one, then lets them plan', async () => {
    const first = needed(carol, 'carol');
    await withPage(harness(), 'account-forced-change', async (page) => {
      await page.goto('/tasks');
      const login = loginForm(page);
      await login.login.fill(first.login);
      await login.password.fill(first.password);
      await login.submit.click();
      await page.getByRole('heading', { name: 'Choose your own password', level: 1 }).waitFor();
      await page.getByText('Your current password was set for you').waitFor();
      assert.equal(await taskListHeading(page).count(), 0, 'no task list yet');
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
      assert.equal((await focused(page)).name, 'Current password', 'the form has the focus');

      const form = passwordChangeForm(page);
      await form.current.fill(first.password);
      await form.next.fill(WEAK_PASSWORD);
      await form.repeat.fill(WEAK_PASSWORD);
      await page.getByRole('button', { name: 'Save my password' }).click();
      await page.getByText('This password is too common; choose another').waitFor();
      assert.equal(await form.next.getAttribute('aria-invalid'), 'true');
      await screenshot(page, 'account-forced-change-refused');

      await form.next.fill(CAROL_OWN_PASSWORD);
      await form.repeat.fill(CAROL_OWN_PASSWORD);
      await page.getByRole('button', { name: 'Save my password' }).click();
      await taskListHeading(page).waitFor();
      assert.equal(new URL(page.url()).pathname, '/tasks', 'on to the page asked for');

      await page.getByRole('link', { name: 'New task' }).click();
      await page.getByRole('heading', { name: 'New task', level: 1 }).waitFor();
      await page.getByLabel('Name', { exact: true }).fill(TASK_NAME);
      await page.getByRole('button', { name: 'Create task' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Created “${TASK_NAME}”` })
        .waitFor();
    });
    carol = { ...first, password: CAROL_OWN_PASSWORD };
    const me = await harness().api('GET', '/me', { as: carol });
    assert.equal(me.status, 200, 'the new password works, the generated one no longer');
    assert.equal(me.body.mustChangePassword, false);
    const tasks = await harness().api('GET', '/tasks?scope=mine', { as: carol });
    assert.deepEqual(
      tasks.body.items.map((task: { name: string }) => task.name),
      [TASK_NAME],
    );
    const old = await harness().api('GET', '/me', { as: first });
    assert.equal(old.status, 401);
  });

  it('shows the user on the Account page what they may do, and through which role', async () => {
    const who = needed(carol, 'carol');
    await withPage(harness(), 'account-page', async (page) => {
      await logIn(page, who);
      await page.getByRole('link', { name: `Your account: ${CAROL.displayName}` }).click();
      await page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
      await page.getByText(who.login, { exact: true }).first().waitFor();
      const table = page.getByRole('table', { name: 'What you may do' });
      const planner = table.getByRole('row').filter({ hasText: /^taskplanner/ });
      await planner.getByRole('cell', { name: 'through the role Planners' }).waitFor();
      await page.getByText('You are in the role Planners.').waitFor();
      const held = await table.locator('tbody tr td:first-child').allTextContents();
      const expected = (await harness().api('GET', '/me', { as: who })).body.permissions;
      assert.deepEqual(held, expected, 'every permission held, and only those');
      for (const absent of ['job.command', 'users.manage', 'taskplanner.admin']) {
        assert.ok(!held.includes(absent), `Planners do not hold ${absent}`);
      }
      await screenshot(page, 'account-page');
    });
  });

  it('shows the form for an own password as soon as a call is refused for want of one', async () => {
    const who = needed(carol, 'carol');
    const again = 'second-quiet-meadow-9';
    await withPage(harness(), 'account-change-demanded', async (page) => {
      await logIn(page, who);
      await taskListHeading(page).waitFor();
      const demanded = await harness().api('PATCH', `/users/${who.id}`, {
        body: { mustChangePassword: true },
      });
      assert.equal(demanded.status, 200, JSON.stringify(demanded.body));

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Runs' })
        .click();
      await page.getByRole('heading', { name: 'Choose your own password', level: 1 }).waitFor();
      const form = passwordChangeForm(page);
      await form.current.fill(who.password);
      await form.next.fill(again);
      await form.repeat.fill(`${again}x`);
      await page.getByRole('button', { name: 'Save my password' }).click();
      await page.getByText('The two new passwords differ.').waitFor();
      await form.repeat.fill(again);
      await page.getByRole('button', { name: 'Save my password' }).click();
      await page.getByRole('heading', { name: 'Runs', level: 1, exact: true }).waitFor();
    });
    carol = { ...who, password: again };
    const me = await harness().api('GET', '/me', { as: carol });
    assert.equal(me.body.mustChangePassword, false);
  });

  it('lets the admin delete a user who owns a task, giving the task to another user', async () => {
    const recipient = needed(carol, 'carol');
    const dave = await createUser(harness(), 'dave', ['taskplanner']);
    const made = await harness().api('POST', '/tasks', { as: dave, body: { name: 'Dave’s task' } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    await withPage(harness(), 'account-delete', async (page) => {
      await logIn(page, harness().admin);
      await openUsers(page);
      const deleteButton = page.getByRole('button', { name: 'Delete dave', exact: true });

      // The keyboard opens the dialog, Escape closes it, and the focus returns.
      await deleteButton.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Delete the user dave?' });
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      assert.equal((await focused(page)).name, 'Delete dave');

      await deleteButton.click();
      await dialog.getByRole('button', { name: 'Delete user', exact: true }).click();
      await dialog
        .getByRole('group', {
          name: 'dave owns tasks. Give them to another user, or delete them with dave:',
        })
        .waitFor();
      const give = dialog.getByRole('radio', { name: 'Give them to another user' });
      assert.equal(await give.isChecked(), true, 'giving the tasks away is the first choice');
      // The focus stays in the dialog, on the first choice, not on the page behind it.
      await waitFor(async () => (await focused(page)).name === 'Give them to another user', {
        timeoutMs: 2_000,
      });
      assert.deepEqual(
        await focused(page),
        { tag: 'input', role: '', name: 'Give them to another user' },
        'the focus moved to the first choice',
      );
      await dialog.getByLabel('New owner of the tasks').fill(recipient.login);
      await screenshot(page, 'account-delete-transfer');
      await dialog.getByRole('button', { name: 'Delete user, give tasks away' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `User dave deleted; their tasks now belong to ${recipient.login}.` })
        .waitFor();
      await userRow(page, 'dave').waitFor({ state: 'detached' });
    });
    const task = await harness().api('GET', `/tasks/${made.body.id}`);
    assert.equal(task.status, 200, JSON.stringify(task.body));
    assert.equal(task.body.ownerId, recipient.id);
    assert.equal(task.body.ownerLogin, recipient.login);
    assert.equal((await harness().api('GET', `/users/${dave.id}`)).status, 404);
  });
});
