import assert from 'node:assert/strict';
import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  realpath,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { saveFileAction } from '../../src/plugins/builtin/actions/save-file.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { componentHarness, type ComponentHarness } from '../support/component-context.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { actionOutcome, runTask } from '../support/engine-runs.ts';

const DAY_MS = 86_400_000;

describe('save-file action', () => {
  let root: string;
  let outside: string;
  let d: ComponentHarness;

  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'tp-root-')));
    outside = await realpath(await mkdtemp(join(tmpdir(), 'tp-outside-')));
    d = await componentHarness({
      at: new Date('2026-03-02T08:00:00Z'),
      folderRoots: [root],
      placeholders: { region: 'north', up: '../..' },
    });
  });
  afterEach(async () => {
    await d.dispose();
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  const save = (config: Record<string, unknown>) =>
    saveFileAction.run(d.configFor(saveFileAction, config), d.action);

  it('names each file by the format, filled per file, keeping its extension', async () => {
    await d.file('sales.csv', 'a,b\n');
    await d.file('notes.txt', 'hello');
    await save({ folder: root, fileName: '{region}-{filename}-{date}' });
    assert.deepEqual((await readdir(root)).sort(), [
      'north-notes-2026-03-02.txt',
      'north-sales-2026-03-02.csv',
    ]);
    assert.equal(await readFile(join(root, 'north-sales-2026-03-02.csv'), 'utf8'), 'a,b\n');
    assert.ok(
      d.lines.some(
        (line) => line.message === `saved sales.csv as north-sales-2026-03-02.csv in ${root}`,
      ),
    );
  });

  it('keeps both by adding (1), (2) before the extension, leaving the first alone', async () => {
    const result = await d.file('report.csv', 'first');
    await save({ folder: root });
    await writeFile(result.path, 'second');
    await save({ folder: root });
    await writeFile(result.path, 'third');
    await save({ folder: root, ifExists: 'keep-both' });
    const texts = await Promise.all(
      ['report.csv', 'report (1).csv', 'report (2).csv'].map((name) =>
        readFile(join(root, name), 'utf8'),
      ),
    );
    assert.deepEqual(texts, ['first', 'second', 'third']);
    assert.equal((await readdir(root)).length, 3, 'no temporary file is left behind');
  });

  it('overwrites in place when asked, leaving no temporary file', async () => {
    const result = await d.file('report.csv', 'old');
    await save({ folder: root, ifExists: 'overwrite' });
    await writeFile(result.path, 'new');
    await save({ folder: root, ifExists: 'overwrite' });
    assert.deepEqual(await readdir(root), ['report.csv']);
    assert.equal(await readFile(join(root, 'report.csv'), 'utf8'), 'new');
  });

  /** A file this task saved (or, with savedBy 'someone else', another's) some days ago. */
  const aged = async (name: string, days: number, savedBy: 'this task' | 'someone else') => {
    await writeFile(join(root, name), name);
    const at = new Date(d.action.now().getTime() - days * DAY_MS);
    await utimes(join(root, name), at, at);
    if (savedBy === 'this task') await d.action.host.savedFiles.record(root, name);
  };

  it('deletes older files of the same format and extension that it saved, and nothing else', async () => {
    await aged('report-2026-01-01.csv', 40, 'this task');
    await aged('report-2026-01-01 (1).csv', 40, 'this task');
    await aged('report-2026-01-02.csv', 40, 'someone else');
    await aged('report-2026-02-28.csv', 2, 'this task');
    await aged('other-2026-01-01.csv', 40, 'this task');
    await aged('report-2026-01-01.txt', 40, 'this task');
    await mkdir(join(root, 'report-folder.csv'));
    await d.file('x.csv', 'today');
    await save({ folder: root, fileName: 'report-{date}', deleteOlderThanDays: 30 });
    assert.deepEqual((await readdir(root)).sort(), [
      'other-2026-01-01.csv',
      'report-2026-01-01.txt',
      'report-2026-01-02.csv',
      'report-2026-02-28.csv',
      'report-2026-03-02.csv',
      'report-folder.csv',
    ]);
    assert.ok(
      d.lines.some((line) => line.message === 'deleted report-2026-01-01.csv (older than 30 days)'),
    );
  });

  it('overwrites only a file it saved itself; another one is kept and its file saved beside', async () => {
    await aged('theirs.csv', 1, 'someone else');
    await d.file('data.csv', 'mine');
    await save({ folder: root, fileName: 'theirs', ifExists: 'overwrite' });
    assert.equal(await readFile(join(root, 'theirs.csv'), 'utf8'), 'theirs.csv', 'kept');
    assert.equal(await readFile(join(root, 'theirs (1).csv'), 'utf8'), 'mine');
    assert.ok(d.lines.some((line) => /was not saved by this task/.test(line.message)));
    await d.file('data.csv', 'mine again');
    await save({ folder: root, fileName: 'theirs (1)', ifExists: 'overwrite' });
    assert.equal(await readFile(join(root, 'theirs (1).csv'), 'utf8'), 'mine again', 'its own');
  });

  it('refuses file names with a folder part, written or from a placeholder', async () => {
    await d.file('data.csv', 'x');
    await assert.rejects(save({ folder: root, fileName: 'sub/{filename}' }), {
      message: "the file name 'sub/data.csv' contains a path separator; give a plain file name",
    });
    await assert.rejects(save({ folder: root, fileName: '{up}{filename}' }), {
      message: "the file name '../..data.csv' contains a path separator; give a plain file name",
    });
    assert.deepEqual(await readdir(root), []);
    assert.deepEqual(await readdir(outside), []);
  });

  it('refuses a result named ..', async () => {
    await d.file('..', 'x');
    await assert.rejects(save({ folder: root }), {
      message: "the file name '..' is not a usable name",
    });
  });

  it('refuses a folder that climbs out of the roots with ..', async () => {
    await d.file('data.csv', 'x');
    const climbing = join(root, 'sub', '..', '..', outside.split('/').pop() ?? '');
    await assert.rejects(save({ folder: climbing }), {
      message: `the path ${climbing} is outside the allowed folders`,
    });
    assert.deepEqual(await readdir(outside), []);
  });

  it('refuses a folder outside the roots, and one that is a link to outside', async () => {
    await d.file('data.csv', 'x');
    await assert.rejects(save({ folder: outside }), {
      message: `the path ${outside} is outside the allowed folders`,
    });
    await symlink(outside, join(root, 'link'));
    await assert.rejects(save({ folder: join(root, 'link') }), {
      message: `the path ${join(root, 'link')} (${outside}) is outside the allowed folders`,
    });
    assert.deepEqual(await readdir(outside), []);
  });

  it('refuses to write through a link in the folder, even when overwriting', async () => {
    await writeFile(join(outside, 'target.csv'), 'precious');
    await symlink(join(outside, 'target.csv'), join(root, 'data.csv'));
    await d.file('data.csv', 'attack');
    for (const ifExists of ['overwrite', 'keep-both']) {
      await assert.rejects(save({ folder: root, ifExists }), {
        message: `${join(root, 'data.csv')} is a link; refusing to write through it`,
      });
    }
    assert.equal(await readFile(join(outside, 'target.csv'), 'utf8'), 'precious');
  });

  it('makes a missing folder inside a root', async () => {
    await d.file('data.csv', 'x');
    await save({ folder: join(root, 'a', 'b') });
    assert.equal(await readFile(join(root, 'a', 'b', 'data.csv'), 'utf8'), 'x');
  });

  it('leaves no file behind when the run is stopped', async () => {
    await d.file('data.csv', 'x'.repeat(1_000_000));
    d.controller.abort('canceled');
    await assert.rejects(save({ folder: root }), { name: 'AbortError' });
    assert.deepEqual(await readdir(root), []);
  });
});

for (const backend of await backends()) {
  describe(`save-file through the engine on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let root: string;
    let outside: string;
    let alice: ApiClient;
    let bob: ApiClient;
    before(async () => {
      root = await realpath(await mkdtemp(join(tmpdir(), 'tp-root-')));
      outside = await realpath(await mkdtemp(join(tmpdir(), 'tp-outside-')));
      t = await startEngineApp(backend, 'save-file');
      const settings = await t.admin.patch('/api/v1/settings', { folderRoots: [root] });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
      alice = (await t.user('alice', ['taskplanner', 'action.files'])).client;
      bob = (await t.user('bob', ['taskplanner'])).client;
    });
    after(async () => {
      await t?.close();
      await rm(root, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    });

    const job = { kind: 'file', config: { name: 'out.txt', content: 'hello' } };
    const saveInto = (folder: string) => ({
      id: 'save',
      kind: 'save-file',
      config: { folder, fileName: '{filename}-{region}-{date}' },
    });

    it('saves the job file under its format, filled with the run placeholders', async () => {
      const run = await runTask(
        t,
        alice,
        { jobs: [job], actions: [saveInto(join(root, '{region}'))] },
        { region: 'north' },
      );
      assert.equal(run.status, 'succeeded', JSON.stringify(run.items));
      const saved = join(root, 'north', 'out-north-2026-03-02.txt');
      assert.equal(await readFile(saved, 'utf8'), 'hello');
    });

    it('fails for a folder outside the allowed folders', async () => {
      const unsaved = await alice.post('/api/v1/tasks', {
        name: 'Out',
        actions: [saveInto(outside)],
      });
      assert.equal(unsaved.status, 400, 'refused at save (test/api/save-checks.test.ts)');
      // Named through a placeholder, the folder is known only when the task runs.
      const actions = [saveInto('{target}')];
      const run = await runTask(t, alice, { jobs: [job], actions }, { target: outside });
      assert.equal(run.status, 'failed');
      assert.equal(
        actionOutcome(run).message,
        `the path ${outside} is outside the allowed folders`,
      );
      assert.deepEqual(await readdir(outside), []);
    });

    it('fails for an owner without action.files, writing nothing', async () => {
      const run = await runTask(t, bob, {
        jobs: [job],
        actions: [saveInto(join(root, 'bob'))],
      });
      assert.equal(run.status, 'failed');
      assert.equal(
        actionOutcome(run).message,
        "action save (save-file) needs the permission 'action.files', which the owner 'bob' does not hold",
      );
      assert.equal((await readdir(root)).includes('bob'), false);
    });
  });
}
