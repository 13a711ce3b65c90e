import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { noticeMail } from '../../src/notices/notice-mail.ts';
import type { RunNotice } from '../../src/notices/run-notice.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { runsUntil } from '../support/engine-runs.ts';
import {
  createTask,
  person,
  share,
  startRun,
  userGrant,
  type Person,
} from '../support/grant-world.ts';
import { answer, startHttpPeer, type HttpPeer } from '../support/http-peer.ts';

/*
 * An attacker's review of what landed with failure notices, task import and export, the
 * calendar trigger and the {trigger.*} placeholders. Each test asserts the secure behaviour, so
 * it fails while the weakness it names is there.
 */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The text of a run's file result named name, read as client. */
async function fileOf(client: Person['client'], runId: string, name: string): Promise<string> {
  const run = (await client.get(`/api/v1/runs/${runId}`)).body;
  const result = (run.results as Array<{ name: string; artifactId?: string }>).find(
    (each) => each.name === name,
  );
  assert.ok(result?.artifactId, `run ${runId} has no file ${name}: ${JSON.stringify(run)}`);
  const file = await client.get(`/api/v1/runs/${runId}/artifacts/${result.artifactId}`);
  assert.equal(file.status, 200, JSON.stringify(file.body));
  return String(file.body);
}

for (const backend of await backends()) {
  describe(`attack review of delivery on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let hook: HttpPeer;

    before(async () => {
      t = await startEngineApp(backend, 'attack-delivery');
      hook = await startHttpPeer();
      hook.route('/grab', answer(204));
    });
    after(async () => {
      await t?.close();
      await hook?.close();
    });

    describe('a settings manager and the server default notices', () => {
      it("cannot have every user's failed runs, with their log tails, posted to them", async () => {
        const manager = await person(t, 'smgr', ['taskplanner', 'settings.manage']);
        const alice = await person(t, 'alice-n', ['taskplanner']);
        const patched = await manager.client.patch('/api/v1/settings', {
          notices: { on: ['failure'], toOwner: false, webhook: `${hook.url}/grab` },
        });
        const before = hook.requests.length;
        const task = await createTask(alice.client, {
          name: 'payroll',
          jobs: [{ kind: 'fail', config: { message: 'salary of the CEO: 1.2M' } }],
        });
        await t.ended(await startRun(alice.client, task.id));
        await pause(300);
        const posted = hook.requests.slice(before).map((each) => each.body.toString());
        assert.equal(
          patched.status,
          403,
          `PATCH /settings notices (settings.manage only) answered ${patched.status}; the manager's webhook then got ${JSON.stringify(posted)}`,
        );
        // Set the default back for the tests after this one.
        await t.admin.patch('/api/v1/settings', { notices: { on: [] } });
      });
    });

    describe('an editor and the after-task trigger', () => {
      it("cannot follow an owner's task that is not shared with it and read its {trigger.*}", async () => {
        const alice = await person(t, 'alice-a', ['taskplanner']);
        const bob = await person(t, 'bob-a', ['taskplanner']);
        const hidden = await createTask(alice.client, {
          name: 'Layoffs list 2027',
          jobs: [{ kind: 'fail', config: { message: 'HR database rejected user hr_admin' } }],
        });
        const shared = await createTask(alice.client, {
          name: 'shared',
          jobs: [{ kind: 'noop', config: {} }],
        });
        await share(alice.client, shared.id, [userGrant(bob.id, 'edit')]);
        assert.equal((await bob.client.get(`/api/v1/tasks/${hidden.id}`)).status, 404);

        const edited = await bob.client.patch(`/api/v1/tasks/${shared.id}`, {
          revision: shared.revision,
          triggers: [{ kind: 'after-task', config: { taskId: hidden.id, on: 'always' } }],
          jobs: [
            {
              kind: 'file',
              config: { name: 'leak.txt', content: '{trigger.task.name}|{trigger.run.reason}' },
            },
          ],
        });
        let evidence = '';
        if (edited.status === 200) {
          // Alice runs her own task, as she does every day.
          await t.ended(await startRun(alice.client, hidden.id));
          const [follower] = await runsUntil(t, shared.id, 1);
          await t.ended(follower?.id ?? '');
          evidence = `; bob then read "${await fileOf(bob.client, follower?.id ?? '', 'leak.txt')}"`;
        }
        assert.notEqual(
          edited.status,
          200,
          `bob's edit adding after-task on alice's unshared task answered ${edited.status}${evidence}`,
        );
      });
    });

    describe('a series field and the {trigger.*} placeholders', () => {
      it('cannot spoof the run a task follows', async () => {
        const alice = await person(t, 'alice-s', ['taskplanner']);
        const extract = await createTask(alice.client, {
          name: 'Extract',
          jobs: [{ kind: 'fail', config: { message: 'the source was empty' } }],
        });
        // The records stand for hostile data: a CSV's header, a query's column, a JSON feed.
        const report = await createTask(alice.client, {
          name: 'Report',
          triggers: [{ kind: 'after-task', config: { taskId: extract.id, on: 'always' } }],
          series: {
            kind: 'list',
            config: {
              items: [{ 'trigger.run.status': 'succeeded', 'trigger.task.name': 'Forged' }],
            },
          },
          jobs: [
            {
              kind: 'file',
              config: { name: 'out.txt', content: '{trigger.run.status}|{trigger.task.name}' },
            },
          ],
        });
        await t.ended(await startRun(alice.client, extract.id));
        const [follower] = await runsUntil(t, report.id, 1);
        await t.ended(follower?.id ?? '');
        assert.equal(await fileOf(alice.client, follower?.id ?? '', 'out.txt'), 'failed|Extract');
      });
    });

    describe('task import', () => {
      it('refuses __proto__ keys rather than taking them into a task', async () => {
        const alice = await person(t, 'alice-i', ['taskplanner']);
        const body =
          '{"format":"taskplanner-tasks","version":1,"tasks":[{"name":"p","series":{"kind":"list","config":{"items":[{"__proto__":{"polluted":"yes"}}]}}}]}';
        const imported = await alice.client.post('/api/v1/tasks/import', body, {
          'content-type': 'application/json',
        });
        assert.equal(imported.status, 400, JSON.stringify(imported.body));
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
      });

      it("takes a document id equal to another user's task as the document's own, leaving that task alone", async () => {
        const alice = await person(t, 'alice-d', ['taskplanner']);
        const mallory = await person(t, 'mallory-d', ['taskplanner']);
        const victim = await createTask(alice.client, { name: 'victim', jobs: [] });
        const imported = await mallory.client.post('/api/v1/tasks/import', {
          format: 'taskplanner-tasks',
          version: 1,
          tasks: [
            { id: victim.id, name: 'decoy', jobs: [] },
            {
              id: 'follower',
              name: 'follower',
              triggers: [{ kind: 'after-task', config: { taskId: victim.id } }],
              actions: [{ kind: 'next-task', config: { taskId: victim.id } }],
            },
          ],
        });
        assert.equal(imported.status, 201, JSON.stringify(imported.body));
        const [decoy, follower] = imported.body.tasks as Array<{ id: string }>;
        const stored = (await mallory.client.get(`/api/v1/tasks/${follower?.id}`)).body;
        assert.equal(stored.triggers[0].config.taskId, decoy?.id);
        assert.equal(stored.actions[0].config.taskId, decoy?.id);
        const untouched = (await alice.client.get(`/api/v1/tasks/${victim.id}`)).body;
        assert.equal(untouched.name, 'victim');
      });
    });
  });
}

describe('notice mail with a hostile task name', () => {
  it('keeps CR/LF in the name out of the headers', async () => {
    const notice: RunNotice = {
      event: 'failure',
      task: {
        id: 't1',
        name: 'x\r\nBcc: evil@example.net\r\nX-Injected: yes',
        owner: 'alice',
        timezone: 'UTC',
      },
      run: {
        id: 'r1',
        status: 'failed',
        reasonCode: null,
        reason: null,
        cause: 'manual',
        attempt: 1,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
        url: '/runs/r1',
      },
      withheld: { count: 0, since: null },
      logTail: [],
    };
    const mail = await noticeMail(
      notice,
      { header: 'planner@example.com', address: 'planner@example.com' },
      [{ name: '', address: 'alice@example.com' }],
      new Date('2026-03-02T08:00:00Z'),
    );
    const headers = mail.content.toString('utf8').split('\r\n\r\n')[0] ?? '';
    assert.doesNotMatch(headers, /^(Bcc|X-Injected):/im);
    assert.deepEqual(mail.recipients, ['alice@example.com']);
  });
});

/**
 * Starts the calendar trigger, as the engine does, on a file holding one event with the rule,
 * in a child process; resolves with what the child printed once its event loop answered a timer
 * (the trigger having read and planned the calendar), or with null when it was still busy after
 * limitMs and was killed.
 */
function triggerAnswers(rule: string, dtstart: string, limitMs: number): Promise<string | null> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'tp-attack-calendar-')));
  const file = join(root, 'team.ics');
  writeFileSync(
    file,
    [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//attack//EN',
      'BEGIN:VEVENT',
      'UID:spin@example.com',
      'DTSTAMP:20260301T000000Z',
      `DTSTART:${dtstart}`,
      'DURATION:PT1M',
      'SUMMARY:standup',
      `RRULE:${rule}`,
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n'),
  );
  const trigger = fileURLToPath(
    new URL('../../src/plugins/builtin/triggers/calendar.ts', import.meta.url),
  );
  const child = `
    const { calendarTrigger } = await import(${JSON.stringify(trigger)});
    const problems = [];
    const log = { info() {}, warn: (m) => problems.push(m), error: (m) => problems.push(m) };
    const context = {
      task: { id: 't', name: 'calendar', ownerId: 'alice', timezone: 'Europe/Berlin' },
      triggerId: 'cal',
      reason: 'task-enabled',
      fire: async () => 'run',
      log,
      host: { settings: async () => ({}), allowedPath: async (path) => path },
      now: () => Date.parse('2026-03-02T08:00:00Z'),
      setTimer: (ms, fn) => { const h = setTimeout(fn, Math.min(ms, 2 ** 31 - 1)); h.unref(); return () => clearTimeout(h); },
    };
    calendarTrigger.start({ source: { file: ${JSON.stringify(file)} }, filter: '', fireAt: 'start', leadMinutes: 0 }, context);
    setTimeout(() => { console.log(JSON.stringify(problems)); process.exit(0); }, 1500);
  `;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', child],
      {
        timeout: limitMs,
        killSignal: 'SIGKILL',
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
      },
      (error, stdout) => {
        rmSync(root, { recursive: true, force: true });
        resolve(error ? null : stdout.trim());
      },
    );
  });
}

describe('the calendar trigger and a hostile RRULE', () => {
  it('answers a timer soon after reading a rule no day can match (BYMONTH=2;BYMONTHDAY=30)', async () => {
    const answered = await triggerAnswers(
      'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
      '20260101T090000Z',
      15_000,
    );
    assert.notEqual(
      answered,
      null,
      "the trigger's process was still busy 15 s after start: one expansion step never ends, and the engine's event loop with it",
    );
  });

  it('answers a timer soon after reading a SECONDLY rule that matches once a day since 1900', async () => {
    const answered = await triggerAnswers(
      'FREQ=SECONDLY;BYHOUR=0;BYMINUTE=0;BYSECOND=0',
      '19000101T000000Z',
      15_000,
    );
    assert.notEqual(
      answered,
      null,
      "the trigger's process was still busy 15 s after start: 46,000 steps within the repetition limit cost 86,400 iterations each",
    );
  });
});
