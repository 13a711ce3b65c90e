import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  conditionIssues,
  ConditionSyntaxError,
  evaluateCondition,
  MAX_CONDITION_DEPTH,
  MAX_CONDITION_LENGTH,
  parseCondition,
  type OutputValue,
} from '../../src/domain/condition-expression.ts';

/** Evaluates an expression on outputs given as an object. */
function holds(expression: string, outputs: Record<string, OutputValue>) {
  return evaluateCondition(parseCondition(expression), new Map(Object.entries(outputs)));
}

/** The message parsing fails with. */
function syntaxError(expression: string): string {
  try {
    parseCondition(expression);
  } catch (error) {
    assert.ok(error instanceof ConditionSyntaxError, String(error));
    return error.message;
  }
  assert.fail(`'${expression}' parsed`);
}

describe('condition expressions: evaluation', () => {
  it('compares numbers with each operator', () => {
    const cases: Array<[string, boolean]> = [
      ['rows > 0', true],
      ['rows >= 3', true],
      ['rows > 3', false],
      ['rows < 3', false],
      ['rows <= 3', true],
      ['rows == 3', true],
      ['rows != 3', false],
      ['rows == 3.0', true],
      ['rows > -1', true],
      ['rows < 1e3', true],
      ['0 < rows', true],
    ];
    for (const [expression, expected] of cases) {
      assert.equal(holds(expression, { rows: 3 }).holds, expected, expression);
    }
  });

  it('compares strings in either quotes, with escapes, and booleans', () => {
    const outputs = { status: 'ok', note: 'it\'s "fine"', done: true, columns: 'id, name' };
    assert.equal(holds('status == "ok"', outputs).holds, true);
    assert.equal(holds("status == 'ok'", outputs).holds, true);
    assert.equal(holds('status != "OK"', outputs).holds, true);
    assert.equal(holds(`note == 'it\\'s "fine"'`, outputs).holds, true);
    assert.equal(holds('"abc" < "abd"', outputs).holds, true);
    assert.equal(holds('done == true', outputs).holds, true);
    assert.equal(holds('done == FALSE', outputs).holds, false, 'keywords ignore case');
    assert.equal(holds("columns == 'id, name'", outputs).holds, true);
  });

  it('combines with and, or, not and parentheses, and binds and tighter than or', () => {
    const outputs = { exitCode: 0, status: 200, rows: 0 };
    assert.equal(holds('exitCode == 0 and status == 200', outputs).holds, true);
    assert.equal(holds('exitCode == 1 or status == 200', outputs).holds, true);
    assert.equal(holds('not rows > 0', outputs).holds, true);
    assert.equal(holds('not (rows > 0 or status == 200)', outputs).holds, false);
    // and before or: true or (false and false) is true; (true or false) and false would be false.
    assert.equal(holds('status == 200 or rows > 0 and exitCode == 1', outputs).holds, true);
    assert.equal(holds('(status == 200 or rows > 0) and exitCode == 1', outputs).holds, false);
    assert.equal(holds('exitCode==0 AND(status>=200)', outputs).holds, true, 'no blanks needed');
  });

  it('is false when a name was not published, saying which outputs there are', () => {
    const verdict = holds('not rows > 0', { exitCode: 0, status: 200 });
    assert.equal(verdict.holds, false, 'even under not: the condition cannot be evaluated');
    assert.deepEqual(verdict.problems, [
      "the job published no output 'rows'; outputs: exitCode, status",
    ]);
    assert.deepEqual(holds('rows > 0', {}).problems, [
      "the job published no output 'rows'; outputs: none",
    ]);
  });

  it('is false when a comparison mixes kinds of value, even under not', () => {
    const mixed = holds('not status == "200"', { status: 200 });
    assert.equal(mixed.holds, false);
    assert.match(mixed.problems[0] ?? '', /200 \(a number\) == "200" \(a string\)/);
    const ordered = holds('done < true', { done: false });
    assert.equal(ordered.holds, false);
    assert.match(ordered.problems[0] ?? '', /compares numbers or strings, not true\/false/);
  });

  it('reads only the outputs themselves: __proto__, constructor and toString are unpublished names', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const verdict = holds(`${name} == 1 or ${name} != 1`, { rows: 1 });
      assert.equal(verdict.holds, false, name);
      assert.deepEqual(verdict.problems, [`the job published no output '${name}'; outputs: rows`]);
    }
    const own = holds('__proto__ == 1', { ['__proto__']: 1 });
    assert.equal(own.holds, true, 'a job may publish any name, __proto__ too');
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
  });

  it('lists the names it reads once each', () => {
    assert.deepEqual(parseCondition('a > 1 and (b == 2 or a < 5) and job.x-y == 1').names, [
      'a',
      'b',
      'job.x-y',
    ]);
  });
});

describe('condition expressions: errors say what and where', () => {
  it('names the missing operand after an operator, at the end of the text', () => {
    assert.equal(
      syntaxError('rows >'),
      "condition: expected a number, a string or a name after '>' at character 7",
    );
    assert.equal(
      syntaxError('rows > and x'),
      "condition: expected a number, a string or a name after '>' at character 8, found 'and'",
    );
  });

  it('names a missing comparison, a missing closing parenthesis and trailing text', () => {
    assert.equal(
      syntaxError('rows'),
      "condition: expected a comparison (==, !=, <, <=, >, >=) after 'rows' at character 5",
    );
    assert.equal(
      syntaxError('(rows > 0'),
      "condition: expected ')' to close the '(' at character 1 after '0' at character 10",
    );
    assert.equal(
      syntaxError('rows > 0 rows'),
      "condition: expected 'and', 'or' or the end after '0' at character 10, found 'rows'",
    );
    assert.equal(
      syntaxError('rows > 0 and'),
      "condition: expected a number, a string or a name after 'and' at character 13",
    );
    assert.equal(
      syntaxError(') rows'),
      "condition: expected a number, a string or a name at character 1, found ')'",
    );
  });

  it('points at operators of other languages and says what to write', () => {
    assert.match(syntaxError('rows > 0 && x == 1'), /'&&' at character 10.*use 'and'/);
    assert.match(syntaxError('rows > 0 || x == 1'), /'\|\|' at character 10.*use 'or'/);
    assert.match(syntaxError('!(rows > 0)'), /'!' at character 1.*use 'not'/);
    assert.match(syntaxError('rows = 0'), /'=' at character 6.*use '=='/);
    assert.match(syntaxError('rows === 0'), /'===' at character 6/);
    assert.match(syntaxError('rows <> 0'), /'<>' at character 6/);
  });

  it('refuses unknown characters, bad numbers, open strings and unknown escapes', () => {
    assert.equal(
      syntaxError('rows > 0 ; x'),
      "condition: unexpected character ';' at character 10",
    );
    assert.match(syntaxError('rows > 1.2.3'), /'1\.2\.…' at character 8 is not a number/);
    assert.match(syntaxError('rows > 5abc'), /at character 8 is not a number/);
    assert.equal(
      syntaxError('status == "ok'),
      'condition: the string that starts at character 11 has no closing "',
    );
    assert.match(syntaxError('status == "a\\nb"'), /unknown escape '\\n' at character 13/);
    assert.match(syntaxError('rows > `x`'), /unexpected character '`'/);
    assert.match(syntaxError('rows.length() > 0'), /unexpected character '\('|after 'rows.length'/);
  });

  it('refuses an empty expression and calls are not part of the language', () => {
    assert.match(syntaxError('   '), /the expression is empty/);
    assert.match(syntaxError('constructor("x") == 1'), /after 'constructor' at character 12/);
  });
});

describe('condition expressions: hostile input', () => {
  it('refuses text longer than the limit before reading it', () => {
    const long = `rows > 0${' or rows > 0'.repeat(60)}`;
    assert.ok(long.length > MAX_CONDITION_LENGTH);
    assert.equal(
      syntaxError(long),
      `condition: the expression has ${long.length} characters, more than ${MAX_CONDITION_LENGTH}`,
    );
    const huge = 'x'.repeat(1_000_000);
    assert.match(syntaxError(huge), /1000000 characters, more than 500/);
  });

  it('accepts nesting up to the limit and refuses deeper nesting, by parentheses or by not', () => {
    const nested = (depth: number) => `${'('.repeat(depth)}rows > 0${')'.repeat(depth)}`;
    assert.equal(holds(nested(MAX_CONDITION_DEPTH), { rows: 1 }).holds, true);
    assert.match(
      syntaxError(nested(MAX_CONDITION_DEPTH + 1)),
      new RegExp(
        `nested deeper than ${MAX_CONDITION_DEPTH} levels at character ${MAX_CONDITION_DEPTH + 1}`,
      ),
    );
    assert.match(syntaxError(`${'not '.repeat(100)}rows > 0`), /nested deeper than 20 levels/);
    assert.match(syntaxError('('.repeat(499)), /nested deeper than 20 levels/);
    const notOdd = `${'not '.repeat(MAX_CONDITION_DEPTH - 1)}rows > 0`;
    assert.equal(holds(notOdd, { rows: 1 }).holds, false, 'nineteen nots');
  });

  it('takes long flat chains of and/or without deep recursion', () => {
    const chain = Array.from({ length: 40 }, (_, i) => `r${i}==${i}`).join(' or ');
    assert.ok(chain.length <= MAX_CONDITION_LENGTH, `${chain.length} characters`);
    const outputs = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`r${i}`, i]));
    assert.equal(holds(chain, outputs).holds, true);
  });
});

describe('condition issues at save time', () => {
  it('gives a field issue at the expression, with the parser’s message', () => {
    assert.deepEqual(conditionIssues({ expression: 'rows >' }, '/jobs/0/condition'), [
      {
        path: '/jobs/0/condition/expression',
        message: "condition: expected a number, a string or a name after '>' at character 7",
      },
    ]);
    assert.deepEqual(conditionIssues({ expression: 5 }, '/jobs/1/condition'), [
      {
        path: '/jobs/1/condition/expression',
        message: 'condition: the expression must be text, e.g. "rows > 0"',
      },
    ]);
  });

  it('has nothing to say about a good expression, no condition, or what a kind reads itself', () => {
    assert.deepEqual(conditionIssues({ expression: 'rows > 0' }, ''), []);
    assert.deepEqual(conditionIssues(null, ''), []);
    assert.deepEqual(conditionIssues({ hasRows: true }, ''), []);
  });
});
