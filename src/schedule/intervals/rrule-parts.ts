import type { FieldIssue } from '../../domain/errors.ts';

const WEEKDAY = '(MO|TU|WE|TH|FR|SA|SU)';
const LIST = (item: string) => new RegExp(`^${item}(,${item})*$`);
const SIGNED = (max: string) => `[+-]?(${max})`;

/** The rule parts this module accepts, each with the shape of its value (RFC 5545 §3.3.10). */
const PARTS: Readonly<Record<string, RegExp>> = {
  FREQ: /^(SECONDLY|MINUTELY|HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY)$/,
  INTERVAL: /^[1-9]\d{0,5}$/,
  COUNT: /^([1-9]\d{0,2}|1000)$/,
  UNTIL: /^\d{8}(T\d{6}Z)?$/,
  BYSECOND: LIST('([0-9]|[1-5][0-9]|60)'),
  BYMINUTE: LIST('([0-9]|[1-5][0-9])'),
  BYHOUR: LIST('([0-9]|1[0-9]|2[0-3])'),
  BYDAY: LIST(`([+-]?([1-9]|[1-4][0-9]|5[0-3]))?${WEEKDAY}`),
  BYMONTHDAY: LIST(SIGNED('[1-9]|[12][0-9]|3[01]')),
  BYYEARDAY: LIST(SIGNED('[1-9]|[1-9][0-9]|[12][0-9][0-9]|3[0-5][0-9]|36[0-6]')),
  BYWEEKNO: LIST(SIGNED('[1-9]|[1-4][0-9]|5[0-3]')),
  BYMONTH: LIST('([1-9]|1[0-2])'),
  BYSETPOS: LIST(SIGNED('[1-9]|[1-9][0-9]|[12][0-9][0-9]|3[0-5][0-9]|36[0-6]')),
  WKST: new RegExp(`^${WEEKDAY}$`),
};

/**
 * Checks an RRULE value part by part, since the library quietly drops what it cannot
 * read (INTERVAL=abc, BYHOUR=25); records one issue per bad part.
 */
export function checkRulePartsOf(rule: string, path: string, issues: FieldIssue[]): void {
  const seen = new Set<string>();
  for (const part of rule.toUpperCase().split(';')) {
    const [name = '', value = ''] = part.split('=', 2);
    const shape = PARTS[name];
    if (!shape) issues.push({ path, message: `unknown or unsupported rule part '${name}'` });
    else if (!shape.test(value)) issues.push({ path, message: `${name}=${value} is not valid` });
    else if (seen.has(name)) issues.push({ path, message: `${name} appears twice` });
    seen.add(name);
  }
  if (!seen.has('FREQ')) issues.push({ path, message: 'FREQ is required' });
  if (seen.has('COUNT') && seen.has('UNTIL'))
    issues.push({ path, message: 'COUNT and UNTIL cannot be combined' });
}
