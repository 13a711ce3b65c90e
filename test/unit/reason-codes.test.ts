import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import {
  because,
  MAX_REASON_DETAIL,
  REASON_CODE_LIST,
  REASON_CODES,
  type ReasonCode,
} from '../../src/domain/reason-codes.ts';
import { migrations as postgresMigrations } from '../../src/store/postgres/migrations.ts';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.ts';

const DOC = new URL('../../docs/reason-codes.md', import.meta.url);

/** The rows of the doc's catalogue table: code and meaning, in the doc's order. */
function documentedCodes(): Array<{ code: string; meaning: string }> {
  const catalogue = readFileSync(DOC, 'utf8').split('\n## Catalogue\n')[1] ?? '';
  return catalogue
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [code = '', meaning = ''] = line
        .split('|')
        .slice(1)
        .map((cell) => cell.trim());
      return { code: code.replace(/^`|`$/g, ''), meaning };
    });
}

describe('the reason codes', () => {
  it('docs/reason-codes.md lists every code of REASON_CODES, in its order, with its meaning', () => {
    const documented = documentedCodes();
    assert.deepEqual(
      documented.map((row) => row.code),
      REASON_CODE_LIST,
    );
    for (const { code, meaning } of documented) {
      assert.equal(meaning, REASON_CODES[code as ReasonCode], `the meaning of ${code}`);
    }
  });

  it('are kebab-case, and each meaning is one sentence', () => {
    for (const code of REASON_CODE_LIST) {
      assert.match(code, /^[a-z]+(-[a-z]+)*$/);
      assert.match(REASON_CODES[code], /^[A-Z].*\.$/);
      assert.doesNotMatch(REASON_CODES[code].slice(0, -1), /[.!?] [A-Z]/, code);
    }
  });
});

describe('migration 0009_reason_codes', () => {
  const reasonCodes = (list: typeof sqliteMigrations) =>
    list.find((migration) => migration.id === '0009_reason_codes');

  it('is the same in both dialects', () => {
    assert.ok(reasonCodes(sqliteMigrations));
    assert.deepEqual(reasonCodes(sqliteMigrations), reasonCodes(postgresMigrations));
  });

  it("gives older runs the code their reason's wording tells", () => {
    // What the engine wrote before reason codes, and the code each stands for now.
    const older: Array<[status: string, reason: string | null, code: ReasonCode | null]> = [
      ['canceled', 'canceled before it started', 'canceled'],
      ['canceled', null, null],
      ['skipped', 'the previous run was still running', 'overlap-skipped'],
      [
        'skipped',
        'a run was already waiting to start (it stood for 3 occurrences due since 2026-03-02T08:00:00.000Z)',
        'overlap-skipped',
      ],
      [
        'skipped',
        '3 occurrences from 2026-03-02T08:00:00.000Z were missed while no server ran them (misfire policy "skip")',
        'missed-while-down',
      ],
      [
        'skipped',
        '1 occurrence at 2026-03-02T08:03:00.000Z was not run: of the occurrences due at once, only the first 3 run (misfire limit)',
        'misfire-limit',
      ],
      [
        'skipped',
        'not run: its server stopped before its time, and the task has changed since (its trigger no longer has this occurrence)',
        'occurrence-gone',
      ],
      [
        'succeeded',
        '5 occurrences were due since 2026-03-02T08:00:00.000Z; ran once (misfire policy "once")',
        'coalesced',
      ],
      ['succeeded', 'retry 1 of 3, after the run ended failed', 'retry'],
      ['succeeded', 'the series was empty', 'series-empty'],
      ['timed-out', 'exceeded its timeout of 5 s', 'timed-out'],
      [
        'interrupted',
        'its lease expired: the server a stopped renewing it (it stopped, crashed or lost the database)',
        'lease-lost',
      ],
      ['interrupted', 'the server running it restarted', 'server-restarted'],
      ['interrupted', 'could not start: connection refused', 'start-failed'],
      ['failed', 'series: no such file', 'series-failed'],
      ['failed', 'the owner of the task no longer exists', 'owner-missing'],
      ['failed', "the owner 'bob' is disabled", 'owner-disabled'],
      [
        'failed',
        "the owner 'bob' no longer holds the permission 'taskplanner'",
        'owner-lacks-permission',
      ],
      [
        'failed',
        "trigger web (http) needs the permission 'trigger.http', which the owner 'bob' does not hold",
        'owner-lacks-permission',
      ],
      ['partially-failed', '1 of 3 items failed; first: b broke', 'items-failed'],
      ['failed', 'exited with code 4', 'component-failed'],
      ['succeeded', null, null],
    ];
    const db = new SqliteDatabase(':memory:');
    db.exec('create table runs (status text not null, reason text)');
    const insert = db.prepare('insert into runs (status, reason) values (?, ?)');
    for (const [status, reason] of older) insert.run(status, reason);
    for (const statement of reasonCodes(sqliteMigrations)?.statements ?? []) db.exec(statement);
    const codes = db.prepare('select reason_code from runs order by rowid').pluck().all();
    db.close();
    assert.deepEqual(
      codes,
      older.map(([, , code]) => code),
    );
  });
});

describe('because', () => {
  it('keeps a detail up to MAX_REASON_DETAIL characters and cuts a longer one, saying how much', () => {
    const fits = 'x'.repeat(MAX_REASON_DETAIL);
    assert.deepEqual(because('component-failed', fits), {
      reasonCode: 'component-failed',
      reason: fits,
    });
    const long = because('component-failed', `${fits}overflow`);
    assert.equal(long.reason, `${fits}… (8 more characters)`);
  });
});
