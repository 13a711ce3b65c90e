// The story in the browser: alice creates a fortnightly task with the schedule
// builder and checks its preview, runs it by hand and watches the log arrive, finds it in
// the history, disables it; bob, another user, cannot see it. Each step builds on the last.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { Temporal } from 'temporal-polyfill';
import {
  BROWSER_ZONE,
  browserUnavailable,
  screenshot,
  startUi,
  type Credentials,
  type UiHarness,
} from '../support/browser.ts';
import { recordedLogTexts, recordLogTexts } from './in-page.ts';
import { previewText, weeklyRuns, type ExpectedRun } from './expected-dates.ts';
import { createUser, logIn, normalized, taskListHeading, withPage } from './steps.ts';

const skip = browserUnavailable() ?? false;

const TASK_ZONE = 'Europe/Berlin';
const TASK_NAME = 'Fortnightly';
const DESCRIPTION = 'Every 2 weeks on Monday and Wednesday at 09:00';
const SCRIPT = 'echo hello-from-e2e; sleep 1; echo done';
const PREVIEW_COUNT = 10;

/** The ISO weekdays of the schedule: Monday and Wednesday. */
const MONDAY_AND_WEDNESDAY = [1, 3];

describe('a task from creation to its runs, in the browser', { skip }, () => {
  let ui: UiHarness | undefined;
  let alice: Credentials | undefined;
  let bob: Credentials | undefined;
  let taskId: string | undefined;
  let runId: string | undefined;
  const harness = () => ui ?? assert.fail('the server and browser did not start');
  const needed = <T>(value: T | undefined, what: string): T =>
    value ?? assert.fail(`${what} is missing: an earlier step failed`);

  /**
   * The task the editor made; when that step failed, the same task made through the API, so
   * the later steps still test running, disabling and hiding it.
   */
  const theTask = async (): Promise<string> => {
    taskId ??= await createTaskThroughApi(harness(), needed(alice, 'alice'));
    return taskId;
  };

  before(async () => {
    ui = await startUi();
  });
  after(async () => {
    await ui?.close();
  });

  it('creates alice (taskplanner, job.command) and bob (taskplanner) through the API', async () => {
    alice = await createUser(harness(), 'alice', ['taskplanner', 'job.command']);
    bob = await createUser(harness(), 'bob', ['taskplanner']);
  });

  it('builds "every 2 weeks on Monday and Wednesday at 09:00" and previews the right dates', async () => {
    await withPage(harness(), 'create-task', async (page) => {
      await logIn(page, needed(alice, 'alice'));
      await page.getByRole('link', { name: 'New task' }).click();
      await page.getByRole('heading', { name: 'New task', level: 1 }).waitFor();
      await page.getByLabel('Name', { exact: true }).fill(TASK_NAME);
      await page.getByLabel('Description', { exact: true }).fill('Made by the end-to-end test');
      await page.getByLabel('Time zone', { exact: true }).selectOption(TASK_ZONE);

      const start = await buildSchedule(page);
      await checkPreview(page, start);
      await screenshot(page, 'task-editor-schedule-preview');

      await addCommandJob(page);
      await page.getByRole('button', { name: 'Create task' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Created “${TASK_NAME}”` })
        .waitFor();
      await page.waitForURL(/\/tasks\/[^/]+$/);
      taskId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
    });
    await checkStoredTask(harness(), needed(alice, 'alice'), needed(taskId, 'the task'));
  });

  it('lists the task with what starts it and its next run', async () => {
    const id = await theTask();
    await withPage(harness(), 'task-list', async (page) => {
      await logIn(page, needed(alice, 'alice'));
      const row = taskRow(page);
      await row.waitFor();
      const text = normalized(await row.textContent());
      assert.ok(text.includes(DESCRIPTION), `the row says what starts it: ${text}`);
      const stored = await harness().api('GET', `/tasks/${id}`, { as: needed(alice, 'alice') });
      const nextRunAt = String(stored.body.nextRunAt);
      const expected = weeklyRuns({
        start: String(stored.body.triggers[0].config.start),
        zone: TASK_ZONE,
        every: 2,
        weekdays: MONDAY_AND_WEDNESDAY,
        time: '09:00',
        after: Temporal.Now.instant(),
        count: 1,
      })[0];
      assert.equal(Date.parse(nextRunAt), expected?.instant.epochMilliseconds, 'next run');
      const shown = new Intl.DateTimeFormat('en-US', {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: BROWSER_ZONE,
      }).format(new Date(nextRunAt));
      assert.ok(text.includes(normalized(shown)), `the row shows the next run ${shown}: ${text}`);
      await screenshot(page, 'task-list');
    });
  });

  it('runs it by hand: the log arrives line by line, then it succeeded and is in the history', async () => {
    await theTask();
    await withPage(harness(), 'run-now', async (page) => {
      await logIn(page, needed(alice, 'alice'));
      await taskRow(page).waitFor();
      await page.getByRole('button', { name: `Run now ${TASK_NAME}` }).click();
      const follow = page.getByRole('link', { name: 'Follow the run' });
      await follow.waitFor();
      await page.evaluate(recordLogTexts);
      await follow.click();
      await page.waitForURL(/\/runs\/[^/]+$/);
      runId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');

      await page
        .getByText('The run has ended; this is its whole log.')
        .waitFor({ timeout: 30_000 });
      await runStatus(page).filter({ hasText: 'succeeded' }).waitFor();
      const log = normalized(await page.getByLabel('Run log').textContent());
      const hello = log.indexOf('hello-from-e2e');
      const done = log.indexOf(' done');
      assert.ok(hello >= 0 && done > hello, `hello-from-e2e, then done, in the log:\n${log}`);
      const seen = await page.evaluate(recordedLogTexts);
      assert.ok(
        seen.some((text) => text.includes('hello-from-e2e') && !text.includes(' done')),
        `the log showed hello-from-e2e before done arrived; it went:\n${seen.join('\n---\n')}`,
      );
      await screenshot(page, 'run-page-log');

      await page.getByRole('link', { name: 'Runs of this task' }).click();
      await page.getByRole('heading', { name: `Runs of ${TASK_NAME}`, level: 1 }).waitFor();
      const history = page.getByRole('table').getByRole('row').filter({ hasText: 'succeeded' });
      await history.first().waitFor();
      assert.equal(await history.count(), 1, 'one run in the task history');
      assert.match(normalized(await history.textContent()), /manual/);
      await screenshot(page, 'run-history-task');

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Runs' })
        .click();
      await page.getByRole('heading', { name: 'Runs', level: 1, exact: true }).waitFor();
      const overall = page
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name: TASK_NAME, exact: true }) });
      await overall.first().waitFor();
      assert.match(normalized(await overall.first().textContent()), /succeeded/);
      await screenshot(page, 'run-history');
    });
  });

  it('shows the last run in the task list', async () => {
    needed(runId, 'the run');
    await withPage(harness(), 'last-run', async (page) => {
      await logIn(page, needed(alice, 'alice'));
      await taskRow(page).getByRole('link').filter({ hasText: 'succeeded' }).waitFor();
    });
  });

  it('disables it with the switch in the list, and it stays disabled after a reload', async () => {
    const id = await theTask();
    await withPage(harness(), 'disable', async (page) => {
      await logIn(page, needed(alice, 'alice'));
      const toggle = page.getByRole('switch', { name: `Enabled: ${TASK_NAME}` });
      await toggle.waitFor();
      assert.equal(await toggle.isChecked(), true, 'enabled at first');
      await toggle.click();
      await page
        .getByRole('status')
        .filter({ hasText: `“${TASK_NAME}” is disabled` })
        .waitFor();
      await page.reload();
      await toggle.waitFor();
      assert.equal(await toggle.isChecked(), false, 'still disabled after a reload');
      assert.match(normalized(await taskRow(page).textContent()), /disabled/);
    });
    const stored = await harness().api('GET', `/tasks/${id}`, { as: needed(alice, 'alice') });
    assert.equal(stored.body.enabled, false);
  });

  it('runs a new task once when it is created, if asked to', async () => {
    await withPage(harness(), 'run-after-create', async (page) => {
      await logIn(page, needed(alice, 'alice'), '/tasks/new');
      await page.getByLabel(/^Name/).fill('Run me at once');
      await page.getByLabel('Run it once when it is created').check();
      await page.getByRole('button', { name: 'Create task' }).click();
      await page.getByRole('heading', { name: 'Task: Run me at once' }).waitFor();
      await page.getByText('It runs once now').waitFor();
      const id = new URL(page.url()).pathname.split('/').at(-1) ?? '';
      const runs = await harness().api<{ items: unknown[] }>('GET', `/runs?taskId=${id}`, {
        as: needed(alice, 'alice'),
      });
      assert.equal(runs.status, 200, JSON.stringify(runs.body));
      assert.equal(runs.body.items.length, 1, 'one run was started');
    });
  });

  it('runs a task with parameters: a field for each placeholder it uses', async () => {
    const created = await harness().api<{ id: string }>('POST', '/tasks', {
      as: needed(alice, 'alice'),
      body: {
        name: 'Regional report',
        enabled: false,
        jobs: [
          {
            kind: 'command',
            config: { program: '/bin/echo', arguments: ['{region}', '{date}', '{task.name}'] },
          },
        ],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await withPage(harness(), 'run-with-parameters', async (page) => {
      await logIn(page, needed(alice, 'alice'), `/tasks/${created.body.id}`);
      await page.getByRole('button', { name: 'Run with parameters…' }).click();
      const dialog = page.getByRole('dialog', { name: /with parameters/ });
      assert.equal(await dialog.getByLabel('region').count(), 1, 'its own placeholder');
      assert.equal(await dialog.getByLabel('date').count(), 0, 'no built-in one');
      await dialog.getByRole('button', { name: 'Add a parameter' }).click();
      await dialog.getByLabel('Name of parameter 2').fill('my region!');
      await dialog.getByLabel('Value of parameter 2').fill('x');
      await dialog.getByRole('button', { name: 'Run' }).click();
      await dialog
        .getByRole('alert')
        .getByText(/“my region!” cannot be a parameter’s name/)
        .waitFor();
      assert.equal(await dialog.isVisible(), true, 'the dialog stays open with what was typed');
      await dialog.getByLabel('Value of parameter 2').fill('');
      await dialog.getByLabel('region').fill('north');
      // Enter runs, as in a form (the dialog sits inside the editor's form, which must not save).
      await dialog.getByLabel('region').press('Enter');
      await page.getByRole('link', { name: 'Follow the run' }).click();
      await page.getByRole('heading', { name: 'Parameters' }).waitFor();
      await page.getByText('north').first().waitFor();
    });
    const runs = await harness().api<{ items: Array<{ parameters: Record<string, string> }> }>(
      'GET',
      `/runs?taskId=${created.body.id}`,
      { as: needed(alice, 'alice') },
    );
    assert.deepEqual(runs.body.items[0]?.parameters, { region: 'north' });
  });

  it('makes a task follow two others, starting once all of them have ended', async () => {
    const as = { as: needed(alice, 'alice') };
    const made: string[] = [];
    for (const name of ['Load orders', 'Load stock']) {
      const created = await harness().api<{ id: string }>('POST', '/tasks', {
        ...as,
        body: { name, enabled: false },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      made.push(created.body.id);
    }
    let followerId = '';
    await withPage(harness(), 'after-several', async (page) => {
      await logIn(page, needed(alice, 'alice'), '/tasks/new');
      await page.getByLabel('Name', { exact: true }).fill('Publish both');
      await page.getByRole('tab', { name: /^Triggers/ }).click();
      await page.getByLabel('Kind of trigger').selectOption('after-task');
      await page.getByRole('button', { name: 'Add trigger' }).click();
      const trigger = page.getByRole('region', { name: /^1\. / });
      await trigger.getByLabel('Task to follow').selectOption({ label: 'Load orders' });
      await trigger.getByLabel('Also follow').selectOption({ label: 'Load stock' });
      await trigger
        .getByRole('group', { name: 'Tasks it follows' })
        .getByText('Load stock')
        .waitFor();
      await trigger.getByLabel('Start it once all of them have ended').check();
      await trigger.getByLabel(/^All within/).fill('90');
      await page.getByRole('button', { name: 'Create task' }).click();
      await page.getByRole('status').filter({ hasText: 'Created “Publish both”' }).waitFor();
      followerId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    });
    const stored = await harness().api<{ triggers: Array<{ config: unknown }> }>(
      'GET',
      `/tasks/${followerId}`,
      as,
    );
    assert.deepEqual(stored.body.triggers[0]?.config, {
      on: 'always',
      taskIds: made,
      mode: 'all',
      windowMinutes: 90,
    });
  });

  it("hides alice's task and run from bob: not listed, and not found by address", async () => {
    const id = await theTask();
    await withPage(harness(), 'other-user', async (page) => {
      await logIn(page, needed(bob, 'bob'));
      await taskListHeading(page).waitFor();
      await page.getByText('No tasks yet').waitFor();
      assert.equal(await page.getByText(TASK_NAME).count(), 0);

      await page.goto(`/tasks/${encodeURIComponent(id)}`);
      await page.getByRole('heading', { name: 'No such task' }).waitFor();
      if (runId !== undefined) {
        await page.goto(`/runs/${encodeURIComponent(runId)}`);
        await page.getByText('There is no such run').waitFor();
      }
      await page.goto('/runs');
      await page.getByText('No runs yet').waitFor();
    });
  });
});

/** The task the editor should have made, made through the API instead. */
async function createTaskThroughApi(ui: UiHarness, alice: Credentials): Promise<string> {
  console.log('# the editor did not create the task; the later steps use one made through the API');
  const today = Temporal.Now.plainDateISO(TASK_ZONE).toString();
  const created = await ui.api<{ id: string }>('POST', '/tasks', {
    as: alice,
    body: {
      name: TASK_NAME,
      timezone: TASK_ZONE,
      triggers: [
        {
          kind: 'time',
          config: {
            start: `${today}T00:00`,
            intervals: [{ kind: 'weeks', every: 2, weekdays: ['MO', 'WE'], times: ['09:00'] }],
          },
        },
      ],
      jobs: [{ kind: 'command', config: { program: '/bin/sh', arguments: ['-c', SCRIPT] } }],
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

/** The task's row in the list. */
function taskRow(page: Page) {
  return page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: TASK_NAME, exact: true }) });
}

/** The run page's status. */
function runStatus(page: Page) {
  return page.locator('dt', { hasText: /^Status$/ }).locator('+ dd');
}

/** Adds a time trigger and sets it to every 2 weeks on Monday and Wednesday at 09:00; its start. */
async function buildSchedule(page: Page): Promise<string> {
  await page.getByRole('tab', { name: /^Triggers/ }).click();
  await page.getByLabel('Kind of trigger').selectOption('time');
  await page.getByRole('button', { name: 'Add trigger' }).click();
  const trigger = page.getByRole('region', { name: /^1\. / });
  await trigger.getByLabel('Repeats', { exact: true }).selectOption('weeks');
  await trigger.getByLabel('Every', { exact: true }).fill('2');
  await trigger.getByRole('checkbox', { name: 'Monday' }).check();
  await trigger.getByRole('checkbox', { name: 'Wednesday' }).check();
  await trigger.getByLabel('Time 1', { exact: true }).fill('09:00');
  const start = await trigger.getByLabel('Starts', { exact: true }).inputValue();
  assert.match(start, /^\d{4}-\d\d-\d\dT\d\d:\d\d/, 'the form fills in a start');
  return start;
}

/** The instants the preview lists, once it shows the description of the current schedule. */
async function previewInstants(page: Page): Promise<string[]> {
  const preview = page.getByRole('region', { name: 'Preview' });
  await preview.and(page.locator('[aria-busy="false"]')).waitFor();
  await preview.getByText(DESCRIPTION).waitFor();
  return preview
    .locator('li time')
    .evaluateAll((times) => times.map((time) => time.getAttribute('datetime') ?? ''));
}

function assertSameRuns(shown: string[], expected: ExpectedRun[], what: string) {
  assert.deepEqual(
    shown.map((iso) => new Date(iso).toISOString()),
    expected.map((run) => new Date(run.instant.epochMilliseconds).toISOString()),
    what,
  );
}

/** The preview names both zones, describes the schedule, and lists the runs worked out here. */
async function checkPreview(page: Page, start: string) {
  const preview = page.getByRole('region', { name: 'Preview' });
  const before = Temporal.Now.instant();
  const fromNow = await previewInstants(page);
  const expectedFrom = (after: Temporal.Instant) =>
    weeklyRuns({
      start,
      zone: TASK_ZONE,
      every: 2,
      weekdays: MONDAY_AND_WEDNESDAY,
      time: '09:00',
      after,
      count: PREVIEW_COUNT,
    });
  // "Now" is when the preview asked; a run due between then and here would shift the list.
  const candidates = [expectedFrom(before), expectedFrom(Temporal.Now.instant())];
  const matching = candidates.find(
    (runs) => runs[0]?.instant.epochMilliseconds === Date.parse(fromNow[0] ?? ''),
  );
  assertSameRuns(fromNow, matching ?? candidates[0] ?? [], `the next runs after now from ${start}`);

  const text = normalized(await preview.textContent());
  assert.ok(text.includes(TASK_ZONE), `the preview names the task's zone: ${text}`);
  assert.ok(text.includes(BROWSER_ZONE), `the preview names the browser's zone: ${text}`);
  const first = (matching ?? candidates[0] ?? [])[0];
  if (first) {
    const items = preview.getByRole('listitem');
    const firstItem = normalized(await items.first().textContent());
    assert.ok(firstItem.startsWith(previewText(first.local)), `in ${TASK_ZONE}: ${firstItem}`);
    const local = previewText(first.instant.toZonedDateTimeISO(BROWSER_ZONE));
    assert.ok(firstItem.includes(`${local} your time`), `in ${BROWSER_ZONE}: ${firstItem}`);
  }

  await preview.getByLabel('Runs from').selectOption('start');
  await preview.getByText(/^First 10 runs/).waitFor();
  const fromStart = await previewInstants(page);
  const startInstant = Temporal.PlainDateTime.from(start).toZonedDateTime(TASK_ZONE).toInstant();
  assertSameRuns(
    fromStart,
    expectedFrom(startInstant.subtract({ nanoseconds: 1 })),
    `the first runs from the start ${start}`,
  );
}

/** Adds a "Run a program" job: /bin/sh with two arguments, each its own row. */
async function addCommandJob(page: Page) {
  await page.getByRole('tab', { name: /^Jobs/ }).click();
  await page.getByRole('button', { name: 'Add a job…' }).click();
  await page.getByRole('button', { name: 'Run a program' }).click();
  const job = page.getByRole('region', { name: /^Job 1/ });
  await job.getByLabel(/^Program/).fill('/bin/sh');
  const add = job.getByRole('button', { name: 'Add to Arguments' });
  await add.click();
  await job.getByLabel('Arguments 1', { exact: true }).fill('-c');
  await add.click();
  await job.getByLabel('Arguments 2', { exact: true }).fill(SCRIPT);
}

/** The saved task holds what the form was given: the schedule and the arguments array. */
async function checkStoredTask(ui: UiHarness, alice: Credentials, taskId: string) {
  const stored = await ui.api('GET', `/tasks/${taskId}`, { as: alice });
  assert.equal(stored.status, 200);
  const task = stored.body;
  assert.equal(task.name, TASK_NAME);
  assert.equal(task.timezone, TASK_ZONE);
  assert.equal(task.triggers.length, 1);
  assert.equal(task.triggers[0].kind, 'time');
  assert.deepEqual(task.triggers[0].config.intervals, [
    { kind: 'weeks', every: 2, weekdays: ['MO', 'WE'], times: ['09:00'] },
  ]);
  assert.equal(task.jobs.length, 1);
  assert.equal(task.jobs[0].kind, 'command');
  assert.equal(task.jobs[0].config.program, '/bin/sh');
  assert.deepEqual(task.jobs[0].config.arguments, ['-c', SCRIPT]);
  assert.ok(String(task.startsWhen).includes(DESCRIPTION), `startsWhen: ${task.startsWhen}`);
}
