import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY, type Task, type TaskPolicy } from '../../src/domain/task.ts';
import {
  planTaskClaim,
  type ClaimContext,
  type TaskClaimInput,
  type TaskClaimPlan,
} from '../../src/engine/claim-plan.ts';
import type { FireTimes } from '../../src/plugins/component-kind.ts';
import type { NewRun, RunTicket, StoredTrigger } from '../../src/store/store.ts';

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');
const LEASE = { node: 'node-1', token: 'token-1', expiresAt: T0 + 30_000 };

/** Every minute on the minute, strictly after the given time. */
const everyMinute: FireTimes = (after) => (Math.floor(after / MINUTE) + 1) * MINUTE;

function task(policy: Partial<TaskPolicy>): Task {
  return {
    id: 'task-1',
    ownerId: 'owner-1',
    ownerLogin: 'owner',
    ownerName: 'owner',
    name: 'task',
    description: '',
    enabled: true,
    timezone: 'UTC',
    triggers: [],
    jobs: [],
    actions: [],
    series: null,
    policy: { ...DEFAULT_POLICY, ...policy },
    notices: null,
    expiresAt: null,
    hidden: false,
    revision: 1,
    createdAt: new Date(T0),
    updatedAt: new Date(T0),
  };
}

function trigger(triggerId: string, nextFireAt: number | null, kind = 'time'): StoredTrigger {
  return {
    taskId: 'task-1',
    triggerId,
    kind,
    fingerprint: 'f',
    nextFireAt,
    follows: null,
  };
}

function ticket(id: string): RunTicket {
  return {
    id,
    taskId: 'task-1',
    ownerId: 'owner-1',
    triggerId: null,
    cause: 'manual',
    scheduledFor: null,
    attempt: 1,
    retryOf: null,
    parameters: {},
    chain: ['task-1'],
  };
}

interface Situation {
  policy?: Partial<TaskPolicy>;
  triggers?: StoredTrigger[];
  ready?: RunTicket[];
  running?: number;
  waiting?: number;
  /** Queued runs that may start now but were not loaded (no room on this node). */
  readyCount?: number;
  capacity?: number;
  now?: number;
  /** How far ahead of now occurrences may be claimed. */
  lookahead?: number;
  fireTimes?: (trigger: StoredTrigger) => FireTimes | null;
}

/** Plans one claim; returns the plan and the capacity left. */
function plan(situation: Situation): { plan: TaskClaimPlan; capacityLeft: number } {
  const context: ClaimContext = {
    now: situation.now ?? T0,
    horizon: (situation.now ?? T0) + (situation.lookahead ?? 0),
    lease: LEASE,
    capacity: situation.capacity ?? 10,
    misfireGraceMs: MINUTE,
  };
  const input: TaskClaimInput = {
    task: task(situation.policy ?? {}),
    triggers: situation.triggers ?? [],
    ready: situation.ready ?? [],
    activity: {
      running: situation.running ?? 0,
      waiting: situation.waiting ?? 0,
      ready: situation.readyCount ?? 0,
    },
    fireTimesOf: situation.fireTimes ?? (() => everyMinute),
  };
  return { plan: planTaskClaim(input, context), capacityLeft: context.capacity };
}

/** The status a new run is stored with (queued while ready, waiting or claimed). */
function statusOf(run: NewRun | undefined) {
  if (!run) return undefined;
  const { state } = run.entry;
  return state === 'running' || state === 'skipped' ? state : 'queued';
}

/** The lease a new run is stored under, or null. */
function leaseOf(run: NewRun | undefined) {
  return run && 'lease' in run.entry ? run.entry.lease : null;
}

/** From when a new run may start: null for one waiting, running or skipped. */
function notBeforeOf(run: NewRun | undefined) {
  return run && 'notBefore' in run.entry ? run.entry.notBefore : null;
}

/** The new runs as [scheduledFor offset in minutes, status, reason]. */
function newRuns(result: TaskClaimPlan) {
  return result.newRuns.map((run) => [
    ((run.scheduledFor ?? 0) - T0) / MINUTE,
    statusOf(run),
    run.reason,
  ]);
}

/** Three occurrences due (misfire "all" runs each). */
const threeDue = { triggers: [trigger('time-1', T0)], now: T0 + 2 * MINUTE };

describe('planTaskClaim', () => {
  it('starts a due occurrence under this lease and moves the trigger on', () => {
    const { plan: result, capacityLeft } = plan({ triggers: [trigger('time-1', T0)] });
    assert.equal(result.newRuns.length, 1);
    const [run] = result.newRuns;
    assert.equal(statusOf(run), 'running');
    assert.deepEqual(leaseOf(run), LEASE);
    assert.equal(run?.cause, 'schedule');
    assert.equal(run?.scheduledFor, T0);
    assert.equal(run?.triggerId, 'time-1');
    assert.deepEqual(result.nextFires, [
      { taskId: 'task-1', triggerId: 'time-1', nextFireAt: T0 + MINUTE },
    ]);
    assert.equal(capacityLeft, 9);
    assert.equal(result.ended, false);
  });

  it('leaves triggers that are not due alone', () => {
    const { plan: result } = plan({ triggers: [trigger('time-1', T0 + MINUTE)] });
    assert.deepEqual(result.newRuns, []);
    assert.deepEqual(result.nextFires, []);
  });

  describe('overlap "skip"', () => {
    it('records an occurrence as skipped while a run is running', () => {
      const { plan: result, capacityLeft } = plan({
        triggers: [trigger('time-1', T0)],
        running: 1,
      });
      assert.deepEqual(newRuns(result), [[0, 'skipped', 'the previous run was still running']]);
      assert.equal(leaseOf(result.newRuns[0]), null);
      assert.equal(capacityLeft, 10);
    });

    it('starts the first of several due occurrences and skips the others', () => {
      const { plan: result } = plan({ ...threeDue, policy: { misfire: 'all' } });
      assert.deepEqual(newRuns(result), [
        [0, 'running', null],
        [1, 'skipped', 'the previous run was still running'],
        [2, 'skipped', 'the previous run was still running'],
      ]);
    });
  });

  describe('overlap "queue"', () => {
    const queue = { overlap: 'queue', misfire: 'all' } as const;

    it('keeps one occurrence waiting for the running run and skips the rest', () => {
      const { plan: result } = plan({ ...threeDue, policy: queue, running: 1 });
      assert.deepEqual(newRuns(result), [
        [0, 'queued', null],
        [1, 'skipped', 'a run was already waiting to start'],
        [2, 'skipped', 'a run was already waiting to start'],
      ]);
      assert.equal(notBeforeOf(result.newRuns[0]), null, 'it waits for the running run');
    });

    it('skips every occurrence when a run is already waiting', () => {
      const { plan: result } = plan({ ...threeDue, policy: queue, running: 1, waiting: 1 });
      assert.deepEqual(
        result.newRuns.map((run) => [statusOf(run), run.reason]),
        Array(3).fill(['skipped', 'a run was already waiting to start']),
      );
    });

    it('when idle, starts one, queues one and skips the rest', () => {
      const { plan: result } = plan({ ...threeDue, policy: queue });
      assert.deepEqual(newRuns(result), [
        [0, 'running', null],
        [1, 'queued', null],
        [2, 'skipped', 'a run was already waiting to start'],
      ]);
    });
  });

  describe('overlap "parallel"', () => {
    it('starts every due occurrence while others run', () => {
      const { plan: result, capacityLeft } = plan({
        ...threeDue,
        policy: { overlap: 'parallel', misfire: 'all' },
        running: 2,
        waiting: 1,
      });
      assert.deepEqual(newRuns(result), [
        [0, 'running', null],
        [1, 'running', null],
        [2, 'running', null],
      ]);
      assert.equal(capacityLeft, 7);
    });

    it('starts ready runs and occurrences up to the capacity; the rest stay queued', () => {
      const { plan: result, capacityLeft } = plan({
        ...threeDue,
        ready: [ticket('manual-1')],
        policy: { overlap: 'parallel', misfire: 'all' },
        capacity: 2,
      });
      assert.deepEqual(result.startIds, ['manual-1']);
      assert.deepEqual(newRuns(result), [
        [0, 'running', null],
        [1, 'queued', null],
        [2, 'queued', null],
      ]);
      assert.deepEqual(
        result.newRuns.slice(1).map((run) => notBeforeOf(run)),
        [T0 + 2 * MINUTE, T0 + 2 * MINUTE],
        'any node may start them now',
      );
      assert.equal(capacityLeft, 0);
    });
  });

  describe('claiming ahead', () => {
    const soon = { triggers: [trigger('time-1', T0 + 1000)], lookahead: 2000 };

    it('reserves the next occurrence of an idle task before it is due, to start on time', () => {
      const { plan: result } = plan(soon);
      assert.deepEqual(
        result.newRuns.map((run) => [run.scheduledFor, statusOf(run)]),
        [[T0 + 1000, 'queued']],
      );
      const [run] = result.newRuns;
      assert.equal(notBeforeOf(run), T0 + 1000, 'reserved until its time');
      assert.deepEqual(leaseOf(run), LEASE, 'under this lease');
      assert.equal(result.nextFires[0]?.nextFireAt, T0 + MINUTE, 'the next one after it');
      assert.equal(result.deferred, false);
    });

    it('leaves it until it is due while a run of the task is active', () => {
      for (const activity of [{ running: 1 }, { waiting: 1 }, { readyCount: 1 }]) {
        const { plan: result } = plan({ ...soon, ...activity });
        assert.deepEqual(result.newRuns, [], JSON.stringify(activity));
        assert.deepEqual(result.nextFires, [], 'the trigger keeps its time');
        assert.equal(result.deferred, true);
      }
    });

    it('claims ahead for parallel runs even while one runs', () => {
      const policy = { overlap: 'parallel' } as const;
      const { plan: result } = plan({ ...soon, policy, running: 1 });
      assert.deepEqual(
        result.newRuns.map((run) => [statusOf(run), leaseOf(run)]),
        [['queued', LEASE]],
      );
    });

    it('claims nothing beyond the horizon', () => {
      const { plan: result } = plan({ triggers: [trigger('time-1', T0 + 3000)], lookahead: 2000 });
      assert.deepEqual(result.newRuns, []);
      assert.equal(result.deferred, false);
    });
  });

  describe('capacity 0', () => {
    it('keeps a due occurrence queued for any node', () => {
      const { plan: result } = plan({ triggers: [trigger('time-1', T0)], capacity: 0 });
      assert.deepEqual(newRuns(result), [[0, 'queued', null]]);
      assert.equal(notBeforeOf(result.newRuns[0]), T0);
      assert.equal(leaseOf(result.newRuns[0]), null);
      assert.equal(result.nextFires[0]?.nextFireAt, T0 + MINUTE, 'the trigger still moves on');
    });

    it('skip: one occurrence waits for room, the others are skipped, not piled up', () => {
      const { plan: result } = plan({ ...threeDue, policy: { misfire: 'all' }, capacity: 0 });
      assert.deepEqual(newRuns(result), [
        [0, 'queued', null],
        [1, 'skipped', 'the previous run was still running'],
        [2, 'skipped', 'the previous run was still running'],
      ]);
    });

    it('skip: a queued run already waiting for room makes a new occurrence skipped', () => {
      const situation = { triggers: [trigger('time-1', T0)], capacity: 0, readyCount: 1 };
      const { plan: result } = plan(situation);
      assert.deepEqual(newRuns(result), [[0, 'skipped', 'the previous run was still running']]);
    });

    it('parallel: every occurrence waits for room', () => {
      const policy = { overlap: 'parallel', misfire: 'all' } as const;
      const { plan: result } = plan({ ...threeDue, policy, capacity: 0, readyCount: 1 });
      assert.deepEqual(newRuns(result), [
        [0, 'queued', null],
        [1, 'queued', null],
        [2, 'queued', null],
      ]);
    });

    it('neither starts nor parks ready runs', () => {
      const { plan: result } = plan({ ready: [ticket('manual-1')], capacity: 0 });
      assert.deepEqual(result.startIds, []);
      assert.deepEqual(result.parkIds, []);
      assert.deepEqual(result.newRuns, []);
    });
  });

  describe('ready queued runs', () => {
    for (const overlap of ['skip', 'queue'] as const) {
      it(`${overlap}: are parked, not skipped, while a run is running`, () => {
        const { plan: result } = plan({
          ready: [ticket('manual-1'), ticket('retry-1')],
          policy: { overlap },
          running: 1,
        });
        assert.deepEqual(result.parkIds, ['manual-1', 'retry-1']);
        assert.deepEqual(result.startIds, []);
        assert.deepEqual(result.newRuns, []);
      });
    }

    it('when idle, the first starts and the next is parked', () => {
      const { plan: result } = plan({ ready: [ticket('manual-1'), ticket('manual-2')] });
      assert.deepEqual(result.startIds, ['manual-1']);
      assert.deepEqual(result.parkIds, ['manual-2']);
    });

    it('go before due occurrences, which are then skipped', () => {
      const { plan: result } = plan({
        ready: [ticket('manual-1')],
        triggers: [trigger('time-1', T0)],
      });
      assert.deepEqual(result.startIds, ['manual-1']);
      assert.deepEqual(newRuns(result), [[0, 'skipped', 'the previous run was still running']]);
    });

    it('a parked one counts as waiting under "queue"', () => {
      const { plan: result } = plan({
        ready: [ticket('manual-1')],
        triggers: [trigger('time-1', T0)],
        policy: { overlap: 'queue' },
        running: 1,
      });
      assert.deepEqual(result.parkIds, ['manual-1']);
      assert.deepEqual(newRuns(result), [[0, 'skipped', 'a run was already waiting to start']]);
    });
  });

  describe('misfire', () => {
    it('"skip" records the occurrences beyond the grace as one skipped run, runs the recent one', () => {
      const { plan: result } = plan({
        triggers: [trigger('time-1', T0)],
        now: T0 + 4.5 * MINUTE,
        policy: { misfire: 'skip' },
      });
      assert.deepEqual(
        newRuns(result).map(([at, status]) => [at, status]),
        [
          [0, 'skipped'],
          [4, 'running'],
        ],
      );
      assert.match(result.newRuns[0]?.reason ?? '', /^4 occurrences .*misfire policy "skip"/);
    });

    it('"once" notes on its one run how many were due', () => {
      const { plan: result } = plan({ ...threeDue });
      assert.equal(result.newRuns.length, 1);
      assert.match(result.newRuns[0]?.reason ?? '', /^3 occurrences were due since/);
      assert.equal(result.nextFires[0]?.nextFireAt, T0 + 3 * MINUTE);
    });

    it('"once" skipped by the overlap policy still says how many since when', () => {
      const { plan: result } = plan({ ...threeDue, running: 1 });
      assert.deepEqual(
        result.newRuns.map((run) => [statusOf(run), run.scheduledFor, run.occurrences, run.reason]),
        [
          [
            'skipped',
            T0,
            3,
            'the previous run was still running (it stood for 3 occurrences due since 2026-03-02T08:00:00.000Z)',
          ],
        ],
      );
    });

    it('"all" records the occurrences beyond the limit as one skipped run that counts them', () => {
      const { plan: result } = plan({
        triggers: [trigger('time-1', T0)],
        now: T0 + 4 * MINUTE,
        policy: { misfire: 'all', misfireLimit: 2, overlap: 'parallel' },
      });
      assert.deepEqual(
        result.newRuns.map((run) => [(run.scheduledFor ?? 0) - T0, statusOf(run), run.occurrences]),
        [
          [2 * MINUTE, 'skipped', 3],
          [0, 'running', 1],
          [MINUTE, 'running', 1],
        ],
      );
    });
  });

  describe('ended schedules', () => {
    const lastAt = (end: number) => (): FireTimes => (after) => {
      const next = everyMinute(after);
      return next !== null && next <= end ? next : null;
    };

    it('a trigger firing its last occurrence ends the schedule', () => {
      const { plan: result } = plan({ triggers: [trigger('time-1', T0)], fireTimes: lastAt(T0) });
      assert.equal(statusOf(result.newRuns[0]), 'running', 'the last occurrence still runs');
      assert.deepEqual(result.nextFires, [
        { taskId: 'task-1', triggerId: 'time-1', nextFireAt: null },
      ]);
      assert.equal(result.ended, true);
    });

    it('does not end while another scheduled trigger has a future occurrence', () => {
      const { plan: result } = plan({
        triggers: [trigger('time-1', T0), trigger('time-2', T0 + MINUTE)],
        fireTimes: (each) => (each.triggerId === 'time-1' ? lastAt(T0)() : everyMinute),
      });
      assert.equal(result.ended, false);
    });

    it('a scheduled trigger already without a next fire counts as ended', () => {
      const { plan: result } = plan({ triggers: [trigger('time-1', null)] });
      assert.equal(result.ended, true);
    });

    it('triggers that are not scheduled never end, nor does a task without triggers', () => {
      const follower = trigger('after-1', null, 'after-task');
      assert.equal(plan({ triggers: [follower], fireTimes: () => null }).plan.ended, false);
      assert.equal(plan({}).plan.ended, false);
    });
  });
});
