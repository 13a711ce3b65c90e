// Failure notices in the browser: alice gives a task notices of its own in the editor and finds
// them after a reload; a bad address is named next to its field and nothing is saved; the admin
// sets the server's default notices and its address in Settings. Also: the SQL report's form
// shows each format's own fields only (the password only for the encrypted format).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  browserUnavailable,
  screenshot,
  startUi,
  type Credentials,
  type UiHarness,
} from '../support/browser.ts';
import { passwordOf } from '../support/passwords.ts';
import { logIn, normalized, withPage } from './steps.ts';

const skip = browserUnavailable() ?? false;

const TASK_NAME = 'Nightly export';

describe('failure notices in the browser', { skip }, () => {
  let ui: UiHarness | undefined;
  let alice: Credentials | undefined;
  let taskId: string | undefined;
  const harness = () => ui ?? assert.fail('the server and browser did not start');
  const needed = <T>(value: T | undefined, what: string): T =>
    value ?? assert.fail(`${what} is missing: the setup failed`);

  before(async () => {
    ui = await startUi();
    const login = 'alice';
    const password = passwordOf(login);
    const made = await ui.api<{ id: string }>('POST', '/users', {
      body: {
        login,
        password,
        displayName: 'Alice',
        email: 'alice@example.com',
        permissions: ['taskplanner', 'action.email'],
      },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    alice = { login, password };
    const task = await ui.api<{ id: string }>('POST', '/tasks', {
      as: alice,
      body: { name: TASK_NAME },
    });
    assert.equal(task.status, 201, JSON.stringify(task.body));
    taskId = task.body.id;
  });
  after(async () => {
    await ui?.close();
  });

  /** The task as the API has it. */
  async function storedTask(): Promise<{ revision: number; notices: unknown }> {
    const id = needed(taskId, 'the task');
    const answer = await harness().api('GET', `/tasks/${id}`, { as: needed(alice, 'alice') });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  }

  /** Opens the task's editor as alice, on the Notices tab. */
  async function openNotices(page: Page): Promise<Locator> {
    await logIn(page, needed(alice, 'alice'), `/tasks/${needed(taskId, 'the task')}`);
    await page.getByRole('heading', { name: `Task: ${TASK_NAME}` }).waitFor();
    await page.getByRole('tab', { name: /^Notices/ }).click();
    return page.getByRole('tabpanel', { name: /^Notices/ });
  }

  it('sets notices on a task in the editor, saves them, and shows them after a reload', async () => {
    await withPage(harness(), 'task-notices', async (page) => {
      const panel = await openNotices(page);
      const byDefault = panel.getByRole('radio', { name: 'Use the server’s default' });
      assert.equal(await byDefault.isChecked(), true, 'a new task follows the default');
      assert.equal(await panel.getByLabel('A run failed').count(), 0, 'no fields for the default');
      assert.match(normalized(await panel.textContent()), /SMTP server, which an administrator/);

      await panel.getByRole('radio', { name: 'Notify me…' }).check();
      assert.equal(await panel.getByLabel('A run failed').isChecked(), true, 'failures to start');
      await panel.getByLabel('A run timed out').check();
      const toMe = panel.getByLabel('Send to me (my e-mail address)');
      assert.equal(await toMe.isChecked(), true);
      assert.match(normalized(await panel.textContent()), /That is alice@example\.com\./);
      await panel.getByRole('button', { name: 'Add to Further addresses' }).click();
      await panel.getByLabel('Further addresses 1', { exact: true }).fill('Ops <ops@example.com>');
      await panel.getByLabel(/^At most one notice every/).fill('30');
      assert.match(normalized(await panel.textContent()), /summed up in the next one/);
      await screenshot(page, 'task-notices-editor');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

      assert.deepEqual((await storedTask()).notices, {
        on: ['failure', 'timeout'],
        toOwner: true,
        to: ['Ops <ops@example.com>'],
        webhook: null,
        quietMinutes: 30,
      });

      await page.reload();
      await page.getByRole('tab', { name: /^Notices/ }).click();
      const again = page.getByRole('tabpanel', { name: /^Notices/ });
      assert.equal(await again.getByRole('radio', { name: 'Notify me…' }).isChecked(), true);
      assert.equal(await again.getByLabel('A run failed').isChecked(), true);
      assert.equal(await again.getByLabel('A run timed out').isChecked(), true);
      assert.equal(await again.getByLabel('A run was interrupted').isChecked(), false);
      assert.equal(
        await again.getByLabel('The task recovered (succeeded after a failure)').isChecked(),
        false,
      );
      assert.equal(
        await again.getByLabel('Further addresses 1', { exact: true }).inputValue(),
        'Ops <ops@example.com>',
      );
      assert.equal(await again.getByLabel(/^At most one notice every/).inputValue(), '30');
    });
  });

  it('names a bad address next to its field, marks the tab, and saves nothing', async () => {
    const before = await storedTask();
    await withPage(harness(), 'task-notices-bad-address', async (page) => {
      const panel = await openNotices(page);
      await panel.getByRole('radio', { name: 'Notify me…' }).check();
      await panel.getByRole('button', { name: 'Add to Further addresses' }).click();
      const rows = await panel.getByRole('textbox', { name: /^Further addresses \d+$/ }).count();
      const bad = panel.getByLabel(`Further addresses ${rows}`, { exact: true });
      await bad.fill('ops at example');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'Not saved.' }).waitFor();

      assert.equal(await bad.getAttribute('aria-invalid'), 'true');
      const describedBy = (await bad.getAttribute('aria-describedby')) ?? '';
      const message = normalized(await page.locator(`[id="${describedBy}"]`).textContent());
      assert.match(message, /'ops at example' is not a valid e-mail address/);
      assert.ok(await panel.getByText(message).isVisible(), 'the message is beside the field');
      const tab = page.getByRole('tab', { name: /^Notices/ });
      assert.match(normalized(await tab.textContent()), /\(has errors\)/);
      await screenshot(page, 'task-notices-bad-address');
    });
    const after = await storedTask();
    assert.equal(after.revision, before.revision, 'nothing was saved');
    assert.deepEqual(after.notices, before.notices);
  });

  it("sets the server's default notices and its address in Settings", async () => {
    await withPage(harness(), 'settings-notices', async (page) => {
      await logIn(page, harness().admin, '/admin/settings');
      const notices = page.getByRole('form', { name: 'Failure notices' });
      assert.equal(await notices.getByLabel('A run failed').isChecked(), false, 'off by default');
      await notices.getByLabel('A run failed').check();
      await notices.getByLabel('The task recovered (succeeded after a failure)').check();
      assert.equal(await notices.getByLabel('Send to the task’s owner').isChecked(), true);
      await notices.getByLabel('Webhook URL').fill('https://chat.example.com/hooks/planner');
      await notices.getByRole('button', { name: 'Save notices' }).click();
      await notices.getByRole('status').filter({ hasText: 'saved' }).waitFor();

      const address = page.getByRole('form', { name: 'Server address' });
      assert.match(normalized(await address.textContent()), /\{run\.url\} placeholder start/);
      const field = address.getByLabel('Server address');
      await field.fill('planner.example.com');
      await address.getByRole('button', { name: 'Save address' }).click();
      await address.getByRole('alert').waitFor();
      assert.equal(await field.getAttribute('aria-invalid'), 'true', 'no scheme: refused');
      await field.fill('https://planner.example.com/');
      await address.getByRole('button', { name: 'Save address' }).click();
      await address.getByRole('status').filter({ hasText: 'saved' }).waitFor();
      assert.equal(await field.inputValue(), 'https://planner.example.com');
      await screenshot(page, 'settings-notices');
    });
    const settings = await harness().api('GET', '/settings');
    assert.deepEqual(settings.body.notices, {
      on: ['failure', 'recovery'],
      toOwner: true,
      to: [],
      webhook: 'https://chat.example.com/hooks/planner',
      quietMinutes: 60,
    });
    assert.equal(settings.body.publicUrl, 'https://planner.example.com');
  });

  it("shows the SQL report's password only for the encrypted format", async () => {
    await withPage(harness(), 'sql-report-fields', async (page) => {
      await logIn(page, harness().admin, '/tasks/new');
      await page.getByRole('tab', { name: /^Jobs/ }).click();
      await page.getByRole('button', { name: 'Add a job…' }).click();
      await page.getByRole('button', { name: 'SQL report' }).click();
      const job = page.getByRole('region', { name: /^Job 1/ });
      const format = job.getByLabel(/^Format/);
      const shown = async () => ({
        password: await job.getByLabel(/^Password/).count(),
        sheet: await job.getByLabel(/^Sheet name/).count(),
        bom: await job.getByLabel(/^Byte order mark/).count(),
      });
      assert.deepEqual(await shown(), { password: 0, sheet: 0, bom: 1 }, 'CSV');
      await format.selectOption({ label: 'HTML table, encrypted with a password' });
      assert.deepEqual(await shown(), { password: 1, sheet: 0, bom: 0 }, 'encrypted HTML');
      await format.selectOption({ label: 'Excel (XLSX)' });
      assert.deepEqual(await shown(), { password: 0, sheet: 1, bom: 0 }, 'Excel');
    });
  });
});
