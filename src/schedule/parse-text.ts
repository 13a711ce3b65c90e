import type { FieldIssue } from '../domain/errors.ts';
import { isValidDate, type PlainDate, type PlainDateTime, type PlainTime } from './calendar.ts';

/** Reads '2026-01-05'; records an issue at path for a date that does not exist. */
export function parseDate(text: string, path: string, issues: FieldIssue[]): PlainDate {
  const [year = 0, month = 0, day = 0] = text.split('-').map(Number);
  const date = { year, month, day };
  if (!isValidDate(date)) issues.push({ path, message: `${text} is not a date` });
  return date;
}

/** Reads '09:00' or '09:00:30'; records an issue at path for a time that does not exist. */
export function parseTime(text: string, path: string, issues: FieldIssue[]): PlainTime {
  const [hour = 0, minute = 0, second = 0] = text.split(':').map(Number);
  if (hour > 23 || minute > 59 || second > 59)
    issues.push({ path, message: `${text} is not a time of day` });
  return { hour, minute, second };
}

/** Reads '2026-01-05T09:00' or with seconds. */
export function parseDateTime(text: string, path: string, issues: FieldIssue[]): PlainDateTime {
  const [date = '', time = ''] = text.split('T');
  return { ...parseDate(date, path, issues), ...parseTime(time, path, issues) };
}
