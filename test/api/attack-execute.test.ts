import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import Database from 'better-sqlite3';
import type { UnsavedRunReport } from '../../src/runs/unsaved-run-service.ts';
import { SECRET_MASK } from '../../src/secrets/secret-box.ts';
import type { ApiClient, ApiResponse } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { createTask, person, share, userGrant, type Person } from '../support/grant-world.ts';
import { answer, startHttpPeer, type HttpPeer } from '../support/http-peer.ts';
import { useDefaultSmtp } from '../support/outbox.ts';
import { waitFor } from '../support/processes.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';
import { passwordOf } from '../support/test-app.ts';
import { gate } from '../support/test-kinds.ts';

/*
 * An attacker's and an operator's review of POST /tasks/execute: another user, a sharee at each
 * level, a planner with few permissions, a client that goes away. Each test asserts the secure
 * behaviour, so it fails while the weakness it names is there.
 */

const HOOK_SECRET = 'Bearer ann-hook-secret-4711';
const SFTP_PASSWORD = 'sftp-pass-9c1e';
const FTP_PASSWORD = 'ftp-pass-77aa';
const SMTP_PASSWORD = 'smtp-pass-0b5d';
const EVERYTHING = [
  'taskplanner',
  'action.http',
  'action.email',
  'action.files',
  'action.sftp',
  'action.ftp',
  'job.sql',
];

/** Where the server keeps unsaved runs' working folders in tests (services.ts). */
const UNSAVED_WORK = join(tmpdir(), 'taskplanner-unsaved-runs');
const workFolders = () => (existsSync(UNSAVED_WORK) ? readdirSync(UNSAVED_WORK) : []);

/** A TCP server that counts the connections it gets and drops each at once. */
async function startConnectionSink(): Promise<{
  port: number;
  count: () => number;
  close(): Promise<void>;
}> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    count: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Whether a task.execute event names a task of this name (its run has its place then). */
async function audited(t: EngineApp, name: string): Promise<boolean> {
  const events = await t.services.store.audit.between(new Date(0), new Date(8.64e15), 5000);
  return events.some((event) => event.action === 'task.execute' && event.details.name === name);
}

/** A definition whose one job waits for the gate (or the run's stop). */
function waiting(name: string, gateName: string, extra: Record<string, unknown> = {}) {
  return { task: { name, jobs: [{ kind: 'wait', config: { gate: gateName, ...extra } }] } };
}

for (const backend of await backends()) {
  describe(`attacks on POST /tasks/execute on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let hook: HttpPeer;
    let smtp: SmtpPeer;
    let sink: Awaited<ReturnType<typeof startConnectionSink>>;
    let base: string;
    let outside: string;
    let ann: Person;
    let bob: Person;

    const execute = (client: ApiClient, body: unknown) =>
      client.post('/api/v1/tasks/execute', body);

    async function ran(client: ApiClient, body: unknown): Promise<UnsavedRunReport> {
      const answered = await execute(client, body);
      assert.equal(answered.status, 200, JSON.stringify(answered.body));
      return answered.body as UnsavedRunReport;
    }

    /** A webhook action to the peer's path, with Ann's secret authorization. */
    const annHook = (path = '/ann', authorization = HOOK_SECRET) => ({
      id: 'hook',
      kind: 'webhook',
      config: { url: `${hook.url}${path}`, authorization },
    });

    const hits = (path: string) =>
      hook.requests.filter((request) => new URL(request.url, 'http://x').pathname === path);

    before(async () => {
      t = await startEngineApp(backend, 'attack-execute');
      hook = await startHttpPeer();
      for (const path of ['/ann', '/bob']) hook.route(path, answer(204));
      smtp = await startSmtpPeer({ password: SMTP_PASSWORD });
      sink = await startConnectionSink();
      await useDefaultSmtp(t.admin, smtp.port);
      base = realpathSync(mkdtempSync(join(tmpdir(), 'tp-attack-execute-')));
      outside = realpathSync(mkdtempSync(join(tmpdir(), 'tp-attack-outside-')));
      symlinkSync(outside, join(base, 'link'));
      const allowed = await t.admin.patch('/api/v1/settings', { folderRoots: [base] });
      assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
      ann = await person(t, 'ann', EVERYTHING);
      bob = await person(t, 'bob', EVERYTHING);
    });
    after(async () => {
      for (const name of [
        'slots',
        'server-slots',
        'gone',
        'gone-stubborn',
        'early',
        'early-hold',
      ]) {
        gate(`${name}-${backend.name}`).open();
      }
      await t?.close();
      await hook?.close();
      await smtp?.close();
      await sink?.close();
      if (base) rmSync(base, { recursive: true, force: true });
      if (outside) rmSync(outside, { recursive: true, force: true });
    });

    describe('basedOn: a saved task of someone else', () => {
      let hidden: string;
      let viewed: string;
      let runnable: string;
      let editable: Record<string, any>;

      before(async () => {
        const make = async (name: string) => createTask(ann.client, { name, actions: [annHook()] });
        hidden = (await make('hidden')).id;
        viewed = (await make('viewed')).id;
        runnable = (await make('runnable')).id;
        editable = await make('editable');
        await share(ann.client, viewed, [userGrant(bob.id, 'view')]);
        await share(ann.client, runnable, [userGrant(bob.id, 'run')]);
        await share(ann.client, editable.id, [userGrant(bob.id, 'edit')]);
      });

      it('is missing (404, as one that does not exist) unless it is shared, and refused below edit', async () => {
        const task = { name: 'probe' };
        const missing = await execute(bob.client, { task, basedOn: 'no-such-task' });
        const foreign = await execute(bob.client, { task, basedOn: hidden });
        assert.equal(missing.status, 404, JSON.stringify(missing.body));
        assert.equal(foreign.status, 404, JSON.stringify(foreign.body));
        assert.equal(foreign.body.detail, missing.body.detail, 'the answer tells nothing of it');
        for (const basedOn of [viewed, runnable]) {
          const below = await execute(bob.client, { task, basedOn });
          assert.equal(below.status, 403, JSON.stringify(below.body));
        }
        assert.equal(hook.requests.length, 0);
      });

      it("does not send the owner's kept secret to a destination the editor chose", async () => {
        const repointed = await execute(bob.client, {
          task: { name: 'editable', actions: [annHook('/bob', SECRET_MASK)] },
          basedOn: editable.id,
        });
        assert.equal(repointed.status, 400, JSON.stringify(repointed.body));
        assert.match(JSON.stringify(repointed.body.errors), /type the secret again/);
        assert.equal(hits('/bob').length, 0);
      });

      it("does not let the editor's test run use the owner's secret at all, not even a dry one", async () => {
        const dry = await execute(bob.client, {
          task: { name: 'editable', actions: editable.actions },
          basedOn: editable.id,
          dryRun: true,
        });
        assert.equal(dry.status, 400, JSON.stringify(dry.body));
        assert.match(JSON.stringify(dry.body.errors), /only for its owner/);
        assert.doesNotMatch(JSON.stringify(dry.body), /ann-hook-secret/);
        assert.equal(hits('/ann').length, 0, 'a dry run sends nothing');
      });

      /** Ann's task whose webhook sends her secret to a URL a placeholder ends: {where}. */
      const templatedHookTask = (name: string) =>
        createTask(ann.client, {
          name,
          actions: [
            {
              id: 'hook',
              kind: 'webhook',
              config: { url: `${hook.url}{where}`, authorization: HOOK_SECRET },
            },
          ],
        });

      it("cannot point a kept secret elsewhere through a placeholder in the destination, filled by the editor's parameters", async () => {
        const templated = await templatedHookTask('templated');
        await share(ann.client, templated.id, [userGrant(bob.id, 'edit')]);
        const before = hits('/bob').length;
        const answered = await execute(bob.client, {
          task: { name: 'templated', actions: templated.actions },
          basedOn: templated.id,
          parameters: { where: '/bob' },
        });
        assert.equal(answered.status, 400, JSON.stringify(answered.body));
        assert.match(JSON.stringify(answered.body.errors), /only for its owner/);
        const received = hits('/bob').slice(before);
        assert.deepEqual(
          received.map((request) => request.headers.authorization),
          [],
          `the editor's destination got the owner's secret: ${JSON.stringify(answered.body)}`,
        );
      });
      it("(saved runs alike) a run-level sharee cannot point the owner's secret elsewhere with a run's parameters", async () => {
        const templated = await templatedHookTask('templated saved');
        await share(ann.client, templated.id, [userGrant(bob.id, 'run')]);
        const before = hits('/bob').length;
        const started = await bob.client.post(`/api/v1/tasks/${templated.id}/run`, {
          parameters: { where: '/bob' },
        });
        assert.equal(started.status, 403, JSON.stringify(started.body));
        assert.match(String(started.body.detail), /The parameter 'where' chooses where a secret/);
        await share(ann.client, templated.id, [userGrant(bob.id, 'edit')]);
        const series = { kind: 'list', config: { items: [{ where: '/bob' }] } };
        const steered = await bob.client.patch(`/api/v1/tasks/${templated.id}`, {
          revision: templated.revision,
          series,
        });
        assert.equal(steered.status, 403, JSON.stringify(steered.body));
        assert.match(String(steered.body.detail), /depends on the placeholder \{where\}/);
        const harmless = await bob.client.patch(`/api/v1/tasks/${templated.id}`, {
          revision: templated.revision,
          description: 'Still Ann’s',
        });
        assert.equal(harmless.status, 200, JSON.stringify(harmless.body));
        const received = hits('/bob').slice(before);
        assert.deepEqual(
          received.map((request) => request.headers.authorization),
          [],
        );
      });
    });

    describe('rights the caller does not have', () => {
      it("cannot start another user's task with next-task, and a dry run does not say it would", async () => {
        const target = await createTask(ann.client, { name: 'ann target' });
        const chain = (taskId: string) => ({
          name: 'chain',
          actions: [{ kind: 'next-task', config: { taskId } }],
        });
        for (const [taskId, dryRun] of [
          [target.id, false],
          [target.id, true],
          ['no-such-task', true],
        ] as const) {
          const refused = await execute(bob.client, { task: chain(taskId), dryRun });
          assert.equal(refused.status, 400, JSON.stringify(refused.body));
          assert.deepEqual(refused.body.errors, [
            {
              in: 'body',
              path: '/task/actions/0/config',
              message: `you have no task '${taskId}' to start`,
            },
          ]);
        }
        const runs = await t.services.store.runs.list({
          scope: { kind: 'everyone' },
          taskId: target.id,
          limit: 10,
        });
        assert.equal(runs.items.length, 0, "Ann's task did not run");
        const own = await ran(ann.client, { task: chain(target.id), dryRun: true });
        assert.equal(own.status, 'succeeded', JSON.stringify(own));
      });

      it('cannot query a data source only another user may use, named outright or by a parameter', async () => {
        const file = join(base, 'ann.db');
        const db = new Database(file);
        db.exec("create table secrets (v text); insert into secrets values ('ann-only-row')");
        db.close();
        const source = await t.admin.post('/api/v1/data-sources', {
          name: 'anns',
          kind: 'sqlite',
          location: file,
          access: { everyone: false, userIds: [ann.id], groupIds: [] },
        });
        assert.equal(source.status, 201, JSON.stringify(source.body));
        const job = (dataSource: string) => ({
          name: 'peek',
          jobs: [
            {
              kind: 'sql-report',
              config: { dataSource, query: 'select v from secrets', format: 'json' },
            },
          ],
        });
        const named = await execute(bob.client, { task: job('anns') });
        assert.equal(named.status, 400, JSON.stringify(named.body));
        const byParameter = await ran(bob.client, {
          task: job('{ds}'),
          parameters: { ds: 'anns' },
        });
        assert.equal(byParameter.status, 'failed', JSON.stringify(byParameter));
        assert.doesNotMatch(JSON.stringify(byParameter), /ann-only-row/);
        const own = await ran(ann.client, { task: job('anns') });
        assert.equal(own.status, 'succeeded', JSON.stringify(own));
      });

      it('cannot reach a folder outside the allowed ones, by a parameter or through a link', async () => {
        const save = (folder: string) => ({
          name: 'escape',
          jobs: [{ kind: 'file', config: { name: 'x.txt', content: 'x' } }],
          actions: [{ id: 'save', kind: 'save-file', config: { folder } }],
        });
        const linked = await execute(bob.client, { task: save(join(base, 'link', 'in')) });
        assert.equal(linked.status, 400, JSON.stringify(linked.body));
        for (const dir of [outside, join(base, 'link'), `${base}/../${outside.split('/').pop()}`]) {
          for (const dryRun of [true, false]) {
            const report = await ran(bob.client, {
              task: save('{dir}'),
              parameters: { dir },
              dryRun,
            });
            assert.equal(report.status, 'failed', `${dir} ${dryRun}: ${JSON.stringify(report)}`);
            assert.deepEqual(report.deliveries, []);
          }
        }
        assert.deepEqual(readdirSync(outside), [], 'nothing was written outside');
      });

      it('cannot be given the built-in placeholders as parameters', async () => {
        for (const name of [
          'trigger.run.id',
          'trigger.task.name',
          'task.owner',
          'run.url',
          'job.a.b',
          'trigger',
        ]) {
          const spoofed = await execute(bob.client, {
            task: { name: 'x' },
            parameters: { [name]: 'spoof' },
          });
          assert.equal(spoofed.status, 400, `${name}: ${JSON.stringify(spoofed.body)}`);
        }
      });
    });

    describe('a dry run', () => {
      it('changes nothing and reaches no peer, and its answer holds none of the secrets', async () => {
        const target = await createTask(bob.client, { name: 'bob target' });
        const missing = join(base, 'not-made');
        const sentBefore = hits('/bob').length;
        const report = await ran(bob.client, {
          task: {
            name: 'dry everything',
            jobs: [{ kind: 'file', config: { name: 'r.csv', content: 'a;b\n' } }],
            actions: [
              {
                id: 'hook',
                kind: 'webhook',
                config: { url: `${hook.url}/bob`, authorization: HOOK_SECRET, includeFiles: true },
              },
              { id: 'mail', kind: 'email', config: { to: ['x@example.com'], attach: 'zip' } },
              {
                id: 'own-mail',
                kind: 'email',
                config: {
                  to: ['y@example.com'],
                  smtp: { ...smtp.ownServer(), user: 'mailer', password: SMTP_PASSWORD },
                },
              },
              {
                id: 'sftp',
                kind: 'sftp-upload',
                config: { host: '127.0.0.1', port: sink.port, user: 'u', password: SFTP_PASSWORD },
              },
              {
                id: 'ftp',
                kind: 'ftp-upload',
                config: {
                  host: '127.0.0.1',
                  port: sink.port,
                  user: 'u',
                  password: FTP_PASSWORD,
                  security: 'none',
                },
              },
              { id: 'save', kind: 'save-file', config: { folder: missing } },
              { id: 'next', kind: 'next-task', config: { taskId: target.id } },
            ],
          },
          dryRun: true,
        });
        assert.equal(report.status, 'succeeded', JSON.stringify(report));
        assert.deepEqual(
          report.deliveries.map((delivery) => delivery.actionId),
          ['hook', 'mail', 'own-mail', 'sftp', 'ftp', 'save', 'next'],
        );
        const text = JSON.stringify(report);
        for (const secret of [HOOK_SECRET, SFTP_PASSWORD, FTP_PASSWORD, SMTP_PASSWORD]) {
          assert.ok(!text.includes(secret), `the answer holds ${secret}`);
        }
        t.engine.wake();
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(hits('/bob').length, sentBefore, 'no webhook request');
        assert.deepEqual(smtp.logins, [], 'no SMTP login');
        assert.equal(smtp.received.length, 0, 'no mail');
        assert.equal(sink.count(), 0, 'no upload connection');
        const outbox = await t.services.store.outbox.list({ limit: 10 });
        assert.deepEqual(outbox.items, [], 'nothing in the outbox');
        assert.equal(existsSync(missing), false, 'the folder was not made');
        const runs = await t.services.store.runs.list({
          scope: { kind: 'everyone' },
          taskId: target.id,
          limit: 10,
        });
        assert.equal(runs.items.length, 0, 'no task was started');
      });
    });

    describe('the limits on runs going', () => {
      it('are not taken by refused requests: after many, a user still has two places', async () => {
        const carol = await person(t, 'carol', ['taskplanner']);
        const refused: ApiResponse[] = [];
        for (let i = 0; i < 6; i++) {
          refused.push(
            await execute(carol.client, { task: { name: 'x', jobs: [{ kind: 'nope' }] } }),
          );
          refused.push(await execute(carol.client, { task: { name: 'x' }, basedOn: 'missing' }));
          refused.push(
            await execute(carol.client, { task: { name: 'x' }, parameters: { 'run.id': 'x' } }),
          );
        }
        assert.ok(
          refused.every((each) => each.status >= 400 && each.status < 500 && each.status !== 429),
        );
        const g = `slots-${backend.name}`;
        const first = execute(carol.client, waiting('carol 1', g));
        assert.ok(await waitFor(() => audited(t, 'carol 1')));
        const second = execute(carol.client, waiting('carol 2', g));
        assert.ok(await waitFor(() => audited(t, 'carol 2')));
        const third = await execute(carol.client, { task: { name: 'carol 3' } });
        assert.equal(third.status, 429, JSON.stringify(third.body));
        gate(g).open();
        assert.deepEqual(
          (await Promise.all([first, second])).map((each) => each.status),
          [200, 200],
        );
        assert.equal((await execute(carol.client, { task: { name: 'carol 4' } })).status, 200);
      });

      it('hold eight on the server; once they end, the places are free again', async () => {
        const g = `server-slots-${backend.name}`;
        const people = await Promise.all(
          [1, 2, 3, 4, 5].map((n) => person(t, `many${n}`, ['taskplanner'])),
        );
        const going: Array<Promise<ApiResponse>> = [];
        for (const [n, each] of people.slice(0, 4).entries()) {
          for (const k of [1, 2]) {
            const name = `many ${n} ${k}`;
            going.push(execute(each.client, waiting(name, g)));
            assert.ok(await waitFor(() => audited(t, name)));
          }
        }
        const ninth = await execute((people[4] as Person).client, { task: { name: 'ninth' } });
        assert.equal(ninth.status, 429, JSON.stringify(ninth.body));
        gate(g).open();
        assert.ok((await Promise.all(going)).every((each) => each.status === 200));
        const again = await execute((people[4] as Person).client, { task: { name: 'tenth' } });
        assert.equal(again.status, 200, JSON.stringify(again.body));
      });
    });

    describe('a client that goes away', () => {
      let address: string;

      before(async () => {
        address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      });

      /** Sends the body over a real connection with Basic auth; returns the request. */
      function send(login: string, body: unknown) {
        const auth = Buffer.from(`${login}:${passwordOf(login)}`).toString('base64');
        const payload = JSON.stringify(body);
        const request = httpRequest(`${address}/api/v1/tasks/execute`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${auth}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        });
        request.on('error', () => {});
        request.end(payload);
        return request;
      }

      /** Sends the body over a real connection, and drops it once the run is going. */
      async function sendAndDrop(login: string, body: unknown, name: string): Promise<void> {
        const request = send(login, body);
        assert.ok(await waitFor(() => audited(t, name)), 'the run started');
        request.destroy();
      }

      for (const [label, stubborn] of [
        ['', false],
        [', even one whose job ignores its signal', true],
      ] as const) {
        it(`cancels the run, frees its place and removes its working folder${label}`, async () => {
          const dave = await person(t, `dave${stubborn ? 's' : ''}`, ['taskplanner']);
          const g = `gone${stubborn ? '-stubborn' : ''}-${backend.name}`;
          const folders = new Set(workFolders());
          const body = {
            task: {
              name: `gone ${stubborn}`,
              jobs: [
                { kind: 'file', config: { name: 'left.txt', content: 'left behind' } },
                { kind: 'wait', config: { gate: g, ignoreSignal: stubborn } },
              ],
            },
          };
          const login = `dave${stubborn ? 's' : ''}`;
          await sendAndDrop(login, body, `gone ${stubborn}`);
          await sendAndDrop(
            login,
            { ...body, task: { ...body.task, name: `gone ${stubborn} 2` } },
            `gone ${stubborn} 2`,
          );
          assert.ok(
            await waitFor(
              async () => (await execute(dave.client, { task: { name: 'after' } })).status === 200,
              { timeoutMs: 5000 },
            ),
            'the places of the dropped runs are free again',
          );
          assert.ok(
            await waitFor(() => workFolders().every((folder) => folders.has(folder)), {
              timeoutMs: 5000,
            }),
            `working folders were left: ${workFolders()
              .filter((f) => !folders.has(f))
              .join(', ')}`,
          );
        });
      }
    });

    describe('a client that goes away before its run starts', () => {
      before(async () => {
        if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
      });

      it('cancels the run that starts after it went away, and frees its place', async () => {
        const erin = await person(t, 'erin', ['taskplanner']);
        const g = `early-${backend.name}`;
        const address = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
        const auth = Buffer.from(`erin:${passwordOf('erin')}`).toString('base64');
        /** Sends a waiting run and drops the connection ms after the body went out. */
        const dropped = async (name: string, ms: number) => {
          const payload = JSON.stringify(waiting(name, g));
          const request = httpRequest(`${address}/api/v1/tasks/execute`, {
            method: 'POST',
            headers: {
              authorization: `Basic ${auth}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
            },
          });
          request.on('error', () => {});
          // Gone while the server still checks the password (Basic logins are hashed: slow),
          // or just as the run starts.
          request.end(payload, () => setTimeout(() => request.destroy(), ms));
          return waitFor(() => audited(t, name), { timeoutMs: 1000 });
        };
        const started: number[] = [];
        for (const ms of [0, 5, 20, 40, 80, 120]) {
          if (await dropped(`early ${ms}`, ms)) started.push(ms);
        }
        // Both places are free: one run going, and another beside it.
        const holding = execute(erin.client, waiting('early holds', `early-hold-${backend.name}`));
        assert.ok(await waitFor(() => audited(t, 'early holds')));
        const beside = await waitFor(
          async () =>
            (await execute(erin.client, { task: { name: 'early beside' } })).status === 200,
          { timeoutMs: 5000 },
        );
        gate(`early-hold-${backend.name}`).open();
        assert.equal((await holding).status, 200);
        gate(g).open();
        assert.ok(
          beside,
          `a run of a client gone early still holds its place (started: ${started.join(', ')} ms)`,
        );
        assert.ok(started.length > 0, 'at least one run started before its client was gone');
      });
    });

    describe('the timeout cap', () => {
      it('stops a run at 300 s whatever the task says, and says so', async () => {
        const fran = await person(t, 'fran', ['taskplanner']);
        mock.timers.enable({ apis: ['setTimeout'] });
        try {
          const going = execute(fran.client, {
            ...waiting('long', `never-${backend.name}`),
            task: {
              ...waiting('long', `never-${backend.name}`).task,
              policy: { timeoutSeconds: 3600 },
            },
          });
          going.catch(() => {});
          const tick = () => new Promise((resolve) => setImmediate(resolve));
          while (!(await audited(t, 'long'))) await tick();
          for (let i = 0; i < 20; i++) await tick();
          mock.timers.tick(299_000);
          for (let i = 0; i < 20; i++) await tick();
          let settled = false;
          void going.then(() => (settled = true));
          for (let i = 0; i < 20; i++) await tick();
          assert.equal(settled, false, 'still going before 300 s');
          mock.timers.tick(1_000);
          const report = (await going).body as UnsavedRunReport;
          assert.equal(report.status, 'timed-out', JSON.stringify(report));
          assert.equal(report.reason, 'exceeded its timeout of 300 s');
        } finally {
          mock.timers.reset();
        }
      });
    });

    describe('bad input', () => {
      it('is refused with 400 and changes nothing', async () => {
        const bodies: unknown[] = [
          { task: null },
          { task: 'x' },
          { task: [] },
          {},
          { task: { name: 'x' }, dryRun: 'yes' },
          { task: { name: 'x' }, parameters: { a: 1 } },
          { task: { name: 'x' }, parameters: 'a=1' },
          { task: { name: 'x' }, basedOn: '' },
          { task: { name: 'x' }, basedOn: 'x'.repeat(65) },
          { task: { name: 'x', owner: ann.id } },
          { task: { name: 'x', ownerId: ann.id } },
          { task: { name: 'x', jobs: [{ kind: 'noop', config: {}, extra: 1 }] } },
          { task: { name: 'x', policy: { timeoutSeconds: -1 } } },
          {
            task: {
              name: 'x',
              series: {
                kind: 'list',
                config: { items: Array.from({ length: 10_001 }, () => ({})) },
              },
            },
          },
        ];
        for (const body of bodies) {
          const answered = await execute(bob.client, body);
          assert.equal(
            answered.status,
            400,
            `${JSON.stringify(body).slice(0, 100)}: ${JSON.stringify(answered.body)}`,
          );
        }
        const huge = await execute(bob.client, {
          task: { name: 'x', description: 'x'.repeat(2 * 1024 * 1024) },
        });
        assert.equal(huge.status, 413, JSON.stringify(huge.body).slice(0, 200));
        const tasks = await t.services.store.tasks.list({
          scope: { kind: 'owned', userId: bob.id },
          sort: 'name',
          order: 'asc',
          limit: 50,
          includeHidden: true,
        });
        assert.deepEqual(
          tasks.items.map((task) => task.name).filter((name) => name === 'x'),
          [],
        );
      });
    });
  });
}
