import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { reportFileName } from '../../src/plugins/builtin/jobs/report-file.ts';
import { sqlReportJob } from '../../src/plugins/builtin/jobs/sql-report.ts';
import type { FileResult } from '../../src/plugins/results.ts';
import { componentHarness, logText, type HarnessOptions } from '../support/component-context.ts';
import {
  DATABASE_KINDS,
  ORDERS,
  seedOrders,
  type SeededDatabase,
} from '../support/data-databases.ts';

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
