import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, realpath, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { runTask } from '../support/engine-runs.ts';

const SAVERS = ['taskplanner', 'action.files'];

for (const backend of await backends()) {
  describe(
    `two users saving into one shared folder, on ${backend.name}`,
    {
      skip: backend.skip,
    },
    () => {
      let t: EngineApp;
      let shared: string;
      let alice: ApiClient;
      let mallory: ApiClient;

      before(async () => {
        shared = await realpath(await mkdtemp(join(tmpdir(), 'tp-shared-')));
        t = await startEngineApp(backend, 'saved-files');
        const settings = await t.admin.patch('/api/v1/settings', { folderRoots: [shared] });
        assert.equal(settings.status, 200, JSON.stringify(settings.body));
        alice = (await t.user('alice', SAVERS)).client;
        mallory = (await t.user('mallory', SAVERS)).client;
      });
      after(async () => {
        await t?.close();
        await rm(shared, { recursive: true, force: true });
      });

      const saving = (name: string, content: string, extra: Record<string, unknown> = {}) => ({
        jobs: [{ kind: 'file', config: { name, content } }],
        actions: [
          { kind: 'save-file', config: { folder: shared, fileName: '{filename}', ...extra } },
        ],
      });

      it("neither overwrites nor deletes another user's file", async () => {
        const saved = await runTask(t, alice, saving('payroll.csv', 'alice data'));
        assert.equal(saved.status, 'succeeded', JSON.stringify(saved));
        const old = new Date(Date.now() - 60 * 86_400_000);
        await utimes(join(shared, 'payroll.csv'), old, old);
        const overwrite = await runTask(
          t,
          mallory,
          saving('payroll.csv', 'forged', { ifExists: 'overwrite', deleteOlderThanDays: 1 }),
        );
        assert.equal(overwrite.status, 'succeeded', JSON.stringify(overwrite));
        assert.equal(await readFile(join(shared, 'payroll.csv'), 'utf8'), 'alice data');
        assert.deepEqual((await readdir(shared)).sort(), ['payroll (1).csv', 'payroll.csv']);
        assert.equal(await readFile(join(shared, 'payroll (1).csv'), 'utf8'), 'forged');
      });
    },
  );
}
