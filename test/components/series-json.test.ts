import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jsonSeries } from '../../src/plugins/builtin/series/json.ts';
import { componentHarness } from '../support/component-context.ts';

describe('series json', () => {
  let root: string;

  before(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'tp-json-root-')));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function resolve(config: Record<string, unknown>, permissions = ['series.files']) {
    const context = await componentHarness({ folderRoots: [root], permissions });
    try {
      return await jsonSeries.resolve(context.configFor(jsonSeries, config), context.series);
    } finally {
      await context.dispose();
    }
  }

  async function file(name: string, content: unknown): Promise<string> {
    const path = join(root, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  it('gives the items written in the task, without needing series.files', async () => {
    const items = [
      { login: 'ann', n: 1 },
      { login: 'bob', tags: ['x'] },
    ];
    assert.deepEqual(await resolve({ items }, []), items);
  });

  it('reads an array of objects from a file', async () => {
    const items = [
      { id: 1, name: 'Ann' },
      { id: 2, name: 'Bob', nested: { a: true } },
    ];
    assert.deepEqual(await resolve({ file: await file('people.json', items) }), items);
  });

  it('refuses a file that is not an array of objects, saying what it holds', async () => {
    const object = await file('object.json', { items: [] });
    await assert.rejects(
      resolve({ file: object }),
      new RegExp(`the file ${object} holds an object, not an array of objects`),
    );
    const mixed = await file('mixed.json', [{ a: 1 }, 'two', { c: 3 }]);
    await assert.rejects(resolve({ file: mixed }), /item 2 is a string, not an object/);
    const nested = await file('nested.json', [[1, 2]]);
    await assert.rejects(resolve({ file: nested }), /item 1 is an array, not an object/);
    const broken = await file('broken.json', '[{"a": 1},');
    await assert.rejects(
      resolve({ file: broken }),
      /cannot read the JSON file .*broken\.json: .*JSON/,
    );
  });

  it('refuses more than 10,000 items from a file', async () => {
    const many = await file(
      'many.json',
      Array.from({ length: 10_001 }, (_, id) => ({ id })),
    );
    await assert.rejects(resolve({ file: many }), /gives more than 10000 values/);
  });

  it('reads a file only for an owner holding series.files, and only inside the allowed folders', async () => {
    const path = await file('ok.json', [{ a: 1 }]);
    await assert.rejects(
      resolve({ file: path }, []),
      /reading a JSON file needs the permission 'series.files', which the owner 'alice' does not hold/,
    );
    await assert.rejects(resolve({ file: '/etc/passwd' }), /is outside the allowed folders/);
  });

  it('asks for exactly one of items and file', () => {
    const check = jsonSeries.check;
    assert.ok(check);
    assert.deepEqual(check({}, '/series/config', 'UTC'), [
      { path: '/series/config', message: 'give either items or file' },
    ]);
    assert.equal(check({ items: [], file: '/x.json' }, '/c', 'UTC').length, 1);
    assert.deepEqual(check({ items: [] }, '/c', 'UTC'), []);
    assert.deepEqual(check({ file: '/x.json' }, '/c', 'UTC'), []);
  });
});
