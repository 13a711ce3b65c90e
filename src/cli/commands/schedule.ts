import type { Command } from 'commander';
import { AppError } from '../../domain/errors.ts';
import { isInstant } from '../../domain/instant.ts';
import { scheduleFromRRule } from '../../schedule/from-rrule.ts';
import { MAX_COUNT } from '../../schedule/occurrences.ts';
import { previewSchedule } from '../../schedule/preview.ts';

interface NextOptions {
  rrule?: string;
  cron?: string;
  schedule?: string;
  start?: string;
  tz?: string;
  after?: string;
  count: string;
}

/** A mistake in the command's arguments: printed as one line, exit code 2. */
class UsageError extends Error {}

function scheduleOf(options: NextOptions): Record<string, unknown> {
  const given = [options.rrule, options.cron, options.schedule].filter(
    (value) => value !== undefined,
  );
  if (given.length !== 1) throw new UsageError('give exactly one of --rrule, --cron or --schedule');
  const frame = {
    ...(options.start === undefined ? {} : { start: options.start }),
    ...(options.tz === undefined ? {} : { timezone: options.tz }),
  };
  if (options.rrule !== undefined && /DTSTART/i.test(options.rrule)) {
    // An iCalendar snippet brings its own start and zone; --start and --tz still win.
    return { ...scheduleFromRRule(options.rrule, { timezone: options.tz ?? 'UTC' }), ...frame };
  }
  if (options.rrule !== undefined)
    return { ...frame, intervals: [{ kind: 'rrule', rrule: options.rrule }] };
  if (options.cron !== undefined)
    return { ...frame, intervals: [{ kind: 'cron', expression: options.cron }] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(options.schedule ?? '');
  } catch {
    throw new UsageError('--schedule is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError('--schedule must be a JSON object');
  }
  return { ...parsed, ...frame };
}

function afterOf(options: NextOptions): Date | null {
  if (options.after === undefined) return null;
  if (!isInstant(options.after)) {
    throw new UsageError(`--after ${options.after} is not an ISO 8601 instant with an offset`);
  }
  return new Date(options.after);
}

function countOf(options: NextOptions): number {
  const count = Number(options.count);
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new UsageError(`--count must be from 1 to ${MAX_COUNT}`);
  }
  return count;
}

/** One line for what is wrong with the schedule: the first issue, and how many more there are. */
function oneLine(error: AppError): string {
  const [first, ...rest] = error.issues;
  const what = first ? `${first.path || '/'}: ${first.message}` : error.message;
  return rest.length === 0 ? what : `${what} (and ${rest.length} more)`;
}

/** `taskplanner schedule next`: previews a schedule without a server or a database. */
export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').description('compute schedules');
  schedule
    .command('next')
    .description('print the next occurrences, one ISO 8601 instant with offset per line')
    .option('--rrule <value>', 'an RFC 5545 RRULE value, or DTSTART and RRULE lines')
    .option('--cron <expression>', 'a cron expression of 5 or 6 fields')
    .option('--schedule <json>', 'a schedule object (see docs/schedules.md)')
    .option('--start <local>', 'the start, YYYY-MM-DDTHH:MM:SS in the zone')
    .option('--tz <zone>', 'the IANA time zone (default UTC)')
    .option(
      '--after <instant>',
      'list occurrences strictly after this instant (default: just before the start)',
    )
    .option('--count <n>', 'how many', '10')
    .action((options: NextOptions) => {
      try {
        const preview = previewSchedule(
          scheduleOf(options),
          afterOf(options),
          countOf(options),
          'UTC',
        );
        for (const occurrence of preview.occurrences) console.log(occurrence);
      } catch (error) {
        if (error instanceof AppError && error.code === 'SCHEDULE_TOO_COMPLEX')
          console.error(`Schedule too complex: ${error.message}`);
        else if (error instanceof AppError) console.error(`Invalid schedule: ${oneLine(error)}`);
        else if (error instanceof UsageError) console.error(`Invalid arguments: ${error.message}`);
        else throw error;
        process.exitCode = 2;
      }
    });
}
