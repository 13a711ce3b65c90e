// The runs of "every 2 weeks on Monday and Wednesday at 09:00", worked out here from the
// schedule's start by plain calendar arithmetic, independently of src/schedule, so the
// preview the UI shows is checked against a second opinion.
import { Temporal } from 'temporal-polyfill';

const WEEKDAY_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTH_SHORT = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** One expected run: the instant, and its wall-clock time in the schedule's zone. */
export interface ExpectedRun {
  instant: Temporal.Instant;
  local: Temporal.ZonedDateTime;
}

/**
 * Runs every `every` weeks (weeks counted from the Monday of the start's week, as docs/schedules.md
 * says) on the given ISO weekdays (1 = Monday) at `time`, from `start` (a datetime-local value
 * read in `zone`); the first `count` strictly after `after`.
 */
export function weeklyRuns(options: {
  start: string;
  zone: string;
  every: number;
  weekdays: number[];
  time: string;
  after: Temporal.Instant;
  count: number;
}): ExpectedRun[] {
  const start = Temporal.PlainDateTime.from(options.start).toZonedDateTime(options.zone);
  const firstMonday = start.toPlainDate().subtract({ days: start.dayOfWeek - 1 });
  const time = Temporal.PlainTime.from(options.time);
  const runs: ExpectedRun[] = [];
  for (let day = start.toPlainDate(); runs.length < options.count; day = day.add({ days: 1 })) {
    const weeks = Math.floor(firstMonday.until(day, { largestUnit: 'days' }).days / 7);
    if (weeks % options.every !== 0 || !options.weekdays.includes(day.dayOfWeek)) continue;
    const local = day.toZonedDateTime({ timeZone: options.zone, plainTime: time });
    const instant = local.toInstant();
    if (Temporal.Instant.compare(instant, start.toInstant()) < 0) continue;
    if (Temporal.Instant.compare(instant, options.after) <= 0) continue;
    runs.push({ instant, local });
  }
  return runs;
}

/** A wall-clock time as the preview writes it: "Mon 30 Nov 2026, 09:00". */
export function previewText(local: Temporal.ZonedDateTime): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const weekday = WEEKDAY_SHORT[local.dayOfWeek - 1] ?? '?';
  const month = MONTH_SHORT[local.month - 1] ?? '?';
  return `${weekday} ${local.day} ${month} ${local.year}, ${pad(local.hour)}:${pad(local.minute)}`;
}
