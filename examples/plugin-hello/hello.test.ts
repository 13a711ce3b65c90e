import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPlugins } from '../../src/plugins/load-plugins.ts';
import type { ApiClient } from '../../test/support/api-client.ts';
import { backends } from '../../test/support/backends.ts';
import { startEngineApp, type EngineApp } from '../../test/support/engine-app.ts';

/** The ticker fires on real time: waits (bounded) until the task has a run, and returns it. */
async function firstRunOf(client: ApiClient, taskId: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const listed = await client.get(`/api/v1/runs?taskId=${taskId}`);
    const oldest = listed.body.items.at(-1);
    if (oldest) return oldest.id;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail('the ticker never started the task');
}

const [plugin] = await loadPlugins(['./examples/plugin-hello'], process.cwd());

for (const backend of await backends()) {
  describe(`the hello example plugin on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let folder: string;

    before(async () => {
      assert.equal(plugin?.name, 'hello', 'loaded from its folder through package.json');
      t = await startEngineApp(backend, 'plugin-hello', { plugins: plugin ? [plugin] : [] });
      folder = realpathSync(mkdtempSync(join(tmpdir(), 'tp-hello-')));
      const settings = await t.admin.patch('/api/v1/settings', { folderRoots: [folder] });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
    });
    after(async () => {
      await t?.close();
      rmSync(folder, { recursive: true, force: true });
    });

    const task = (name: string) => ({
      name,
      triggers: [{ kind: 'hello-ticker', config: { seconds: 0.05 } }],
      jobs: [{ id: 'greet', kind: 'hello', config: { name: '{task.name} #{tick}' } }],
      actions: [{ kind: 'hello-note', config: { folder, fileName: `${name}-{date:yyyy}.txt` } }],
    });

    it('starts the task from its trigger, greets with placeholders, and notes the greeting', async () => {
      const { client } = await t.user('hanna', ['taskplanner', 'hello.note']);
      const created = await client.post('/api/v1/tasks', task('ticked'));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const runId = await firstRunOf(client, created.body.id);
      const disabled = await client.post(`/api/v1/tasks/${created.body.id}/disable`);
      assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
      const run = await t.ended(runId);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.equal(run.cause, 'start');
      assert.equal(run.results[0]?.type === 'text' && run.results[0].text, 'Hello, ticked #1!');
      const written = readFileSync(join(folder, 'ticked-2026.txt'), 'utf8');
      assert.match(written, /^Hello, ticked #1!\n/);
    });

    it('refuses the note to an owner without hello.note, naming the permission', async () => {
      const { client } = await t.user('ivan');
      const created = await client.post('/api/v1/tasks', task('refused'));
      const runId = await firstRunOf(client, created.body.id);
      await client.post(`/api/v1/tasks/${created.body.id}/disable`);
      const run = await t.ended(runId);
      assert.equal(run.status, 'failed');
      const note = run.items[0]?.components.find((c) => c.kind === 'hello-note');
      assert.equal(note?.status, 'failed');
      assert.match(note?.message ?? '', /needs the permission 'hello\.note'/);
    });

    it('rejects a ticker interval below its schema minimum with 400, creating nothing', async () => {
      const { client } = await t.user('jana', ['taskplanner', 'hello.note']);
      const bad = task('too fast');
      bad.triggers = [{ kind: 'hello-ticker', config: { seconds: 0 } }];
      const created = await client.post('/api/v1/tasks', bad);
      assert.equal(created.status, 400);
      assert.match(JSON.stringify(created.body), /triggers\/0\/config\/seconds/);
      assert.equal((await client.get('/api/v1/tasks')).body.items.length, 0);
    });
  });
}
