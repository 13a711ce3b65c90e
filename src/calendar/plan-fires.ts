import { fork } from 'node:child_process';
import type { FireRule, PlannedFires } from './calendar-fires.ts';
import type { HolidayDays } from './holiday-days.ts';

/** What the planning process is asked: the calendar's text, the zone, the rule, the window. */
export interface PlanRequest {
  text: string;
  /** The zone of floating times and all-day dates (the task's). */
  timezone: string;
  rule: FireRule;
  from: number;
  to: number;
}

/** What it is asked for a holiday calendar: the text, the schedule's zone, the filter, the window. */
export interface HolidayRequest {
  text: string;
  /** The zone whose local dates the days are (the schedule's), and of floating times. */
  timezone: string;
  filter: string;
  from: number;
  to: number;
}

/** One piece of work for the process: a trigger's fires, or a holiday calendar's days. */
export type PlanWork =
  { kind: 'fires'; request: PlanRequest } | { kind: 'holidays'; request: HolidayRequest };

/** What it answers: the fires (or days), or why the calendar cannot be read. */
export type PlanAnswer<T> = ({ ok: true } & T) | { ok: false; message: string };

const PLAN_PROCESS = new URL('./plan-process.ts', import.meta.url);
/** The loader that runs TypeScript, by its full address (see datasources/query-sqlite.ts). */
const TYPESCRIPT_LOADER = import.meta.resolve('tsx');

/** How long working out one calendar may take (real time) before it is stopped. */
export const PLAN_TIME_LIMIT_MS = 10_000;
/** How many calendars are worked out at once on one node. */
const CONCURRENT_PLANS = 2;

let running = 0;
const waiting: Array<() => void> = [];

async function slot(): Promise<() => void> {
  if (running >= CONCURRENT_PLANS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

/** Runs one piece of work in its own process, stopped at the time limit or when signal aborts. */
function planInProcess<T>(work: PlanWork, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(PLAN_PROCESS, [], {
      execArgv: ['--import', TYPESCRIPT_LOADER, '--max-old-space-size=256'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(limit);
      signal.removeEventListener('abort', onAbort);
      child.kill('SIGKILL');
      outcome();
    };
    const limit = setTimeout(() => {
      const seconds = PLAN_TIME_LIMIT_MS / 1000;
      const message = `working out the calendar's events took longer than ${seconds} s and was stopped (a recurrence rule that never matches, or far too many events?)`;
      finish(() => reject(new Error(message)));
    }, PLAN_TIME_LIMIT_MS);
    const onAbort = () => finish(() => reject(new Error('stopped')));
    signal.addEventListener('abort', onAbort);
    child.once('message', (answer: PlanAnswer<T>) =>
      finish(() => (answer.ok ? resolve(answer) : reject(new Error(answer.message)))),
    );
    child.once('error', (error) => finish(() => reject(error)));
    child.once('exit', (code, killed) =>
      finish(() =>
        reject(
          new Error(
            `working out the calendar's events failed: its process ended (${killed ?? `exit code ${code}`}), perhaps out of memory`,
          ),
        ),
      ),
    );
    child.send(work);
  });
}

/** Runs the work in a process of its own when a slot is free. */
async function planned<T>(work: PlanWork, signal: AbortSignal): Promise<T> {
  const release = await slot();
  try {
    return await planInProcess<T>(work, signal);
  } finally {
    release();
  }
}

/**
 * The fires of a calendar in [from, to), worked out in a process of its own with a time and
 * memory limit, a few at a time per node: the server's event loop never runs ical.js's
 * expansion, which a hostile rule can keep busy for minutes.
 */
export function planFires(request: PlanRequest, signal: AbortSignal): Promise<PlannedFires> {
  return planned({ kind: 'fires', request }, signal);
}

/** The days a holiday calendar covers (see holiday-days.ts), worked out as planFires works. */
export function planHolidayDays(
  request: HolidayRequest,
  signal: AbortSignal,
): Promise<HolidayDays> {
  return planned({ kind: 'holidays', request }, signal);
}
