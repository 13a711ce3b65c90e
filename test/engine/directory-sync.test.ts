import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Run } from '../../src/domain/run.ts';
import type { User } from '../../src/domain/user.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import {
  componentOf,
  createTask,
  EVERY_MINUTE,
  runManually,
  runsUntil,
  runTask,
  tick,
} from '../support/engine-runs.ts';
import {
  EXAMPLE_GROUPS,
  EXAMPLE_PASSWORDS,
  exampleUserDn,
  ldapSettingsFor,
  slapdUnavailable,
  startSlapd,
  type SlapdPeer,
} from '../support/slapd.ts';
import { ADMIN_PASSWORD, passwordOf } from '../support/test-app.ts';
import { received } from '../support/test-kinds.ts';

const skipLdap = slapdUnavailable() ?? false;

/** A loopback port nothing listens on (taken from the system, then let go). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const CHANGES = ['created', 'updated', 'disabled', 'unchanged', 'skipped'] as const;
type Counts = Record<(typeof CHANGES)[number], number>;

/** erin: in the directory and in finance, but also a local account made before any sync. */
const ERIN = `dn: ${exampleUserDn('erin')}
objectClass: inetOrgPerson
uid: erin
cn: Erin Example
sn: Example
mail: erin@example.test
userPassword: erin-password-1
`;

const financeMember = (change: 'add' | 'delete', login: string) =>
  `dn: ${EXAMPLE_GROUPS.finance}\nchangetype: modify\n${change}: member\nmember: ${exampleUserDn(login)}\n`;

/** The fields of each line of an RFC 4180 CSV text whose fields hold no line breaks. */
function parseCsv(text: string): string[][] {
  const lines = text.replace(/^\uFEFF/, '').split('\r\n');
  return lines
    .filter((line) => line !== '')
    .map((line) =>
      [...line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,"]*))/g)].map(([, quoted, plain]) =>
        quoted === undefined ? (plain ?? '') : quoted.replaceAll('""', '"'),
      ),
    );
}

/** The change of each login in the run's CSV report, and each detail. */
async function reportOf(client: ApiClient, run: Run): Promise<Map<string, [string, string]>> {
  assert.equal(run.results.length, 1, JSON.stringify(run.results));
  const [result] = run.results;
  assert.ok(result?.artifactId && result.name.endsWith('.csv'), JSON.stringify(result));
  assert.match(result.mediaType ?? '', /^text\/csv/);
  const file = await client.get(`/api/v1/runs/${run.id}/artifacts/${result.artifactId}`);
  assert.equal(file.status, 200, String(file.body));
  const [header, ...rows] = parseCsv(String(file.body));
  assert.deepEqual(header, ['login', 'change', 'detail']);
  const byLogin = new Map(
    rows.map(([login = '', change = '', detail = '']) => [
      login,
      [change, detail] as [string, string],
    ]),
  );
  assert.equal(byLogin.size, rows.length, 'each login once');
  return byLogin;
}

/** Just the change of each login in the report. */
function changesOf(report: Map<string, [string, string]>): Record<string, string> {
  return Object.fromEntries([...report].map(([login, [change]]) => [login, change]).sort());
}

async function userNamed(t: EngineApp, login: string): Promise<User> {
  const found = await t.services.store.users.getWithSecretByLogin(login);
  assert.ok(found, `no user ${login}`);
  const { passwordHash: _secret, ...user } = found;
  return user;
}

async function logins(t: EngineApp): Promise<string[]> {
  return (await t.services.store.users.list({ limit: 500 })).items.map((user) => user.login).sort();
}

async function makeGroup(t: EngineApp, name: string, permissions: string[]): Promise<string> {
  const created = await t.admin.post('/api/v1/groups', { name, permissions });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

async function putSettings(t: EngineApp, body: Record<string, unknown>): Promise<void> {
  const saved = await t.admin.put('/api/v1/settings/ldap', body);
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
}

/** Why a run failed: its reason and the sync job's message. */
function failureOf(run: Run): string {
  assert.equal(run.status, 'failed', JSON.stringify(run));
  return `${run.reason ?? ''} | ${componentOf(run, 'sync').message ?? ''}`;
}

const syncJob = (config: Record<string, unknown> = {}) => ({
  id: 'sync',
  kind: 'directory-sync',
  config,
});

for (const backend of await backends()) {
  describe(`the directory-sync job on ${backend.name}`, { skip: backend.skip || skipLdap }, () => {
    let peer: SlapdPeer;
    let t: EngineApp;
    let adminId: string;
    let financeId: string;
    let leadsId: string;
    let erinId: string;
    let syncTask: string;
    let keepTask: string;
    let aliceSession: ApiClient;
    let runs = 0;
    const sink = (name: string) => `directory-sync-${backend.name}-${name}`;

    /** Runs a task by hand; the run must succeed. Returns it with the job's counts. */
    async function sync(taskId: string): Promise<{ run: Run; counts: Counts }> {
      runs += 1;
      const run = await t.ended(await runManually(t, taskId));
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      const calls = received.get(sink('counts')) ?? [];
      assert.equal(calls.length, runs, 'the action ran once per run');
      const placeholders = calls.at(-1)?.placeholders ?? {};
      const counts = Object.fromEntries(
        CHANGES.map((change) => [change, placeholders[`job.sync.${change}`]]),
      ) as Counts;
      return { run, counts };
    }

    before(async () => {
      peer = await startSlapd();
      await peer.add(ERIN);
      await peer.modify(financeMember('add', 'erin'));
      t = await startEngineApp(backend, 'directory-sync');
      adminId = (await t.admin.get('/api/v1/me')).body.id;
      financeId = await makeGroup(t, 'Finance', ['taskplanner']);
      leadsId = await makeGroup(t, 'Finance leads', ['taskplanner']);
      const erin = await t.admin.post('/api/v1/users', {
        login: 'erin',
        password: passwordOf('erin'),
        displayName: 'Erin Local',
        permissions: ['taskplanner'],
      });
      assert.equal(erin.status, 201, JSON.stringify(erin.body));
      erinId = erin.body.id;
      await putSettings(
        t,
        ldapSettingsFor(peer, {
          groupMap: [
            { directoryGroup: EXAMPLE_GROUPS.finance, groupId: financeId },
            { directoryGroup: EXAMPLE_GROUPS.financeLeads, groupId: leadsId },
          ],
        }),
      );
      const collect = { kind: 'collect', config: { sink: sink('counts') } };
      syncTask = await createTask(t, { name: 'sync', jobs: [syncJob()], actions: [collect] });
      keepTask = await createTask(t, {
        name: 'sync, keeping the missing',
        jobs: [syncJob({ disableMissing: false })],
        actions: [collect],
      });
    });
    after(async () => {
      await t?.close();
      await peer?.stop();
    });

    it('makes the directory users with their mapped groups, nested ones included, and reports each', async () => {
      const { run, counts } = await sync(syncTask);
      assert.deepEqual(counts, { created: 4, updated: 0, disabled: 0, unchanged: 0, skipped: 1 });
      const report = await reportOf(t.admin, run);
      assert.deepEqual(changesOf(report), {
        alice: 'created',
        bob: 'created',
        carol: 'created',
        dave: 'created',
        erin: 'skipped',
      });
      assert.match(report.get('dave')?.[1] ?? '', /disabled/);

      const alice = await userNamed(t, 'alice');
      assert.equal(alice.source, 'ldap');
      assert.equal(alice.externalId, exampleUserDn('alice'));
      assert.equal(alice.displayName, 'Alice Example');
      assert.equal(alice.email, 'alice@example.test');
      assert.equal(alice.disabled, false);
      assert.deepEqual(alice.groupIds, [financeId]);
      assert.deepEqual((await userNamed(t, 'bob')).groupIds, [financeId]);
      assert.deepEqual((await userNamed(t, 'carol')).groupIds.sort(), [financeId, leadsId].sort());
      const dave = await userNamed(t, 'dave');
      assert.equal(dave.disabled, true, 'disabled as in the directory');
      assert.deepEqual(dave.groupIds, [financeId]);
    });

    it('leaves a local account with a login the directory also has untouched', async () => {
      const erin = await userNamed(t, 'erin');
      assert.equal(erin.id, erinId);
      assert.equal(erin.source, 'local');
      assert.equal(erin.displayName, 'Erin Local');
      assert.equal(erin.email, null);
      assert.deepEqual(erin.groupIds, []);
      const me = await (await t.login('erin', passwordOf('erin'))).get('/api/v1/me');
      assert.equal(me.body.id, erinId, 'erin logs in with her local password');
    });

    it('audits every account it made as user.create by the owner', async () => {
      const events = await t.services.store.audit.list({ objectType: 'user', limit: 500 });
      const made = events.items.filter(
        (event) => event.action === 'user.create' && event.details.source === 'ldap',
      );
      assert.deepEqual(made.map((event) => event.details.login).sort(), [
        'alice',
        'bob',
        'carol',
        'dave',
      ]);
      for (const event of made) assert.equal(event.actorId, adminId, JSON.stringify(event));
    });

    it('changes nothing on a second run', async () => {
      const before = (await t.services.store.audit.list({ objectType: 'user', limit: 500 })).items
        .length;
      const { run, counts } = await sync(syncTask);
      assert.deepEqual(counts, { created: 0, updated: 0, disabled: 0, unchanged: 4, skipped: 1 });
      assert.deepEqual(changesOf(await reportOf(t.admin, run)), {
        alice: 'unchanged',
        bob: 'unchanged',
        carol: 'unchanged',
        dave: 'unchanged',
        erin: 'skipped',
      });
      const after = (await t.services.store.audit.list({ objectType: 'user', limit: 500 })).items
        .length;
      assert.equal(after, before, 'no audit event for nothing');
    });

    it('updates a changed e-mail address and a group the directory took someone out of', async () => {
      await peer.modify(
        `dn: ${exampleUserDn('carol')}\nchangetype: modify\nreplace: mail\nmail: carol.new@example.test\n`,
      );
      await peer.modify(financeMember('delete', 'bob'));
      const { run, counts } = await sync(syncTask);
      assert.deepEqual(counts, { created: 0, updated: 2, disabled: 0, unchanged: 2, skipped: 1 });
      const report = await reportOf(t.admin, run);
      assert.equal(report.get('carol')?.[0], 'updated');
      assert.match(report.get('carol')?.[1] ?? '', /email/);
      assert.equal(report.get('bob')?.[0], 'updated');
      assert.match(report.get('bob')?.[1] ?? '', /groups/);
      assert.equal((await userNamed(t, 'carol')).email, 'carol.new@example.test');
      assert.deepEqual((await userNamed(t, 'bob')).groupIds, []);
    });

    it('with disableMissing: false leaves a user the directory no longer has enabled', async () => {
      aliceSession = await t.login('alice', EXAMPLE_PASSWORDS.alice);
      await peer.remove(exampleUserDn('alice'));
      const { run, counts } = await sync(keepTask);
      assert.deepEqual(counts, { created: 0, updated: 0, disabled: 0, unchanged: 3, skipped: 1 });
      assert.equal((await reportOf(t.admin, run)).has('alice'), false);
      assert.equal((await userNamed(t, 'alice')).disabled, false);
      assert.equal((await aliceSession.get('/api/v1/me')).status, 200, 'her session goes on');
    });

    it('disables a user the directory no longer has, ending their sessions', async () => {
      const { run, counts } = await sync(syncTask);
      assert.deepEqual(counts, { created: 0, updated: 0, disabled: 1, unchanged: 3, skipped: 1 });
      const report = await reportOf(t.admin, run);
      assert.deepEqual(report.get('alice'), ['disabled', 'no longer in the directory']);
      const disabled = await userNamed(t, 'alice');
      assert.equal(disabled.disabled, true);
      assert.deepEqual(disabled.groupIds, [financeId], 'nobody is deleted; groups stay');
      assert.equal((await aliceSession.get('/api/v1/me')).status, 401, 'her session ended');
    });
  });

  describe(
    `a scheduled directory sync on ${backend.name}`,
    { skip: backend.skip || skipLdap },
    () => {
      let peer: SlapdPeer;
      let t: EngineApp;

      before(async () => {
        peer = await startSlapd();
        t = await startEngineApp(backend, 'directory-sync-scheduled');
        await putSettings(t, ldapSettingsFor(peer));
      });
      after(async () => {
        await t?.close();
        await peer?.stop();
      });

      /** The next scheduled run of the task, once it has ended. */
      async function nextScheduledRun(taskId: string, count: number): Promise<Run> {
        await tick(t, 60_000);
        const runs = await runsUntil(t, taskId, count);
        const run = await t.ended(runs[count - 1]?.id ?? '');
        assert.equal(run.status, 'succeeded', JSON.stringify(run));
        assert.equal(run.cause, 'schedule');
        return run;
      }

      it('creates, updates and disables users on its schedule', async () => {
        const taskId = await createTask(t, {
          name: 'nightly sync',
          triggers: [EVERY_MINUTE],
          jobs: [syncJob()],
        });
        await nextScheduledRun(taskId, 1);
        assert.deepEqual(await logins(t), ['admin', 'alice', 'bob', 'carol', 'dave']);
        assert.equal((await userNamed(t, 'dave')).disabled, true);

        await peer.remove(exampleUserDn('alice'));
        await peer.modify(
          `dn: ${exampleUserDn('bob')}\nchangetype: modify\nreplace: cn\ncn: Robert Example\n`,
        );
        await nextScheduledRun(taskId, 2);
        assert.equal((await userNamed(t, 'alice')).disabled, true);
        assert.equal((await userNamed(t, 'bob')).displayName, 'Robert Example');
        assert.equal((await userNamed(t, 'carol')).disabled, false);
      });
    },
  );

  describe(
    `who may run a directory sync on ${backend.name}`,
    { skip: backend.skip || skipLdap },
    () => {
      let peer: SlapdPeer;
      let t: EngineApp;
      let financeId: string;
      let operatorsId: string;

      before(async () => {
        peer = await startSlapd();
        t = await startEngineApp(backend, 'directory-sync-rights');
        financeId = await makeGroup(t, 'Finance', ['taskplanner']);
        operatorsId = await makeGroup(t, 'Operators', ['taskplanner', 'job.command']);
      });
      after(async () => {
        await t?.close();
        await peer?.stop();
      });

      it("fails with 'no LDAP directory is set up' when there is none", async () => {
        const run = await runTask(t, t.admin, { jobs: [syncJob()] });
        assert.match(failureOf(run), /no LDAP directory is set up/);
        assert.deepEqual(await logins(t), ['admin']);
      });

      it('fails clearly when the directory cannot be reached, and local logins go on', async () => {
        const closed = await closedPort();
        await putSettings(t, ldapSettingsFor(peer, { url: `ldap://127.0.0.1:${closed}` }));
        const run = await runTask(t, t.admin, { jobs: [syncJob()] });
        assert.match(
          failureOf(run),
          new RegExp(`directory at ldap://127\\.0\\.0\\.1:${closed} cannot be used`),
        );
        assert.deepEqual(await logins(t), ['admin']);
        const local = await t.anonymous.post('/api/v1/session', {
          login: 'admin',
          password: ADMIN_PASSWORD,
        });
        assert.equal(local.status, 200, JSON.stringify(local.body));
      });

      it('fails for an owner with users.manage but not settings.manage, naming it', async () => {
        await putSettings(
          t,
          ldapSettingsFor(peer, {
            groupMap: [{ directoryGroup: EXAMPLE_GROUPS.finance, groupId: financeId }],
          }),
        );
        const { client } = await t.user('uma', ['taskplanner', 'users.manage']);
        const run = await runTask(t, client, { jobs: [syncJob()] });
        assert.match(failureOf(run), /settings\.manage/);
        assert.deepEqual(await logins(t), ['admin', 'uma']);
      });

      it('fails for an owner lacking a permission of a mapped local group, naming it', async () => {
        const { client } = await t.user('lee', ['taskplanner', 'users.manage', 'settings.manage']);
        await putSettings(
          t,
          ldapSettingsFor(peer, {
            groupMap: [{ directoryGroup: EXAMPLE_GROUPS.finance, groupId: operatorsId }],
          }),
        );
        const refused = await runTask(t, client, { jobs: [syncJob()] });
        assert.match(failureOf(refused), /job\.command/);
        assert.deepEqual(await logins(t), ['admin', 'lee', 'uma']);

        await putSettings(
          t,
          ldapSettingsFor(peer, {
            groupMap: [{ directoryGroup: EXAMPLE_GROUPS.finance, groupId: financeId }],
          }),
        );
        const allowed = await runTask(t, client, { jobs: [syncJob()] });
        assert.equal(allowed.status, 'succeeded', JSON.stringify(allowed));
        assert.deepEqual(await logins(t), ['admin', 'alice', 'bob', 'carol', 'dave', 'lee', 'uma']);
      });
    },
  );
}
