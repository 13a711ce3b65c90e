import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { QueryResult } from '../../src/plugins/run-host.ts';
import { createDecipheriv, createHash, pbkdf2Sync } from 'node:crypto';
import { PBKDF2_ITERATIONS } from '../../src/reports/encrypted-html.ts';
import { htmlDocument } from '../../src/reports/html.ts';
import { writeReport, type ReportFormat } from '../../src/reports/write-report.ts';
import { excelSheetName, XLSX_LIMITS } from '../../src/reports/xlsx.ts';

/** Rows with every awkward value a database hands back. */
const tricky: QueryResult = {
  columns: [
    'id',
    'name',
    'note',
    'amount',
    'big',
    'paid',
    'created',
    'day',
    'blob',
    'meta',
    'empty',
  ],
  rows: [
    {
      id: 1,
      name: 'Smith, "Jo"',
      note: 'line one\r\nline two\nline three',
      amount: 12.5,
      big: 9007199254740993n,
      paid: true,
      created: new Date('2026-03-01T08:30:15.000Z'),
      day: new Date('2026-03-01T00:00:00.000Z'),
      blob: Buffer.from([0, 1, 2, 255]),
      meta: { tags: ['a', 'b'], n: 1 },
      empty: null,
    },
    {
      id: 2,
      name: '<script>alert("x")</script> & \'more\'',
      note: 'Grüße, 東京 🎉',
      amount: -0.25,
      big: 42n,
      paid: false,
      created: new Date('2026-12-31T23:59:59.000Z'),
      day: new Date('2026-12-31T00:00:00.000Z'),
      blob: Buffer.from('hi'),
      meta: null,
      empty: undefined,
    },
  ],
};

const options = { title: 'Sales <Q1> & "more"', sheetName: 'Sales: Q1/2026', bom: false };

let folder: string;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tp-reports-'));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function written(format: ReportFormat, result = tricky, extra = {}) {
  const path = join(folder, `${format}-${Math.random().toString(36).slice(2)}.${format}`);
  await writeReport(result, format, path, { ...options, ...extra });
  return path;
}

describe('CSV report', () => {
  it('reads back with a CSV parser: header, quotes, commas and line breaks intact', async () => {
    const text = await readFile(await written('csv'), 'utf8');
    const records: string[][] = parse(text, { relax_quotes: false });
    assert.deepEqual(records[0], tricky.columns);
    assert.equal(records.length, 3);
    const first = records[1] ?? [];
    assert.equal(first[1], 'Smith, "Jo"');
    assert.equal(first[2], 'line one\r\nline two\nline three');
    assert.equal(first[3], '12.5');
    assert.equal(first[4], '9007199254740993', 'a bigint keeps every digit');
    assert.equal(first[5], 'true');
    assert.equal(first[6], '2026-03-01T08:30:15.000Z', 'dates are ISO instants');
    assert.equal(first[8], Buffer.from([0, 1, 2, 255]).toString('base64'));
    assert.deepEqual(JSON.parse(first[9] ?? ''), { tags: ['a', 'b'], n: 1 });
    assert.equal(first[10], '', 'null is an empty field');
    assert.equal(records[2]?.[2], 'Grüße, 東京 🎉');
    assert.equal(records[2]?.[10], '', 'a missing value is an empty field');
  });

  it('ends every record with CRLF, quotes only fields that need it and has no BOM by default', async () => {
    const bytes = await readFile(
      await written('csv', { columns: ['a', 'b'], rows: [{ a: 'plain', b: 'x,y' }] }),
    );
    assert.equal(bytes.toString('utf8'), 'a,b\r\nplain,"x,y"\r\n');
  });

  it('keeps text that a spreadsheet would run as a formula inert, and numbers as numbers', async () => {
    const hostile = ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'];
    const rows = [...hostile.map((text) => ({ '=cmd': text })), { '=cmd': -5 }];
    const text = await readFile(await written('csv', { columns: ['=cmd'], rows }), 'utf8');
    const records: string[][] = parse(text);
    assert.deepEqual(
      records.map((record) => record[0]),
      ["'=cmd", ...hostile.map((cell) => `'${cell}`), '-5'],
    );
  });

  it('starts with a UTF-8 byte order mark when asked', async () => {
    const bytes = await readFile(
      await written('csv', { columns: ['é'], rows: [{ é: 'ü' }] }, { bom: true }),
    );
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(bytes.subarray(3).toString('utf8'), 'é\r\nü\r\n');
  });
});

describe('Excel report', () => {
  async function sheetOf(path: string) {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    assert.equal(workbook.worksheets.length, 1);
    return workbook.worksheets[0] as ExcelJS.Worksheet;
  }

  it('has a bold header row and one row per record, with a cleaned sheet name', async () => {
    const sheet = await sheetOf(await written('xlsx'));
    assert.equal(sheet.name, 'Sales_ Q1_2026');
    assert.equal(sheet.rowCount, 3);
    const header = sheet.getRow(1);
    assert.deepEqual(
      tricky.columns.map((_, index) => header.getCell(index + 1).value),
      tricky.columns,
    );
    assert.equal(header.getCell(1).font?.bold, true);
    assert.notEqual(sheet.getRow(2).getCell(1).font?.bold, true, 'data rows are not bold');
  });

  it('keeps numbers as numbers, booleans as booleans and dates as Excel dates', async () => {
    const sheet = await sheetOf(await written('xlsx'));
    const row = sheet.getRow(2);
    const cell = (column: string) => row.getCell(tricky.columns.indexOf(column) + 1);
    assert.equal(cell('id').type, ExcelJS.ValueType.Number);
    assert.equal(cell('amount').value, 12.5);
    assert.equal(cell('big').value, '9007199254740993', 'an inexact bigint stays text');
    assert.equal(sheet.getRow(3).getCell(5).value, 42, 'an exact bigint is a number');
    assert.equal(cell('paid').type, ExcelJS.ValueType.Boolean);
    assert.equal(cell('paid').value, true);
    assert.equal(cell('created').type, ExcelJS.ValueType.Date);
    assert.deepEqual(cell('created').value, new Date('2026-03-01T08:30:15.000Z'));
    assert.equal(cell('created').numFmt, 'yyyy-mm-dd hh:mm:ss');
    assert.equal(cell('day').numFmt, 'yyyy-mm-dd', 'a plain date shows no time');
    assert.equal(cell('name').value, 'Smith, "Jo"');
    assert.equal(cell('note').value, 'line one\nline two\nline three', "Excel's line breaks");
    assert.deepEqual(JSON.parse(cell('meta').value as string), { tags: ['a', 'b'], n: 1 });
    assert.equal(cell('empty').value, null);
  });

  it('sizes columns to their content, within bounds, and freezes the header', async () => {
    const long = 'x'.repeat(200);
    const sheet = await sheetOf(
      await written('xlsx', { columns: ['a', 'longer'], rows: [{ a: 1, longer: long }] }),
    );
    assert.equal(sheet.getColumn(1).width, 8);
    assert.equal(sheet.getColumn(2).width, 60);
    assert.equal(sheet.views[0]?.state, 'frozen');
  });

  it('opens even when text holds characters XML cannot carry, which show as \uFFFD', async () => {
    const sheet = await sheetOf(
      await written('xlsx', {
        columns: ['a\u0001'],
        rows: [{ 'a\u0001': 'bell\u0007 nul\u0000 ok' }],
      }),
    );
    assert.equal(sheet.getRow(1).getCell(1).value, 'a\uFFFD');
    assert.equal(sheet.getRow(2).getCell(1).value, 'bell\uFFFD nul\uFFFD ok');
  });

  it('refuses text longer than a cell holds, naming the row and column', async () => {
    const result = {
      columns: ['a'],
      rows: [{ a: 'ok' }, { a: 'y'.repeat(XLSX_LIMITS.cellText + 1) }],
    };
    await assert.rejects(written('xlsx', result), /row 2, column 'a': 32768 characters/);
  });

  it('makes sheet names Excel accepts', () => {
    assert.equal(excelSheetName("'Report [2026]?'"), 'Report _2026__');
    assert.equal(excelSheetName('a'.repeat(40)), 'a'.repeat(31));
    assert.equal(excelSheetName(' / '), '_');
    assert.equal(excelSheetName("''"), 'Sheet1');
  });
});

describe('JSON report', () => {
  it('is an array of objects in column order with ISO dates, exact numbers and base64 data', async () => {
    const text = await readFile(await written('json'), 'utf8');
    const rows = JSON.parse(text);
    assert.equal(rows.length, 2);
    assert.deepEqual(Object.keys(rows[0]), tricky.columns);
    assert.equal(rows[0].name, 'Smith, "Jo"');
    assert.equal(rows[0].big, '9007199254740993');
    assert.equal(rows[1].big, 42);
    assert.equal(rows[0].created, '2026-03-01T08:30:15.000Z');
    assert.equal(rows[0].blob, Buffer.from([0, 1, 2, 255]).toString('base64'));
    assert.deepEqual(rows[0].meta, { tags: ['a', 'b'], n: 1 });
    assert.equal(rows[1].empty, null);
  });

  it('writes an empty array for no rows', async () => {
    const text = await readFile(await written('json', { columns: ['a'], rows: [] }), 'utf8');
    assert.deepEqual(JSON.parse(text), []);
  });
});

describe('HTML report', () => {
  it('is a complete document whose values are all escaped', async () => {
    const html = await readFile(await written('html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.match(html, /<meta charset="utf-8">/);
    assert.match(html, /<\/table>[\s\S]*<\/body>\n<\/html>\n$/);
    assert.ok(!html.includes('<script>'), 'no value becomes markup');
    assert.ok(
      html.includes(
        '<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;</td>',
      ),
    );
    assert.ok(html.includes('<title>Sales &lt;Q1&gt; &amp; &quot;more&quot;</title>'));
    assert.equal(html.match(/<tr>/g)?.length, 3, 'a header row and one row per record');
    assert.ok(html.includes('<td class="number">12.5</td>'));
    assert.ok(html.includes('<td>2026-03-01T08:30:15.000Z</td>'));
    assert.ok(html.includes('<p>2 rows</p>'));
  });

  it('escapes column names too', async () => {
    const html = await readFile(
      await written('html', { columns: ['<b>x</b>'], rows: [{ '<b>x</b>': 1 }] }),
      'utf8',
    );
    assert.ok(html.includes('<th>&lt;b&gt;x&lt;/b&gt;</th>'));
    assert.ok(html.includes('<p>1 row</p>'));
  });
});

/** The payload of an encrypted report: its parameters and the ciphertext (tag at the end). */
function payloadOf(page: string) {
  const json = /<script id="payload" type="application\/json">([^<]*)<\/script>/.exec(page)?.[1];
  assert.ok(json, 'the page holds its payload');
  return JSON.parse(json) as {
    version: number;
    cipher: string;
    kdf: string;
    iterations: number;
    salt: string;
    iv: string;
    ciphertext: string;
  };
}

/** Decrypts an encrypted report's payload with node:crypto, as the page does with WebCrypto. */
function decrypt(page: string, password: string): string {
  const payload = payloadOf(page);
  const key = pbkdf2Sync(
    password,
    Buffer.from(payload.salt, 'base64'),
    payload.iterations,
    32,
    'sha256',
  );
  const sealed = Buffer.from(payload.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(payload.iv, 'base64'));
  decipher.setAuthTag(sealed.subarray(-16));
  return Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]).toString(
    'utf8',
  );
}

describe('encrypted HTML report', () => {
  const password = 'correct horse battery staple';

  it('holds the html format’s document, encrypted with AES-256-GCM under a PBKDF2-SHA256 key', async () => {
    const page = await readFile(await written('html-encrypted', tricky, { password }), 'utf8');
    const payload = payloadOf(page);
    assert.equal(payload.cipher, 'AES-256-GCM');
    assert.equal(payload.kdf, 'PBKDF2-SHA256');
    assert.ok(payload.iterations >= 600_000);
    assert.equal(payload.iterations, PBKDF2_ITERATIONS);
    assert.equal(Buffer.from(payload.salt, 'base64').length, 16);
    assert.equal(Buffer.from(payload.iv, 'base64').length, 12);
    assert.equal(decrypt(page, password), [...htmlDocument(tricky, options.title)].join(''));
    assert.throws(() => decrypt(page, 'wrong password'), /unable to authenticate/i);
  });

  it('writes neither the password nor any value of the report in clear', async () => {
    const page = await readFile(await written('html-encrypted', tricky, { password }), 'utf8');
    assert.ok(!page.includes(password), 'no password');
    assert.ok(!page.includes(Buffer.from(password).toString('base64')), 'no password in base64');
    for (const text of ['Smith', 'Grüße', 'Sales', '12.5', 'created']) {
      assert.ok(!page.includes(text), `${text} is encrypted`);
    }
  });

  it('uses a new salt and IV for every file', async () => {
    const one = payloadOf(
      await readFile(await written('html-encrypted', tricky, { password }), 'utf8'),
    );
    const two = payloadOf(
      await readFile(await written('html-encrypted', tricky, { password }), 'utf8'),
    );
    assert.notEqual(one.salt, two.salt);
    assert.notEqual(one.iv, two.iv);
    assert.notEqual(one.ciphertext, two.ciphertext);
  });

  it('loads nothing and allows only its own script and style, by hash', async () => {
    const page = await readFile(await written('html-encrypted', tricky, { password }), 'utf8');
    assert.doesNotMatch(page, /\b(src|href|action)=/i, 'no external resources');
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)?.[1];
    assert.ok(policy);
    assert.match(policy, /default-src 'none'/);
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
    assert.ok(script.includes('crypto.subtle'), 'the inline script decrypts');
    assert.ok(policy.includes(`script-src ${hash(script)}`), policy);
    assert.ok(policy.includes(`style-src ${hash(style)} `), policy);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
  });

  it('refuses to write without a password', async () => {
    await assert.rejects(written('html-encrypted', tricky, { password: '' }), /needs a password/);
  });
});

describe('stopping', () => {
  it('stops writing when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    const rows = Array.from({ length: 10 }, (_, index) => ({ a: index }));
    const formats: ReportFormat[] = ['csv', 'json', 'html', 'xlsx', 'pdf', 'html-encrypted'];
    for (const format of formats) {
      await assert.rejects(
        written(
          format,
          { columns: ['a'], rows },
          { signal: controller.signal, password: 'secret-pass' },
        ),
        (error: Error) => /abort|stopped/i.test(error.message),
        format,
      );
    }
  });

  it('stops a PDF between pages and an encrypted page while it is written', async () => {
    const rows = Array.from({ length: 20_000 }, (_, index) => ({ a: index, b: `row ${index}` }));
    for (const format of ['pdf', 'html-encrypted'] as const) {
      const controller = new AbortController();
      const writing = written(
        format,
        { columns: ['a', 'b'], rows },
        {
          signal: controller.signal,
          password: 'secret-pass',
        },
      );
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(writing, (error: Error) => /abort|stopped/i.test(error.message), format);
    }
  });
});
