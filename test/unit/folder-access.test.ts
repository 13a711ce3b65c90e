import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allowedPath, realFolder } from '../../src/settings/folder-access.ts';

const OUTSIDE = /is outside the allowed folders/;

describe('allowedPath', () => {
  let base: string;
  let root: string;
  let outside: string;

  before(() => {
    // Real paths, as the settings store roots.
    base = realpathSync(mkdtempSync(join(tmpdir(), 'tp-folder-access-')));
    root = join(base, 'data');
    outside = join(base, 'elsewhere');
    mkdirSync(join(root, 'reports'), { recursive: true });
    mkdirSync(outside);
    mkdirSync(join(base, 'data-other'));
    writeFileSync(join(root, 'reports', 'r.csv'), 'a,b\n');
    writeFileSync(join(outside, 'passwd'), 'secret\n');
    symlinkSync(join(outside, 'passwd'), join(root, 'file-link'));
    symlinkSync(outside, join(root, 'folder-link'));
    symlinkSync(join(root, 'reports'), join(root, 'inner-link'));
    symlinkSync(join(outside, 'not-yet'), join(root, 'dangling-link'));
  });
  after(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it('allows a file or folder inside a root, and the root itself, as its real path', async () => {
    const file = join(root, 'reports', 'r.csv');
    assert.equal(await allowedPath(file, [root]), file);
    assert.equal(await allowedPath(join(root, 'reports'), [root]), join(root, 'reports'));
    assert.equal(await allowedPath(root, [root]), root);
    assert.equal(await allowedPath(`${root}/`, [root]), root);
  });

  it('allows a path inside any one of several roots', async () => {
    const file = join(outside, 'passwd');
    assert.equal(await allowedPath(file, [root, outside]), file);
  });

  it("refuses '..' that leaves the root, even when it passes through it", async () => {
    await assert.rejects(allowedPath(join(root, '..', 'elsewhere', 'passwd'), [root]), OUTSIDE);
    await assert.rejects(allowedPath(`${root}/reports/../../elsewhere/passwd`, [root]), OUTSIDE);
    await assert.rejects(allowedPath(`${root}/..`, [root]), OUTSIDE);
  });

  it("allows '..' that stays inside the root, as the resolved path", async () => {
    const path = `${root}/reports/../reports/r.csv`;
    assert.equal(await allowedPath(path, [root]), join(root, 'reports', 'r.csv'));
  });

  it('refuses a sibling folder whose name starts with the root name', async () => {
    await assert.rejects(allowedPath(join(base, 'data-other', 'x.txt'), [root]), OUTSIDE);
  });

  it('refuses a link to a file or folder outside, naming where it leads', async () => {
    await assert.rejects(allowedPath(join(root, 'file-link'), [root]), (error: Error) => {
      assert.match(error.message, OUTSIDE);
      assert.ok(error.message.includes(join(outside, 'passwd')), error.message);
      return true;
    });
    await assert.rejects(allowedPath(join(root, 'folder-link', 'passwd'), [root]), OUTSIDE);
    await assert.rejects(allowedPath(join(root, 'folder-link', 'new.txt'), [root]), OUTSIDE);
  });

  it('refuses a dangling link whose target lies outside (writing it would create that file)', async () => {
    await assert.rejects(allowedPath(join(root, 'dangling-link'), [root]), OUTSIDE);
  });

  it('allows a link that stays inside, answering the real path', async () => {
    const path = join(root, 'inner-link', 'r.csv');
    assert.equal(await allowedPath(path, [root]), join(root, 'reports', 'r.csv'));
  });

  it('checks a file that does not exist yet by its parent folders', async () => {
    const deep = join(root, 'new', 'deeper', 'out.txt');
    assert.equal(await allowedPath(deep, [root]), deep);
    await assert.rejects(allowedPath(join(outside, 'new', 'out.txt'), [root]), OUTSIDE);
  });

  it("allows a name inside the root that merely starts with '..'", async () => {
    const path = join(root, '..notes.txt');
    assert.equal(await allowedPath(path, [root]), path);
  });

  it('refuses a relative path, even one that would resolve inside', async () => {
    await assert.rejects(
      allowedPath('reports/r.csv', [root]),
      /the path 'reports\/r.csv' must be absolute/,
    );
    await assert.rejects(allowedPath('', [root]), /must be absolute/);
    await assert.rejects(allowedPath('.', [root]), /must be absolute/);
  });

  it('refuses every path when no root is allowed', async () => {
    await assert.rejects(
      allowedPath(join(root, 'reports', 'r.csv'), []),
      /outside the allowed folders: an administrator has allowed none yet/,
    );
  });
});

describe('realFolder', () => {
  let base: string;

  before(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'tp-real-folder-')));
    mkdirSync(join(base, 'real'));
    symlinkSync(join(base, 'real'), join(base, 'link'));
  });
  after(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it('answers the real path of an existing folder', async () => {
    assert.equal(await realFolder(join(base, 'link')), join(base, 'real'));
    assert.equal(await realFolder(join(base, 'real')), join(base, 'real'));
  });

  it('refuses a relative or missing folder', async () => {
    await assert.rejects(realFolder('real'), /must be an absolute path/);
    await assert.rejects(realFolder(join(base, 'missing')), /does not exist on this server/);
  });
});
