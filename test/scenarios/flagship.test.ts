// The flagship use, end to end: "every Monday at 07:00, for each region, query the sales
// database into a spreadsheet, e-mail it to that region's manager and file a copy in the
// shared folder" — on both stores, against the real PostgreSQL and a real SMTP server.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { claimsOf } from '../support/engine-runs.ts';
import { runMail } from '../support/outbox.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

const REGIONS = [
  { region: 'North', manager: 'Nora', email: 'nora@example.com' },
  { region: 'South', manager: 'Sam', email: 'sam@example.com' },
  { region: 'West', manager: 'Wanda', email: 'wanda@example.com' },
];
const SALES = [
  ['North', 'Anchors', 120],
  ['North', 'Boats', 2500],
  ['South', 'Canoes', 900],
  ['West', 'Docks', 15000],
  ['West', 'Engines', 7300],
  ['West', 'Flags', 45],
] as const;

/** The rows of the first sheet of an XLSX file, header first. */
async function sheetRows(content: Buffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  workbook.worksheets[0]?.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

function expectedRows(region: string): unknown[][] {
  return [
    ['product', 'amount'],
    ...SALES.filter(([r]) => r === region).map(([, product, amount]) => [product, amount]),
  ];
}

/** Creates the sales database in its own schema; returns the schema's name. */
async function seedSales(): Promise<string> {
  const schema = `flagship_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
    await client.query(`create table ${schema}.regions (region text, manager text, email text)`);
    await client.query(`create table ${schema}.sales (region text, product text, amount integer)`);
    for (const { region, manager, email } of REGIONS) {
      await client.query(`insert into ${schema}.regions values ($1, $2, $3)`, [
        region,
        manager,
        email,
      ]);
    }
    for (const row of SALES) {
      await client.query(`insert into ${schema}.sales values ($1, $2, $3)`, [...row]);
    }
  } finally {
    await client.end();
  }
  return schema;
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

for (const backend of await backends()) {
  describe(`the flagship scenario on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let smtp: SmtpPeer;
    let schema: string;
    let root: string;

    before(async () => {
      schema = await seedSales();
      smtp = await startSmtpPeer();
      // Monday 2 March 2026, 06:00 in Berlin (sessions last 12 hours of the fake clock).
      t = await startEngineApp(backend, 'flagship', { start: new Date('2026-03-02T05:00:00Z') });
      root = realpathSync(mkdtempSync(join(tmpdir(), 'tp-flagship-')));
      mkdirSync(join(root, 'shared'));
      const settings = await t.admin.patch('/api/v1/settings', {
        smtp: smtp.settings({ user: 'mailer', password: 'mail-secret' }),
        folderRoots: [root],
      });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
    });
    after(async () => {
      await t?.close();
      await smtp?.close();
      if (schema) await dropSchema(schema);
      rmSync(root, { recursive: true, force: true });
    });

    it('mails each region’s spreadsheet to its manager and files it under a dated name', async () => {
      const alice = await t.user('alice', [
        'taskplanner',
        'job.sql',
        'action.email',
        'action.files',
      ]);
      const source = await t.admin.post('/api/v1/data-sources', {
        name: 'sales',
        kind: 'postgres',
        location: DATABASE_URL,
        access: { everyone: false, userIds: [alice.id], groupIds: [] },
      });
      assert.equal(source.status, 201, JSON.stringify(source.body));
      const created = await alice.client.post('/api/v1/tasks', {
        name: 'Weekly sales',
        timezone: 'Europe/Berlin',
        triggers: [
          {
            kind: 'time',
            config: {
              start: '2026-03-01T00:00',
              intervals: [{ kind: 'weeks', every: 1, weekdays: ['MO'], times: ['07:00'] }],
            },
          },
        ],
        series: {
          kind: 'sql',
          config: {
            dataSource: 'sales',
            query: `select region, manager, email from ${schema}.regions order by region`,
          },
        },
        jobs: [
          {
            id: 'report',
            kind: 'sql-report',
            config: {
              dataSource: 'sales',
              query: `select product, amount from ${schema}.sales where region = {region} order by product`,
              format: 'xlsx',
              fileName: 'sales-{region}',
            },
          },
        ],
        actions: [
          {
            kind: 'email',
            config: {
              to: ['{email}'],
              subject: 'Sales {region}, week of {date:yyyy-MM-dd}',
              body: 'Hello {manager}, {job.report.rows} sales are attached.',
            },
          },
          {
            kind: 'save-file',
            config: { folder: join(root, 'shared'), fileName: '{filename} {date:yyyy-MM-dd}' },
          },
        ],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.nextRunAt, '2026-03-02T06:00:00.000Z', 'Monday 07:00 in Berlin');

      const claimed = claimsOf(t.engine, created.body.id);
      await t.clock.advance(Date.parse('2026-03-02T06:00:00Z') - t.clock.now());
      const [claimedId] = await claimed;
      const listed = await alice.client.get(`/api/v1/runs?taskId=${created.body.id}`);
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      const runs: Array<{ id: string }> = listed.body.items;
      assert.equal(runs.length, 1, 'the Monday occurrence made one run');
      assert.equal(runs[0]?.id, claimedId);
      const run = await t.ended(runs[0]?.id ?? '');
      assert.equal(run.status, 'succeeded', JSON.stringify(run, null, 1));
      assert.equal(run.cause, 'schedule');
      assert.equal(run.items.length, 3);

      // One message per region, queued with the run and delivered by the outbox after it.
      const messages = await runMail(t.engine, t.services.store, run.id);
      assert.deepEqual(
        messages.map((message) => message.state),
        ['sent', 'sent', 'sent'],
      );
      assert.equal(smtp.received.length, 3);
      for (const { region, manager, email } of REGIONS) {
        const mail = smtp.received.find((each) => each.envelope.to.includes(email));
        assert.ok(mail, `a mail to ${email}`);
        assert.deepEqual(mail.envelope.to, [email], 'only that region’s manager');
        assert.equal(mail.mail.subject, `Sales ${region}, week of 2026-03-02`);
        const rows = expectedRows(region);
        assert.equal(
          mail.mail.text?.trim(),
          `Hello ${manager}, ${rows.length - 1} sales are attached.`,
        );
        assert.equal(mail.mail.attachments.length, 1);
        const attachment = mail.mail.attachments[0];
        assert.equal(attachment?.filename, `sales-${region}.xlsx`);
        assert.deepEqual(await sheetRows(attachment?.content ?? Buffer.alloc(0)), rows);
        const saved = readFileSync(join(root, 'shared', `sales-${region} 2026-03-02.xlsx`));
        assert.deepEqual(await sheetRows(saved), rows, `the filed copy for ${region}`);
      }
      assert.deepEqual(readdirSync(join(root, 'shared')).sort(), [
        'sales-North 2026-03-02.xlsx',
        'sales-South 2026-03-02.xlsx',
        'sales-West 2026-03-02.xlsx',
      ]);
    });
  });
}
