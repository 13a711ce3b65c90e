// The outbox on a phone (390 px): each message is a card of its own, its fields one under the
// other and named, the page does not scroll sideways, and its buttons still work.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { browserUnavailable, screenshot, startUi, type UiHarness } from '../support/browser.ts';
import { waitFor } from '../support/processes.ts';
import { startSmtpPeer } from '../support/smtp-peer.ts';
import { assertNoHorizontalScroll, logIn, withPage } from './steps.ts';

/** The page's own, in the functions that run there. */
declare const getComputedStyle: (element: unknown, pseudo: string) => { content: string };

const skip = browserUnavailable() ?? false;

const SUBJECT = 'Quarterly figures for the whole sales department, all regions';

describe('the outbox on a phone', { skip }, () => {
  let ui: UiHarness | undefined;
  const harness = () => ui ?? assert.fail('the server and browser did not start');

  before(async () => {
    // An SMTP server that is gone: the message waits in the outbox to be tried again.
    const gone = await startSmtpPeer();
    await gone.close();
    ui = await startUi();
    const smtp = {
      host: '127.0.0.1',
      port: gone.port,
      secure: false,
      user: '',
      from: 'p@example.com',
    };
    const changed = await ui.api('PATCH', '/settings', { body: { smtp } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const to = ['a.very.long.mailbox.name.for.reports@subsidiary.example.com', 'bob@example.com'];
    const action = { kind: 'email', config: { to, subject: SUBJECT, body: 'Hello' } };
    const task = await ui.api<{ id: string }>('POST', '/tasks', {
      body: { name: 'Mail on a phone', actions: [action] },
    });
    assert.equal(task.status, 201, JSON.stringify(task.body));
    const started = await ui.api<{ runId: string }>('POST', `/tasks/${task.body.id}/run`);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const runId = started.body.runId;
    const api = ui.api.bind(ui);
    assert.ok(
      await waitFor(async () => (await api('GET', `/runs/${runId}`)).body.status === 'succeeded'),
      'the run did not end',
    );
  });
  after(async () => {
    await ui?.close();
  });

  it('shows each message as a card of named fields, without scrolling sideways', async () => {
    await withPage(
      harness(),
      'outbox-phone',
      async (page) => {
        await logIn(page, harness().admin, '/admin/outbox');
        const row = page.getByRole('row').filter({ hasText: SUBJECT });
        await row.getByText('Waiting to retry').waitFor();
        await assertNoHorizontalScroll(page, 'the outbox at 390 px');
        const cells = row.getByRole('cell');
        const boxOf = async (index: number) =>
          (await cells.nth(index).boundingBox()) ?? assert.fail(`cell ${index} is not shown`);
        const queued = await boxOf(0);
        const subject = await boxOf(1);
        const recipients = await boxOf(2);
        const delivery = await boxOf(3);
        assert.ok(subject.y < queued.y, 'the subject heads the card');
        assert.ok(queued.y < recipients.y && recipients.y < delivery.y, 'one under the other');
        for (const box of [queued, subject, recipients, delivery]) {
          assert.ok(box.x + box.width <= 390, 'every field fits the screen');
        }
        const labels = await cells.evaluateAll((all) =>
          all.map((cell) => getComputedStyle(cell, '::before').content),
        );
        assert.deepEqual(
          labels.slice(0, 4),
          ['"Queued"', 'none', '"Recipients"', '"Delivery"'],
          'each field named by its column (the subject is its own heading)',
        );
        await screenshot(page, 'outbox-phone');
        await row.getByRole('button', { name: `Cancel “${SUBJECT}”` }).click();
        await row.getByText('Canceled', { exact: true }).waitFor();
      },
      { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    );
  });
});
