import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import {
  createTask,
  groupGrant,
  makeGroup,
  person,
  share,
  startRun,
  userGrant,
  type Person,
} from '../support/grant-world.ts';
import {
  EXAMPLE_GROUPS,
  EXAMPLE_PASSWORDS,
  ldapSettingsFor,
  slapdUnavailable,
  startSlapd,
  type SlapdPeer,
} from '../support/slapd.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/*
 * An attacker's review of sharing, roles, accounts, LDAP and SSO. Each test asserts the secure
 * behaviour, so it fails while the weakness it names is there.
 */

const sqlite = (await backends()).filter((backend) => backend.name === 'sqlite');
const skipLdap = slapdUnavailable() ?? false;

for (const backend of sqlite) {
  describe(`attack review on ${backend.name}`, { skip: backend.skip }, () => {
    describe('a settings manager and the rights of new tasks', () => {
      let t: TestApp;

      before(async () => {
        t = await startTestApp(backend, 'attack-new-task-grants', { roles: true });
      });
      after(async () => {
        await t?.close();
      });

      it("cannot give themselves manage on everyone's new tasks through newTaskGrants", async () => {
        const settingsManager = await person(t, 'smgr', ['taskplanner', 'settings.manage']);
        const alice = await person(t, 'alice', ['taskplanner']);
        const patched = await settingsManager.client.patch('/api/v1/settings', {
          newTaskGrants: [userGrant(settingsManager.id, 'manage')],
        });
        const task = await createTask(alice.client, {
          name: 'payroll',
          jobs: [],
        });
        const seen = await settingsManager.client.get(`/api/v1/tasks/${task.id}`);
        const deleted = await settingsManager.client.delete(`/api/v1/tasks/${task.id}`);
        assert.equal(
          seen.status,
          404,
          `PATCH newTaskGrants answered ${patched.status}; the settings manager then read alice's new task (${seen.status}) and deleted it (${deleted.status})`,
        );
      });
    });

    describe('a user manager and the grants groups carry', () => {
      let t: TestApp;

      before(async () => {
        t = await startTestApp(backend, 'attack-group-grants', { roles: true });
      });
      after(async () => {
        await t?.close();
      });

      it('cannot reach a task shared with a group by joining the group', async () => {
        const manager = await person(t, 'umgr', ['taskplanner', 'users.manage']);
        const alice = await person(t, 'alice', ['taskplanner']);
        const carol = await person(t, 'carol', ['taskplanner']);
        const finance = await makeGroup(t, 'finance', [carol.id]);
        const task = await createTask(alice.client, { name: 'budget', jobs: [] });
        await share(alice.client, task.id, [groupGrant(finance, 'manage')]);
        const joined = await manager.client.patch(`/api/v1/groups/${finance}`, {
          memberIds: [carol.id, manager.id],
        });
        const seen = await manager.client.get(`/api/v1/tasks/${task.id}`);
        assert.equal(
          seen.status,
          404,
          `joining finance answered ${joined.status}; the manager then reached alice's task at ${seen.body.access}`,
        );
      });
    });

    describe('an editor and the next-task action', () => {
      let t: EngineApp;
      let alice: Person;
      let bob: Person;

      before(async () => {
        t = await startEngineApp(backend, 'attack-next-task');
        alice = await person(t, 'alice', ['taskplanner']);
        bob = await person(t, 'bob', ['taskplanner']);
      });
      after(async () => {
        await t?.close();
      });

      it("cannot start, with its own parameters, an owner's task that is not shared with it", async () => {
        const hidden = await createTask(alice.client, {
          name: 'not shared',
          jobs: [{ kind: 'file', config: { name: 'hidden.txt', content: 'for {who}' } }],
        });
        const shared = await createTask(alice.client, {
          name: 'shared',
          jobs: [{ kind: 'noop', config: {} }],
        });
        await share(alice.client, shared.id, [userGrant(bob.id, 'edit')]);
        assert.equal((await bob.client.get(`/api/v1/tasks/${hidden.id}`)).status, 404);

        const chained = await bob.client.patch(`/api/v1/tasks/${shared.id}`, {
          revision: shared.revision,
          actions: [
            {
              id: 'next',
              kind: 'next-task',
              config: { taskId: hidden.id, parameters: { who: 'bob' } },
            },
          ],
        });
        const run = await t.ended(await startRun(bob.client, shared.id));
        const log = await alice.client.get(`/api/v1/runs/${run.id}/log`);
        const started = /started task \S+ as run (\S+)/.exec(String(log.body));
        let evidence = '';
        if (started?.[1]) {
          const hiddenRun = await t.ended(started[1]);
          const artifactId = hiddenRun.results[0]?.artifactId;
          const file = await alice.client.get(
            `/api/v1/runs/${hiddenRun.id}/artifacts/${artifactId}`,
          );
          evidence = `; alice's hidden task ran as her and wrote "${file.body}"`;
        }
        assert.equal(
          started?.[1] ?? null,
          null,
          `the edit adding next-task answered ${chained.status}${evidence}`,
        );
      });
    });
  });

  describe(
    `attack review of LDAP accounts on ${backend.name}`,
    { skip: backend.skip || skipLdap },
    () => {
      let peer: SlapdPeer;
      let t: TestApp;

      before(async () => {
        peer = await startSlapd();
        t = await startTestApp(backend, 'attack-ldap-rename');
        const planners = await t.admin.post('/api/v1/groups', {
          name: 'directory planners',
          permissions: ['taskplanner'],
        });
        assert.equal(planners.status, 201, JSON.stringify(planners.body));
        const groupMap = [{ directoryGroup: EXAMPLE_GROUPS.finance, groupId: planners.body.id }];
        const saved = await t.admin.put(
          '/api/v1/settings/ldap',
          ldapSettingsFor(peer, { groupMap }),
        );
        assert.equal(saved.status, 200, JSON.stringify(saved.body));
      });
      after(async () => {
        await t?.close();
        await peer?.stop();
      });

      it('lets no user manager hand a directory account to another directory login', async () => {
        // alice's directory account owns a task; bob (whose directory password the user manager
        // knows) has never logged in here.
        const alice = await t.login('alice', EXAMPLE_PASSWORDS.alice);
        const task = await createTask(alice, { name: "alice's", jobs: [] });
        const aliceId = (await alice.get('/api/v1/me')).body.id as string;
        const manager = await person(t, 'umgr', ['taskplanner', 'users.manage']);

        const renamed = await manager.client.patch(`/api/v1/users/${aliceId}`, { login: 'bob' });
        const asBob = await t.anonymous.post('/api/v1/session', {
          login: 'bob',
          password: EXAMPLE_PASSWORDS.bob,
        });
        const bob = asBob.status === 200 ? await t.login('bob', EXAMPLE_PASSWORDS.bob) : null;
        const reached = bob ? (await bob.get(`/api/v1/tasks/${task.id}`)).status : asBob.status;
        assert.notEqual(
          asBob.body.id,
          aliceId,
          `renaming answered ${renamed.status}; bob's directory login then got alice's account and her task (${reached})`,
        );
      });
    },
  );
}
