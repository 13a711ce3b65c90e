import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('schedule preview API and time triggers', () => {
  let t: TestApp;

  before(async () => {
    const [sqlite] = await backends();
    assert.ok(sqlite);
    t = await startTestApp(sqlite, 'schedules');
  });
  after(async () => {
    await t?.close();
  });

  const biweekly = {
    timezone: 'Europe/Berlin',
    start: '2026-01-05T09:00',
    intervals: [{ kind: 'weeks', every: 2, weekdays: ['MO', 'WE'] }],
  };

  it('previews the next occurrences with the zone’s offsets, and describes the schedule', async () => {
    const response = await t.admin.post('/api/v1/schedules/preview', {
      schedule: biweekly,
      count: 4,
    });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.occurrences, [
      '2026-01-05T09:00:00+01:00',
      '2026-01-07T09:00:00+01:00',
      '2026-01-19T09:00:00+01:00',
      '2026-01-21T09:00:00+01:00',
    ]);
    assert.equal(
      response.body.description,
      'Every 2 weeks on Monday and Wednesday at 09:00, Europe/Berlin',
    );
  });

  it('lists occurrences strictly after a given instant, across a DST change', async () => {
    const schedule = {
      timezone: 'Europe/Berlin',
      start: '2026-01-01T02:30',
      intervals: [{ kind: 'days' }],
    };
    const response = await t.admin.post('/api/v1/schedules/preview', {
      schedule,
      after: '2026-03-28T01:30:00Z',
      count: 2,
    });
    assert.deepEqual(response.body.occurrences, [
      '2026-03-29T03:30:00+02:00',
      '2026-03-30T02:30:00+02:00',
    ]);
  });

  it('uses the server’s default zone when the schedule names none', async () => {
    const schedule = { start: '2026-07-01T12:00', intervals: [{ kind: 'days' }] };
    const response = await t.admin.post('/api/v1/schedules/preview', { schedule, count: 1 });
    assert.deepEqual(response.body.occurrences, ['2026-07-01T12:00:00+02:00']);
    assert.equal(response.body.timezone, 'Europe/Berlin');
  });

  it('rejects an invalid schedule with 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...biweekly, timezone: 'Mars/Olympus' }, '/schedule/timezone'],
      [
        { ...biweekly, intervals: [{ kind: 'cron', expression: '99 * * * *' }] },
        '/schedule/intervals/0/expression',
      ],
      [{ ...biweekly, intervals: [{ kind: 'sometimes' }] }, '/schedule/intervals/0/kind'],
      [{ ...biweekly, start: '2026-02-30T09:00' }, '/schedule/start'],
    ];
    for (const [schedule, path] of cases) {
      const response = await t.admin.post('/api/v1/schedules/preview', { schedule });
      assert.equal(response.status, 400, JSON.stringify(schedule));
      assert.ok(
        response.body.errors.some((error: { path: string }) => error.path === path),
        `${JSON.stringify(response.body.errors)} names ${path}`,
      );
    }
  });

  it('refuses an anonymous preview and a count over 1000', async () => {
    assert.equal(
      (await t.anonymous.post('/api/v1/schedules/preview', { schedule: biweekly })).status,
      401,
    );
    const huge = await t.admin.post('/api/v1/schedules/preview', {
      schedule: biweekly,
      count: 100000,
    });
    assert.equal(huge.status, 400);
  });

  it('validates a time trigger’s schedule when a task is saved, naming the field', async () => {
    const bad = await t.admin.post('/api/v1/tasks', {
      name: 'bad schedule',
      triggers: [
        {
          kind: 'time',
          config: { ...biweekly, intervals: [{ kind: 'rrule', rrule: 'FREQ=SOMETIMES' }] },
        },
      ],
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].path, '/triggers/0/config/intervals/0/rrule');
    const good = await t.admin.post('/api/v1/tasks', {
      name: 'good schedule',
      triggers: [{ kind: 'time', config: biweekly }],
    });
    assert.equal(good.status, 201);
  });
});
