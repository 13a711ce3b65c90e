import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { PERMISSIONS } from '../../../domain/permissions.ts';
import { formatInstant } from '../../../domain/placeholders.ts';
import {
  dateOfEpochDay,
  epochDay,
  isValidDate,
  mondayOf,
  monthIndex,
  monthOfIndex,
  type PlainDate,
  type PlainDateTime,
} from '../../../schedule/calendar.ts';
import { formatInZone, instantOf, localOf } from '../../../schedule/zone.ts';
import { writeCsv } from '../../../reports/csv.ts';
import { REPORT_FORMATS } from '../../../reports/write-report.ts';
import { defineJob } from '../../define-kind.ts';
import { reportFileName } from './report-file.ts';

const CustomPeriod = Type.Object(
  {
    from: Type.String({
      minLength: 1,
      maxLength: 40,
      description:
        "The start (inclusive): an ISO instant with its offset, or a date or date-time read in the task's zone",
    }),
    to: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'The end (exclusive), written the same way',
    }),
  },
  { additionalProperties: false, title: 'Custom period' },
);

const AuditExportConfig = Type.Object(
  {
    period: Type.Union(
      [
        Type.Literal('previous-day', { title: 'Previous day' }),
        Type.Literal('previous-week', { title: 'Previous week (Monday to Sunday)' }),
        Type.Literal('previous-month', { title: 'Previous month' }),
        Type.Literal('last-24-hours', { title: 'Last 24 hours' }),
        CustomPeriod,
      ],
      {
        default: 'previous-day',
        description:
          "The events to export, in the task's zone from the run's scheduled time: the previous day, ISO week (Monday to Sunday) or month, the last 24 hours, or {from, to}",
      },
    ),
    fileName: Type.String({
      minLength: 1,
      maxLength: 200,
      default: 'audit-{from}',
      description:
        "The CSV file's name; besides the usual placeholders, {from} and {to} are the first and last day of the period",
    }),
  },
  { additionalProperties: false },
);

type AuditExportConfig = Static<typeof AuditExportConfig>;

/** One of the named periods, or {from, to}. */
export type AuditPeriod = AuditExportConfig['period'];

const DAY_MS = 86_400_000;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i;

function midnight(date: PlainDate, zone: string): Date {
  return new Date(instantOf({ ...date, hour: 0, minute: 0, second: 0 }, zone));
}

/** A local date and time read from text, or null when it is not one that exists. */
function localDateTime(text: string): PlainDateTime | null {
  const match = LOCAL.exec(text);
  if (!match) return null;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  const local = { year, month, day, hour, minute, second };
  return isValidDate(local) && hour < 24 && minute < 60 && second < 60 ? local : null;
}

/** An instant written with an offset, or a local date (time) read in the zone. */
function parseInstant(text: string, zone: string, field: string): Date {
  const local = localDateTime(text);
  if (local) return new Date(instantOf(local, zone));
  if (WITH_OFFSET.test(text) && !Number.isNaN(Date.parse(text))) return new Date(text);
  throw new Error(
    `period ${field} '${text}' is not an ISO date-time (e.g. 2026-03-01, 2026-03-01T08:00 or 2026-03-01T08:00:00Z)`,
  );
}

/**
 * The instants [from, to) a period covers, in a zone, for a run at an instant: whole days,
 * ISO weeks and months from local midnight to local midnight.
 */
export function periodRange(period: AuditPeriod, at: Date, zone: string): { from: Date; to: Date } {
  if (typeof period === 'object') {
    const from = parseInstant(period.from, zone, 'from');
    const to = parseInstant(period.to, zone, 'to');
    if (from >= to) throw new Error(`period from '${period.from}' is not before to '${period.to}'`);
    return { from, to };
  }
  const local = localOf(at.getTime(), zone);
  const today = epochDay(local);
  switch (period) {
    case 'last-24-hours':
      return { from: new Date(at.getTime() - DAY_MS), to: at };
    case 'previous-day':
      return {
        from: midnight(dateOfEpochDay(today - 1), zone),
        to: midnight(dateOfEpochDay(today), zone),
      };
    case 'previous-week': {
      const monday = mondayOf(today);
      return {
        from: midnight(dateOfEpochDay(monday - 7), zone),
        to: midnight(dateOfEpochDay(monday), zone),
      };
    }
    case 'previous-month': {
      const month = monthIndex(local.year, local.month);
      return {
        from: midnight({ ...monthOfIndex(month - 1), day: 1 }, zone),
        to: midnight({ ...monthOfIndex(month), day: 1 }, zone),
      };
    }
  }
}

const COLUMNS = ['at', 'actor', 'address', 'action', 'objectType', 'objectId', 'details'];

/** Exports the audit log of a period as a CSV file. */
export const auditExportJob = defineJob({
  kind: 'audit-export',
  title: 'Audit log export',
  description:
    'Writes the audit events of a period (the previous day, week or month…) into a CSV file',
  configSchema: AuditExportConfig,
  permission: PERMISSIONS.auditRead,
  produces: ['file'],
  run: async (config, context) => {
    const zone = context.task.timezone;
    const { from, to } = periodRange(config.period, context.scheduledFor ?? context.now(), zone);
    const events = await context.host.auditEvents(from, to);
    context.log.info(
      `audit events from ${formatInZone(from.getTime(), zone)} to ${formatInZone(to.getTime(), zone)}: ${events.length}`,
    );
    const rows = events.map((event) => ({
      at: formatInZone(event.at.getTime(), zone),
      actor: event.actorLogin,
      address: event.address,
      action: event.action,
      objectType: event.objectType,
      objectId: event.objectId,
      details: event.details,
    }));
    const { extension, mediaType } = REPORT_FORMATS.csv;
    const days = {
      from: formatInstant(from, zone, 'yyyy-MM-dd'),
      to: formatInstant(new Date(to.getTime() - 1), zone, 'yyyy-MM-dd'),
    };
    const name = reportFileName(context.fill(config.fileName, days), extension);
    const path = join(await context.workDir(), name);
    await writeCsv({ columns: COLUMNS, rows }, path, { signal: context.signal });
    context.output('events', events.length);
    return [{ type: 'file', name, path, mediaType }];
  },
});
