import type { HolidayRegister } from '../calendar/holiday-register.ts';
import type { HolidayDays } from '../calendar/holiday-days.ts';
import { coerceError } from '../domain/coerce-error.ts';
import { because } from '../domain/reason-codes.ts';
import type { Task } from '../domain/task.ts';
import type { CalendarReader, ReaderContext } from '../plugins/builtin/triggers/calendar-source.ts';
import { timeTrigger } from '../plugins/builtin/triggers/time.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { RunLogger } from '../plugins/run-context.ts';
import type { TriggerHost } from '../plugins/run-host.ts';
import {
  calendarExcludesOf,
  calendarKey,
  calendarName,
  type ZonedCalendar,
} from '../schedule/holiday-exclusions.ts';
import type { Store } from '../store/store.ts';
import { storedTriggersOf, syncTriggers, type TriggerSchedules } from '../tasks/trigger-sync.ts';
import type { Clock } from './clock.ts';
import { notRunRecord, type NotRunRecord } from './engine-events.ts';
import { daysOfText, readerOf } from './holiday-reading.ts';
import { recordTriggerProblem } from './trigger-problems.ts';

/** A file is read again this often besides its changes, so that its window moves on. */
const REREAD_MS = 24 * 60 * 60_000;
const LOAD_BATCH = 500;

/** What the holiday calendars work with besides the store: the folder check, a log, the problems. */
export interface HolidayCalendarParts {
  /** Where the days read go, for the fire times of the schedules that exclude them. */
  holidays: HolidayRegister;
  host: TriggerHost;
  log: RunLogger;
  /** A calendar's problem was recorded on a task (see trigger-problems.ts). */
  onProblem: (record: NotRunRecord) => void;
}

/** One holiday calendar this node reads, and the tasks whose schedules exclude its days. */
interface Watched {
  readonly calendar: ZonedCalendar;
  readonly taskIds: Set<string>;
  readonly reader: CalendarReader;
  /** The text last read, for a feed that answers that it did not change. */
  text: string | null;
  /** Its reads, one after the other. */
  reads: Promise<void>;
  stop: () => Promise<void>;
}

/** The time triggers of the task and the holiday calendars each excludes. */
function calendarsOf(task: Task): Array<{ triggerId: string; calendar: ZonedCalendar }> {
  if (!task.enabled) return [];
  return task.triggers
    .filter((trigger) => trigger.kind === timeTrigger.kind)
    .flatMap((trigger) =>
      calendarExcludesOf(trigger.config, task.timezone).map((calendar) => ({
        triggerId: trigger.id,
        calendar,
      })),
    );
}

/**
 * The holiday calendars that the schedules of enabled tasks exclude, read on this node: at
 * start (before the scheduler claims anything), when a task changes, when a file changes, and
 * every refresh of a feed. Their days go to the register the time trigger computes with; when
 * a calendar's days change, the next fire times of the triggers that exclude it are computed
 * again. Reading and working out the days run as the calendar trigger's do: the file inside
 * the allowed folders (checked at each read), the feed with the network policy, the events in
 * a process of their own with a time and memory limit.
 */
export class HolidayCalendars {
  readonly #watched = new Map<string, Watched>();
  readonly #keysOf = new Map<string, Set<string>>();
  readonly #stopping = new AbortController();
  readonly #context: ReaderContext;

  get #schedules(): TriggerSchedules {
    return { registry: this.registry, holidays: this.parts.holidays };
  }

  constructor(
    private readonly store: Store,
    private readonly registry: ComponentRegistry,
    private readonly clock: Clock,
    private readonly parts: HolidayCalendarParts,
  ) {
    this.#context = {
      host: parts.host,
      log: parts.log,
      setTimer: (ms, fn) => clock.setTimer(ms, fn),
    };
  }

  /** Reads every holiday calendar of enabled tasks; resolves once each was read (or failed). */
  async start(): Promise<void> {
    const rows = await this.store.triggers.withKinds([timeTrigger.kind]);
    const taskIds = [...new Set(rows.map((row) => row.taskId))];
    for (let i = 0; i < taskIds.length; i += LOAD_BATCH) {
      for (const task of await this.store.tasks.getMany(taskIds.slice(i, i + LOAD_BATCH))) {
        this.#use(task.id, calendarsOf(task));
      }
    }
    await Promise.all([...this.#watched.values()].map((watched) => watched.reads));
  }

  /**
   * Follows a task's change: reads the calendars it newly excludes, lets go of those it no
   * longer does, and gives its triggers their next fire times with the days as known now.
   */
  async refresh(taskId: string): Promise<void> {
    const task = await this.store.tasks.get(taskId);
    if (this.#stopping.signal.aborted) return;
    const keys = this.#use(taskId, task ? calendarsOf(task) : []);
    await Promise.all(keys.flatMap((key) => this.#watched.get(key)?.reads ?? []));
    if (keys.length > 0) await this.#resync(taskId);
  }

  async stop(): Promise<void> {
    this.#stopping.abort(new Error('the server stops'));
    const watched = [...this.#watched.values()];
    this.#watched.clear();
    await Promise.all(watched.map(async (each) => each.stop()));
    await Promise.all(watched.map((each) => each.reads));
  }

  /** Notes which calendars the task excludes now; returns their keys. */
  #use(taskId: string, calendars: ReturnType<typeof calendarsOf>): string[] {
    const keys = new Set(calendars.map(({ calendar }) => calendarKey(calendar)));
    for (const key of this.#keysOf.get(taskId) ?? []) {
      if (keys.has(key)) continue;
      const watched = this.#watched.get(key);
      watched?.taskIds.delete(taskId);
      if (watched?.taskIds.size === 0) {
        this.#watched.delete(key);
        watched.stop().catch(() => {});
      }
    }
    if (keys.size === 0) this.#keysOf.delete(taskId);
    else this.#keysOf.set(taskId, keys);
    for (const { calendar } of calendars) this.#watch(calendar).taskIds.add(taskId);
    return [...keys];
  }

  #watch(calendar: ZonedCalendar): Watched {
    const key = calendarKey(calendar);
    const known = this.#watched.get(key);
    if (known) return known;
    const reader = readerOf(calendar, this.#context);
    const watched: Watched = {
      calendar,
      taskIds: new Set(),
      reader,
      text: null,
      reads: Promise.resolve(),
      stop: async () => {},
    };
    this.#watched.set(key, watched);
    const again = () => this.#read(key, watched);
    const stopWatching = reader.watch(again);
    // A feed is fetched hourly anyway; a file that does not change is read again daily.
    const stopRereading = 'file' in calendar.entry.calendar ? this.#everyDay(again) : () => {};
    watched.stop = async () => {
      stopRereading();
      await stopWatching();
    };
    this.#read(key, watched);
    return watched;
  }

  /** Calls fn once a day; returns how to stop. */
  #everyDay(fn: () => void): () => void {
    let cancel = () => {};
    const arm = () => {
      cancel = this.clock.setTimer(REREAD_MS, () => {
        arm();
        fn();
      });
    };
    arm();
    return () => cancel();
  }

  /** Reads the calendar (after the reads before), notes its days, follows up on what changed. */
  #read(key: string, watched: Watched): void {
    watched.reads = watched.reads.then(async () => {
      if (this.#stopping.signal.aborted) return;
      try {
        await this.#readNow(key, watched);
      } catch (error) {
        this.parts.log.error(`holiday calendars: ${coerceError(error).message}`);
      }
    });
  }

  async #readNow(key: string, watched: Watched): Promise<void> {
    const { entry } = watched.calendar;
    let days: HolidayDays;
    try {
      // A feed that did not change is worked out again all the same: the window may have moved.
      const text = (await watched.reader.read(this.#stopping.signal)) ?? watched.text;
      if (text === null) return;
      watched.text = text;
      days = await daysOfText(watched.calendar, text, this.clock.now(), this.#stopping.signal);
    } catch (error) {
      if (this.#stopping.signal.aborted) return;
      await this.#unreadable(key, watched, coerceError(error).message);
      return;
    }
    for (const problem of days.problems) {
      this.parts.log.warn(`holiday calendar ${calendarName(entry)}: ${problem}`);
    }
    if (this.parts.holidays.setDays(key, days.days)) await this.#resyncAll(watched);
  }

  /** Notes that the calendar cannot be read, and tells the owners of the tasks that exclude it. */
  async #unreadable(key: string, watched: Watched, message: string): Promise<void> {
    const none = this.parts.holidays.setUnreadable(key, message);
    // Without any days read, the triggers have no next fire time until the calendar is read.
    if (none) await this.#resyncAll(watched);
    const name = calendarName(watched.calendar.entry);
    const outcome = none
      ? 'so the schedule does not fire until it can be'
      : 'the days read last stay in force';
    const problem = `its holiday calendar ${name} cannot be read (${message}): ${outcome}`;
    this.parts.log.error(`tasks ${[...watched.taskIds].join(', ')}: ${problem}`);
    for (const taskId of watched.taskIds) await this.#problem(taskId, key, problem);
  }

  /** Records the problem on each time trigger of the task that excludes the calendar. */
  async #problem(taskId: string, key: string, problem: string): Promise<void> {
    try {
      const task = await this.store.tasks.get(taskId);
      if (!task) return;
      const triggerIds = new Set(
        calendarsOf(task)
          .filter(({ calendar }) => calendarKey(calendar) === key)
          .map(({ triggerId }) => triggerId),
      );
      for (const triggerId of triggerIds) {
        const why = because('calendar-unreadable', `trigger ${triggerId} (time): ${problem}`);
        const now = this.clock.now();
        const record = await recordTriggerProblem(this.store, task, triggerId, why, now);
        if (record) this.parts.onProblem(notRunRecord(record));
      }
    } catch (error) {
      this.parts.log.error(
        `task ${taskId}: the problem of its holiday calendar could not be recorded: ${coerceError(error).message}`,
      );
    }
  }

  async #resyncAll(watched: Watched): Promise<void> {
    for (const taskId of [...watched.taskIds]) await this.#resync(taskId);
  }

  /**
   * Gives the task's triggers their next fire times again where the days of their calendars
   * differ from those they were computed with (stored triggers keep what did not change): looked
   * at first without a lock, as at a start most are in step.
   */
  async #resync(taskId: string): Promise<void> {
    try {
      if (!(await this.#outOfStep(this.store, taskId))) return;
      await this.store.transaction(async (tx) => {
        await tx.tasks.lock([taskId]);
        const task = await this.#outOfStep(tx, taskId);
        if (task) await syncTriggers(tx, task, this.#schedules, this.clock.now());
      });
    } catch (error) {
      this.parts.log.error(
        `task ${taskId}: its next fire times could not follow its holiday calendars: ${coerceError(error).message}`,
      );
    }
  }

  /** The enabled task when a stored trigger of it was computed with other days; else null. */
  async #outOfStep(store: Store, taskId: string): Promise<Task | null> {
    const task = await store.tasks.get(taskId);
    if (!task?.enabled) return null;
    const stored = await store.triggers.forTask(taskId);
    const wanted = storedTriggersOf(task, this.#schedules, stored, this.clock.now());
    const inStep = wanted.every((trigger) =>
      stored.some(
        (row) => row.triggerId === trigger.triggerId && row.fingerprint === trigger.fingerprint,
      ),
    );
    return inStep ? null : task;
  }
}
