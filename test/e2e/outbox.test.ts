// Mail in the browser: a run's page shows how its mail went, recipient by recipient; the
// outbox page shows every task's mail and cancels a message that waits for a server that is down.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserUnavailable, screenshot, startUi, type UiHarness } from '../support/browser.ts';
import { waitFor } from '../support/processes.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';
import { logIn, withPage } from './steps.ts';

const skip = browserUnavailable() ?? false;

describe('mail in the browser', { skip }, () => {
  let ui: UiHarness | undefined;
  let peer: SmtpPeer | undefined;
  let downPort = 0;
  const harness = () => ui ?? assert.fail('the server and browser did not start');

  before(async () => {
    const gone = await startSmtpPeer();
    await gone.close();
    downPort = gone.port;
    peer = await startSmtpPeer({ refuse: ['gone@example.com'] });
    ui = await startUi();
  });
  after(async () => {
    await ui?.close();
    await peer?.close();
  });

  /** Points the default SMTP server at a port, as the admin. */
  async function useServer(port: number) {
    const smtp = { host: '127.0.0.1', port, secure: false, user: '', from: 'planner@example.com' };
    const changed = await harness().api('PATCH', '/settings', { body: { smtp } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
  }

  /** Makes and runs a task that mails to the recipients; resolves to the run's id once it ended. */
  async function mailingRun(name: string, to: string[]): Promise<string> {
    const h = harness();
    const action = { kind: 'email', config: { to, subject: name, body: 'Hello' } };
    const task = await h.api<{ id: string }>('POST', '/tasks', {
      body: { name, actions: [action] },
    });
    assert.equal(task.status, 201, JSON.stringify(task.body));
    const started = await h.api<{ runId: string }>('POST', `/tasks/${task.body.id}/run`);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const runId = started.body.runId;
    const ended = await waitFor(async () => {
      const run = await h.api<{ status: string }>('GET', `/runs/${runId}`);
      return run.body.status === 'succeeded';
    });
    assert.ok(ended, `run ${runId} did not succeed`);
    return runId;
  }

  /** The row of a message in a table, by its subject. */
  const messageRow = (page: Page, subject: string) =>
    page.getByRole('row').filter({ hasText: subject });

  it("shows on the run's page whom the mail reached and why it did not reach the other", async () => {
    await useServer(peer?.port ?? 0);
    const runId = await mailingRun('Weekly figures', ['bob@example.com', 'gone@example.com']);
    await withPage(harness(), 'run-mail', async (page) => {
      await logIn(page, harness().admin, `/runs/${runId}`);
      const mail = page.getByRole('region', { name: 'Mail' });
      const row = messageRow(page, 'Weekly figures');
      await row.getByText('Partly sent').waitFor();
      const text = (await mail.textContent()) ?? '';
      assert.match(text, /bob@example\.com delivered/);
      assert.match(text, /gone@example\.com not delivered · 550 No such mailbox/);
      await screenshot(page, 'run-mail');
    });
    assert.deepEqual(
      peer?.received.map((mail) => mail.envelope.to),
      [['bob@example.com']],
    );
  });

  it('lists every message on the outbox page and cancels one that waits', async () => {
    await useServer(downPort);
    await mailingRun('Held back', ['carol@example.com']);
    await withPage(harness(), 'outbox', async (page) => {
      await logIn(page, harness().admin);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Outbox' })
        .click();
      await page.getByRole('heading', { name: 'Outbox', level: 1 }).waitFor();
      const held = messageRow(page, 'Held back');
      await held.getByText('Waiting to retry').waitFor();
      assert.match((await held.textContent()) ?? '', /could not reach SMTP server 127\.0\.0\.1/);
      assert.match((await messageRow(page, 'Weekly figures').textContent()) ?? '', /Partly sent/);
      await screenshot(page, 'outbox');
      await held.getByRole('button', { name: 'Cancel “Held back”' }).click();
      await held.getByText('Canceled', { exact: true }).waitFor();
      await held.getByText('not sent: canceled').waitFor();
      assert.equal(await held.getByRole('button', { name: /Cancel/ }).count(), 0);
      // Only canceled messages, by the filter.
      await page.getByLabel('Show').selectOption('canceled');
      await page
        .getByRole('row')
        .filter({ hasText: 'Weekly figures' })
        .waitFor({ state: 'detached' });
      // The filtered list may come a moment after the old rows went.
      await messageRow(page, 'Held back').waitFor();
      assert.equal(await messageRow(page, 'Held back').count(), 1);
    });
  });
});
