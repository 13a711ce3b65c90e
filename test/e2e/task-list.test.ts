// The task list with the keyboard alone, at phone width, and in dark mode.
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
import {
  assertNoHorizontalScroll,
  createUser,
  focused,
  focusIsVisible,
  logIn,
  tabTo,
  withPage,
} from './steps.ts';
import { bodyBackground } from './in-page.ts';

const skip = browserUnavailable() ?? false;

const SHORT_NAME = 'Keyboard task';
const LONG_NAME = 'Monthly sales report for the northern region, all branches and warehouses';

describe('the task list: keyboard, phone width, dark mode', { skip }, () => {
  let ui: UiHarness | undefined;
  let carol: Credentials | undefined;
  const harness = () => ui ?? assert.fail('the server and browser did not start');
  const user = () => carol ?? assert.fail('carol was not created');

  before(async () => {
    ui = await startUi();
    carol = await createUser(ui, 'carol', ['taskplanner']);
    await createTask(ui, carol, SHORT_NAME, { kind: 'days', times: ['07:30'] });
    const long = await createTask(ui, carol, LONG_NAME, { kind: 'weeks', weekdays: ['FR'] });
    await runToTheEnd(ui, carol, long);
  });
  after(async () => {
    await ui?.close();
  });

  it('reaches and works the main controls with Tab, Space and Enter', async () => {
    await withPage(harness(), 'keyboard-task-list', async (page) => {
      await logIn(page, user());
      await page.getByRole('switch', { name: `Enabled: ${SHORT_NAME}` }).waitFor();
      await page.locator('body').focus();

      const order = await tabTo(page, /^New task$/);
      await tabTo(page, /^Search$/);
      const toggle = page.getByRole('switch', { name: `Enabled: ${SHORT_NAME}` });
      await tabTo(page, new RegExp(`^Enabled: ${SHORT_NAME}$`));
      assert.ok(
        await focusIsVisible(page),
        `the switch shows its focus; Tab went:\n${order.join('\n')}`,
      );
      await page.keyboard.press('Space');
      await page
        .getByRole('status')
        .filter({ hasText: `“${SHORT_NAME}” is disabled` })
        .waitFor();
      assert.equal(await toggle.isChecked(), false);
      assert.equal((await focused(page)).name, `Enabled: ${SHORT_NAME}`, 'the focus stays on it');
      await page.keyboard.press('Space');
      await page
        .getByRole('status')
        .filter({ hasText: `“${SHORT_NAME}” is enabled` })
        .waitFor();
      assert.equal(await toggle.isChecked(), true);

      await tabTo(page, new RegExp(`^Run now ${SHORT_NAME}$`));
      assert.ok(await focusIsVisible(page), 'the Run now button shows its focus');
      await page.keyboard.press('Enter');
      await page
        .getByRole('status')
        .filter({ hasText: `“${SHORT_NAME}” started` })
        .waitFor();

      await tabTo(page, new RegExp(`^Edit ${SHORT_NAME}$`));
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: `Task: ${SHORT_NAME}`, level: 1 }).waitFor();
      await checkTabsWithArrowKeys(page);
    });
  });

  it('fits a phone (390x844) without scrolling sideways', async () => {
    await withPage(
      harness(),
      'task-list-phone',
      async (page) => {
        await logIn(page, user());
        await page.getByRole('link', { name: LONG_NAME, exact: true }).waitFor();
        await assertNoHorizontalScroll(page, 'the task list at 390 px');
        await screenshot(page, 'task-list-phone');
      },
      { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    );
  });

  it('renders in dark mode with dark colours, also at phone width', async () => {
    for (const [name, viewport] of [
      ['task-list-dark', { width: 1280, height: 900 }],
      ['task-list-dark-phone', { width: 390, height: 844 }],
    ] as const) {
      await withPage(
        harness(),
        name,
        async (page) => {
          await logIn(page, user());
          await page.getByRole('link', { name: LONG_NAME, exact: true }).waitFor();
          await assertNoHorizontalScroll(page, `the dark task list at ${viewport.width} px`);
          const background = await page.evaluate(bodyBackground);
          assert.ok(isDark(background), `the page background is dark: ${background}`);
          await screenshot(page, name);
        },
        { viewport, colorScheme: 'dark' },
      );
    }
  });
});

/** The editor's tabs: arrow keys move the selection, End goes to the last. */
async function checkTabsWithArrowKeys(page: Page) {
  await page.getByRole('tab', { selected: true }).focus();
  await page.keyboard.press('ArrowRight');
  const triggers = page.getByRole('tab', { name: /^Triggers/ });
  assert.equal(await triggers.getAttribute('aria-selected'), 'true', 'ArrowRight selects Triggers');
  assert.match((await focused(page)).name, /^Triggers/);
  await page.getByRole('tabpanel', { name: /^Triggers/ }).waitFor();
  await page.keyboard.press('End');
  assert.match((await focused(page)).name, /^Rights/);
  await page.keyboard.press('Home');
  assert.match((await focused(page)).name, /^General/);
}

/** Whether a CSS rgb() colour is dark (relative luminance below a half). */
function isDark(color: string): boolean {
  const [r = 255, g = 255, b = 255] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.5;
}

async function createTask(
  ui: UiHarness,
  owner: Credentials,
  name: string,
  interval: Record<string, unknown>,
): Promise<string> {
  const created = await ui.api<{ id: string }>('POST', '/tasks', {
    as: owner,
    body: {
      name,
      description: 'Made by the end-to-end test of the task list',
      timezone: 'Europe/Berlin',
      triggers: [{ kind: 'time', config: { start: '2026-01-05T00:00', intervals: [interval] } }],
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

/** Starts a run through the API and waits until it has ended, so the list shows a last run. */
async function runToTheEnd(ui: UiHarness, owner: Credentials, taskId: string) {
  const started = await ui.api<{ runId: string }>('POST', `/tasks/${taskId}/run`, { as: owner });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const ended = await waitFor(async () => {
    const run = await ui.api('GET', `/runs/${started.body.runId}`, { as: owner });
    return run.body.finishedAt !== null && run.body.finishedAt !== undefined;
  });
  assert.ok(ended, 'the run ended');
}
