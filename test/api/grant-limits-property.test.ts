import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { userCaller, operatorCaller } from '../../src/auth/caller.ts';
import { AppError } from '../../src/domain/errors.ts';
import { createServices, type Services } from '../../src/services.ts';
import { backends } from '../support/backends.ts';
import { passwordOf } from '../support/test-app.ts';

/*
 * Whatever a user manager does, in any order, no user ends up with a permission the
 * manager does not hold, and no user who holds more than the manager is taken over.
 */

const UNIVERSE = [
  'taskplanner',
  'taskplanner.admin',
  'users.manage',
  'audit.read',
  'settings.manage',
  'job.command',
];
const MANAGER = ['taskplanner', 'users.manage', 'audit.read'];
const SLOTS = 8;

const permissions = fc.subarray(UNIVERSE);
const slot = fc.nat({ max: SLOTS - 1 });
const slots = fc.uniqueArray(slot, { maxLength: 4 });

const operation = fc.oneof(
  fc.record({ op: fc.constant('createUser' as const), permissions }),
  fc.record({ op: fc.constant('setPermissions' as const), target: slot, permissions }),
  fc.record({
    op: fc.constant('grantRevoke' as const),
    target: slot,
    grant: permissions,
    revoke: permissions,
  }),
  fc.record({ op: fc.constant('resetPassword' as const), target: slot }),
  fc.record({ op: fc.constant('disable' as const), target: slot }),
  fc.record({ op: fc.constant('deleteUser' as const), target: slot }),
  fc.record({ op: fc.constant('createGroup' as const), permissions, members: slots }),
  fc.record({
    op: fc.constant('updateGroup' as const),
    group: slot,
    permissions: fc.option(permissions, { nil: undefined }),
    members: fc.option(slots, { nil: undefined }),
  }),
  fc.record({ op: fc.constant('deleteGroup' as const), group: slot }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** What a user looks like to an attacker who wants their account. */
interface Snapshot {
  permissions: Set<string>;
  login: string;
  disabled: boolean;
  passwordHash: string | null;
}

async function snapshot(services: Services): Promise<Map<string, Snapshot>> {
  const { store } = services;
  const users = (await store.users.list({ limit: 1000 })).items;
  const entries = await Promise.all(
    users.map(async (user) => {
      const secret = await store.users.getWithSecretByLogin(user.login);
      const state: Snapshot = {
        permissions: await store.users.effectivePermissions(user.id),
        login: user.login,
        disabled: user.disabled,
        passwordHash: secret?.passwordHash ?? null,
      };
      return [user.id, state] as const;
    }),
  );
  return new Map(entries);
}

async function seed(services: Services): Promise<string> {
  const operator = operatorCaller(UNIVERSE);
  const make = (login: string, held: string[]) =>
    services.users.create(operator, { login, password: passwordOf(login), permissions: held });
  await make('admin', UNIVERSE);
  const manager = await make('manager', MANAGER);
  const viaGroup = await make('viagroup', ['taskplanner']);
  await make('commander', ['taskplanner', 'job.command']);
  await make('plain', ['taskplanner']);
  await services.groups.create(operator, {
    name: 'Administrators',
    permissions: ['taskplanner.admin', 'settings.manage'],
    memberIds: [viaGroup.id],
  });
  await services.groups.create(operator, { name: 'Readers', permissions: ['audit.read'] });
  return manager.id;
}

let created = 0;

async function apply(services: Services, managerId: string, step: Operation): Promise<void> {
  const { store } = services;
  const me = await store.users.get(managerId);
  if (!me || me.disabled) return;
  const caller = userCaller(me, await store.users.effectivePermissions(managerId), 'test');
  const users = (await store.users.list({ limit: 1000 })).items;
  const groups = await store.groups.list();
  const user = (index: number) => users[index % users.length]!.id;
  const group = (index: number) => groups[index % Math.max(groups.length, 1)]?.id ?? 'none';
  const members = (indexes: number[]) => [...new Set(indexes.map(user))];
  switch (step.op) {
    case 'createUser':
      created += 1;
      await services.users.create(caller, {
        login: `new${created}`,
        password: 'new-user-password',
        permissions: step.permissions,
      });
      return;
    case 'setPermissions':
      await services.users.update(caller, user(step.target), { permissions: step.permissions });
      return;
    case 'grantRevoke':
      await services.users.changePermissions(caller, user(step.target), step);
      return;
    case 'resetPassword':
      await services.users.update(caller, user(step.target), { password: 'taken-over-pass' });
      return;
    case 'disable':
      await services.users.update(caller, user(step.target), { disabled: true });
      return;
    case 'deleteUser':
      await services.users.delete(caller, user(step.target));
      return;
    case 'createGroup':
      created += 1;
      await services.groups.create(caller, {
        name: `group${created}`,
        permissions: step.permissions,
        memberIds: members(step.members),
      });
      return;
    case 'updateGroup':
      await services.groups.update(caller, group(step.group), {
        ...(step.permissions ? { permissions: step.permissions } : {}),
        ...(step.members ? { memberIds: members(step.members) } : {}),
      });
      return;
    case 'deleteGroup':
      await services.groups.delete(caller, group(step.group));
      return;
  }
}

/** Fails when the step let anyone gain what the manager lacks, or took over a stronger user. */
function checkStep(
  before: Map<string, Snapshot>,
  after: Map<string, Snapshot>,
  bound: Set<string>,
) {
  for (const [id, then] of before) {
    const now = after.get(id);
    const stronger = [...then.permissions].some((permission) => !bound.has(permission));
    if (stronger) {
      assert.ok(now, `${then.login}, who holds more than the manager, was deleted`);
      assert.equal(now.passwordHash, then.passwordHash, `${then.login}'s password was reset`);
      assert.equal(now.disabled, then.disabled, `${then.login} was disabled or enabled`);
      assert.equal(now.login, then.login, `${then.login} was renamed`);
    }
  }
  for (const [id, now] of after) {
    const had = before.get(id)?.permissions ?? new Set<string>();
    const gained = [...now.permissions].filter((p) => !had.has(p) && !bound.has(p));
    assert.deepEqual(gained, [], `${now.login} gained what the manager lacks`);
  }
}

const [sqlite] = await backends();

describe('a user manager, in any sequence of steps', () => {
  it('never raises anyone beyond its own permissions, nor takes over a stronger user', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 12 }), async (steps) => {
        const testStore = await sqlite!.open('grant-property');
        try {
          const services = createServices(testStore.store, {
            defaultTimezone: 'UTC',
            sessionHours: 1,
            httpBasic: false,
            secretKey: 'a key for the grant limits property test',
          });
          const managerId = await seed(services);
          for (const step of steps) {
            const bound = await testStore.store.users.effectivePermissions(managerId);
            const before = await snapshot(services);
            await apply(services, managerId, step).catch((error: unknown) => {
              if (!(error instanceof AppError)) throw error;
            });
            checkStep(before, await snapshot(services), bound);
          }
        } finally {
          await testStore.dispose();
        }
      }),
      { seed: 1010, numRuns: 40 },
    );
  });
});
