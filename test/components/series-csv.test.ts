import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { csvSeries } from '../../src/plugins/builtin/series/csv.ts';
import { componentHarness } from '../support/component-context.ts';

describe('series csv', () => {
  let root: string;
  let outside: string;

  before(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'tp-csv-root-')));
    outside = await realpath(await mkdtemp(join(tmpdir(), 'tp-csv-outside-')));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  async function resolve(config: Record<string, unknown>) {
    const context = await componentHarness({ folderRoots: [root] });
    try {
      return await csvSeries.resolve(context.configFor(csvSeries, config), context.series);
    } finally {
      await context.dispose();
    }
  }

  async function file(name: string, content: string): Promise<string> {
    const path = join(root, name);
    await writeFile(path, content);
    return path;
  }

  it('gives each row as an object of text named by the header, quotes and line breaks intact', async () => {
    const path = await file(
      'people.csv',
      '\uFEFFlogin,name,note\r\nann,"Smith, Ann","said ""hi""\r\non two lines"\r\n\r\nbob,Bob,42\r\n',
    );
    assert.deepEqual(await resolve({ file: path }), [
      { login: 'ann', name: 'Smith, Ann', note: 'said "hi"\r\non two lines' },
      { login: 'bob', name: 'Bob', note: '42' },
    ]);
  });

  it('splits on the delimiter given', async () => {
    const semicolons = await file('semi.csv', 'a;b\n1,5;x\n');
    assert.deepEqual(await resolve({ file: semicolons, delimiter: ';' }), [{ a: '1,5', b: 'x' }]);
    const tabs = await file('tabs.tsv', 'a\tb\n1\t2\n');
    assert.deepEqual(await resolve({ file: tabs, delimiter: '\t' }), [{ a: '1', b: '2' }]);
  });

  it('takes 10,000 rows and refuses 10,001 with a clear error', async () => {
    const rows = (count: number) =>
      ['n', ...Array.from({ length: count }, (_, i) => String(i))].join('\n');
    const most = await file('most.csv', rows(10_000));
    assert.equal((await resolve({ file: most })).length, 10_000);
    const tooMany = await file('too-many.csv', rows(10_001));
    await assert.rejects(
      resolve({ file: tooMany }),
      new RegExp(`the file ${tooMany} gives more than 10000 values; a series has at most 10000`),
    );
  });

  it('refuses header rows that would lose fields, and rows of the wrong length', async () => {
    await assert.rejects(
      resolve({ file: await file('blank.csv', 'a,,c\n1,2,3\n') }),
      /cannot read the CSV file .*blank\.csv: column 2 of the header row has no name/,
    );
    await assert.rejects(
      resolve({ file: await file('twice.csv', 'a,b,a\n1,2,3\n') }),
      /the header row names 'a' twice/,
    );
    await assert.rejects(
      resolve({ file: await file('ragged.csv', 'a,b\n1,2\n3\n') }),
      /cannot read the CSV file .*ragged\.csv: .*(record length|columns length)/i,
    );
  });

  it('refuses a file outside the allowed folders, also through a link, and a missing one', async () => {
    const secret = join(outside, 'secret.csv');
    await writeFile(secret, 'a\n1\n');
    await assert.rejects(resolve({ file: secret }), /is outside the allowed folders/);
    const link = join(root, 'link.csv');
    await symlink(secret, link);
    await assert.rejects(resolve({ file: link }), /is outside the allowed folders/);
    await assert.rejects(
      resolve({ file: join(root, 'none.csv') }),
      new RegExp(`the file ${join(root, 'none.csv')} does not exist`),
    );
  });

  it('declares the permission series.files', () => {
    assert.equal(csvSeries.permission, 'series.files');
  });
});
