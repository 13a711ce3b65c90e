import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { eventually, type RunView } from '../support/engine-runs.ts';
import { passwordOf } from '../support/test-app.ts';

const HOLIDAYS = readFileSync(
  new URL('../fixtures/calendars/holidays-berlin.ics', import.meta.url),
  'utf8',
);
const DAY_MS = 24 * 60 * 60_000;
/** How long an absence of runs is watched for, in real time. */
const QUIET_MS = 600;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An all-day event on the date (yyyymmdd), as lines. */
function dayOff(date: string): string[] {
  return [
    'BEGIN:VEVENT',
    `DTSTART;VALUE=DATE:${date}`,
    `UID:${date}_day-off@holidays.example.org`,
    'DTSTAMP:20260301T120000Z',
    'SUMMARY:Bridge day',
    'END:VEVENT',
  ];
}

/** The holiday calendar with a day off on the date (yyyymmdd) added. */
function withDayOff(date: string): string {
  return HOLIDAYS.replace('END:VCALENDAR\r\n', [...dayOff(date), 'END:VCALENDAR', ''].join('\r\n'));
}

/** A calendar of one day off, on the date (yyyymmdd). */
function onlyDayOff(date: string): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//Holidays//EN'];
  return [...lines, ...dayOff(date), 'END:VCALENDAR', ''].join('\r\n');
}

/** A task in Berlin that runs every day at 09:00, except on the days of the calendar file. */
function dailyExcept(file: string) {
  return {
    name: 'daily except holidays',
    timezone: 'Europe/Berlin',
    triggers: [
      {
        id: 'daily',
        kind: 'time',
        config: {
          start: '2026-03-01T09:00',
          exclude: [{ calendar: { file } }],
          intervals: [{ kind: 'days' }],
        },
      },
    ],
    jobs: [{ kind: 'noop' }],
  };
}

/** 09:00 in Berlin (CET, in March before the 29th) on that day of March 2026, as the API writes it. */
const march = (day: number) => `2026-03-${String(day).padStart(2, '0')}T08:00:00.000Z`;

for (const backend of await backends()) {
  describe(`holiday calendars of schedules on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    let root: string;

    before(async () => {
      root = realpathSync(mkdtempSync(join(tmpdir(), 'tp-holidays-')));
      // Saturday 7 March 2026, 13:00 in Berlin: the 8th is a holiday.
      // Leases of a day: their sweeps would otherwise be most of the work of moving days on.
      t = await startEngineApp(backend, 'holidays', {
        start: new Date('2026-03-07T12:00:00Z'),
        engine: { leaseMs: DAY_MS },
      });
      alice = (await t.user('alice', ['taskplanner', 'trigger.calendar'])).client;
      const allowed = await t.admin.patch('/api/v1/settings', { folderRoots: [root] });
      assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
    });
    after(async () => {
      await t?.close();
      rmSync(root, { recursive: true, force: true });
    });

    async function create(body: Record<string, unknown>): Promise<string> {
      const created = await alice.post('/api/v1/tasks', body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id;
    }

    async function nextRunOf(taskId: string): Promise<string | null> {
      const task = await alice.get(`/api/v1/tasks/${taskId}`);
      assert.equal(task.status, 200, JSON.stringify(task.body));
      return task.body.nextRunAt;
    }

    /** Polls until the task's next run is at (an ISO instant or null). */
    function nextRunBecomes(taskId: string, at: string | null): Promise<true> {
      return eventually(`the next run of ${taskId} at ${at}`, async () =>
        (await nextRunOf(taskId)) === at ? true : undefined,
      );
    }

    /** Moves the clock a day at a time; alice logs in again, her session having ended. */
    async function advanceDays(days: number): Promise<void> {
      for (let i = 0; i < days; i++) {
        await t.clock.advance(DAY_MS);
        t.engine.wake();
        await pause(100);
      }
      alice = await t.login('alice', passwordOf('alice'));
    }

    /** The task's runs, oldest first, as its owner lists them. */
    async function runsOf(taskId: string): Promise<RunView[]> {
      const listed = await alice.get(`/api/v1/runs?taskId=${taskId}&limit=100`);
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      return [...listed.body.items].reverse();
    }

    async function endedRuns(taskId: string): Promise<RunView[]> {
      for (const run of await runsOf(taskId)) await t.ended(run.id);
      return runsOf(taskId);
    }

    it('skips the days of its holiday file, follows the file as it changes, and keeps them over a restart and its loss', async () => {
      const file = join(root, 'holidays.ics');
      writeFileSync(file, HOLIDAYS);
      const taskId = await create(dailyExcept(file));
      // Sunday the 8th is International Women's Day in Berlin.
      await nextRunBecomes(taskId, march(9));
      writeFileSync(file, withDayOff('20260309'));
      await nextRunBecomes(taskId, march(10));
      await advanceDays(3);
      await eventually('the run of the 10th', async () =>
        (await runsOf(taskId)).length > 0 ? true : undefined,
      );
      const runs = await endedRuns(taskId);
      assert.deepEqual(
        runs.map((run) => [run.scheduledFor, run.status]),
        [[march(10), 'succeeded']],
      );
      // The 11th and 12th: data centre maintenance from 22:00 to 02:00.
      assert.equal(await nextRunOf(taskId), march(13));
      await t.stopEngine();
      await t.restartEngine();
      await pause(QUIET_MS);
      assert.equal(await nextRunOf(taskId), march(13));
      assert.equal((await runsOf(taskId)).length, 1, 'nothing recorded at the restart');
      // Gone once read: its days stay in force, and the owner is told.
      rmSync(file);
      const problem = await eventually('the problem record', async () => {
        const runs = await runsOf(taskId);
        return runs.find((run) => run.cause === 'trigger');
      });
      const recorded = (await alice.get(`/api/v1/runs/${problem.id}`)).body;
      assert.equal(recorded.reasonCode, 'calendar-unreadable');
      assert.match(
        recorded.reason,
        /holidays\.ics cannot be read .*the days read last stay in force/,
      );
      assert.equal(await nextRunOf(taskId), march(13));
    });

    it('a holiday file that cannot be read is recorded for its owner, and nothing fires until it can be read', async () => {
      const file = join(root, 'later.ics');
      const taskId = await create(dailyExcept(file));
      const [problem] = await eventually('the problem record', async () => {
        const runs = await runsOf(taskId);
        return runs.length > 0 ? runs : undefined;
      });
      const recorded = (await alice.get(`/api/v1/runs/${problem?.id}`)).body;
      assert.equal(recorded.status, 'failed');
      assert.equal(recorded.cause, 'trigger');
      assert.equal(recorded.reasonCode, 'calendar-unreadable');
      assert.match(
        recorded.reason,
        /holiday calendar later\.ics cannot be read .*does not fire until/,
      );
      assert.equal(await nextRunOf(taskId), null);
      await advanceDays(1);
      await pause(QUIET_MS);
      assert.equal((await runsOf(taskId)).length, 1, 'no run while it cannot be read');
      // A calendar of one day off, tomorrow: the next run is the day after.
      const dateIn = (days: number) => new Date(t.clock.now() + days * DAY_MS).toISOString();
      writeFileSync(file, onlyDayOff(dateIn(1).slice(0, 10).replace(/-/g, '')));
      await nextRunBecomes(taskId, `${dateIn(2).slice(0, 10)}T08:00:00.000Z`);
    });

    it('a holiday file outside the allowed folders, or a feed not https, is refused at save', async () => {
      const refused = await alice.post('/api/v1/tasks', dailyExcept('/etc/holidays.ics'));
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.deepEqual(
        refused.body.errors.map((error: { path: string }) => error.path),
        ['/triggers/0/config/exclude/0/calendar/file'],
      );
      const relative = await alice.post('/api/v1/tasks', dailyExcept('holidays.ics'));
      assert.equal(relative.status, 400, JSON.stringify(relative.body));
      const feed = { calendar: { url: 'http://calendar.example.org/x.ics' } };
      const plain = dailyExcept('/unused.ics');
      const http = await alice.post('/api/v1/tasks', {
        ...plain,
        triggers: plain.triggers.map((trigger) => ({
          ...trigger,
          config: { ...trigger.config, exclude: [feed] },
        })),
      });
      assert.equal(http.status, 400, JSON.stringify(http.body));
      assert.deepEqual(
        http.body.errors.map((error: { path: string; message: string }) => [
          error.path,
          error.message,
        ]),
        [
          [
            '/triggers/0/config/exclude/0/calendar/url',
            'a calendar URL must be https://, not http://',
          ],
        ],
      );
    });

    it("a calendar trigger's calendar that cannot be read is recorded for its owner, once per problem", async () => {
      const file = join(root, 'team.ics');
      const taskId = await create({
        name: 'calendar',
        timezone: 'Europe/Berlin',
        triggers: [{ id: 'cal', kind: 'calendar', config: { source: { file } } }],
        jobs: [{ kind: 'noop' }],
      });
      const problems = async () =>
        Promise.all(
          (await runsOf(taskId))
            .filter((run) => run.cause === 'trigger')
            .map(async (run) => (await alice.get(`/api/v1/runs/${run.id}`)).body),
        );
      const [missing] = await eventually('the first problem', async () => {
        const found = await problems();
        return found.length > 0 ? found : undefined;
      });
      assert.equal(missing.reasonCode, 'calendar-unreadable');
      assert.equal(missing.cause, 'trigger');
      assert.match(
        missing.reason,
        /^trigger cal \(calendar\) cannot read its calendar: .*team\.ics/,
      );
      writeFileSync(file, HOLIDAYS);
      await pause(QUIET_MS);
      assert.equal((await problems()).length, 1, 'a calendar read is no problem');
      writeFileSync(file, 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026\r\n');
      const second = await eventually('the second problem', async () => {
        const found = await problems();
        return found.length > 1 ? found[1] : undefined;
      });
      assert.equal(second.reasonCode, 'calendar-unreadable');
      assert.match(second.reason, /not valid iCalendar/);
    });

    it('the preview reads the holiday file as the caller may, and shows its days skipped', async () => {
      const file = join(root, 'preview.ics');
      writeFileSync(file, HOLIDAYS);
      const schedule = dailyExcept(file).triggers[0]?.config;
      const preview = await alice.post('/api/v1/schedules/preview', {
        schedule,
        after: '2026-03-07T12:00:00Z',
        count: 4,
      });
      assert.equal(preview.status, 200, JSON.stringify(preview.body));
      assert.deepEqual(preview.body.occurrences, [
        '2026-03-09T09:00:00+01:00',
        '2026-03-10T09:00:00+01:00',
        '2026-03-13T09:00:00+01:00',
        '2026-03-14T09:00:00+01:00',
      ]);
      assert.equal(
        preview.body.description,
        'Every day at 09:00, Europe/Berlin, except on days in preview.ics',
      );
      const outside = await alice.post('/api/v1/schedules/preview', {
        schedule: { ...schedule, exclude: [{ calendar: { file: '/etc/passwd' } }] },
      });
      assert.equal(outside.status, 400, JSON.stringify(outside.body));
      assert.equal(outside.body.errors[0]?.path, '/schedule/exclude/0/calendar/file');
      assert.match(outside.body.errors[0]?.message, /outside the allowed folders/);
    });
  });
}
