// Folders and data sources in the editor: a planner picks a data source from the ones they may
// use (not one closed to them), sees the allowed folders beside a folder field, and a folder
// outside them is refused at save with the server's words next to the field, nothing saved.
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  browserUnavailable,
  startUi,
  type Credentials,
  type UiHarness,
} from '../support/browser.ts';
import { passwordOf } from '../support/passwords.ts';
import { logIn, normalized, withPage } from './steps.ts';

const skip = browserUnavailable() ?? false;

describe('folders and data sources in the editor', { skip }, () => {
  let ui: UiHarness | undefined;
  let alice: Credentials | undefined;
  let root = '';
  const harness = () => ui ?? assert.fail('the server and browser did not start');
  const needed = <T>(value: T | undefined, what: string): T =>
    value ?? assert.fail(`${what} is missing: the setup failed`);

  before(async () => {
    ui = await startUi();
    root = realpathSync(mkdtempSync(join(tmpdir(), 'tp-save-targets-e2e-')));
    const login = 'alice';
    const password = passwordOf(login);
    const made = await ui.api<{ id: string }>('POST', '/users', {
      body: { login, password, permissions: ['taskplanner', 'job.sql', 'action.files'] },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    alice = { login, password };
    const settings = await ui.api('PATCH', '/settings', { body: { folderRoots: [root] } });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    const location = join(root, 'shop.db');
    for (const [name, everyone] of [
      ['Shop', true],
      ['Payroll', false],
    ] as const) {
      const access = { everyone, userIds: [], groupIds: [] };
      const added = await harness().api<{ id: string }>('POST', '/data-sources', {
        body: { name, kind: 'sqlite', location, access },
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
    }
  });
  after(async () => {
    await ui?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('offers the usable data sources, lists the allowed folders, and names a refused folder', async () => {
    await withPage(harness(), 'save-targets', async (page) => {
      await logIn(page, needed(alice, 'alice'), '/tasks/new');
      await page.getByLabel(/^Name/).fill('Shop report');
      await page.getByRole('tab', { name: /^Jobs/ }).click();
      await page.getByRole('button', { name: 'Add a job…' }).click();
      await page.getByRole('button', { name: 'SQL report' }).click();
      const job = page.getByRole('region', { name: /^Job 1/ });
      const source = job.getByLabel(/^Data source/);
      await source.locator('option', { hasText: 'Shop (sqlite)' }).waitFor({ state: 'attached' });
      const offered = await source.locator('option').allTextContents();
      assert.deepEqual(offered, ['(not set)', 'Shop (sqlite)'], 'not Payroll, closed to alice');
      await source.selectOption({ label: 'Shop (sqlite)' });
      await job.getByLabel(/^Query/).fill('select 1 as one');

      await page.getByRole('tab', { name: /^Actions/ }).click();
      await page.getByRole('button', { name: 'Add an action…' }).click();
      await page.getByRole('button', { name: 'Save to a folder' }).click();
      const action = page.getByRole('region', { name: /^Action 1/ });
      const folder = action.getByLabel(/^Folder/);
      const help = page.locator(`#${await folder.getAttribute('id')}-help`);
      await help.getByText(root).waitFor();
      assert.match(normalized(await help.textContent()), /Allowed folders: .+\./);
      await folder.fill('/etc');
      await page.getByRole('button', { name: 'Create task' }).click();

      const error = action.getByText('This path is not inside an allowed folder: /etc');
      await error.waitFor();
      assert.equal(await folder.getAttribute('aria-invalid'), 'true');
      const tasks = await harness().api('GET', '/tasks', { as: needed(alice, 'alice') });
      assert.deepEqual(tasks.body.items, [], 'nothing saved');

      await folder.fill(join(root, 'reports'));
      await page.getByRole('button', { name: 'Create task' }).click();
      await page.getByRole('heading', { name: 'Task: Shop report' }).waitFor();
      const saved = await harness().api('GET', '/tasks', { as: needed(alice, 'alice') });
      assert.equal(saved.body.items[0]?.jobs[0]?.config.dataSource, 'Shop');
    });
  });
});
