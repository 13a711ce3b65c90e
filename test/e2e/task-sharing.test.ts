// Sharing a task in the browser: Ann shares her task with the group Finance at run through
// the Rights tab (after the server refused an entry naming a group deleted meanwhile); Max, a
// member of Finance, finds it under "Shared with me" with its marker, runs it, and finds the
// editor read-only with Run now and no Delete; Ann raises Finance to edit with the main Save,
// and Max saves a new description.
// Last, the admin sets the rights of new tasks on the Settings page and a new task gets them.
// Each step builds on the last.
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
import { focused, logIn, normalized, withPage } from './steps.ts';

const skip = browserUnavailable() ?? false;

const TASK_NAME = 'Quarterly figures';
const OWN_TASK_NAME = 'Max’s own task';
const NEW_DESCRIPTION = 'Checked by Max from Finance';

interface Person extends Credentials {
  id: string;
  name: string;
}

describe('sharing a task with a group, in the browser', { skip }, () => {
  let ui: UiHarness | undefined;
  let ann: Person | undefined;
  let max: Person | undefined;
  let financeId: string | undefined;
  let taskId: string | undefined;
  const harness = () => ui ?? assert.fail('the server and browser did not start');
  const needed = <T>(value: T | undefined, what: string): T =>
    value ?? assert.fail(`${what} is missing: an earlier step failed`);

  before(async () => {
    ui = await startUi();
    ann = await createPerson(ui, 'ann', 'Ann Example');
    max = await createPerson(ui, 'max', 'Max Member');
    financeId = await createGroup(ui, 'Finance', [max.id]);
    taskId = await createTask(ui, ann, TASK_NAME);
    await createTask(ui, max, OWN_TASK_NAME);
  });
  after(async () => {
    await ui?.close();
  });

  it('shows a refused entry beside it, then shares the task with Finance at run', async () => {
    const owner = needed(ann, 'ann');
    const id = needed(taskId, 'the task');
    const temporary = await createGroup(harness(), 'Temporary', []);
    await withPage(harness(), 'share-task', async (page) => {
      await logIn(page, owner);
      await page.getByRole('link', { name: TASK_NAME, exact: true }).click();
      const rights = await openRightsTab(page, TASK_NAME);
      // The seed's rights of new tasks: the Administrators manage every new task.
      await rights.getByRole('combobox', { name: 'Level for Administrators' }).waitFor();

      await addSubject(rights, 'Temp', 'Add group Temporary');
      const deleted = await harness().api('DELETE', `/groups/${temporary}`);
      assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
      await rights.getByRole('button', { name: 'Save rights' }).click();
      await rights
        .getByRole('alert')
        .filter({ hasText: 'The rights list was not saved. Please correct the marked entries.' })
        .waitFor();
      const level = rights.getByRole('combobox', { name: 'Level for Temporary' });
      assert.equal(await level.getAttribute('aria-invalid'), 'true', 'the entry is marked');
      await rights.getByText('Temporary names no existing group').waitFor();
      await screenshot(page, 'task-rights-refused');

      await rights.getByRole('button', { name: 'Remove Temporary' }).click();
      await rights.getByRole('searchbox', { name: 'Add people or groups' }).fill('fin');
      await rights.getByRole('status').filter({ hasText: 'One match.' }).waitFor();
      await screenshot(page, 'task-rights-picker');
      await addSubject(rights, 'fin', 'Add group Finance');
      await rights.getByRole('combobox', { name: 'Level for Finance' }).selectOption('run');
      await rights.getByRole('button', { name: 'Save rights' }).click();
      await rights.getByRole('status').filter({ hasText: 'The rights list is saved.' }).waitFor();
      await screenshot(page, 'task-rights');
    });
    const stored = await harness().api('GET', `/tasks/${id}/grants`, { as: owner });
    assert.deepEqual(levelsOf(stored.body.grants), {
      'group:Administrators': 'manage',
      'group:Finance': 'run',
    });
    assert.equal(
      stored.body.grants.find((grant: any) => grant.name === 'Finance').subject.id,
      needed(financeId, 'Finance'),
    );
  });

  it('shows Max the task under "Shared with me" with its marker, and lets him run it', async () => {
    const member = needed(max, 'max');
    const owner = needed(ann, 'ann');
    const id = needed(taskId, 'the task');
    let runId = '';
    await withPage(harness(), 'shared-with-me', async (page) => {
      await logIn(page, member);
      await page.getByLabel('Whose').selectOption('shared');
      await page.waitForURL(/[?&]scope=shared/);
      const row = taskRow(page, TASK_NAME);
      await row.waitFor();
      await page
        .getByRole('link', { name: OWN_TASK_NAME, exact: true })
        .waitFor({ state: 'detached' });
      const text = normalized(await row.textContent());
      assert.ok(text.includes('Shared by Ann Example · can run'), `the row's marker: ${text}`);
      assert.equal(await row.getByRole('button', { name: /^Delete/ }).count(), 0, 'no Delete');
      assert.equal(await row.getByRole('link', { name: /^Edit/ }).count(), 0, 'no Edit');
      assert.ok(
        await row.getByRole('switch', { name: `Enabled: ${TASK_NAME}` }).isDisabled(),
        'the switch is off limits at run',
      );
      await screenshot(page, 'task-list-shared');

      await row.getByRole('button', { name: `Run now ${TASK_NAME}` }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `“${TASK_NAME}” started` })
        .waitFor();
      const follow = page.getByRole('link', { name: 'Follow the run' });
      runId = decodeURIComponent((await follow.getAttribute('href'))?.split('/').at(-1) ?? '');

      await page.getByLabel('Whose').selectOption('mine');
      await page.getByRole('link', { name: OWN_TASK_NAME, exact: true }).waitFor();
      assert.equal(await taskRow(page, TASK_NAME).count(), 0, 'not among his own tasks');
    });
    const run = await harness().api('GET', `/runs/${runId}`, { as: owner });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.taskId, id, 'the run is of the shared task');
    assert.equal(run.body.cause, 'manual');
  });

  it('opens the editor read-only for Max, with who shared it and no Save', async () => {
    const member = needed(max, 'max');
    await withPage(harness(), 'shared-read-only', async (page) => {
      await logIn(page, member, '/tasks?scope=shared');
      await page.getByRole('link', { name: `View ${TASK_NAME}` }).click();
      await page.getByRole('heading', { name: `Task: ${TASK_NAME}`, level: 1 }).waitFor();
      const notice = page.getByRole('note', { name: 'Shared task' });
      assert.match(
        normalized(await notice.textContent()),
        /Shared with you to run it by Ann Example\./,
      );
      assert.ok(await page.getByLabel('Description', { exact: true }).isDisabled(), 'read-only');
      assert.ok(await page.getByLabel('Name', { exact: true }).isDisabled(), 'read-only');
      assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).count(), 0);
      assert.equal(await page.getByRole('button', { name: /^Delete/ }).count(), 0);
      await screenshot(page, 'task-editor-read-only');
      await page.getByRole('tab', { name: /^Triggers/ }).click();
      const triggers = page.getByRole('tabpanel', { name: /^Triggers/ });
      await triggers.waitFor();
      assert.equal(
        await triggers.getByRole('button', { name: /^(Add|Remove)/ }).count(),
        0,
        'read-only, no Add trigger or Remove',
      );
      await page.getByRole('tab', { name: /^General/ }).click();

      // At run, the header's Run now starts it and links the run.
      await page.getByRole('button', { name: 'Run now', exact: true }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `“${TASK_NAME}” started` })
        .waitFor();
      const follow = page.getByRole('link', { name: 'Follow the run' });
      assert.match((await follow.getAttribute('href')) ?? '', /^\/runs\/[^/]+$/);
      await page.getByRole('button', { name: 'Copy', exact: true }).waitFor();

      const rights = await openRightsTab(page, TASK_NAME);
      await rights.getByText('Shared with you to run it by Ann Example.').waitFor();
      assert.equal(await rights.getByRole('button', { name: 'Save rights' }).count(), 0);
      assert.equal(await rights.getByRole('combobox').count(), 0, 'the levels are text');
      await screenshot(page, 'task-rights-read-only');
    });
  });

  it('lets Max save a new description once Ann raised Finance to edit', async () => {
    const owner = needed(ann, 'ann');
    const member = needed(max, 'max');
    const id = needed(taskId, 'the task');
    await withPage(harness(), 'raise-to-edit', async (page) => {
      await logIn(page, owner, `/tasks/${encodeURIComponent(id)}`);
      // The owner's header offers Delete, besides Run now and Copy.
      await page.getByRole('button', { name: 'Delete', exact: true }).waitFor();
      const rights = await openRightsTab(page, TASK_NAME);
      await rights.getByRole('combobox', { name: 'Level for Finance' }).selectOption('edit');
      // The main Save counts the rights list's change, and saves it too.
      await page.getByText('Unsaved changes to the rights list (Ctrl+S saves)').waitFor();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await rights.getByRole('status').filter({ hasText: 'The rights list is saved.' }).waitFor();
      await page.getByText('No unsaved changes', { exact: true }).waitFor();
    });
    const grants = await harness().api('GET', `/tasks/${id}/grants`, { as: owner });
    assert.equal(levelsOf(grants.body.grants)['group:Finance'], 'edit', 'the main Save saved it');
    await withPage(harness(), 'edit-shared', async (page) => {
      await logIn(page, member, '/tasks?scope=shared');
      const row = taskRow(page, TASK_NAME);
      await row.getByText('Shared by Ann Example · can edit').waitFor();
      assert.equal(await row.getByRole('button', { name: /^Delete/ }).count(), 0, 'no Delete');
      await row.getByRole('link', { name: `Edit ${TASK_NAME}` }).click();
      const description = page.getByLabel('Description', { exact: true });
      await description.fill(NEW_DESCRIPTION);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    });
    const stored = await harness().api('GET', `/tasks/${id}`, { as: owner });
    assert.equal(stored.body.description, NEW_DESCRIPTION);
    assert.equal(stored.body.ownerId, owner.id, 'it is still Ann’s');
  });

  it('gives a new task the rights an administrator set on the Settings page', async () => {
    const owner = needed(ann, 'ann');
    await withPage(harness(), 'new-task-rights', async (page) => {
      await logIn(page, harness().admin, '/admin/settings');
      const form = page.getByRole('form', { name: 'Rights of new tasks' });
      await form.getByRole('combobox', { name: 'Level for Administrators' }).waitFor();
      // By keyboard: Enter in the box adds the only match, and does not submit the form.
      const search = form.getByRole('searchbox', { name: 'Add people or groups' });
      await search.fill('Finan');
      await form.getByRole('status').filter({ hasText: 'One match.' }).waitFor();
      await search.press('Enter');
      assert.equal(
        (await focused(page)).name,
        'Add people or groups',
        'the focus stays in the box',
      );
      await form.getByRole('combobox', { name: 'Level for Finance' }).selectOption('run');
      await form.getByRole('button', { name: 'Save the rights of new tasks' }).click();
      await form
        .getByRole('status')
        .filter({ hasText: 'The rights of new tasks are saved.' })
        .waitFor();
      await screenshot(page, 'settings-new-task-rights');
    });
    const settings = await harness().api('GET', '/settings');
    assert.deepEqual(
      settings.body.newTaskGrants.map((grant: any) => [grant.subject.id, grant.level]).at(-1),
      [needed(financeId, 'Finance'), 'run'],
    );
    await withPage(harness(), 'new-task-rights-tab', async (page) => {
      await logIn(page, owner, '/tasks/new');
      const rights = await openRightsTab(page, 'New task');
      await rights.getByText('A new task starts with the rights list of new tasks').waitFor();
    });
    const created = await createTask(harness(), owner, 'After the new rights');
    const grants = await harness().api('GET', `/tasks/${created}/grants`, { as: owner });
    assert.deepEqual(levelsOf(grants.body.grants), {
      'group:Administrators': 'manage',
      'group:Finance': 'run',
    });
  });
});

/** Opens the editor's Rights tab (the editor is open) and returns its panel. */
async function openRightsTab(page: Page, heading: string): Promise<Locator> {
  const title = heading === 'New task' ? heading : `Task: ${heading}`;
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page.getByRole('tab', { name: /^Rights/ }).click();
  const panel = page.getByRole('tabpanel', { name: /^Rights/ });
  await panel.waitFor();
  return panel;
}

/** Types into the picker and presses the button of the match it offers. */
async function addSubject(scope: Locator, text: string, button: string): Promise<void> {
  await scope.getByRole('searchbox', { name: 'Add people or groups' }).fill(text);
  await scope.getByRole('button', { name: button, exact: true }).click();
  await scope
    .getByRole('combobox', { name: `Level for ${button.replace(/^Add \w+ /, '')}` })
    .waitFor();
}

/** The row of a task in the list. */
function taskRow(page: Page, name: string): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** A rights list as "type:name" → level. */
function levelsOf(grants: any[]): Record<string, string> {
  return Object.fromEntries(
    grants.map((grant) => [`${grant.subject.type}:${grant.name}`, grant.level]),
  );
}

async function createPerson(ui: UiHarness, login: string, name: string): Promise<Person> {
  const password = passwordOf(login);
  const answer = await ui.api<{ id: string }>('POST', '/users', {
    body: { login, password, displayName: name, permissions: ['taskplanner'] },
  });
  assert.equal(answer.status, 201, `creating ${login}: ${JSON.stringify(answer.body)}`);
  return { login, password, name, id: answer.body.id };
}

async function createGroup(ui: UiHarness, name: string, memberIds: string[]): Promise<string> {
  const answer = await ui.api<{ id: string }>('POST', '/groups', { body: { name, memberIds } });
  assert.equal(answer.status, 201, `creating ${name}: ${JSON.stringify(answer.body)}`);
  return answer.body.id;
}

async function createTask(ui: UiHarness, owner: Credentials, name: string): Promise<string> {
  const created = await ui.api<{ id: string }>('POST', '/tasks', {
    as: owner,
    body: {
      name,
      description: 'Made by the end-to-end test of sharing',
      timezone: 'Europe/Berlin',
      triggers: [
        {
          kind: 'time',
          config: { start: '2026-01-05T00:00', intervals: [{ kind: 'days', times: ['07:30'] }] },
        },
      ],
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}
