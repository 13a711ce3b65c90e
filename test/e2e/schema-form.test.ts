// The form generated from a config schema: a union of objects (a calendar's file or URL) is a
// choice of its variants, each a form of its own that keeps nothing of the other; and a field
// hidden by showWhen (the SQL report's password, for the encrypted format only) is not saved.
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  browserUnavailable,
  screenshot,
  startUi,
  type Credentials,
  type UiHarness,
} from '../support/browser.ts';
import { createUser, logIn, withPage } from './steps.ts';

const skip = browserUnavailable() ?? false;

const FEED = 'https://calendar.example.com/team.ics';

interface SavedTask {
  id: string;
  triggers: Array<{ config: Record<string, unknown> }>;
  jobs: Array<{ config: Record<string, unknown> }>;
}

describe('the schema form in the task editor', { skip }, () => {
  let ui: UiHarness | undefined;
  let erin: Credentials | undefined;
  let root = '';
  const harness = () => ui ?? assert.fail('the server and browser did not start');
  const planner = () => erin ?? assert.fail('erin was not created');

  before(async () => {
    ui = await startUi();
    root = realpathSync(mkdtempSync(join(tmpdir(), 'tp-schema-form-e2e-')));
    erin = await createUser(ui, 'erin', ['taskplanner', 'trigger.calendar', 'job.sql']);
    const settings = await ui.api('PATCH', '/settings', { body: { folderRoots: [root] } });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
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

  /** Creates the task in the editor and waits for its page; the task as the API has it. */
  async function create(page: Page, name: string): Promise<SavedTask> {
    await page.getByRole('button', { name: 'Create task' }).click();
    await page.getByRole('heading', { name: `Task: ${name}` }).waitFor();
    const listed = await harness().api<{ items: SavedTask[] }>('GET', '/tasks', { as: planner() });
    const task = listed.body.items.find((each) => (each as { name?: string }).name === name);
    return task ?? assert.fail(`${name} was not saved`);
  }

  it("offers a calendar's file or URL as a choice, each with its own fields", async () => {
    await withPage(harness(), 'schema-form-union', async (page) => {
      await logIn(page, planner(), '/tasks/new');
      await page.getByLabel(/^Name/).fill('Team calendar');
      await page.getByRole('tab', { name: /^Triggers/ }).click();
      await page.getByLabel('Kind of trigger').selectOption({ label: 'Calendar' });
      await page.getByRole('button', { name: 'Add trigger' }).click();
      const card = page.getByRole('region', { name: /^1\. Calendar/ });
      const source = card.getByLabel(/^Calendar/);
      assert.deepEqual(await source.locator('option').allTextContents(), [
        '(not set)',
        'File',
        'URL',
      ]);
      const fields = () => ({
        file: card.getByLabel(/^File/),
        url: card.getByLabel(/^URL/),
        refresh: card.getByLabel(/^Refresh every/),
      });

      await source.selectOption({ label: 'URL' });
      await fields().url.fill(FEED);
      await fields().refresh.fill('30');
      assert.equal(await fields().file.count(), 0, 'no file field for a URL');
      await source.selectOption({ label: 'File' });
      assert.equal(await fields().url.count(), 0, 'the URL fields are gone');
      assert.equal(await fields().refresh.count(), 0);
      assert.equal(await fields().file.inputValue(), '', 'the file starts empty');
      await fields().file.fill(join(root, 'team.ics'));
      await source.selectOption({ label: 'URL' });
      assert.equal(await fields().url.inputValue(), '', 'nothing kept of the URL before');
      assert.equal(await fields().refresh.inputValue(), '');
      assert.equal(await fields().file.count(), 0);
      await fields().url.fill(FEED);
      await fields().refresh.fill('45');
      await screenshot(page, 'schema-form-union');

      const saved = await create(page, 'Team calendar');
      assert.deepEqual(saved.triggers[0]?.config.source, { url: FEED, refreshMinutes: 45 });

      await page.reload();
      await page.getByRole('tab', { name: /^Triggers/ }).click();
      const reopened = page.getByRole('region', { name: /^1\. Calendar/ });
      const chosen = reopened.getByLabel(/^Calendar/).locator('option:checked');
      assert.equal(await chosen.textContent(), 'URL', 'the stored source is read as a URL');
      assert.equal(await reopened.getByLabel(/^URL/).inputValue(), FEED);
    });
  });

  it("drops the SQL report's password when the format no longer takes one", async () => {
    await withPage(harness(), 'schema-form-hidden', async (page) => {
      await logIn(page, planner(), '/tasks/new');
      await page.getByLabel(/^Name/).fill('Shop export');
      await page.getByRole('tab', { name: /^Jobs/ }).click();
      await page.getByRole('button', { name: 'Add a job…' }).click();
      await page.getByRole('button', { name: 'SQL report' }).click();
      const job = page.getByRole('region', { name: /^Job 1/ });
      const dataSource = job.getByLabel(/^Data source/);
      await dataSource
        .locator('option', { hasText: 'Shop (sqlite)' })
        .waitFor({ state: 'attached' });
      await dataSource.selectOption({ label: 'Shop (sqlite)' });
      await job.getByLabel(/^Query/).fill('select 1 as one');
      const format = job.getByLabel(/^Format/);
      await format.selectOption({ label: 'HTML table, encrypted with a password' });
      await job.getByLabel(/^Password/).fill('a long secret 42');
      await format.selectOption({ label: 'CSV' });
      assert.equal(await job.getByLabel(/^Password/).count(), 0, 'hidden for CSV');
      assert.equal(await job.getByLabel(/^Byte order mark \(BOM\)/).count(), 1);
      await format.selectOption({ label: 'HTML table, encrypted with a password' });
      assert.equal(await job.getByLabel(/^Password/).inputValue(), '', 'its value went with it');
      await format.selectOption({ label: 'CSV' });

      const saved = await create(page, 'Shop export');
      const config = saved.jobs[0]?.config ?? assert.fail('no job saved');
      assert.equal(config.format, 'csv');
      assert.equal(config.password, '', 'no password stored (a stored one shows masked)');
    });
  });
});
