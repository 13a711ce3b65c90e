import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UnsavedRunReport } from '../../src/runs/unsaved-run-service.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { waitFor } from '../support/processes.ts';
import { useDefaultSmtp } from '../support/outbox.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';
import { gate, received } from '../support/test-kinds.ts';

const REPORT = 'id;total\n1;42\n';

/** A definition that makes report.csv and mails it to two people and saves it into folder. */
function reportTask(folder: string, name = 'Daily report') {
  return {
    name,
    jobs: [{ id: 'make', kind: 'file', config: { name: 'report.csv', content: REPORT } }],
    actions: [
      {
        id: 'mail',
        kind: 'email',
        config: { to: ['ann@example.com'], cc: ['bob@example.com'], subject: '{task.name}' },
      },
      { id: 'save', kind: 'save-file', config: { folder, fileName: '{filename}-{date}' } },
    ],
  };
}

for (const backend of await backends()) {
  describe(`POST /tasks/execute on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let ann: { id: string; client: ApiClient };
    let peer: SmtpPeer;
    let base: string;
    let folder: string;

    const execute = (client: ApiClient, body: unknown) =>
      client.post('/api/v1/tasks/execute', body);

    async function ran(client: ApiClient, body: unknown): Promise<UnsavedRunReport> {
      const answer = await execute(client, body);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body as UnsavedRunReport;
    }

    async function recordedRuns(client: ApiClient): Promise<unknown[]> {
      const runs = await client.get('/api/v1/runs');
      assert.equal(runs.status, 200, JSON.stringify(runs.body));
      return (runs.body as { items: unknown[] }).items;
    }

    async function savedTasks(client: ApiClient): Promise<unknown[]> {
      const tasks = await client.get('/api/v1/tasks');
      return (tasks.body as { items: unknown[] }).items;
    }

    before(async () => {
      t = await startEngineApp(backend, 'task-execute');
      ann = await t.user('ann', ['taskplanner', 'action.email', 'action.files']);
      peer = await startSmtpPeer();
      await useDefaultSmtp(t.admin, peer.port);
      base = realpathSync(mkdtempSync(join(tmpdir(), 'tp-execute-')));
      folder = join(base, 'reports');
      mkdirSync(folder);
      const allowed = await t.admin.patch('/api/v1/settings', { folderRoots: [base] });
      assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
    });
    after(async () => {
      await t?.close();
      await peer?.close();
      if (base) rmSync(base, { recursive: true, force: true });
    });

    it('a dry run runs the jobs and says what each action would deliver, delivering nothing', async () => {
      const report = await ran(ann.client, { task: reportTask(folder), dryRun: true });
      assert.equal(report.status, 'succeeded', JSON.stringify(report));
      assert.equal(report.dryRun, true);
      const bytes = Buffer.byteLength(REPORT);
      const day = new Date(t.clock.now()).toISOString().slice(0, 10);
      assert.deepEqual(
        report.deliveries.map(({ actionId, kind, to, files }) => ({ actionId, kind, to, files })),
        [
          {
            actionId: 'mail',
            kind: 'email',
            to: ['ann@example.com', 'cc: bob@example.com'],
            files: [{ name: 'report.csv', bytes }],
          },
          {
            actionId: 'save',
            kind: 'save-file',
            to: [folder],
            files: [{ name: `report-${day}.csv`, bytes }],
          },
        ],
      );
      assert.match(String(report.deliveries[0]?.note), /subject "Daily report"/);
      const mail = report.items[0]?.components.find((component) => component.id === 'mail');
      assert.match(String(mail?.message), /^dry run: would deliver to ann@example\.com/);
      assert.match(report.log, /action save \(save-file\): dry run: would deliver/);
      assert.deepEqual(readdirSync(folder), [], 'nothing was saved');
      assert.deepEqual(
        await t.services.store.outbox.list({ limit: 10 }).then((page) => page.items),
        [],
      );
      assert.deepEqual(await recordedRuns(ann.client), [], 'no run was recorded');
      assert.deepEqual(await savedTasks(ann.client), [], 'no task was saved');
    });

    it('a dry run skips an action whose kind cannot say what it would deliver, and says so', async () => {
      received.delete('execute-dry');
      const report = await ran(ann.client, {
        task: {
          name: 'Collects',
          jobs: [{ id: 'say', kind: 'text', config: { text: 'hello' } }],
          actions: [{ id: 'keep', kind: 'collect', config: { sink: 'execute-dry' } }],
        },
        dryRun: true,
      });
      const keep = report.items[0]?.components.find((component) => component.id === 'keep');
      assert.equal(keep?.status, 'skipped');
      assert.equal(
        keep?.message,
        "dry run: not run, the kind 'collect' cannot say what it would deliver",
      );
      assert.equal(received.get('execute-dry'), undefined, 'the action did not run');
    });

    it('a real unsaved run delivers: the mail once to each recipient, the file into the folder', async () => {
      const report = await ran(ann.client, { task: reportTask(folder, 'Sent report') });
      assert.equal(report.status, 'succeeded', JSON.stringify(report));
      assert.deepEqual(report.deliveries, []);
      assert.deepEqual(
        report.results.map(({ name, size, artifactId }) => ({ name, size, artifactId })),
        [{ name: 'report.csv', size: Buffer.byteLength(REPORT), artifactId: undefined }],
        'the file is described, not kept',
      );
      const saved = readdirSync(folder);
      assert.equal(saved.length, 1);
      assert.equal(readFileSync(join(folder, saved[0] ?? ''), 'utf8'), REPORT);
      t.engine.wake();
      assert.ok(
        await waitFor(() => peer.received.some((mail) => mail.mail.subject === 'Sent report')),
        'the mail arrived',
      );
      const sent = peer.received.filter((mail) => mail.mail.subject === 'Sent report');
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0]?.envelope.to.sort(), ['ann@example.com', 'bob@example.com']);
      assert.deepEqual(await recordedRuns(ann.client), [], 'no run was recorded');
      rmSync(join(folder, saved[0] ?? ''));
    });

    it('checks the owner’s permissions when it runs: a component they may not use fails the run', async () => {
      const cal = await t.user('cal', ['taskplanner']);
      const report = await ran(cal.client, { task: reportTask(folder), dryRun: true });
      assert.equal(report.status, 'failed');
      assert.equal(report.reasonCode, 'owner-lacks-permission');
      assert.deepEqual(report.deliveries, []);
    });

    it('refuses what saving would refuse (400 under /task) and changes nothing', async () => {
      const outside = await execute(ann.client, { task: reportTask('/etc'), dryRun: true });
      assert.equal(outside.status, 400, JSON.stringify(outside.body));
      const issues = (outside.body as { errors: Array<{ path: string }> }).errors;
      assert.deepEqual(
        issues.map((issue) => issue.path),
        ['/task/actions/1/config/folder'],
      );
      const unknown = await execute(ann.client, {
        task: { name: 'x', jobs: [{ kind: 'no-such-kind', config: {} }] },
      });
      assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
      const noName = await execute(ann.client, { task: { jobs: [] } });
      assert.equal(noName.status, 400);
      assert.match(JSON.stringify(noName.body), /\/task/);
      const reserved = await execute(ann.client, {
        task: { name: 'x' },
        parameters: { 'run.id': 'spoofed' },
      });
      assert.equal(reserved.status, 400, JSON.stringify(reserved.body));
      const extra = await execute(ann.client, { task: { name: 'x' }, save: true });
      assert.equal(extra.status, 400, JSON.stringify(extra.body));
      assert.deepEqual(await savedTasks(ann.client), []);
    });

    it('needs the planner permission, and a saved task it is based on must be one the caller may edit', async () => {
      const nobody = await t.user('nobody', []);
      const refused = await execute(nobody.client, { task: { name: 'x' } });
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      const dan = await t.user('dan', ['taskplanner']);
      const hers = await ann.client.post('/api/v1/tasks', { name: 'Ann’s own' });
      assert.equal(hers.status, 201, JSON.stringify(hers.body));
      const basedOn = (hers.body as { id: string }).id;
      const foreign = await execute(dan.client, { task: { name: 'x' }, basedOn });
      assert.equal(foreign.status, 404, JSON.stringify(foreign.body));
      const own = await ran(ann.client, { task: { name: 'x' }, basedOn, dryRun: true });
      assert.equal(own.status, 'succeeded');
      await ann.client.delete(`/api/v1/tasks/${basedOn}`);
    });

    it('fills placeholders from the parameters, and cannot be told the built-in ones', async () => {
      const report = await ran(ann.client, {
        task: {
          name: 'Greets',
          jobs: [{ id: 'say', kind: 'text', config: { text: '{greeting} from {task.name}' } }],
        },
        parameters: { greeting: 'hello' },
      });
      assert.equal(report.results[0]?.text, 'hello from Greets');
    });

    it('ends timed-out at the task’s timeout, and answers how far it got', async () => {
      const report = await ran(ann.client, {
        task: {
          name: 'Slow',
          jobs: [{ id: 'wait', kind: 'wait', config: { ms: 60_000 } }],
          policy: { timeoutSeconds: 1 },
        },
      });
      assert.equal(report.status, 'timed-out', JSON.stringify(report));
      assert.equal(report.items[0]?.components[0]?.status, 'timed-out');
    });

    it('lets one user have two unsaved runs going at once; a third is refused with 429', async () => {
      const waiting = (n: number) => ({
        task: {
          name: `Waits ${n}`,
          jobs: [{ kind: 'wait', config: { gate: `execute-limit-${backend.name}` } }],
        },
      });
      // Each run is audited once it has its place: then the next one is sent.
      const audited = async (name: string) => {
        const events = await t.services.store.audit.between(new Date(0), new Date(8.64e15), 1000);
        return events.some(
          (event) => event.action === 'task.execute' && event.details.name === name,
        );
      };
      const first = execute(ann.client, waiting(1));
      assert.ok(await waitFor(() => audited('Waits 1')));
      const second = execute(ann.client, waiting(2));
      assert.ok(await waitFor(() => audited('Waits 2')));
      const third = await execute(ann.client, { task: { name: 'Quick' } });
      assert.equal(third.status, 429, JSON.stringify(third.body));
      assert.equal((third.body as { code: string }).code, 'TOO_MANY_UNSAVED_RUNS');
      assert.equal(third.headers['retry-after'], '10');
      gate(`execute-limit-${backend.name}`).open();
      assert.deepEqual(
        (await Promise.all([first, second])).map((answer) => answer.status),
        [200, 200],
      );
    });

    it('is audited, naming who ran what and whether it was dry', async () => {
      const events = await t.services.store.audit.between(new Date(0), new Date(8.64e15), 1000);
      const executed = events.filter((event) => event.action === 'task.execute');
      assert.ok(executed.length >= 3, `only ${executed.length} task.execute events`);
      assert.ok(
        executed.some(
          (event) =>
            event.actorLogin === 'ann' &&
            event.details.name === 'Daily report' &&
            event.details.dryRun === true,
        ),
      );
    });
  });
}
