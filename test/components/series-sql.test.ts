import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sqlSeries } from '../../src/plugins/builtin/series/sql.ts';
import { componentHarness, type HarnessOptions } from '../support/component-context.ts';
import { DATABASE_KINDS, seedOrders, type SeededDatabase } from '../support/data-databases.ts';

for (const kind of DATABASE_KINDS) {
  describe(`series sql on ${kind}`, () => {
    let seeded: SeededDatabase;
    before(async () => {
      seeded = await seedOrders(kind);
    });
    after(async () => {
      await seeded.drop();
    });

    async function resolve(query: string, options: HarnessOptions = {}) {
      const context = await componentHarness({ dataSources: { shop: seeded.target }, ...options });
      try {
        const config = context.configFor(sqlSeries, { dataSource: 'shop', query });
        return await sqlSeries.resolve(config, context.series);
      } finally {
        await context.dispose();
      }
    }

    it('gives each row as a value, its columns the fields', async () => {
      const rows = await resolve(`select id, customer from ${seeded.table} order by id`);
      assert.deepEqual(
        rows.map((row) => [Number(row.id), row.customer]),
        [
          [1, 'Ann'],
          [2, "x' OR '1'='1"],
          [3, 'Bob, "the builder"'],
        ],
      );
    });

    it('binds the run parameters as values: SQL in a parameter matches only itself', async () => {
      const query = `select id from ${seeded.table} where customer = {who}`;
      const itself = await resolve(query, { placeholders: { who: "x' OR '1'='1" } });
      assert.deepEqual(
        itself.map((row) => Number(row.id)),
        [2],
      );
      const injected = await resolve(query, { placeholders: { who: "none' OR '1'='1" } });
      assert.deepEqual(injected, []);
    });

    it('refuses a query of more than 10,000 rows', async () => {
      // Digits crossed five times; portable where a recursive query is not (MariaDB stops at 1000).
      const digits = [...Array(10).keys()].map((d) => `select ${d}`).join(' union all ');
      const value = 'a.x + 10 * b.x + 100 * c.x + 1000 * e.x + 10000 * f.x';
      const numbers = `with d(x) as (${digits}) select ${value} as i from d a, d b, d c, d e, d f where ${value} < 10001`;
      await assert.rejects(
        resolve(numbers),
        /the query on 'shop' gives more than 10000 values; a series has at most 10000/,
      );
    });
  });
}

describe('series sql declaration', () => {
  it('needs job.sql and leaves its query unfilled', () => {
    assert.equal(sqlSeries.permission, 'job.sql');
    const schema = sqlSeries.configSchema as unknown as {
      properties: Record<string, Record<string, unknown>>;
    };
    assert.equal(schema.properties.query?.placeholders, false);
  });
});
