import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import type { RunView } from '../support/engine-runs.ts';
import { passwordOf } from '../support/test-app.ts';

const GOOGLE = readFileSync(
  new URL('../fixtures/calendars/google-team.ics', import.meta.url),
  'utf8',
);
/** How long an absence of runs is watched for, in real time. */
const QUIET_MS = 600;
const MINUTE_MS = 60_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Google calendar with more VEVENTs (their lines) added. */
function withEvents(...events: string[][]): string {
  const added = events.flatMap((lines) => ['BEGIN:VEVENT', ...lines, 'END:VEVENT']);
  return GOOGLE.replace('END:VCALENDAR\r\n', [...added, 'END:VCALENDAR', ''].join('\r\n'));
}

/** A one-off event starting at the instant, as a UTC date-time. */
function eventAt(uid: string, summary: string, startMs: number): string[] {
  const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
  return [
    `UID:${uid}`,
    'DTSTAMP:20260301T120000Z',
    `DTSTART:${stamp(startMs)}`,
    `DTEND:${stamp(startMs + 30 * MINUTE_MS)}`,
    `SUMMARY:${summary}`,
  ];
}

/** A task in Berlin started 15 minutes before each "sync" event of the file. */
function calendarTask(file: string) {
  return {
    name: 'calendar',
    timezone: 'Europe/Berlin',
    triggers: [
      {
        id: 'cal',
        kind: 'calendar',
        config: { source: { file }, filter: 'sync', leadMinutes: 15 },
      },
    ],
    jobs: [
      {
        kind: 'file',
        config: {
          name: 'out.txt',
          content:
            '{event.summary}|{event.start}|{event.end}|{event.location}|{event.uid}|{run.cause}',
        },
      },
    ],
  };
}

for (const backend of await backends()) {
  describe(`calendar trigger on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    let root: string;

    before(async () => {
      root = realpathSync(mkdtempSync(join(tmpdir(), 'tp-calendar-')));
      t = await startEngineApp(backend, 'calendar', { start: new Date('2026-03-02T07:00:00Z') });
      alice = (await t.user('alice', ['taskplanner', 'trigger.calendar'])).client;
      const allowed = await t.admin.patch('/api/v1/settings', { folderRoots: [root] });
      assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
    });
    after(async () => {
      await t?.close();
      rmSync(root, { recursive: true, force: true });
    });

    /** The task's runs, oldest first, as its owner lists them. */
    async function runsOf(taskId: string): Promise<RunView[]> {
      const listed = await alice.get(`/api/v1/runs?taskId=${taskId}&limit=100`);
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      return [...listed.body.items].reverse();
    }

    /** Moves the clock; alice logs in again, her session having ended in the meantime. */
    async function advance(ms: number): Promise<void> {
      await t.clock.advance(ms);
      alice = await t.login('alice', passwordOf('alice'));
    }

    async function create(body: Record<string, unknown>): Promise<string> {
      const created = await alice.post('/api/v1/tasks', body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id;
    }

    /** Polls (bounded, real time) until the task has count runs, then waits them out. */
    async function runsReaching(taskId: string, count: number): Promise<RunView[]> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const runs = await runsOf(taskId);
        if (runs.length >= count) {
          for (const run of runs) await t.ended(run.id);
          return runsOf(taskId);
        }
        if (Date.now() > deadline)
          assert.fail(`task ${taskId} had ${runs.length} runs, not ${count}`);
        await pause(25);
      }
    }

    async function quietCount(taskId: string): Promise<number> {
      await pause(QUIET_MS);
      return (await runsOf(taskId)).length;
    }

    async function output(run: RunView): Promise<string> {
      const view = (await alice.get(`/api/v1/runs/${run.id}`)).body;
      const file = await alice.get(
        `/api/v1/runs/${run.id}/artifacts/${view.results[0]?.artifactId}`,
      );
      assert.equal(file.status, 200, JSON.stringify(view));
      return String(file.body);
    }

    it('refuses a URL that is not https and a relative file, when the task is saved', async () => {
      const bad = [
        [{ url: 'http://calendar.example.com/team.ics' }, '/triggers/0/config/source/url', /https/],
        [{ file: 'team.ics' }, '/triggers/0/config/source/file', /absolute/],
      ] as const;
      for (const [source, path, message] of bad) {
        const task = calendarTask('/x');
        task.triggers[0]!.config.source = source as never;
        const refused = await alice.post('/api/v1/tasks', task);
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        const issue = refused.body.errors.find((each: { path: string }) => each.path === path);
        assert.ok(issue, JSON.stringify(refused.body.errors));
        assert.match(issue.message, message);
      }
    });

    it('starts one run at the lead time with the event as placeholders, once across engines', async () => {
      const file = join(root, 'team.ics');
      writeFileSync(file, GOOGLE);
      const taskId = await create(calendarTask(file));
      await t.clock.advance(44 * MINUTE_MS); // 07:44Z, a minute before the fire
      assert.equal(await quietCount(taskId), 0, 'nothing before the lead time');
      await t.clock.advance(MINUTE_MS); // 07:45Z: 15 minutes before 09:00 in Berlin
      const [run] = await runsReaching(taskId, 1);
      assert.ok(run);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.equal(run.cause, 'calendar');
      const scheduled = Date.parse(run.scheduledFor ?? '');
      assert.ok(scheduled >= Date.parse('2026-03-02T07:45:00Z'), run.scheduledFor ?? 'none');
      assert.ok(scheduled < Date.parse('2026-03-02T07:45:01Z'), run.scheduledFor ?? 'none');
      const view = (await alice.get(`/api/v1/runs/${run.id}`)).body;
      assert.equal(view.parameters['event.summary'], 'Team sync');
      assert.equal(view.parameters['event.start'], '2026-03-02T09:00:00+01:00');
      assert.equal(
        await output(run),
        'Team sync|2026-03-02T09:00:00+01:00|2026-03-02T09:30:00+01:00|Room 4.12, Building B|5g1f2kq8v0s3m9t7c4d6e8h0jl@google.com|calendar',
      );
      // A restarted engine (as another node) sees the same event within its grace: no second run.
      await t.clock.advance(MINUTE_MS);
      await t.stopEngine();
      await t.restartEngine();
      assert.equal(await quietCount(taskId), 1, 'the occurrence ran once');
    });

    it('moves the fire when the file is edited', async () => {
      await t.clock.advance(4 * 60 * MINUTE_MS); // Monday 2 March, 11:46Z
      const file = join(root, 'moving.ics');
      const probe = (name: string) =>
        eventAt(`${name}@test`, `sync ${name}`, t.clock.now() + 15 * MINUTE_MS);
      // Each probe fires as soon as the calendar is read: proof that it was (read again).
      writeFileSync(file, withEvents(probe('probe-a')));
      const taskId = await create(calendarTask(file));
      await runsReaching(taskId, 1);
      await t.clock.advance(MINUTE_MS);
      const moved = [
        'UID:5g1f2kq8v0s3m9t7c4d6e8h0jl@google.com',
        'DTSTAMP:20260302T120000Z',
        'RECURRENCE-ID;TZID=Europe/Berlin:20260309T090000',
        'DTSTART;TZID=Europe/Berlin:20260309T100000',
        'DTEND;TZID=Europe/Berlin:20260309T103000',
        'SUMMARY:Team sync (an hour later)',
      ];
      writeFileSync(file, withEvents(probe('probe-b'), moved));
      await runsReaching(taskId, 2);
      await advance(Date.parse('2026-03-09T07:45:00Z') - t.clock.now());
      assert.equal(await quietCount(taskId), 2, 'no run at the old time');
      await t.clock.advance(60 * MINUTE_MS);
      const runs = await runsReaching(taskId, 3);
      assert.equal(runs.length, 3);
      const view = (await alice.get(`/api/v1/runs/${runs[2]?.id}`)).body;
      assert.equal(view.parameters['event.summary'], 'Team sync (an hour later)');
      assert.equal(view.parameters['event.start'], '2026-03-09T10:00:00+01:00');
    });

    it('starts two runs for two events at one instant', async () => {
      const file = join(root, 'twins.ics');
      const at = t.clock.now() + 30 * MINUTE_MS;
      writeFileSync(
        file,
        withEvents(eventAt('one@test', 'sync one', at), eventAt('two@test', 'sync two', at)),
      );
      const taskId = await create(calendarTask(file));
      await t.clock.advance(15 * MINUTE_MS);
      const runs = await runsReaching(taskId, 2);
      assert.equal(await quietCount(taskId), 2);
      const summaries = await Promise.all(
        runs.map(
          async (run) =>
            (await alice.get(`/api/v1/runs/${run.id}`)).body.parameters['event.summary'],
        ),
      );
      assert.deepEqual(summaries.sort(), ['sync one', 'sync two']);
    });
  });
}
