import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { QueryResult } from '../../src/plugins/run-host.ts';
import { fitWidths, queriedAtText } from '../../src/reports/pdf.ts';
import { writeReport, type ReportOptions } from '../../src/reports/write-report.ts';

const run = promisify(execFile);

/** Debian's poppler-utils: pdftotext and pdfinfo read the PDF as a viewer would. */
const POPPLER = '/usr/bin/pdftotext';

function popplerMissing(): string | false {
  if (existsSync(POPPLER)) return false;
  const reason = `${POPPLER} is missing (apt-get install poppler-utils)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it`);
  return reason;
}

/** The text of each page, laid out as on the page. */
async function pagesOf(path: string): Promise<string[]> {
  const { stdout } = await run('pdftotext', ['-layout', path, '-']);
  return stdout.split('\f').slice(0, -1);
}

/** pdfinfo's fields: Pages, Page size, Title, … */
async function infoOf(path: string): Promise<Record<string, string>> {
  const { stdout } = await run('pdfinfo', [path]);
  return Object.fromEntries(
    stdout
      .split('\n')
      .filter((line) => line.includes(':'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
  );
}

/** Every word with its box, in points from the page's top left corner. */
async function wordsOf(path: string) {
  const { stdout } = await run('pdftotext', ['-bbox', path, '-']);
  const page = /<page width="([\d.]+)" height="([\d.]+)">/.exec(stdout);
  const words = [
    ...stdout.matchAll(
      /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
    ),
  ].map((match) => ({
    xMin: Number(match[1]),
    yMin: Number(match[2]),
    xMax: Number(match[3]),
    yMax: Number(match[4]),
    text: match[5] ?? '',
  }));
  return { width: Number(page?.[1]), height: Number(page?.[2]), words };
}

const CITIES = ['Zürich', 'Ελλάδα', 'Москва', 'Łódź'];

/** 150 rows of cities, enough for several portrait pages. */
const long: QueryResult = {
  columns: ['id', 'city', 'note', 'amount'],
  rows: Array.from({ length: 150 }, (_, index) => ({
    id: index + 1,
    city: CITIES[index % CITIES.length],
    note: `note ${index + 1}`,
    amount: index * 1.5,
  })),
};

let folder: string;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tp-pdf-'));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function written(result: QueryResult, extra: Partial<ReportOptions> = {}) {
  const path = join(folder, `${Math.random().toString(36).slice(2)}.pdf`);
  await writeReport(result, 'pdf', path, {
    title: 'Sales by city',
    sheetName: '',
    bom: false,
    ...extra,
  });
  return path;
}

describe('PDF report', { skip: popplerMissing() }, () => {
  it('has the title, the query time in the task’s zone and the row count on page 1', async () => {
    const path = await written(long, {
      queriedAt: new Date('2026-03-02T09:00:00Z'),
      timezone: 'Europe/Zurich',
    });
    const [first] = await pagesOf(path);
    assert.match(first ?? '', /^Sales by city\n/);
    assert.match(
      first ?? '',
      /Queried at 2026-03-02 10:00:00 \(Europe\/Zurich\) · 150 rows, 4 columns/,
    );
    const info = await infoOf(path);
    assert.equal(info.Title, 'Sales by city');
  });

  it('repeats the header row on every page and numbers the pages "Page n of N"', async () => {
    const path = await written(long);
    const pages = await pagesOf(path);
    const count = Number((await infoOf(path)).Pages);
    assert.ok(count >= 3, `150 rows take several pages, not ${count}`);
    assert.equal(pages.length, count);
    pages.forEach((text, index) => {
      assert.match(text, /^\s*id\s+city\s+note\s+amount\s*$/m, `header row on page ${index + 1}`);
      assert.match(text, new RegExp(`Page ${index + 1} of ${count}\\s*$`), `page ${index + 1}`);
    });
    assert.match(pages[1] ?? '', /Page 2 of \d+/);
    assert.doesNotMatch(pages[1] ?? '', /Queried at/, 'the title block is on page 1 only');
    const all = pages.join('\n');
    for (const id of [1, 75, 150]) {
      assert.match(all, new RegExp(`^\\s*${id}\\s+\\S+\\s+note ${id}\\s`, 'm'), `row ${id}`);
    }
    assert.equal(all.match(/note \d+/g)?.length, 150, 'every row once, none lost at page breaks');
  });

  it('writes Latin, Greek and Cyrillic text as such', async () => {
    const text = (await pagesOf(await written(long))).join('\n');
    for (const city of CITIES) assert.ok(text.includes(city), `${city} in the text`);
  });

  it('turns to landscape for a wide table and stays portrait for a narrow one', async () => {
    const columns = Array.from({ length: 16 }, (_, index) => `column_${index}`);
    const wide = { columns, rows: [Object.fromEntries(columns.map((c) => [c, `value ${c}`]))] };
    assert.match((await infoOf(await written(wide)))['Page size'] ?? '', /^841\.89 x 595\.28 pts/);
    assert.match((await infoOf(await written(long)))['Page size'] ?? '', /^595\.28 x 841\.89 pts/);
  });

  it('keeps every word on the page: long cells wrap and are cut with …', async () => {
    const columns = Array.from({ length: 12 }, (_, index) => `c${index}`);
    const huge = {
      columns,
      rows: [
        Object.fromEntries(columns.map((c) => [c, 'wordy '.repeat(300)])),
        Object.fromEntries(columns.map((c) => [c, 'x'.repeat(5_000)])),
        Object.fromEntries(columns.map((c) => [c, 'a\nb\nc\nd\ne\nf\ng\nh'])),
      ],
    };
    const path = await written(huge);
    const { width, height, words } = await wordsOf(path);
    assert.ok(words.length > 50);
    for (const word of words) {
      assert.ok(word.xMin >= 35 && word.xMax <= width - 35, `${word.text} at x ${word.xMax}`);
      assert.ok(word.yMin >= 0 && word.yMax <= height, `${word.text} at y ${word.yMax}`);
    }
    const text = (await pagesOf(path)).join('\n');
    assert.ok(text.includes('…'), 'a cut cell ends with an ellipsis');
    const lines = new Set(words.map((word) => word.text));
    assert.ok(lines.has('a') && lines.has('c'), 'the first lines of a cell');
    assert.ok(!lines.has('f') && !lines.has('h'), 'not the lines after the fourth');
  });

  it('shows a table with no rows as such, on one page', async () => {
    const path = await written({ columns: ['id', 'name'], rows: [] });
    const pages = await pagesOf(path);
    assert.equal(pages.length, 1);
    assert.match(pages[0] ?? '', /id\s+name/);
    assert.match(pages[0] ?? '', /No rows/);
    assert.match(pages[0] ?? '', /0 rows, 2 columns/);
    assert.match(pages[0] ?? '', /Page 1 of 1/);
  });
});

describe('PDF layout helpers', () => {
  it('shows the query time as a UTC instant without a zone', () => {
    const at = new Date('2026-07-01T12:34:56.000Z');
    assert.equal(queriedAtText(at, undefined), 'Queried at 2026-07-01T12:34:56.000Z');
    assert.equal(
      queriedAtText(at, 'Asia/Kolkata'),
      'Queried at 2026-07-01 18:04:56 (Asia/Kolkata)',
    );
  });

  it('lets narrow columns keep their width and wide ones share the rest', () => {
    assert.deepEqual(fitWidths([50, 60], 500), [50, 60]);
    assert.deepEqual(fitWidths([50, 300, 300], 450), [50, 200, 200]);
    const many = fitWidths(new Array<number>(100).fill(40), 400);
    assert.ok(many.every((width) => width === 4));
  });
});
