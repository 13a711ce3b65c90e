import type { FieldIssue } from '../../domain/errors.ts';
import { isValidDate } from '../calendar.ts';

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

/** Parts RFC 5545 allows only with some frequencies; a library would quietly change their meaning. */
const ONLY_WITH: Readonly<Record<string, readonly string[]>> = {
  BYWEEKNO: ['YEARLY'],
  BYYEARDAY: ['SECONDLY', 'MINUTELY', 'HOURLY', 'YEARLY'],
  BYMONTHDAY: ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'MONTHLY', 'YEARLY'],
};

/** The problems of a rule's parts beyond their shapes: frequencies, ordinals, dates. */
function checkCombination(
  parts: ReadonlyMap<string, string>,
  path: string,
  issues: FieldIssue[],
): void {
  const freq = parts.get('FREQ') ?? '';
  for (const [name, allowed] of Object.entries(ONLY_WITH)) {
    if (parts.has(name) && !allowed.includes(freq))
      issues.push({ path, message: `${name} cannot be used with FREQ=${freq}` });
  }
  const ordinals = (parts.get('BYDAY') ?? '').match(/[+-]?\d+/g) ?? [];
  if (ordinals.length > 0 && freq !== 'MONTHLY' && freq !== 'YEARLY') {
    issues.push({
      path,
      message: `BYDAY with a number (such as 1MO) needs FREQ=MONTHLY or YEARLY`,
    });
  }
  if (freq === 'MONTHLY' && ordinals.some((ordinal) => Math.abs(Number(ordinal)) > 5)) {
    issues.push({ path, message: 'a month has at most 5 of each weekday' });
  }
  const until = parts.get('UNTIL');
  if (
    until &&
    !isValidDate({
      year: Number(until.slice(0, 4)),
      month: Number(until.slice(4, 6)),
      day: Number(until.slice(6, 8)),
    })
  ) {
    issues.push({ path, message: `UNTIL=${until} is not a date` });
  }
  if (parts.has('COUNT') && parts.has('UNTIL'))
    issues.push({ path, message: 'COUNT and UNTIL cannot be combined' });
}

/**
 * Checks an RRULE value part by part, since the library quietly drops what it cannot
 * read (INTERVAL=abc, BYHOUR=25); records one issue per problem.
 */
export function checkRulePartsOf(rule: string, path: string, issues: FieldIssue[]): void {
  const parts = new Map<string, string>();
  for (const part of rule
    .toUpperCase()
    .split(';')
    .filter((text) => text.trim() !== '')) {
    const [name = '', value = ''] = part.split('=', 2);
    const shape = PARTS[name];
    if (!shape) issues.push({ path, message: `unknown or unsupported rule part '${name}'` });
    else if (!shape.test(value)) issues.push({ path, message: `${name}=${value} is not valid` });
    else if (parts.has(name)) issues.push({ path, message: `${name} appears twice` });
    parts.set(name, value);
  }
  if (!parts.has('FREQ')) issues.push({ path, message: 'FREQ is required' });
  else checkCombination(parts, path, issues);
}
