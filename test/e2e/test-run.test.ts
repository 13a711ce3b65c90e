// Test run in the editor: the task as it stands, unsaved, runs as the planner. A dry run says
// where each action would deliver (and which files, how big) and delivers nothing; a real one
// delivers; neither saves the task or records a run. A refused draft points at its fields.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  browserUnavailable,
  screenshot,
  startUi,
  type Credentials,
  type UiHarness,
} from '../support/browser.ts';
import { createUser, logIn, normalized, withPage } from './steps.ts';

const skip = browserUnavailable() ?? false;

describe('test run in the task editor', { skip }, () => {
  let ui: UiHarness | undefined;
  let tess: Credentials | undefined;
  let root = '';
  const harness = () => ui ?? assert.fail('the server and browser did not start');
  const planner = () => tess ?? assert.fail('tess was not created');

  before(async () => {
    ui = await startUi();
    root = realpathSync(mkdtempSync(join(tmpdir(), 'tp-test-run-e2e-')));
    tess = await createUser(ui, 'tess', ['taskplanner', 'job.sql', 'action.files']);
    const settings = await ui.api('PATCH', '/settings', { body: { folderRoots: [root] } });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    new Database(join(root, 'shop.db')).close();
    const access = { everyone: true, userIds: [], groupIds: [] };
    const source = await ui.api('POST', '/data-sources', {
      body: { name: 'Shop', kind: 'sqlite', location: join(root, 'shop.db'), access },
    });
    assert.equal(source.status, 201, JSON.stringify(source.body));
  });
  after(async () => {
    await ui?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('dry-runs the unsaved draft, then runs it for real, saving neither task nor run', async () => {
    const reports = join(root, 'reports');
    await withPage(harness(), 'test-run', async (page) => {
      await logIn(page, planner(), '/tasks/new');
      await page.getByLabel(/^Name/).fill('Shop report');
      await page.getByRole('tab', { name: /^Jobs/ }).click();
      await page.getByRole('button', { name: 'Add a job…' }).click();
      await page.getByRole('button', { name: 'SQL report' }).click();
      const job = page.getByRole('region', { name: /^Job 1/ });
      const source = job.getByLabel(/^Data source/);
      await source.locator('option', { hasText: 'Shop (sqlite)' }).waitFor({ state: 'attached' });
      await source.selectOption({ label: 'Shop (sqlite)' });
      await job.getByLabel(/^Query/).fill('select 1 as one');
      await page.getByRole('tab', { name: /^Actions/ }).click();
      await page.getByRole('button', { name: 'Add an action…' }).click();
      await page.getByRole('button', { name: 'Save to a folder' }).click();
      await page
        .getByRole('region', { name: /^Action 1/ })
        .getByLabel(/^Folder/)
        .fill(reports);

      await page.getByRole('button', { name: 'Test run…' }).click();
      const dialog = page.getByRole('dialog', { name: /^Test run of .Shop report./ });
      assert.equal(await dialog.getByLabel(/Dry run/).isChecked(), true, 'dry by default');
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await dialog.getByRole('heading', { name: 'Would deliver' }).waitFor();
      const delivery = normalized(await dialog.locator('.test-run-deliveries li').textContent());
      assert.match(delivery, new RegExp(`^Save to a folder → ${reports}: .+\\.csv \\(\\d+ B\\)`));
      await screenshot(page, 'test-run-dry');
      assert.equal(existsSync(reports), false, 'the dry run saved nothing');

      await dialog.getByLabel(/Dry run/).uncheck();
      await dialog.getByText('The actions deliver for real').waitFor();
      assert.equal(
        await dialog.getByRole('heading', { name: 'Would deliver' }).count(),
        0,
        'the dry run’s answer went with the choice',
      );
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await dialog.getByRole('status').getByText('succeeded').waitFor();
      assert.equal(readdirSync(reports).length, 1, 'the real run saved the report');
      await dialog.getByRole('button', { name: 'Close' }).click();

      const tasks = await harness().api('GET', '/tasks', { as: planner() });
      assert.deepEqual(tasks.body.items, [], 'no task was saved');
      const runs = await harness().api('GET', '/runs', { as: planner() });
      assert.deepEqual(runs.body.items, [], 'no run was recorded');
      assert.equal(await page.getByRole('heading', { name: 'New task' }).isVisible(), true);
    });
  });

  it('takes a refused draft back to the editor, which points at the field', async () => {
    await withPage(harness(), 'test-run-refused', async (page) => {
      await logIn(page, planner(), '/tasks/new');
      await page.getByLabel(/^Name/).fill('Outside');
      await page.getByRole('tab', { name: /^Actions/ }).click();
      await page.getByRole('button', { name: 'Add an action…' }).click();
      await page.getByRole('button', { name: 'Save to a folder' }).click();
      const folder = page.getByRole('region', { name: /^Action 1/ }).getByLabel(/^Folder/);
      await folder.fill('/etc');
      await page.getByRole('button', { name: 'Test run…' }).click();
      const dialog = page.getByRole('dialog', { name: /^Test run of/ });
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await page.getByText('This path is not inside an allowed folder: /etc').first().waitFor();
      await page.getByRole('alert').getByText('The test run did not start.').waitFor();
      assert.equal(await dialog.isVisible(), false, 'the dialog closed');
      assert.equal(await folder.getAttribute('aria-invalid'), 'true');
    });
  });
});
