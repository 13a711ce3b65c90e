import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  fillPlaceholders,
  formatInstant,
  placeholderNames,
  placeholderText,
  placeholderValue,
  type PlaceholderScope,
} from '../../src/domain/placeholders.ts';

/** 2026-03-02 07:05:09 UTC: every field is a single digit, so padding shows. */
const MORNING = new Date('2026-03-02T07:05:09Z');

function scope(values: Record<string, unknown> = {}, timezone = 'UTC', at = MORNING) {
  return { values, timezone, at } satisfies PlaceholderScope;
}

describe('formatInstant', () => {
  const tokens: [string, string][] = [
    ['yyyy', '2026'],
    ['yy', '26'],
    ['MM', '03'],
    ['M', '3'],
    ['dd', '02'],
    ['d', '2'],
    ['HH', '07'],
    ['mm', '05'],
    ['m', '5'],
    ['ss', '09'],
    ['s', '9'],
  ];
  for (const [token, expected] of tokens) {
    it(`formats ${token} as ${expected}`, () => {
      assert.equal(formatInstant(MORNING, 'UTC', token), expected);
    });
  }

  it('formats H as the hour without a leading zero (7, and 0 at midnight)', () => {
    assert.equal(formatInstant(MORNING, 'UTC', 'H'), '7');
    assert.equal(formatInstant(new Date('2026-03-02T00:00:00Z'), 'UTC', 'H'), '0');
  });

  it('formats two-digit fields unchanged by the short tokens', () => {
    const late = new Date('2026-12-31T23:59:58Z');
    assert.equal(formatInstant(late, 'UTC', 'M/d H:m:s'), '12/31 23:59:58');
    assert.equal(formatInstant(late, 'UTC', 'MM/dd HH:mm:ss'), '12/31 23:59:58');
  });

  it('shows midnight as 00, never 24', () => {
    const midnight = new Date('2026-03-02T00:00:00Z');
    assert.equal(formatInstant(midnight, 'UTC', 'yyyy-MM-dd HH:mm'), '2026-03-02 00:00');
  });

  it('keeps the text between tokens as written', () => {
    assert.equal(
      formatInstant(MORNING, 'UTC', 'report_yyyy.MM.dd-HHhmm'),
      'report_2026.03.02-07h05',
    );
  });

  it('shows the local date and time of the zone, with its half-hour offset (Asia/Kolkata)', () => {
    // UTC+05:30: 20:45 UTC is 02:15 on the next day.
    const evening = new Date('2026-03-02T20:45:00Z');
    assert.equal(formatInstant(evening, 'Asia/Kolkata', 'yyyy-MM-dd HH:mm'), '2026-03-03 02:15');
    assert.equal(formatInstant(evening, 'UTC', 'yyyy-MM-dd HH:mm'), '2026-03-02 20:45');
  });

  it('follows the DST change on the day itself (Europe/Berlin, 2026-03-29)', () => {
    // Clocks jump from 02:00 CET to 03:00 CEST at 01:00 UTC.
    const zone = 'Europe/Berlin';
    assert.equal(formatInstant(new Date('2026-03-29T00:59:00Z'), zone, 'HH:mm'), '01:59');
    assert.equal(formatInstant(new Date('2026-03-29T01:00:00Z'), zone, 'HH:mm'), '03:00');
    assert.equal(formatInstant(new Date('2026-03-29T22:30:00Z'), zone, 'dd HH:mm'), '30 00:30');
  });

  it('shows both copies of the repeated hour when clocks go back (America/New_York)', () => {
    // 2026-11-01: 01:30 EDT is 05:30 UTC, 01:30 EST is 06:30 UTC.
    const zone = 'America/New_York';
    assert.equal(formatInstant(new Date('2026-11-01T05:30:00Z'), zone, 'HH:mm'), '01:30');
    assert.equal(formatInstant(new Date('2026-11-01T06:30:00Z'), zone, 'HH:mm'), '01:30');
  });
});

describe('fillPlaceholders', () => {
  it('fills {date} and {time} with their default formats in the zone', () => {
    const text = fillPlaceholders('{date} {time}', scope({}, 'Asia/Kolkata'));
    assert.equal(text, '2026-03-02 12:35');
  });

  it('fills {date:format} and {time:format} with the given format', () => {
    const text = fillPlaceholders('{date:dd.MM.yyyy}/{time:HH-mm-ss}', scope());
    assert.equal(text, '02.03.2026/07-05-09');
  });

  it('uses the day of the zone, not of UTC, on the DST day', () => {
    const at = new Date('2026-03-29T22:30:00Z');
    assert.equal(fillPlaceholders('{date}', scope({}, 'Europe/Berlin', at)), '2026-03-30');
    assert.equal(fillPlaceholders('{date}', scope({}, 'UTC', at)), '2026-03-29');
  });

  it('leaves unknown placeholders as written, with their format', () => {
    const text = fillPlaceholders('a {unknown} b {other:yyyy} c {known}', scope({ known: 'K' }));
    assert.equal(text, 'a {unknown} b {other:yyyy} c K');
  });

  it('leaves text that merely contains braces alone', () => {
    const text = '{"json": true} {} { spaced } {1abc} {-x}';
    assert.equal(fillPlaceholders(text, scope({ json: 'no', x: 'no' })), text);
  });

  it('fills names with dots, dashes and underscores', () => {
    const values = {
      'job.report.rows': 42,
      'task.name': 'Nightly',
      'run-id': 'r1',
      user_email: 'a@b.c',
    };
    const text = fillPlaceholders(
      '{task.name}:{job.report.rows}:{run-id}:{user_email}',
      scope(values),
    );
    assert.equal(text, 'Nightly:42:r1:a@b.c');
  });

  it('does not take a dotted name for a shorter one followed by text', () => {
    const text = fillPlaceholders('{job} {job.report}', scope({ job: 'J' }));
    assert.equal(text, 'J {job.report}');
  });

  it('lets a named value shadow date and time', () => {
    assert.equal(fillPlaceholders('{date}', scope({ date: 'yesterday' })), 'yesterday');
  });

  it('writes values of each type as text (null as nothing)', () => {
    const values = {
      text: 'plain',
      number: 3.5,
      zero: 0,
      yes: true,
      no: false,
      big: 12345678901234567890n,
      when: new Date('2026-03-02T07:05:09.123Z'),
      list: [1, 'two'],
      object: { a: 1 },
      nothing: null,
    };
    const template = Object.keys(values)
      .map((name) => `${name}=[{${name}}]`)
      .join(' ');
    assert.equal(
      fillPlaceholders(template, scope(values)),
      'text=[plain] number=[3.5] zero=[0] yes=[true] no=[false] big=[12345678901234567890] ' +
        'when=[2026-03-02T07:05:09.123Z] list=[[1,"two"]] object=[{"a":1}] nothing=[]',
    );
  });

  it('treats an undefined value as no value: the placeholder stays', () => {
    assert.equal(fillPlaceholders('[{gone}]', scope({ gone: undefined })), '[{gone}]');
  });

  it('fills a value only once, never the placeholders its text contains', () => {
    const text = fillPlaceholders('{a}', scope({ a: '{b}', b: 'no' }));
    assert.equal(text, '{b}');
  });

  it('fills a value that contains $ patterns literally', () => {
    assert.equal(fillPlaceholders('{a}', scope({ a: "$& $' $1" })), "$& $' $1");
  });

  it('treats names of Object.prototype members as unknown, leaving them as written', () => {
    const text = '{toString} {constructor} {__proto__} {hasOwnProperty:x}';
    assert.equal(fillPlaceholders(text, scope()), text);
  });

  it('leaves text without braces unchanged (property)', () => {
    const noBraces = fc.string({ unit: 'grapheme' }).filter((text) => !/[{}]/.test(text));
    fc.assert(
      fc.property(noBraces, fc.dictionary(fc.string(), fc.string()), (text, values) => {
        assert.equal(fillPlaceholders(text, scope(values)), text);
      }),
      { seed: 5545, numRuns: 500 },
    );
  });

  it('fills every known placeholder and nothing else (property)', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(?:\.[a-z0-9]{1,4})?$/);
    const literal = fc.string().filter((text) => !/[{}]/.test(text));
    fc.assert(
      fc.property(fc.array(fc.tuple(literal, name)), literal, (pieces, tail) => {
        const template = pieces.map(([text, each]) => `${text}{${each}}`).join('') + tail;
        const values = Object.fromEntries(pieces.map(([, each]) => [each, `<${each}>`]));
        const expected = pieces.map(([text, each]) => `${text}<${each}>`).join('') + tail;
        assert.equal(fillPlaceholders(template, scope(values)), expected);
      }),
      { seed: 5545, numRuns: 300 },
    );
  });
});

describe('placeholderValue, placeholderText and placeholderNames', () => {
  it('answers undefined for an unknown name and the raw value for a known one', () => {
    const values = { count: 3, when: MORNING };
    assert.equal(placeholderValue('nope', undefined, scope(values)), undefined);
    assert.equal(placeholderValue('count', 'ignored', scope(values)), 3);
    assert.equal(placeholderValue('when', undefined, scope(values)), MORNING);
    assert.equal(placeholderValue('date', 'yyyy', scope(values)), '2026');
  });

  it('shows numbers, booleans and bigints as their text', () => {
    assert.equal(placeholderText(-1.25), '-1.25');
    assert.equal(placeholderText(false), 'false');
    assert.equal(placeholderText(7n), '7');
  });

  it('lists placeholder names once each, in order of first appearance', () => {
    const names = placeholderNames('{b} {a:x} {b:yyyy} {job.x.rows} {"no"} {}');
    assert.deepEqual(names, ['b', 'a', 'job.x.rows']);
  });
});
