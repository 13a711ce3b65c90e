import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { redactHookUrl } from '../../src/http/log-redaction.ts';
import type { ApiClient, ApiResponse } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { runsOf } from '../support/engine-runs.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A task started by its own URL; its file job shows the placeholders the call gave it. */
function hookedTask(name: string, config: Record<string, unknown> = {}, enabled = true) {
  return {
    name,
    enabled,
    triggers: [{ id: 'web', kind: 'http', config }],
    jobs: [{ kind: 'file', config: { name: 'out.txt', content: '{who}/{n}/{run.cause}' } }],
  };
}

for (const backend of await backends()) {
  describe(`http trigger on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;

    before(async () => {
      t = await startEngineApp(backend, 'http-trigger');
      alice = (await t.user('alice', ['taskplanner', 'trigger.http'])).client;
    });
    after(async () => {
      await t?.close();
    });

    async function create(client: ApiClient, body: Record<string, unknown>) {
      const created = await client.post('/api/v1/tasks', body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body as {
        id: string;
        revision: number;
        hooks: Array<{ triggerId: string; path: string }>;
      };
    }

    /** Calls a hook path as anyone on the network would: no session, no token. */
    function call(
      method: 'GET' | 'POST',
      path: string,
      body?: unknown,
      headers?: Record<string, string>,
    ) {
      return t.anonymous.request(method, path, body, headers);
    }

    /** Checks the task has exactly count runs (each accepted call made one), then waits them out. */
    async function allEnded(taskId: string, count: number): Promise<void> {
      const runs = await runsOf(t, taskId);
      assert.equal(runs.length, count, `runs of ${taskId}`);
      for (const run of runs) await t.ended(run.id);
    }

    /** The run a 202 answer started, once ended, with its output file. */
    async function startedRun(response: ApiResponse) {
      assert.equal(response.status, 202, JSON.stringify(response.body));
      assert.deepEqual(Object.keys(response.body), ['runId']);
      assert.equal(response.headers.location, `/api/v1/runs/${response.body.runId}`);
      await t.ended(response.body.runId);
      const run = (await alice.get(`/api/v1/runs/${response.body.runId}`)).body;
      const artifactId = run.results[0]?.artifactId;
      const file = artifactId
        ? await alice.get(`/api/v1/runs/${run.id}/artifacts/${artifactId}`)
        : null;
      return { run, output: file ? String(file.body) : null };
    }

    it('shows the trigger’s URL in the task as hooks [{triggerId, path}]', async () => {
      const task = await create(alice, hookedTask('shown'));
      assert.equal(task.hooks.length, 1);
      assert.equal(task.hooks[0]?.triggerId, 'web');
      assert.match(
        task.hooks[0]?.path ?? '',
        new RegExp(`^/hooks/${task.id}\\.web\\.[A-Za-z0-9_-]{43}$`),
      );
      const got = await alice.get(`/api/v1/tasks/${task.id}`);
      assert.deepEqual(got.body.hooks, task.hooks);
      assert.deepEqual(got.body.triggers[0].config, { methods: ['GET', 'POST'], rotation: 0 });
      const plain = await create(alice, { name: 'no hook', jobs: [{ kind: 'noop' }] });
      assert.deepEqual(plain.hooks, []);
    });

    it('GET with query parameters starts a run (cause http) with them as placeholders', async () => {
      const task = await create(alice, hookedTask('get'));
      const { run, output } = await startedRun(
        await call('GET', `${task.hooks[0]?.path}?who=world&n=1&n=2`),
      );
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.equal(run.cause, 'http');
      assert.equal(run.triggerId, 'web');
      assert.deepEqual(run.parameters, { who: 'world', n: '2' }, 'the last of a repeated name');
      assert.equal(output, 'world/2/http');
    });

    it('POST with a form or JSON body starts a run; body values win over the query', async () => {
      const task = await create(alice, hookedTask('post'));
      const path = task.hooks[0]?.path ?? '';
      const form = await startedRun(
        await call('POST', `${path}?who=query&n=0`, 'who=form+user&n=3', FORM),
      );
      assert.deepEqual(form.run.parameters, { who: 'form user', n: '3' });
      assert.equal(form.output, 'form user/3/http');
      const json = await startedRun(
        await call('POST', path, { who: 'json', n: 4, nested: { no: 1 }, list: ['a', 'b'] }),
      );
      assert.deepEqual(json.run.parameters, { who: 'json', n: '4', list: 'b' });
      assert.equal(json.output, 'json/4/http');
    });

    it('answers 404 to a bad signature, an unknown task or trigger, a disabled task, a method not allowed', async () => {
      const task = await create(alice, hookedTask('guarded', { methods: ['POST'] }));
      const other = await create(alice, hookedTask('other'));
      const path = task.hooks[0]?.path ?? '';
      const [, token = ''] = path.split('/hooks/');
      const [, , signature = ''] = token.split('.');
      const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
      const otherSignature = (other.hooks[0]?.path ?? '').split('.').at(-1) ?? '';
      const refused: Array<['GET' | 'POST', string]> = [
        ['POST', `/hooks/${task.id}.web.${flipped}`],
        ['POST', `/hooks/${task.id}.web.${signature.slice(0, 20)}`],
        ['POST', `/hooks/${task.id}.web.${otherSignature}`],
        ['POST', `/hooks/${randomUUID()}.web.${signature}`],
        ['POST', `/hooks/${task.id}.nope.${signature}`],
        ['POST', `/hooks/${task.id}.web`],
        ['POST', `/hooks/${task.id}..${signature}`],
        ['POST', `/hooks/${task.id}.web.${signature}.extra`],
        ['GET', path],
      ];
      for (const [method, url] of refused) {
        const answer = await call(method, url);
        assert.equal(answer.status, 404, `${method} ${url}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.code, 'NOT_FOUND');
      }
      const disabled = await alice.post(`/api/v1/tasks/${task.id}/disable`);
      assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
      assert.equal((await call('POST', path)).status, 404, 'a disabled task');
      assert.deepEqual(await runsOf(t, task.id), [], 'none of these started a run');
      await alice.post(`/api/v1/tasks/${task.id}/enable`);
      const { run } = await startedRun(await call('POST', path));
      assert.equal(run.status, 'succeeded');
    });

    it('retires the old URL when the rotation is raised; the new one works', async () => {
      const task = await create(alice, hookedTask('rotated'));
      const old = task.hooks[0]?.path ?? '';
      const raised = await alice.patch(
        `/api/v1/tasks/${task.id}`,
        { triggers: [{ id: 'web', kind: 'http', config: { rotation: 1 } }] },
        { 'if-match': `"${task.revision}"` },
      );
      assert.equal(raised.status, 200, JSON.stringify(raised.body));
      const fresh = raised.body.hooks[0]?.path ?? '';
      assert.notEqual(fresh, old);
      assert.equal((await call('GET', old)).status, 404);
      const { run } = await startedRun(await call('GET', `${fresh}?who=new`));
      assert.deepEqual(run.parameters, { who: 'new' });
      assert.equal((await runsOf(t, task.id)).length, 1);
    });

    it('retires the URL when the task changes owner, and keeps its token out of the server log', async () => {
      const task = await create(alice, hookedTask('given away'));
      const old = task.hooks[0]?.path ?? '';
      const bob = await t.user('bob-hooks', ['taskplanner', 'trigger.http']);
      const moved = await t.admin.post(`/api/v1/tasks/${task.id}/owner`, { ownerId: bob.id });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal((await call('GET', old)).status, 404, "the old owner's URL is retired");
      const fresh = moved.body.hooks[0]?.path ?? '';
      assert.notEqual(fresh, old);
      assert.equal((await call('GET', fresh)).status, 202);
      assert.equal(redactHookUrl(`${old}?x=1`), '/hooks/***?x=1');
    });

    it('answers 429 after 60 calls of one URL within a minute; other URLs are not limited', async () => {
      const task = await create(alice, { ...hookedTask('busy'), jobs: [] });
      const other = await create(alice, { ...hookedTask('quiet'), jobs: [] });
      const path = task.hooks[0]?.path ?? '';
      for (let i = 0; i < 60; i++) {
        const answer = await call('POST', path);
        assert.equal(answer.status, 202, `call ${i + 1}: ${JSON.stringify(answer.body)}`);
      }
      const limited = await call('POST', path);
      assert.equal(limited.status, 429, JSON.stringify(limited.body));
      assert.equal(limited.body.code, 'TOO_MANY_ATTEMPTS');
      const calm = await call('POST', other.hooks[0]?.path ?? '');
      assert.equal(calm.status, 202, JSON.stringify(calm.body));
      await allEnded(task.id, 60);
      await allEnded(other.id, 1);
    });

    it('counts GET and POST calls of one URL against the same 60 a minute', async () => {
      const task = await create(alice, { ...hookedTask('both methods'), jobs: [] });
      const path = task.hooks[0]?.path ?? '';
      for (let i = 0; i < 60; i++) {
        const answer = await call(i % 2 === 0 ? 'GET' : 'POST', path);
        assert.equal(answer.status, 202, `call ${i + 1}: ${JSON.stringify(answer.body)}`);
      }
      const answers = [await call('GET', path), await call('POST', path)];
      const accepted = answers.filter((answer) => answer.status === 202).length;
      await allEnded(task.id, 60 + accepted);
      assert.deepEqual(
        answers.map((answer) => answer.status),
        [429, 429],
        'the 61st and 62nd calls within the minute',
      );
    });

    it('fails the run, naming trigger.http, when the owner does not hold it', async () => {
      const bob = (await t.user('bob', ['taskplanner'])).client;
      const task = await create(bob, hookedTask('bob’s'));
      const response = await call('GET', `${task.hooks[0]?.path}?who=x`);
      assert.equal(response.status, 202, JSON.stringify(response.body));
      const run = await t.ended(response.body.runId);
      assert.equal(run.status, 'failed');
      assert.match(run.reason ?? '', /'trigger\.http'/);
      assert.match(run.reason ?? '', /bob/);
      assert.deepEqual(run.results, []);
      const log = await bob.get(`/api/v1/runs/${run.id}/log`);
      assert.match(String(log.body), /trigger web \(http\) needs the permission 'trigger\.http'/);
    });

    it('refuses bad parameter names, values and counts with 400 naming the field; starts nothing', async () => {
      const task = await create(alice, hookedTask('picky'));
      const path = task.hooks[0]?.path ?? '';
      const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, 'x']));
      const cases: Array<[ApiResponse, string]> = [
        [await call('GET', `${path}?bad%20name=1`), '/parameters/bad name'],
        [await call('GET', `${path}?1st=1`), '/parameters/1st'],
        [await call('POST', path, `${'x'.repeat(65)}=1`, FORM), `/parameters/${'x'.repeat(65)}`],
        [await call('POST', path, { who: 'y'.repeat(10_001) }), '/parameters/who'],
        [await call('POST', path, many), '/parameters'],
      ];
      for (const [answer, field] of cases) {
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.equal(answer.body.code, 'VALIDATION_FAILED');
        assert.ok(
          answer.body.errors.some((issue: { path: string }) => issue.path === field),
          `${field}: ${JSON.stringify(answer.body.errors)}`,
        );
      }
      const huge = await call('POST', path, `who=${'z'.repeat(70_000)}`, FORM);
      assert.equal(huge.status, 413, JSON.stringify(huge.body));
      assert.deepEqual(await runsOf(t, task.id), []);
    });
  });
}
