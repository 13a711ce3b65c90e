// The editor shows a saved task's HTTP trigger URL, and that URL starts the task.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  browserUnavailable,
  startUi,
  type Credentials,
  type UiHarness,
} from '../support/browser.ts';
import { createUser, logIn, withPage } from './steps.ts';

const skip = browserUnavailable() ?? false;

describe('the HTTP trigger URL in the task editor', { skip }, () => {
  let ui: UiHarness | undefined;
  let dora: Credentials | undefined;
  const harness = () => ui ?? assert.fail('the server and browser did not start');

  before(async () => {
    ui = await startUi();
    dora = await createUser(ui, 'dora', ['taskplanner', 'trigger.http']);
  });
  after(async () => {
    await ui?.close();
  });

  it('shows the URL on the Triggers tab, and a GET on it starts the task', async () => {
    const owner = dora ?? assert.fail('dora was not created');
    const created = await harness().api<{ id: string; hooks: Array<{ path: string }> }>(
      'POST',
      '/tasks',
      { as: owner, body: { name: 'Hooked', triggers: [{ kind: 'http', config: {} }] } },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const path = created.body.hooks[0]?.path ?? assert.fail('the task has no hook');
    await withPage(harness(), 'hook-url', async (page) => {
      await logIn(page, owner, `/tasks/${created.body.id}`);
      await page.getByRole('tab', { name: /Triggers/ }).click();
      const section = page.getByRole('region', { name: 'URLs that start this task' });
      const shown = (await section.locator('code').first().textContent()) ?? '';
      assert.equal(shown, `${harness().url}${path}`);
      const response = await fetch(`${shown}?who=browser`);
      assert.equal(response.status, 202, await response.text());
    });
    const runs = await harness().api<{ items: Array<{ cause: string; parameters: object }> }>(
      'GET',
      `/runs?taskId=${created.body.id}`,
      { as: owner },
    );
    assert.deepEqual(
      runs.body.items.map((run) => [run.cause, run.parameters]),
      [['http', { who: 'browser' }]],
    );
  });
});
