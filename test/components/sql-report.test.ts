import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { reportFileName } from '../../src/plugins/builtin/jobs/report-file.ts';
import { sqlReportJob } from '../../src/plugins/builtin/jobs/sql-report.ts';
import { REPORT_FORMATS } from '../../src/reports/write-report.ts';
import type { FileResult } from '../../src/plugins/results.ts';
import { componentHarness, logText, type HarnessOptions } from '../support/component-context.ts';
import {
  DATABASE_KINDS,
  ORDERS,
  seedOrders,
  type SeededDatabase,
} from '../support/data-databases.ts';

const run = promisify(execFile);

/** The page's payload decrypted with node:crypto, as the browser does with WebCrypto. */
function decryptPage(page: string, password: string): string {
  const json = /<script id="payload" type="application\/json">([^<]*)<\/script>/.exec(page)?.[1];
  const payload = JSON.parse(json ?? 'null') as {
    salt: string;
    iv: string;
    iterations: number;
    ciphertext: string;
  };
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

for (const kind of DATABASE_KINDS) {
  describe(`sql-report on ${kind}`, () => {
    let seeded: SeededDatabase;
    before(async () => {
      seeded = await seedOrders(kind);
    });
    after(async () => {
      await seeded.drop();
    });

    async function runReport(config: Record<string, unknown>, options: HarnessOptions = {}) {
      const context = await componentHarness({ dataSources: { shop: seeded.target }, ...options });
      try {
        const results = await sqlReportJob.run(
          context.configFor(sqlReportJob, { dataSource: 'shop', ...config }),
          context.job,
        );
        assert.equal(results.length, 1);
        const file = results[0] as FileResult;
        return {
          file,
          content: await readFile(file.path),
          outputs: context.outputs,
          log: context.lines,
        };
      } finally {
        await context.dispose();
      }
    }

    it('binds a placeholder holding SQL as a value: it matches only itself', async () => {
      const query = `select id, customer from ${seeded.table} where customer = {who} order by id`;
      const injected = await runReport({ query }, { placeholders: { who: "x' OR '1'='1" } });
      const rows = parse<Record<string, string>>(injected.content.toString('utf8'), {
        columns: true,
      });
      assert.deepEqual(rows, [{ id: '2', customer: "x' OR '1'='1" }]);
      const other = await runReport({ query }, { placeholders: { who: "nobody' OR '1'='1" } });
      assert.equal(other.outputs.rows, 0, 'pasted into the SQL, this would have matched every row');
    });

    it('writes an Excel file with the rows, numbers as numbers and publishes rows and columns', async () => {
      const { file, content, outputs, log } = await runReport(
        {
          query: `select id, customer, amount from ${seeded.table} where amount > {min} order by id`,
          format: 'xlsx',
          fileName: 'orders {date:yyyy}',
          sheetName: 'Orders',
        },
        { placeholders: { min: 10 } },
      );
      const year = String(new Date().getUTCFullYear());
      assert.equal(basename(file.path), `orders ${year}.xlsx`, 'the job adds the extension');
      assert.equal(file.name, `orders ${year}.xlsx`);
      assert.equal(
        file.mediaType,
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      assert.equal(file.valid, true);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(content as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('Orders');
      assert.ok(sheet);
      const values = (row: number) => (sheet.getRow(row).values as unknown[]).slice(1);
      assert.deepEqual(values(1), ['id', 'customer', 'amount']);
      assert.deepEqual(values(2), [1, 'Ann', 12.5]);
      assert.deepEqual(values(3), [3, 'Bob, "the builder"', 100]);
      assert.equal(sheet.rowCount, 3);
      assert.deepEqual(outputs, { rows: 2, columns: 'id, customer, amount' });
      assert.ok(
        log.some((line) => line.message.includes("query on 'shop': 2 rows")),
        logText(log),
      );
    });

    it('writes JSON and HTML files named after the task', async () => {
      const query = `select customer from ${seeded.table} order by id`;
      const json = await runReport({ query, format: 'json' }, { taskName: 'Daily orders' });
      assert.equal(json.file.name, 'Daily orders.json');
      assert.deepEqual(
        JSON.parse(json.content.toString('utf8')),
        ORDERS.map(({ customer }) => ({ customer })),
      );
      const html = await runReport({ query, format: 'html' });
      assert.ok(html.content.toString('utf8').includes('<td>x&#39; OR &#39;1&#39;=&#39;1</td>'));
    });

    it('writes a PDF with the query time in the task’s zone', async () => {
      const query = `select id, customer, amount from ${seeded.table} order by id`;
      const pdf = await runReport(
        { query, format: 'pdf', fileName: 'orders' },
        { taskName: 'Orders', timezone: 'Asia/Kolkata', at: new Date('2026-03-02T09:00:00Z') },
      );
      assert.equal(pdf.file.name, 'orders.pdf');
      assert.equal(pdf.file.mediaType, 'application/pdf');
      assert.equal(pdf.content.subarray(0, 5).toString(), '%PDF-');
      if (!existsSync('/usr/bin/pdftotext')) return;
      const copy = join(tmpdir(), `tp-sql-report-${process.pid}-${kind}.pdf`);
      await writeFile(copy, pdf.content);
      const { stdout } = await run('pdftotext', ['-layout', copy, '-']).finally(() => rm(copy));
      assert.match(stdout, /^Orders\n/);
      assert.match(stdout, /Queried at 2026-03-02 14:30:00 \(Asia\/Kolkata\) · 3 rows, 3 columns/);
      assert.match(stdout, /Bob, "the builder"/);
    });

    it('writes an encrypted HTML file that opens with its password, which it never logs', async () => {
      const query = `select customer from ${seeded.table} order by id`;
      const password = 'open sesame 42';
      const page = await runReport({ query, format: 'html-encrypted', password });
      assert.equal(page.file.name, 'Nightly export.html');
      assert.equal(page.file.mediaType, 'text/html; charset=utf-8');
      const text = page.content.toString('utf8');
      assert.ok(!text.includes(password), 'the password is not in the file');
      assert.ok(!text.includes('the builder'), 'the rows are encrypted');
      assert.ok(decryptPage(text, password).includes('<td>Bob, &quot;the builder&quot;</td>'));
      assert.ok(!page.log.some((line) => line.message.includes(password)), logText(page.log));
    });

    it('makes the file valid only with rows when the condition asks for rows', async () => {
      const query = `select id from ${seeded.table} where id > {above}`;
      const some = await runReport(
        { query },
        { condition: { hasRows: true }, placeholders: { above: 2 } },
      );
      assert.equal(some.file.valid, true);
      const none = await runReport(
        { query },
        { condition: { hasRows: true }, placeholders: { above: 3 } },
      );
      assert.equal(none.file.valid, false);
      assert.equal(none.outputs.rows, 0);
      const wantsNone = await runReport(
        { query },
        { condition: { hasRows: false }, placeholders: { above: 3 } },
      );
      assert.equal(wantsNone.file.valid, true);
    });

    it('leaves an expression condition to the engine, and keeps hasRows beside it', async () => {
      const query = `select id from ${seeded.table} where id > {above}`;
      const expression = await runReport(
        { query },
        { condition: { expression: 'rows > 5' }, placeholders: { above: 3 } },
      );
      assert.equal(expression.file.valid, true, 'the engine evaluates it on the outputs');
      assert.equal(expression.outputs.rows, 0);
      const both = await runReport(
        { query },
        { condition: { hasRows: true, expression: 'rows >= 0' }, placeholders: { above: 3 } },
      );
      assert.equal(both.file.valid, false);
    });
  });
}

describe('sql-report refusals', () => {
  it('fails on a condition it does not know, before querying', async () => {
    const context = await componentHarness({ condition: { rows: 5 } });
    try {
      await assert.rejects(
        sqlReportJob.run(
          context.configFor(sqlReportJob, { dataSource: 'shop', query: 'select 1' }),
          context.job,
        ),
        /sql-report does not know the condition \{"rows":5\}: use \{"hasRows": true\}/,
      );
    } finally {
      await context.dispose();
    }
  });

  it('asks for a password of 8 characters or more for html-encrypted, and for no other format', async () => {
    const context = await componentHarness();
    try {
      const config = { dataSource: 'shop', query: 'select 1', format: 'html-encrypted' };
      assert.throws(
        () => context.configFor(sqlReportJob, config),
        /"path":"\/config\/password","message":"give a password: the html-encrypted format encrypts the report with it"/,
      );
      assert.throws(
        () => context.configFor(sqlReportJob, { ...config, password: 'short' }),
        /"path":"\/config\/password","message":"the password needs at least 8 characters"/,
      );
      context.configFor(sqlReportJob, { ...config, password: 'long enough' });
      context.configFor(sqlReportJob, { ...config, format: 'pdf' });
    } finally {
      await context.dispose();
    }
  });

  it('declares the password a secret and offers every report format', () => {
    const schema = sqlReportJob.configSchema as unknown as {
      properties: Record<string, { secret?: boolean; anyOf?: Array<{ const: string }> }>;
    };
    assert.equal(schema.properties.password?.secret, true);
    assert.deepEqual(
      schema.properties.format?.anyOf?.map((option) => option.const),
      Object.keys(REPORT_FORMATS),
    );
  });

  it("fails with the host's message for a data source it cannot use", async () => {
    const context = await componentHarness();
    try {
      await assert.rejects(
        sqlReportJob.run(
          context.configFor(sqlReportJob, { dataSource: 'shop', query: 'select 1' }),
          context.job,
        ),
        /the data source 'shop' does not exist/,
      );
    } finally {
      await context.dispose();
    }
  });

  it('keeps file names inside the work folder and adds the extension once', () => {
    assert.equal(reportFileName('../../etc/passwd', '.csv'), '_.._etc_passwd.csv');
    assert.equal(reportFileName('a\\b:c*?"<>|\u0000d', '.xlsx'), 'a_b_c_______d.xlsx');
    assert.equal(reportFileName('Sales.CSV', '.csv'), 'Sales.CSV');
    assert.equal(reportFileName(' . ', '.json'), 'report.json');
  });

  it('declares the permission job.sql and leaves its query unfilled', () => {
    assert.equal(sqlReportJob.permission, 'job.sql');
    const schema = sqlReportJob.configSchema as unknown as {
      properties: Record<string, Record<string, unknown>>;
    };
    assert.equal(schema.properties.query?.placeholders, false);
  });
});
