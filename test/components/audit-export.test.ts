import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { auditEvent } from '../../src/domain/audit.ts';
import { auditExportJob, periodRange } from '../../src/plugins/builtin/jobs/audit-export.ts';
import type { FileResult } from '../../src/plugins/results.ts';
import { backends, type TestStore } from '../support/backends.ts';
import { componentHarness } from '../support/component-context.ts';

const iso = (range: { from: Date; to: Date }) => [range.from.toISOString(), range.to.toISOString()];

describe('audit-export periods', () => {
  const at = new Date('2026-03-04T10:00:00Z'); // a Wednesday

  it('takes the previous day, ISO week and month from local midnight to local midnight', () => {
    const zone = 'Europe/Berlin'; // UTC+1 in March before the 29th
    assert.deepEqual(iso(periodRange('previous-day', at, zone)), [
      '2026-03-02T23:00:00.000Z',
      '2026-03-03T23:00:00.000Z',
    ]);
    assert.deepEqual(iso(periodRange('previous-week', at, zone)), [
      '2026-02-22T23:00:00.000Z',
      '2026-03-01T23:00:00.000Z',
    ]);
    assert.deepEqual(iso(periodRange('previous-month', at, zone)), [
      '2026-01-31T23:00:00.000Z',
      '2026-02-28T23:00:00.000Z',
    ]);
    assert.deepEqual(iso(periodRange('last-24-hours', at, zone)), [
      '2026-03-03T10:00:00.000Z',
      '2026-03-04T10:00:00.000Z',
    ]);
  });

  it('reads "yesterday" in the task\'s zone, not in UTC', () => {
    // 2026-03-04 02:00 in Auckland is still 3 March in UTC.
    const early = new Date('2026-03-03T13:00:00Z');
    assert.deepEqual(iso(periodRange('previous-day', early, 'Pacific/Auckland')), [
      '2026-03-02T11:00:00.000Z',
      '2026-03-03T11:00:00.000Z',
    ]);
  });

  it('gives a day across a DST change its true length (23 hours in spring)', () => {
    const range = periodRange('previous-day', new Date('2026-03-30T12:00:00Z'), 'Europe/Berlin');
    assert.deepEqual(iso(range), ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    const month = periodRange(
      'previous-month',
      new Date('2026-01-15T12:00:00Z'),
      'America/New_York',
    );
    assert.deepEqual(iso(month), ['2025-12-01T05:00:00.000Z', '2026-01-01T05:00:00.000Z']);
  });

  it('reads custom bounds with an offset as written and local ones in the zone', () => {
    const zone = 'Asia/Kolkata';
    assert.deepEqual(iso(periodRange({ from: '2026-03-01', to: '2026-03-02T06:30' }, at, zone)), [
      '2026-02-28T18:30:00.000Z',
      '2026-03-02T01:00:00.000Z',
    ]);
    assert.deepEqual(
      iso(
        periodRange({ from: '2026-03-01T00:00:00Z', to: '2026-03-01T12:00:00.5+02:00' }, at, zone),
      ),
      ['2026-03-01T00:00:00.000Z', '2026-03-01T10:00:00.500Z'],
    );
  });

  it('refuses custom bounds that are not dates, or out of order', () => {
    assert.throws(
      () => periodRange({ from: 'yesterday', to: '2026-03-01' }, at, 'UTC'),
      /period from 'yesterday' is not an ISO date-time/,
    );
    assert.throws(
      () => periodRange({ from: '2026-02-30', to: '2026-03-01' }, at, 'UTC'),
      /period from '2026-02-30' is not an ISO date-time/,
    );
    assert.throws(
      () => periodRange({ from: '2026-03-02', to: '2026-03-01' }, at, 'UTC'),
      /period from '2026-03-02' is not before to '2026-03-01'/,
    );
  });
});

for (const backend of await backends()) {
  describe(`audit-export over ${backend.name}`, { skip: backend.skip }, () => {
    let opened: TestStore;
    before(async () => {
      opened = await backend.open('auditexport');
      const actor = { userId: 'u1', login: 'alice', address: '10.0.0.7' };
      const events = [
        ['2026-03-02T22:59:59.999Z', 'task.create', 'before the day'],
        ['2026-03-02T23:00:00.000Z', 'task.update', 'first of the day'],
        ['2026-03-03T12:00:00.000Z', 'user.update', 'a "quoted", comma\nand a new line'],
        ['2026-03-03T23:00:00.000Z', 'task.delete', 'after the day'],
      ] as const;
      for (const [at, action, note] of events) {
        await opened.store.audit.append(
          auditEvent(actor, new Date(at), action, 'task', 't-1', { note }),
        );
      }
    });
    after(async () => {
      await opened.dispose();
    });

    it("writes the events of the previous day in the task's zone into a CSV file", async () => {
      const context = await componentHarness({
        timezone: 'Europe/Berlin',
        scheduledFor: new Date('2026-03-04T05:00:00Z'),
        host: { auditEvents: (from, to) => opened.store.audit.between(from, to, 1000) },
      });
      try {
        const config = context.configFor(auditExportJob, { period: 'previous-day' });
        const [file] = (await auditExportJob.run(config, context.job)) as FileResult[];
        assert.ok(file);
        assert.equal(file.name, 'audit-2026-03-03.csv');
        assert.equal(file.mediaType, 'text/csv; charset=utf-8');
        const records = parse<Record<string, string>>(await readFile(file.path, 'utf8'), {
          columns: true,
        });
        assert.deepEqual(
          records.map((record) => [record.at, record.action]),
          [
            ['2026-03-03T00:00:00+01:00', 'task.update'],
            ['2026-03-03T13:00:00+01:00', 'user.update'],
          ],
        );
        assert.deepEqual(Object.keys(records[0] ?? {}), [
          'at',
          'actor',
          'address',
          'action',
          'objectType',
          'objectId',
          'details',
        ]);
        const second = records[1] ?? {};
        assert.equal(second.actor, 'alice');
        assert.equal(second.address, '10.0.0.7');
        assert.equal(second.objectType, 'task');
        assert.equal(second.objectId, 't-1');
        assert.deepEqual(JSON.parse(second.details ?? ''), {
          note: 'a "quoted", comma\nand a new line',
        });
        assert.equal(context.outputs.events, 2);
      } finally {
        await context.dispose();
      }
    });

    it("names the file after a custom period's first and last day", async () => {
      const context = await componentHarness({
        host: { auditEvents: (from, to) => opened.store.audit.between(from, to, 1000) },
      });
      try {
        const config = context.configFor(auditExportJob, {
          period: { from: '2026-03-01', to: '2026-03-03' },
          fileName: 'log {from} to {to}',
        });
        const [file] = (await auditExportJob.run(config, context.job)) as FileResult[];
        assert.equal(file?.name, 'log 2026-03-01 to 2026-03-02.csv');
        const records = parse<Record<string, string>>(await readFile(file.path, 'utf8'), {
          columns: true,
        });
        assert.deepEqual(
          records.map((record) => record.action),
          ['task.create', 'task.update'],
        );
      } finally {
        await context.dispose();
      }
    });
  });
}

describe('audit-export permission', () => {
  it('needs the core permission audit.read', () => {
    assert.equal(auditExportJob.permission, 'audit.read');
  });
});
