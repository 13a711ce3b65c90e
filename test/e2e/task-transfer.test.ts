// Moving tasks between servers in the browser: export from the list and from a task's page
// (a .json download), import through the import page, which names the secrets to type again
// and the permissions the owner lacks to run the tasks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

const SMTP_PASSWORD = 'e2e-transfer-PASS-4';
const SOURCE = 'Transfer source';
const FOLLOWER = 'Transfer follower';

/** An exported document, as far as these tests read it. */
interface Exported {
  format: string;
  tasks: Array<{ id: string; name: string; triggers: Array<{ config: { taskId?: string } }> }>;
}

/** Clicks the button and returns the parsed .json file the browser downloads. */
async function downloadedBy(page: Page, click: () => Promise<void>) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  const text = readFileSync(path, 'utf8');
  return { name: download.suggestedFilename(), text, document: JSON.parse(text) as Exported };
}

describe('moving tasks: export downloads, the import page', { skip }, () => {
  let ui: UiHarness | undefined;
  let dana: Credentials | undefined;
  let sourceId = '';
  let exported = '';
  const harness = () => ui ?? assert.fail('the server and browser did not start');
  const user = () => dana ?? assert.fail('dana was not created');

  before(async () => {
    ui = await startUi();
    dana = await createUser(ui, 'dana', ['taskplanner']);
    const source = await ui.api<{ id: string }>('POST', '/tasks', {
      as: dana,
      body: {
        name: SOURCE,
        triggers: [{ id: 'web', kind: 'http', config: {} }],
        actions: [
          {
            id: 'mail',
            kind: 'email',
            config: {
              to: ['dana@example.com'],
              smtp: { host: 'smtp.example.com', from: 'r@example.com', password: SMTP_PASSWORD },
            },
          },
        ],
      },
    });
    assert.equal(source.status, 201, JSON.stringify(source.body));
    sourceId = source.body.id;
    const follower = await ui.api('POST', '/tasks', {
      as: dana,
      body: {
        name: FOLLOWER,
        triggers: [{ id: 'after', kind: 'after-task', config: { taskId: sourceId } }],
      },
    });
    assert.equal(follower.status, 201, JSON.stringify(follower.body));
  });
  after(async () => {
    await ui?.close();
  });

  it('exports the ticked tasks of the list as a .json file without their secrets', async () => {
    await withPage(harness(), 'task-export-list', async (page) => {
      await logIn(page, user());
      await page.getByRole('checkbox', { name: `Select ${SOURCE}` }).check();
      await page.getByRole('checkbox', { name: `Select ${FOLLOWER}` }).check();
      await page.getByText('2 selected').waitFor();
      const file = await downloadedBy(page, () =>
        page.getByRole('button', { name: 'Export selected' }).click(),
      );
      assert.match(file.name, /^tasks-2-\d{4}-\d\d-\d\d\.json$/);
      assert.equal(file.document.format, 'taskplanner-tasks');
      assert.deepEqual(file.document.tasks.map((task) => task.name).sort(), [FOLLOWER, SOURCE]);
      assert.ok(!file.text.includes(SMTP_PASSWORD), 'the file carries no secret');
      await page
        .getByRole('status')
        .filter({ hasText: 'Exported 2 tasks, without their secrets.' })
        .waitFor();
      exported = file.text;
    });
  });

  it('exports one task from its page', async () => {
    await withPage(harness(), 'task-export-page', async (page) => {
      await logIn(page, user(), `/tasks/${sourceId}`);
      await page.getByRole('heading', { name: `Task: ${SOURCE}`, level: 1 }).waitFor();
      const file = await downloadedBy(page, () =>
        page.getByRole('button', { name: 'Export', exact: true }).click(),
      );
      assert.match(file.name, /^task-transfer-source-\d{4}-\d\d-\d\d\.json$/);
      assert.deepEqual(
        file.document.tasks.map((task) => task.id),
        [sourceId],
      );
    });
  });

  it('imports the file as new tasks, linking them and naming the secrets to type again', async () => {
    assert.ok(exported, 'the export test saved a file');
    await withPage(harness(), 'task-import', async (page) => {
      await logIn(page, user());
      await page.getByRole('link', { name: 'Import tasks' }).click();
      await page.getByRole('heading', { name: 'Import tasks', level: 1 }).waitFor();
      await page.getByLabel('Export file').setInputFiles({
        name: 'tasks.json',
        mimeType: 'application/json',
        buffer: Buffer.from(exported),
      });
      await page.getByRole('button', { name: 'Import' }).click();
      await page.getByRole('heading', { name: 'Imported 2 tasks' }).waitFor();
      // dana holds only taskplanner: the source's HTTP trigger and e-mail would fail its runs.
      const result = page.locator('.import-result');
      await result
        .getByRole('note')
        .filter({ hasText: /^1 task needs a permission/ })
        .waitFor();
      const source = result.getByRole('listitem').filter({ hasText: SOURCE }).first();
      assert.match(
        (await source.textContent()) ?? '',
        /Will fail when it runs: trigger web \(http\) needs the permission 'trigger\.http'.*action mail \(email\) needs the permission 'action\.email'/,
      );
      const follower = result.getByRole('listitem').filter({ hasText: FOLLOWER });
      assert.doesNotMatch((await follower.textContent()) ?? '', /Will fail/);
      const secrets = page.getByRole('table');
      await secrets.getByRole('cell', { name: '/smtp/password' }).waitFor();
      assert.match((await secrets.textContent()) ?? '', /action mail \(email\)/);
      await screenshot(page, 'task-import-result');

      await result.getByRole('link', { name: FOLLOWER }).click();
      await page.getByRole('heading', { name: `Task: ${FOLLOWER}`, level: 1 }).waitFor();
      const newFollower = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
      assert.notEqual(newFollower, '');
      const copy = await harness().api<Exported['tasks'][number]>('GET', `/tasks/${newFollower}`, {
        as: user(),
      });
      const target = copy.body.triggers[0]?.config.taskId;
      assert.ok(target && target !== sourceId, 'the follower follows the new copy of its source');
      const followed = await harness().api<{ name: string; enabled: boolean }>(
        'GET',
        `/tasks/${target}`,
        { as: user() },
      );
      assert.equal(followed.body.name, SOURCE);
      assert.equal(followed.body.enabled, false, 'disabled until its secret is typed again');
    });
  });

  it('says why a file that is no export imports nothing', async () => {
    await withPage(harness(), 'task-import-bad', async (page) => {
      await logIn(page, user(), '/tasks/import');
      await page.getByRole('heading', { name: 'Import tasks', level: 1 }).waitFor();
      const before = await harness().api<{ items: unknown[] }>('GET', '/tasks?limit=500', {
        as: user(),
      });
      await page.getByLabel('Export file').setInputFiles({
        name: 'other.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify({ format: 'something-else', version: 1, tasks: [] })),
      });
      await page.getByRole('button', { name: 'Import' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /Nothing was imported: .*format/ })
        .waitFor();
      const afterwards = await harness().api<{ items: unknown[] }>('GET', '/tasks?limit=500', {
        as: user(),
      });
      assert.equal(afterwards.body.items.length, before.body.items.length);
    });
  });
});
