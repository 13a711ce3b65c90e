import { isAbsolute } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { fireParameters, type CalendarFire } from '../../../calendar/calendar-fires.ts';
import { planFires } from '../../../calendar/plan-fires.ts';
import { coerceError } from '../../../domain/coerce-error.ts';
import type { FieldIssue } from '../../../domain/errors.ts';
import { defineTrigger } from '../../define-kind.ts';
import type { TriggerContext } from '../../run-context.ts';
import { AuthorizationField } from '../http-fields.ts';
import {
  calendarUrl,
  fileReader,
  urlReader,
  type CalendarRead,
  type CalendarReader,
} from './calendar-source.ts';
import { CalendarFileSource } from '../../../schedule/schedule-schema.ts';

const MINUTE_MS = 60_000;
/** A fire missed by less than this (the server was starting, or busy) still starts its run. */
export const CATCH_UP_GRACE_MS = 5 * MINUTE_MS;
/** How far ahead fires are planned; the plan is renewed as time reaches its end. */
const HORIZON_MS = 7 * 24 * 60 * MINUTE_MS;
/** The longest single wait: setTimeout keeps at most about 24.8 days, so longer waits re-arm. */
const MAX_WAIT_MS = 24 * 60 * MINUTE_MS;

const UrlSource = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 8192,
      destination: true,
      title: 'URL',
      description: 'The https:// address of the calendar (an .ics feed)',
    }),
    authorization: AuthorizationField,
    refreshMinutes: Type.Optional(
      Type.Integer({
        minimum: 5,
        maximum: 10_080,
        title: 'Refresh every (minutes)',
        description:
          'How often the calendar is fetched again (asking whether it changed). Default: 60',
      }),
    ),
    timeoutSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 300,
        title: 'Timeout (seconds)',
        description: 'A fetch that has not got the whole calendar by then fails. Default: 30',
      }),
    ),
  },
  { additionalProperties: false, title: 'URL' },
);

const CalendarConfig = Type.Object(
  {
    source: Type.Union([CalendarFileSource, UrlSource], {
      title: 'Calendar',
      description: 'An iCalendar (.ics) file in the allowed folders, or an https:// URL',
    }),
    filter: Type.String({
      maxLength: 200,
      default: '',
      title: 'Only events containing',
      description:
        'Only events whose summary or one of whose categories contains this text (any case); empty for every event',
    }),
    fireAt: Type.Union(
      [Type.Literal('start', { title: 'Its start' }), Type.Literal('end', { title: 'Its end' })],
      {
        default: 'start',
        title: 'Relative to',
        description: "Fire relative to each event's start or to its end",
      },
    ),
    leadMinutes: Type.Integer({
      minimum: 0,
      maximum: 40_320,
      default: 0,
      title: 'Minutes before',
      description: 'Fire this many minutes before the start (or end); 0 for at that time',
    }),
  },
  { additionalProperties: false },
);

type CalendarConfig = Static<typeof CalendarConfig>;
type UrlSource = Static<typeof UrlSource>;

function isUrlSource(source: CalendarConfig['source']): source is UrlSource {
  return 'url' in source;
}

/** What the schema cannot say: the file's path is absolute, the URL is https. */
function checkCalendar(config: CalendarConfig, path: string): FieldIssue[] {
  const { source } = config;
  if (isUrlSource(source)) {
    try {
      calendarUrl(source.url);
    } catch (error) {
      return [{ path: `${path}/source/url`, message: coerceError(error).message }];
    }
    return [];
  }
  return isAbsolute(source.file)
    ? []
    : [{ path: `${path}/source/file`, message: 'must be an absolute path' }];
}

/**
 * One calendar trigger of one task on this node: reads the calendar (again when it changes),
 * plans the fires of the next days, and starts a run at each; all of it one step at a time.
 */
class CalendarWatch {
  /** The calendar as last read (its text); null until one was read. */
  #calendar: string | null = null;
  /** The planned fires not yet handled, in order. */
  #pending: CalendarFire[] = [];
  /** Fires before this instant have been handled (or were missed). */
  #cursor: number;
  #planEnd = 0;
  #cancelTimer = () => {};
  #stopWatching: () => Promise<void> = async () => {};
  #steps: Promise<void> = Promise.resolve();
  readonly #stopping = new AbortController();
  readonly #name: string;

  constructor(
    private readonly config: CalendarConfig,
    private readonly context: TriggerContext,
    private readonly reader: CalendarReader,
  ) {
    this.#cursor = context.now() - CATCH_UP_GRACE_MS;
    this.#name = `calendar trigger ${context.triggerId} of task ${context.task.id}`;
  }

  start(): void {
    this.#stopWatching = this.reader.watch(() => this.#step(() => this.#load()));
    this.#step(() => this.#load());
  }

  async stop(): Promise<void> {
    this.#stopping.abort(new Error('the trigger stopped'));
    this.#cancelTimer();
    await this.#stopWatching();
    await this.#steps;
  }

  /** Runs one step after the others; a failed step is logged, and the next ones still run. */
  #step(work: () => Promise<void>): void {
    this.#steps = this.#steps.then(async () => {
      if (this.#stopping.signal.aborted) return;
      try {
        await work();
      } catch (error) {
        this.context.log.error(`${this.#name}: ${coerceError(error).message}`);
      }
    });
  }

  /**
   * Reads the calendar; a changed one is planned anew (its moved events move their fires). One
   * that cannot be read or worked out is recorded for the task's owner (and logged); the last
   * calendar read stays in force, and the next change or refresh tries again.
   */
  async #load(): Promise<void> {
    let text: CalendarRead;
    try {
      text = await this.reader.read(this.#stopping.signal);
      if (text === null) return;
      // Planned before it replaces the last calendar: one that cannot be read leaves that in force.
      await this.#plan(this.context.now(), text);
    } catch (error) {
      if (this.#stopping.signal.aborted) return;
      const message = coerceError(error).message;
      // The host logs what it records; without one that records, the step's log says it.
      if (!this.context.host.calendarUnreadable) {
        throw new Error(`could not read the calendar: ${message}`);
      }
      await this.context.host.calendarUnreadable(message);
      return;
    }
    this.#calendar = text;
    await this.#tick();
  }

  /** Plans the fires from the cursor (at most the grace back) to the horizon. */
  async #plan(now: number, text: string): Promise<void> {
    const from = Math.max(this.#cursor, now - CATCH_UP_GRACE_MS);
    const to = from + HORIZON_MS;
    const { fireAt, leadMinutes, filter } = this.config;
    const rule = { fireAt, leadMinutes, filter };
    const request = { text, timezone: this.context.task.timezone, rule, from, to };
    const { fires, problems } = await planFires(request, this.#stopping.signal);
    for (const problem of problems) this.context.log.warn(`${this.#name}: ${problem}`);
    this.#planEnd = to;
    this.#pending = fires;
  }

  /** Renews the plan at its end, fires what is due, and waits for the next fire. */
  async #tick(): Promise<void> {
    const now = this.context.now();
    if (now >= this.#planEnd && this.#calendar !== null) await this.#plan(now, this.#calendar);
    while (this.#pending[0] && this.#pending[0].at <= now) {
      const fire = this.#pending.shift() as CalendarFire;
      if (fire.at < now - CATCH_UP_GRACE_MS) {
        const at = new Date(fire.at).toISOString();
        this.context.log.warn(`${this.#name}: '${fire.occurrence.summary}' (${at}) was missed`);
        continue;
      }
      await this.#fire(fire);
    }
    this.#cursor = Math.max(this.#cursor, now + 1);
    this.#arm();
  }

  async #fire(fire: CalendarFire): Promise<void> {
    const parameters = fireParameters(fire.occurrence, this.context.task.timezone);
    try {
      // Every node plans the same key for the same event: the first to fire starts the run.
      const runId = await this.context.fire('calendar', parameters, fire.key);
      if (runId) {
        this.context.log.info(`${this.#name}: '${fire.occurrence.summary}' started run ${runId}`);
      }
    } catch (error) {
      this.context.log.error(
        `${this.#name}: '${fire.occurrence.summary}' could not start the task: ${coerceError(error).message}`,
      );
    }
  }

  /** Waits for the next fire or the plan's end, in steps a timer can keep. */
  #arm(): void {
    this.#cancelTimer();
    if (!this.#calendar) return;
    const next = Math.min(this.#pending[0]?.at ?? this.#planEnd, this.#planEnd);
    const wait = Math.min(Math.max(0, next - this.context.now()), MAX_WAIT_MS);
    this.#cancelTimer = this.context.setTimer(wait, () => this.#step(() => this.#tick()));
  }
}

/** Starts the task before (or at) the start or end of each event of an iCalendar calendar. */
export const calendarTrigger = defineTrigger({
  kind: 'calendar',
  title: 'Calendar',
  description:
    "Starts the task before each event of an iCalendar (.ics) file or https:// feed, with the event's fields as placeholders",
  configSchema: CalendarConfig,
  permission: 'trigger.calendar',
  check: (config, path) => checkCalendar(config, path),
  describe: (config) => {
    const lead = config.leadMinutes === 0 ? 'At' : `${config.leadMinutes} minutes before`;
    const edge = config.fireAt === 'start' ? 'start' : 'end';
    const which = config.filter === '' ? 'each event' : `each event containing '${config.filter}'`;
    return `${lead} the ${edge} of ${which} of a calendar`;
  },
  start: (config, context) => {
    const reader = isUrlSource(config.source)
      ? urlReader(config.source, context)
      : fileReader(config.source.file, context);
    const watch = new CalendarWatch(config, context, reader);
    watch.start();
    return () => watch.stop();
  },
});
