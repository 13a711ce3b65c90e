import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { runTask } from '../support/engine-runs.ts';

for (const backend of await backends()) {
  describe(
    `files of a run carry the permission of the job that made them, on ${backend.name}`,
    {
      skip: backend.skip,
    },
    () => {
      let t: EngineApp;
      let auditor: ApiClient;
      let taskAdmin: ApiClient;

      before(async () => {
        t = await startEngineApp(backend, 'artifact-permission');
        auditor = (await t.user('auditor', ['taskplanner', 'audit.read'])).client;
        taskAdmin = (await t.user('taskadmin', ['taskplanner', 'taskplanner.admin'])).client;
      });
      after(async () => {
        await t?.close();
      });

      it('lets an administrator of tasks see the run of an audit export but not download its file', async () => {
        const run = await runTask(t, auditor, {
          jobs: [{ id: 'export', kind: 'audit-export', config: { period: 'previous-day' } }],
        });
        assert.equal(run.status, 'succeeded', JSON.stringify(run));
        const artifactId = run.results[0]?.artifactId;
        assert.ok(artifactId);
        const url = `/api/v1/runs/${run.id}/artifacts/${artifactId}`;
        assert.equal((await auditor.get(url)).status, 200);
        assert.equal((await taskAdmin.get(`/api/v1/runs/${run.id}`)).status, 200);
        const refused = await taskAdmin.get(url);
        assert.equal(refused.status, 403);
        assert.equal(refused.body.code, 'FORBIDDEN');
        assert.match(refused.body.detail, /'audit\.read'/);
      });

      it('lets whoever sees the run download the file of a job that needs no permission', async () => {
        const run = await runTask(t, auditor, {
          jobs: [{ id: 'write', kind: 'file', config: { name: 'a.txt', content: 'plain' } }],
        });
        assert.equal(run.status, 'succeeded', JSON.stringify(run));
        const url = `/api/v1/runs/${run.id}/artifacts/${run.results[0]?.artifactId ?? ''}`;
        const downloaded = await taskAdmin.get(url);
        assert.equal(downloaded.status, 200);
        assert.equal(downloaded.body, 'plain');
      });
    },
  );
}
