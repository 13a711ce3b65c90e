import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { bindPlaceholders } from '../../src/datasources/bind-placeholders.ts';
import { placeholderValue, type PlaceholderScope } from '../../src/domain/placeholders.ts';

const HOSTILE = "x' OR '1'='1";

/** Resolves placeholders as a run does: named values, then {date}/{time} in the zone. */
function resolver(values: Record<string, unknown>, timezone = 'Europe/Berlin') {
  const scope: PlaceholderScope = { values, timezone, at: new Date('2026-12-31T23:30:00Z') };
  return (name: string, format: string | undefined) => placeholderValue(name, format, scope);
}

describe('bindPlaceholders', () => {
  it('numbers parameters $1, $2, ... in the dollar style', () => {
    const bound = bindPlaceholders(
      'select * from orders where customer = {customer} and amount > {min}',
      resolver({ customer: 'Ann', min: 10 }),
      'dollar',
    );
    assert.deepEqual(bound, {
      sql: 'select * from orders where customer = $1 and amount > $2',
      parameters: ['Ann', 10],
    });
  });

  it('uses ? in the question style', () => {
    const bound = bindPlaceholders(
      'select * from orders where customer = {customer} and amount > {min}',
      resolver({ customer: 'Ann', min: 10 }),
      'question',
    );
    assert.deepEqual(bound, {
      sql: 'select * from orders where customer = ? and amount > ?',
      parameters: ['Ann', 10],
    });
  });

  it('binds each use of a placeholder as its own parameter', () => {
    const values = resolver({ a: 'A', b: 'B' });
    assert.deepEqual(bindPlaceholders('{a} {b} {a}', values, 'dollar'), {
      sql: '$1 $2 $3',
      parameters: ['A', 'B', 'A'],
    });
    assert.deepEqual(bindPlaceholders('{a} {b} {a}', values, 'question'), {
      sql: '? ? ?',
      parameters: ['A', 'B', 'A'],
    });
  });

  it('makes a hostile value a parameter, never SQL', () => {
    for (const style of ['dollar', 'question'] as const) {
      const bound = bindPlaceholders(
        'select id from orders where customer = {customer}',
        resolver({ customer: HOSTILE }),
        style,
      );
      assert.ok(!bound.sql.includes(HOSTILE), bound.sql);
      assert.ok(!bound.sql.includes("'"), bound.sql);
      assert.deepEqual(bound.parameters, [HOSTILE]);
    }
  });

  it('finds no rows with a hostile value in a real SQLite database', () => {
    const db = new Database(':memory:');
    try {
      db.exec(
        "create table orders (id integer, customer text); insert into orders values (1, 'Ann'), (2, 'Bob')",
      );
      const query = (customer: string) => {
        const bound = bindPlaceholders(
          'select id from orders where customer = {customer} order by id',
          resolver({ customer }),
          'question',
        );
        return db.prepare(bound.sql).all(...bound.parameters);
      };
      assert.deepEqual(query('Ann'), [{ id: 1 }]);
      assert.deepEqual(query(HOSTILE), []);
      assert.deepEqual(query("'; drop table orders; --"), []);
      assert.deepEqual(db.prepare('select count(*) as n from orders').get(), { n: 2 });
    } finally {
      db.close();
    }
  });

  it('fails naming the placeholder that has no value, and every other one', () => {
    assert.throws(
      () =>
        bindPlaceholders('select {known} where x = {customer}', resolver({ known: 1 }), 'dollar'),
      (error: Error) => {
        assert.match(error.message, /\{customer\}/);
        assert.doesNotMatch(error.message, /\{known\}/);
        return true;
      },
    );
    assert.throws(
      () => bindPlaceholders('{first} {second:yyyy}', resolver({}), 'question'),
      /the query uses \{first\}, \{second:yyyy\}, which has no value in this run/,
    );
  });

  it('resolves {date:yyyy} and {date} in the run zone, passing the format', () => {
    // 23:30 UTC on 31 December is already 2027 in Berlin.
    const bound = bindPlaceholders(
      'where year = {date:yyyy} and day = {date} and at = {time:HH:mm}',
      resolver({}),
      'dollar',
    );
    assert.deepEqual(bound, {
      sql: 'where year = $1 and day = $2 and at = $3',
      parameters: ['2027', '2027-01-01', '00:30'],
    });
    const utc = bindPlaceholders('{date:yyyy}', resolver({}, 'UTC'), 'question');
    assert.deepEqual(utc.parameters, ['2026']);
  });

  it('passes the name and format to the resolver as written', () => {
    const seen: [string, string | undefined][] = [];
    bindPlaceholders(
      '{job.report.rows} {when:dd.MM}',
      (name, format) => {
        seen.push([name, format]);
        return 1;
      },
      'dollar',
    );
    assert.deepEqual(seen, [
      ['job.report.rows', undefined],
      ['when', 'dd.MM'],
    ]);
  });

  it('keeps the type of values, binding dates as ISO instants and null as null', () => {
    const when = new Date('2026-03-02T07:05:09.000Z');
    const bound = bindPlaceholders(
      '{n} {flag} {when} {none}',
      resolver({ n: 42, flag: true, when, none: null }),
      'dollar',
    );
    assert.deepEqual(bound.parameters, [42, true, '2026-03-02T07:05:09.000Z', null]);
  });

  it('leaves SQL without placeholders, and braces that are not placeholders, alone', () => {
    const sql = `select '{"a": 1}'::jsonb, '{}' , x from t where y = 'a{ b }'`;
    assert.deepEqual(bindPlaceholders(sql, resolver({ a: 'no' }), 'dollar'), {
      sql,
      parameters: [],
    });
  });
});
