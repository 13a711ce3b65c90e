import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
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

  it('checks a saved schedule in the task’s zone: a start in its DST gap that passes its end is refused', async () => {
    // 02:30 does not exist in Berlin on 28 March 2027; it becomes 03:30, after the end at 03:10.
    const gap = {
      start: '2027-03-28T02:30',
      end: '2027-03-28T03:10',
      intervals: [{ kind: 'minutes', every: 5 }],
    };
    const task = (timezone: string) => ({
      name: `gap in ${timezone}`,
      timezone,
      triggers: [{ kind: 'time', config: gap }],
    });
    const refused = await t.admin.post('/api/v1/tasks', task('Europe/Berlin'));
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.match(refused.body.errors[0].path, /^\/triggers\/0\/config/);
    const listed = await t.admin.get('/api/v1/tasks?limit=100');
    assert.ok(
      !listed.body.items.some((each: { name: string }) => each.name === 'gap in Europe/Berlin'),
    );
    const accepted = await t.admin.post('/api/v1/tasks', task('UTC'));
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
  });

  /** Fifty RRULEs that never fire: each searches its limit, about 120 ms each before the budget. */
  const neverFiring = {
    timezone: 'Europe/Berlin',
    start: '2026-01-01T00:00',
    intervals: Array.from({ length: 50 }, () => ({
      kind: 'rrule',
      rrule: 'FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30',
    })),
  };

  /** The longest the event loop was held while `work` ran (ms), as the widest gap between ticks. */
  async function longestStall(work: () => Promise<unknown>): Promise<number> {
    let last = performance.now();
    let longest = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 5);
    try {
      await work();
      await setTimeout(20);
    } finally {
      clearInterval(ticker);
    }
    return longest;
  }

  it('previews only for users of the planner: 403 without taskplanner, 401 anonymous', async () => {
    const { client: outsider } = await t.user('no-planner', []);
    const refused = await outsider.post('/api/v1/schedules/preview', { schedule: biweekly });
    assert.equal(refused.status, 403);
    assert.match(String(refused.headers['content-type']), /^application\/problem\+json/);
    assert.equal(refused.body.code, 'FORBIDDEN');
    const anonymous = await t.anonymous.post('/api/v1/schedules/preview', { schedule: biweekly });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.code, 'UNAUTHENTICATED');
    const { client: planner } = await t.user('planner-user');
    const allowed = await planner.post('/api/v1/schedules/preview', { schedule: biweekly });
    assert.equal(allowed.status, 200);
  });

  it('answers 50 never-firing RRULEs with 422 SCHEDULE_TOO_COMPLEX at once, not after seconds', async () => {
    const began = performance.now();
    const response = await t.admin.post('/api/v1/schedules/preview', {
      schedule: neverFiring,
      count: 10,
    });
    const tookMs = performance.now() - began;
    assert.equal(response.status, 422);
    assert.equal(response.body.code, 'SCHEDULE_TOO_COMPLEX');
    assert.match(response.body.detail, /too much work to compute; it may never fire: simplify it/);
    // The old code searched every interval to its limit: about 6 s here.
    assert.ok(tookMs < 1500, `answered in ${Math.round(tookMs)} ms`);
  });

  it('four such previews at once leave the event loop free for /healthz', async () => {
    let healthz = 0;
    const stall = await longestStall(async () => {
      const previews = Array.from({ length: 4 }, () =>
        t.admin.post('/api/v1/schedules/preview', { schedule: neverFiring }),
      );
      const health = t.anonymous.get('/healthz').then((response) => (healthz = response.status));
      const answers = await Promise.all(previews);
      await health;
      assert.deepEqual(
        answers.map((answer) => answer.status),
        [422, 422, 422, 422],
      );
    });
    assert.equal(healthz, 200);
    // The old code held it for about 22 s. Now each preview holds it for one fire time at
    // most (about 100 ms); started in the same tick, the four may still run back to back.
    assert.ok(stall < 3000, `the event loop stalled for ${Math.round(stall)} ms`);
  });

  it('computes a long preview in slices, so other requests run in between', async () => {
    // A thousand occurrences of an hourly RRULE take about 400 ms of computing.
    const schedule = {
      timezone: 'Europe/Berlin',
      start: '2026-01-01T00:00',
      intervals: [{ kind: 'rrule', rrule: 'FREQ=HOURLY;BYHOUR=9,10,11' }],
    };
    let response: Awaited<ReturnType<typeof t.admin.post>> | undefined;
    const stall = await longestStall(async () => {
      response = await t.admin.post('/api/v1/schedules/preview', { schedule, count: 1000 });
    });
    assert.equal(response?.status, 200);
    assert.equal(response?.body.occurrences.length, 1000);
    // Three a day from 1 January: the 1000th is the first of day 334, 30 November.
    assert.equal(response?.body.occurrences[999], '2026-11-30T09:00:00+01:00');
    assert.ok(stall < 200, `the event loop stalled for ${Math.round(stall)} ms`);
  });

  it('refuses to save a task with such a schedule, with the same error, and changes nothing', async () => {
    const { client: owner } = await t.user('complex-owner');
    const before = (await owner.get('/api/v1/tasks')).body.items.length;
    const began = performance.now();
    const created = await owner.post('/api/v1/tasks', {
      name: 'never fires',
      triggers: [{ kind: 'time', config: neverFiring }],
    });
    assert.ok(performance.now() - began < 1500, 'refused at once');
    assert.equal(created.status, 422);
    assert.equal(created.body.code, 'SCHEDULE_TOO_COMPLEX');
    assert.match(created.body.detail, /too much work to compute/);
    assert.equal(created.body.errors[0].path, '/triggers/0/config');
    assert.equal((await owner.get('/api/v1/tasks')).body.items.length, before);

    const task = (
      await owner.post('/api/v1/tasks', {
        name: 'fires',
        triggers: [{ kind: 'time', config: biweekly }],
      })
    ).body;
    const edited = await owner.put(`/api/v1/tasks/${task.id}`, {
      name: 'fires',
      triggers: [{ kind: 'time', config: neverFiring }],
      revision: 1,
    });
    assert.equal(edited.status, 422);
    assert.equal(edited.body.code, 'SCHEDULE_TOO_COMPLEX');
    const kept = (await owner.get(`/api/v1/tasks/${task.id}`)).body;
    assert.equal(kept.revision, 1);
    assert.deepEqual(kept.triggers[0].config, biweekly);
  });
});
