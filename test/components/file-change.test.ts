import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { runsOf, type RunView } from '../support/engine-runs.ts';

const SETTLE_SECONDS = 0.2;
/** How long an absence is watched for: several settle periods of real time. */
const QUIET_MS = 800;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A task watching a folder; its file job shows the placeholders the change gave it. */
function watching(path: string, config: Record<string, unknown> = {}) {
  return {
    name: 'watcher',
    triggers: [
      {
        id: 'files',
        kind: 'file-change',
        config: { path, settleSeconds: SETTLE_SECONDS, ...config },
      },
    ],
    jobs: [
      {
        kind: 'file',
        config: {
          name: 'out.txt',
          content: 'count={changedCount}\nfirst={file}\ncause={run.cause}\nall:\n{changed}',
        },
      },
    ],
  };
}

for (const backend of await backends()) {
  describe(`file-change trigger on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    let root: string;
    let outside: string;

    before(async () => {
      root = realpathSync(mkdtempSync(join(tmpdir(), 'tp-watch-root-')));
      outside = realpathSync(mkdtempSync(join(tmpdir(), 'tp-watch-outside-')));
      t = await startEngineApp(backend, 'file-change');
      alice = (await t.user('alice', ['taskplanner', 'trigger.files'])).client;
      const allowed = await t.admin.patch('/api/v1/settings', { folderRoots: [root] });
      assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
    });
    after(async () => {
      await t?.close();
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    });

    async function create(body: Record<string, unknown>): Promise<string> {
      const created = await alice.post('/api/v1/tasks', body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id;
    }

    /** Polls (bounded, real time) until the task has at least count runs, then waits them out. */
    async function runsReaching(taskId: string, count: number, ms = 10_000): Promise<RunView[]> {
      const deadline = Date.now() + ms;
      for (;;) {
        const runs = await runsOf(t, taskId);
        if (runs.length >= count) {
          for (const run of runs) await t.ended(run.id);
          return runsOf(t, taskId);
        }
        if (Date.now() > deadline)
          assert.fail(`task ${taskId} had ${runs.length} runs, not ${count}`);
        await pause(25);
      }
    }

    /** The task's runs after a quiet spell in which nothing more started. */
    async function quietRuns(taskId: string): Promise<RunView[]> {
      for (;;) {
        const before = (await runsOf(t, taskId)).length;
        await pause(QUIET_MS);
        const runs = await runsOf(t, taskId);
        if (runs.length === before) {
          for (const run of runs) await t.ended(run.id);
          return runs;
        }
      }
    }

    /**
     * The watcher starts asynchronously after the task is saved and says nothing when ready:
     * touches a probe file until a run shows the task is watching. Returns the run count after.
     */
    async function untilWatching(
      taskId: string,
      folder: string,
      probe = 'probe.txt',
      runsBefore = 0,
    ): Promise<number> {
      const deadline = Date.now() + 15_000;
      while ((await runsOf(t, taskId)).length <= runsBefore) {
        if (Date.now() > deadline) assert.fail(`task ${taskId} never started watching ${folder}`);
        writeFileSync(join(folder, probe), String(Date.now()));
        await pause(400);
      }
      return (await quietRuns(taskId)).length;
    }

    async function output(run: RunView): Promise<string> {
      const view = (await alice.get(`/api/v1/runs/${run.id}`)).body;
      const file = await alice.get(
        `/api/v1/runs/${run.id}/artifacts/${view.results[0]?.artifactId}`,
      );
      assert.equal(file.status, 200, JSON.stringify(view));
      return String(file.body);
    }

    it('only an administrator sets the folder roots; bad roots are 400 and change nothing', async () => {
      const file = join(root, 'plain-file');
      writeFileSync(file, 'x');
      assert.equal((await alice.patch('/api/v1/settings', { folderRoots: [outside] })).status, 403);
      const bad: Array<[unknown, string]> = [
        [['relative/folder'], '/folderRoots/0'],
        [[root, join(root, 'missing')], '/folderRoots/1'],
        [[file], '/folderRoots/0'],
        [[''], '/folderRoots/0'],
        [[`/${'a'.repeat(5000)}`], '/folderRoots/0'],
        [Array.from({ length: 101 }, () => root), '/folderRoots'],
        ['/tmp', '/folderRoots'],
      ];
      for (const [folderRoots, field] of bad) {
        const refused = await t.admin.patch('/api/v1/settings', { folderRoots });
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        assert.ok(
          refused.body.errors.some((issue: { path: string }) => issue.path === field),
          `${field}: ${JSON.stringify(refused.body.errors)}`,
        );
      }
      const settings = await t.admin.get('/api/v1/settings');
      assert.deepEqual(settings.body.folderRoots, [root]);
      rmSync(file);
    });

    it('fires once for a burst of writes, with the changed paths as placeholders', async () => {
      const folder = join(root, 'burst');
      mkdirSync(folder);
      const taskId = await create(watching(folder));
      const before = await untilWatching(taskId, folder);
      const names = ['c.csv', 'a.csv', 'b.txt', 'd.csv', 'e.log'];
      for (const name of names) writeFileSync(join(folder, name), name);
      const runs = await runsReaching(taskId, before + 1);
      assert.equal((await quietRuns(taskId)).length, before + 1, 'one run for the whole burst');
      const run = runs.at(-1) as RunView;
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.equal(run.cause, 'file');
      const paths = names.map((name) => join(folder, name)).sort();
      const view = (await alice.get(`/api/v1/runs/${run.id}`)).body;
      assert.deepEqual(view.parameters, {
        changed: paths.join('\n'),
        changedCount: '5',
        file: paths[0],
      });
      assert.equal(
        await output(run),
        `count=5\nfirst=${paths[0]}\ncause=file\nall:\n${paths.join('\n')}`,
      );
    });

    it('passes only files matching the glob, and fires for nothing else', async () => {
      const folder = join(root, 'globbed');
      mkdirSync(join(folder, 'sub'), { recursive: true });
      const taskId = await create(watching(folder, { glob: '**/*.csv' }));
      const before = await untilWatching(taskId, folder, 'probe.csv');
      writeFileSync(join(folder, 'skip.txt'), 'no');
      writeFileSync(join(folder, 'sub', 'deep.csv'), 'yes');
      writeFileSync(join(folder, 'top.csv'), 'yes');
      await runsReaching(taskId, before + 1);
      const runs = await quietRuns(taskId);
      assert.equal(runs.length, before + 1);
      const view = (await alice.get(`/api/v1/runs/${runs.at(-1)?.id}`)).body;
      assert.deepEqual(view.parameters.changed.split('\n'), [
        join(folder, 'sub', 'deep.csv'),
        join(folder, 'top.csv'),
      ]);
      writeFileSync(join(folder, 'only.txt'), 'no');
      writeFileSync(join(folder, 'sub', 'also.log'), 'no');
      assert.equal((await quietRuns(taskId)).length, before + 1, 'no run for files the glob skips');
    });

    it('does not watch a folder outside the roots, nor one reached through a link', async () => {
      const link = join(root, 'link-to-outside');
      symlinkSync(outside, link);
      // Refused at save (test/api/save-checks.test.ts); saved while still allowed, then not.
      for (const path of [outside, link]) {
        const refused = await alice.post('/api/v1/tasks', watching(path));
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
      }
      const widened = await t.admin.patch('/api/v1/settings', { folderRoots: [root, outside] });
      assert.equal(widened.status, 200, JSON.stringify(widened.body));
      const taskId = await create(watching(outside));
      const linked = await create(watching(link));
      const narrowed = await t.admin.patch('/api/v1/settings', { folderRoots: [root] });
      assert.equal(narrowed.status, 200, JSON.stringify(narrowed.body));
      const control = join(root, 'control');
      mkdirSync(control);
      const controlId = await create(watching(control));
      await untilWatching(controlId, control);
      for (let i = 0; i < 3; i++) {
        writeFileSync(join(outside, `secret-${i}.txt`), 'x');
        await pause(300);
      }
      assert.deepEqual(await quietRuns(taskId), []);
      assert.deepEqual(await quietRuns(linked), []);
    });

    it('does not follow a link inside a watched folder out of the roots', async () => {
      const folder = join(root, 'with-link');
      mkdirSync(folder);
      const away = join(outside, 'linked-target');
      mkdirSync(away);
      symlinkSync(away, join(folder, 'away'));
      const taskId = await create(watching(folder));
      const before = await untilWatching(taskId, folder);
      for (let i = 0; i < 3; i++) {
        writeFileSync(join(away, `beyond-${i}.txt`), 'x');
        await pause(300);
      }
      assert.equal((await quietRuns(taskId)).length, before, 'no run for files behind the link');
    });

    it('starts no watcher for an owner who no longer holds trigger.files', async () => {
      const bob = await t.user('bob-files', ['taskplanner', 'trigger.files']);
      const folder = join(root, 'bobs');
      mkdirSync(folder);
      const created = await bob.client.post('/api/v1/tasks', watching(folder));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const revoked = await t.admin.patch(`/api/v1/users/${bob.id}`, {
        permissions: ['taskplanner'],
      });
      assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
      await t.stopEngine();
      await t.restartEngine();
      for (let i = 0; i < 3; i++) {
        writeFileSync(join(folder, `after-restart-${i}.txt`), 'x');
        await pause(300);
      }
      assert.deepEqual(await quietRuns(created.body.id), [], 'not even a refused run');
    });

    it('stops watching when the task is disabled, and watches again once enabled', async () => {
      const folder = join(root, 'toggled');
      mkdirSync(folder);
      const taskId = await create(watching(folder));
      const before = await untilWatching(taskId, folder);
      const disabled = await alice.post(`/api/v1/tasks/${taskId}/disable`);
      assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
      writeFileSync(join(folder, 'while-off.txt'), 'x');
      assert.equal((await quietRuns(taskId)).length, before, 'no run while disabled');
      const enabled = await alice.post(`/api/v1/tasks/${taskId}/enable`);
      assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
      const again = await untilWatching(taskId, folder, 'back-on.txt', before);
      assert.ok(again > before);
      const latest = (await runsOf(t, taskId)).at(-1) as RunView;
      const view = (await alice.get(`/api/v1/runs/${latest.id}`)).body;
      assert.ok(
        !String(view.parameters.changed).includes('while-off.txt'),
        'a change made while disabled is not reported later',
      );
    });

    it('fires again for a later burst whose files carry the same (preserved) modification time', async () => {
      const folder = join(root, 'redelivered');
      mkdirSync(folder);
      const taskId = await create(watching(folder));
      const before = await untilWatching(taskId, folder);
      // As cp -p, rsync -t or unzip deliver files: with the modification time of their source.
      const preserved = new Date('2026-01-05T06:00:00Z');
      const deliver = (name: string) => {
        const path = join(folder, name);
        writeFileSync(path, name);
        utimesSync(path, preserved, preserved);
      };
      deliver('first.csv');
      await runsReaching(taskId, before + 1);
      assert.equal((await quietRuns(taskId)).length, before + 1);
      deliver('second.csv');
      const runs = await quietRuns(taskId);
      assert.equal(runs.length, before + 2, 'the second delivery started a run of its own');
    });

    it('stops watching a folder once an administrator no longer allows it', async () => {
      const folder = join(root, 'revoked');
      mkdirSync(folder);
      const taskId = await create(watching(folder));
      const before = await untilWatching(taskId, folder);
      const narrowed = await t.admin.patch('/api/v1/settings', { folderRoots: [outside] });
      assert.equal(narrowed.status, 200, JSON.stringify(narrowed.body));
      try {
        writeFileSync(join(folder, 'after-revoke.txt'), 'x');
        assert.equal(
          (await quietRuns(taskId)).length,
          before,
          'a change in a folder no longer allowed started a run',
        );
      } finally {
        const restored = await t.admin.patch('/api/v1/settings', { folderRoots: [root] });
        assert.equal(restored.status, 200, JSON.stringify(restored.body));
      }
    });
  });
}
