// One contract, every adapter: the same behaviour is asserted against SQLite and PostgreSQL,
// so a difference between the databases shows up as a failing test, not as a production surprise.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { AuditEvent } from '../../src/domain/audit.ts';
import { orderedId } from '../../src/domain/ordered-id.ts';
import { decodeCursor } from '../../src/store/sql/cursor.ts';
import { AppError, type ErrorCode } from '../../src/domain/errors.ts';
import {
  RUN_TRANSITIONS,
  type Lease,
  type RunState,
  type RunTransitionName,
} from '../../src/domain/run-state.ts';
import { because } from '../../src/domain/reason-codes.ts';
import type { RunStatus } from '../../src/domain/run.ts';
import {
  DEFAULT_POLICY,
  type Task,
  type TaskListQuery,
  type TaskSortKey,
} from '../../src/domain/task.ts';
import {
  LOCAL_ACCOUNT,
  type ApiToken,
  type Group,
  type Session,
  type User,
  type UserWithSecret,
} from '../../src/domain/user.ts';
import type { NewRun, Page, Store } from '../../src/store/store.ts';
import { backends, type Backend, type TestStore } from '../support/backends.ts';

const BASE = Date.UTC(2024, 0, 15, 12, 0, 0, 123);
const at = (offsetMs: number): Date => new Date(BASE + offsetMs);

// ---------------------------------------------------------------- helpers

/** Hands a describe block a store of its own: fresh(label) returns its getter. */
type FreshStores = (label: string) => () => Store;

/**
 * A fresh, migrated store for every block that asks for one, so blocks never share data.
 * They are all opened at once before the blocks run (opening is mostly waiting on the
 * database), and disposed at once at the end.
 */
function freshStores(backend: Backend): FreshStores {
  const labels: string[] = [];
  const opened = new Map<string, TestStore>();
  before(async () => {
    const results = await Promise.allSettled(labels.map((label) => backend.open(label)));
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') opened.set(labels[index] ?? '', result.value);
    });
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  });
  after(async () => {
    await Promise.all([...opened.values()].map((testStore) => testStore.dispose()));
  });
  return (label) => {
    if (labels.includes(label)) throw new Error(`two blocks use the store label '${label}'`);
    labels.push(label);
    return () => {
      const testStore = opened.get(label);
      if (!testStore) throw new Error(`the store '${label}' is not open`);
      return testStore.store;
    };
  };
}

/** Checks that a rejection is an AppError with the given code (for assert.rejects). */
function appError(code: ErrorCode) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  };
}

/** UTF-8 byte order is code point order: what both databases sort text by. */
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function withCursor(cursor: string | undefined): { cursor?: string } {
  return cursor === undefined ? {} : { cursor };
}

/** Follows nextCursor to the end, keeping every item and each page's size. */
async function allPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
): Promise<{ items: T[]; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    sizes.push(page.items.length);
    if (page.nextCursor === null) return { items, sizes };
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end after 100 pages');
}

const ids = (items: readonly { id: string }[]): string[] => items.map((item) => item.id);
const sorted = (values: readonly string[]): string[] => [...values].sort();

function userFixture(login: string, overrides: Partial<UserWithSecret> = {}): UserWithSecret {
  return {
    id: randomUUID(),
    login,
    displayName: `${login} display`,
    email: `${login}@example.org`,
    disabled: false,
    mustChangePassword: false,
    ...LOCAL_ACCOUNT,
    permissions: [],
    groupIds: [],
    passwordHash: `scrypt$hash-of-${login}`,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

function publicUser(user: UserWithSecret): User {
  const { passwordHash: _secret, ...rest } = user;
  return { ...rest, permissions: sorted(rest.permissions) };
}

async function insertUser(store: Store, login: string, overrides: Partial<UserWithSecret> = {}) {
  const user = userFixture(login, overrides);
  assert.equal(await store.users.insert(user), true);
  return user;
}

function groupFixture(name: string, overrides: Partial<Group> = {}): Group {
  return {
    id: randomUUID(),
    name,
    permissions: [],
    memberIds: [],
    usableInSeries: false,
    role: false,
    description: '',
    ...overrides,
  };
}

function sessionFixture(userId: string, expiresAt: Date): Session {
  return {
    id: randomUUID(),
    userId,
    csrfToken: randomUUID(),
    createdAt: at(0),
    expiresAt,
    lastSeenAt: at(0),
  };
}

function tokenFixture(
  userId: string,
  createdAt: Date,
  overrides: Partial<ApiToken> = {},
): ApiToken {
  return {
    id: randomUUID(),
    userId,
    name: 'ci token',
    prefix: 'tp_ab12',
    createdAt,
    lastUsedAt: null,
    expiresAt: null,
    ...overrides,
  };
}

/** A task using every field, with nested, awkward JSON in its components. */
function fullTask(owner: User, overrides: Partial<Task> = {}): Task {
  return {
    id: randomUUID(),
    ownerId: owner.id,
    ownerLogin: owner.login,
    ownerName: owner.displayName,
    name: 'Nightly report',
    description: 'Sends the “nightly” report\nsecond line',
    enabled: true,
    timezone: 'Europe/Berlin',
    triggers: [
      { id: 'trigger-1', kind: 'time', config: { every: { minutes: 5 }, at: ['08:00', '17:30'] } },
      {
        id: 'trigger-2',
        kind: 'file',
        config: { path: '/srv/in', pattern: '*.csv', recursive: true },
      },
    ],
    jobs: [
      {
        id: 'job-1',
        kind: 'program',
        config: { command: 'report', args: ['--since', '{{date}}'], env: { LANG: 'de_DE.UTF-8' } },
        condition: { exitCode: { in: [0, 2] }, output: { matches: '^OK\\b' } },
      },
      {
        id: 'job-2',
        kind: 'fetch',
        config: { url: 'https://example.org/ä?x=1&y=%20' },
        condition: null,
      },
    ],
    actions: [
      {
        id: 'action-1',
        kind: 'email',
        config: {
          to: ['ops@example.org'],
          subject: 'Bericht für {{name}} – "quoted" \\ backslash 😀',
          attach: true,
          ratio: 0.25,
          big: 9007199254740991,
          nothing: null,
          nested: [[1, [2, { deep: 'yes' }]], []],
        },
        qualification: 'all-valid',
      },
      { id: 'action-2', kind: 'webhook', config: {}, qualification: 'none-valid' },
    ],
    series: { id: 'series-1', kind: 'csv', config: { file: 'people.csv', delimiter: ';' } },
    policy: {
      ...DEFAULT_POLICY,
      overlap: 'queue',
      misfire: 'all',
      misfireLimit: 7,
      timeoutSeconds: 3600,
      retries: 2,
      retryBackoffSeconds: 30,
    },
    notices: {
      on: ['failure', 'recovery'],
      toOwner: false,
      to: ['Ops <ops@example.org>'],
      webhook: 'https://hooks.example.org/planner?x=1',
      quietMinutes: 15,
    },
    expiresAt: at(30 * 86_400_000 + 7),
    hidden: true,
    revision: 3,
    createdAt: at(1),
    updatedAt: at(2_000),
    ...overrides,
  };
}

/** A task with every optional part empty. */
function bareTask(owner: User, overrides: Partial<Task> = {}): Task {
  return fullTask(owner, {
    description: '',
    enabled: false,
    triggers: [],
    jobs: [],
    actions: [],
    series: null,
    policy: {
      ...DEFAULT_POLICY,
      overlap: 'skip',
      misfire: 'once',
      misfireLimit: 100,
      timeoutSeconds: null,
      retries: 0,
      retryBackoffSeconds: 60,
    },
    notices: null,
    expiresAt: null,
    hidden: false,
    revision: 1,
    ...overrides,
  });
}

/** An audit fixture before it gets its id and time. */
type UnstampedAudit = Omit<AuditEvent, 'id' | 'at'>;

/** Appends the event at the time, with a time-ordered id as auditEvent gives it; returns it. */
async function appendAt(target: Store, event: UnstampedAudit, time: Date): Promise<AuditEvent> {
  const stamped: AuditEvent = { ...event, id: orderedId(time.getTime()), at: time };
  await target.audit.append(stamped);
  return stamped;
}

function auditFixture(
  objectType: AuditEvent['objectType'],
  objectId: string,
  actorId: string | null,
  details: Record<string, unknown> = {},
): UnstampedAudit {
  return {
    actorId,
    actorLogin: actorId === null ? 'cli' : `login-${actorId}`,
    address: actorId === null ? 'cli' : '192.0.2.7',
    action: `${objectType}.update`,
    objectType,
    objectId,
    details,
  };
}

// ---------------------------------------------------------------- the contract

function migrationContract(backend: Backend, fresh: FreshStores): void {
  describe('migrations', () => {
    const store = fresh('migrate');

    it('migrate() applies nothing the second time and ping() answers', async () => {
      assert.deepEqual(await store().migrate(), []);
      assert.deepEqual(await store().migrate(), []);
      assert.equal(await store().ping(), undefined);
      assert.equal(await store().users.count(), 0);
    });
  });
}

function userContract(backend: Backend, fresh: FreshStores): void {
  describe('users', () => {
    const store = fresh('users');

    it('insert then get round-trips every field, with permissions sorted', async () => {
      const full = await insertUser(store(), 'RoundTrip', {
        displayName: 'Zoë Round-Trip',
        email: 'zoe@example.org',
        disabled: true,
        permissions: ['users.manage', 'taskplanner', 'plugin.b', 'plugin.a'],
        createdAt: at(1),
        updatedAt: at(86_400_001),
      });
      const bare = await insertUser(store(), 'bare', { email: null, passwordHash: null });
      for (const user of [full, bare]) {
        const got = await store().users.get(user.id);
        assert.ok(got);
        assert.deepEqual(got, publicUser(user));
        assert.ok(got.createdAt instanceof Date && got.updatedAt instanceof Date);
        assert.equal('passwordHash' in got, false);
      }
      assert.equal(await store().users.get(randomUUID()), undefined);
    });

    it('insert of a login differing only in case returns false and writes nothing', async () => {
      const original = await insertUser(store(), 'CaseClash', { displayName: 'the original' });
      const before = await store().users.count();
      const clash = userFixture('caseclash', { permissions: ['taskplanner'] });
      assert.equal(await store().users.insert(clash), false);
      assert.equal(await store().users.count(), before);
      assert.equal(await store().users.get(clash.id), undefined);
      assert.deepEqual(await store().users.effectivePermissions(clash.id), new Set());
      const kept = await store().users.getWithSecretByLogin('CASECLASH');
      assert.ok(kept);
      assert.equal(kept.id, original.id);
      assert.equal(kept.displayName, 'the original');
    });

    it('getWithSecretByLogin ignores case and returns the password hash', async () => {
      const user = await insertUser(store(), 'Secretive', { permissions: ['b', 'a'] });
      for (const login of ['Secretive', 'secretive', 'SECRETIVE']) {
        assert.deepEqual(await store().users.getWithSecretByLogin(login), {
          ...user,
          permissions: ['a', 'b'],
        });
      }
      assert.equal(await store().users.getWithSecretByLogin('nobody-here'), undefined);
    });

    it('update changes the given fields only and returns false for an unknown id', async () => {
      const user = await insertUser(store(), 'changer', { permissions: ['taskplanner'] });
      const changed = await store().users.update(user.id, {
        displayName: 'Changed Name',
        email: null,
        disabled: true,
        passwordHash: 'new-hash',
        updatedAt: at(5_000),
      });
      assert.equal(changed, true);
      assert.deepEqual(await store().users.getWithSecretByLogin('changer'), {
        ...user,
        displayName: 'Changed Name',
        email: null,
        disabled: true,
        passwordHash: 'new-hash',
        updatedAt: at(5_000),
      });

      assert.equal(
        await store().users.update(user.id, { login: 'Changer', updatedAt: at(6_000) }),
        true,
      );
      assert.equal((await store().users.get(user.id))?.login, 'Changer');
      assert.equal(
        await store().users.update(randomUUID(), { displayName: 'ghost', updatedAt: at(7_000) }),
        false,
      );
    });

    it('update to a login another user has throws LOGIN_TAKEN and changes nothing', async () => {
      await insertUser(store(), 'taken');
      const user = await insertUser(store(), 'wants-taken');
      const attempt = store().users.update(user.id, {
        login: 'TAKEN',
        displayName: 'should not stick',
        updatedAt: at(9_000),
      });
      await assert.rejects(attempt, appError('LOGIN_TAKEN'));
      assert.deepEqual(await store().users.get(user.id), publicUser(user));
    });

    it('setPermissions replaces the whole set and drops duplicates', async () => {
      const user = await insertUser(store(), 'perms', { permissions: ['a', 'b'] });
      await store().users.setPermissions(user.id, ['c', 'b', 'c']);
      assert.deepEqual((await store().users.get(user.id))?.permissions, ['b', 'c']);
      await store().users.setPermissions(user.id, []);
      assert.deepEqual((await store().users.get(user.id))?.permissions, []);
    });

    it('effectivePermissions is the direct ones plus those of groups the user belongs to', async () => {
      const user = await insertUser(store(), 'effective', { permissions: ['direct', 'shared'] });
      const other = await insertUser(store(), 'outsider', { permissions: ['other'] });
      const member = groupFixture('Members', {
        permissions: ['shared', 'via-group'],
        memberIds: [user.id],
      });
      const notMember = groupFixture('Others', {
        permissions: ['not-mine'],
        memberIds: [other.id],
      });
      assert.equal(await store().groups.insert(member, at(0)), true);
      assert.equal(await store().groups.insert(notMember, at(0)), true);
      assert.deepEqual(
        await store().users.effectivePermissions(user.id),
        new Set(['direct', 'shared', 'via-group']),
      );
      assert.deepEqual((await store().users.get(user.id))?.groupIds, [member.id]);
    });

    it('delete removes the user with their permissions, memberships, sessions and tokens', async () => {
      const user = await insertUser(store(), 'leaving', { permissions: ['taskplanner'] });
      const group = groupFixture('Leavers', { permissions: ['g'], memberIds: [user.id] });
      assert.equal(await store().groups.insert(group, at(0)), true);
      const session = sessionFixture(user.id, at(3_600_000));
      await store().sessions.insert(session, { address: '192.0.2.1', userAgent: 'test' });
      await store().apiTokens.insert(tokenFixture(user.id, at(0)), 'hash-of-leaving');

      assert.equal(await store().users.delete(user.id), true);
      assert.equal(await store().users.get(user.id), undefined);
      assert.deepEqual(await store().users.effectivePermissions(user.id), new Set());
      assert.deepEqual((await store().groups.get(group.id))?.memberIds, []);
      assert.equal(await store().sessions.get(session.id), undefined);
      assert.equal(await store().apiTokens.findByHash('hash-of-leaving'), undefined);
      assert.equal(await store().users.delete(user.id), false);
    });
  });

  describe('users.list', () => {
    const store = fresh('userlist');
    const logins = ['gina', 'Bob', 'alice', 'Dave', 'carol', 'Frank', 'eve'];
    let users: UserWithSecret[] = [];

    before(async () => {
      users = [];
      for (const login of logins) users.push(await insertUser(store(), login));
    });

    it('orders by login ignoring case and pages through every user exactly once', async () => {
      const expected = [...users]
        .sort((a, b) => byCodePoint(a.login.toLowerCase(), b.login.toLowerCase()))
        .map((user) => user.login);
      assert.deepEqual(expected, ['alice', 'Bob', 'carol', 'Dave', 'eve', 'Frank', 'gina']);
      const { items, sizes } = await allPages((cursor) =>
        store().users.list({ limit: 3, ...withCursor(cursor) }),
      );
      assert.deepEqual(
        items.map((user) => user.login),
        expected,
      );
      assert.deepEqual(sizes, [3, 3, 1]);
      assert.deepEqual(items[0], publicUser(users[2] ?? assert.fail()));
    });

    it('q matches login or display name, ignoring case', async () => {
      await insertUser(store(), 'jsmith', { displayName: 'John Smith' });
      const byLogin = await store().users.list({ q: 'ALI', limit: 50 });
      assert.deepEqual(
        byLogin.items.map((user) => user.login),
        ['alice'],
      );
      const byName = await store().users.list({ q: 'smITH', limit: 50 });
      assert.deepEqual(
        byName.items.map((user) => user.login),
        ['jsmith'],
      );
      assert.deepEqual(await store().users.list({ q: 'no-such-user', limit: 50 }), {
        items: [],
        nextCursor: null,
      });
    });

    it('q treats % and _ as literal characters', async () => {
      await insertUser(store(), 'a_b', { displayName: 'underscore' });
      await insertUser(store(), 'axb', { displayName: 'plain' });
      await insertUser(store(), 'percent', { displayName: '100% sure' });
      await insertUser(store(), 'notpercent', { displayName: '100 sure' });
      const underscore = await store().users.list({ q: '_', limit: 50 });
      assert.deepEqual(
        underscore.items.map((user) => user.login),
        ['a_b'],
      );
      const percent = await store().users.list({ q: '0%', limit: 50 });
      assert.deepEqual(
        percent.items.map((user) => user.login),
        ['percent'],
      );
    });

    it('q matches a display name with non-ASCII letters, ignoring case', async () => {
      await insertUser(store(), 'ezola', { displayName: 'Émile Zola' });
      for (const q of ['émile', 'ÉMILE', 'Émile']) {
        const page = await store().users.list({ q, limit: 50 });
        assert.deepEqual(
          page.items.map((user) => user.login),
          ['ezola'],
          `q=${q}`,
        );
      }
    });

    it('an invalid cursor is a VALIDATION_FAILED error', async () => {
      await assert.rejects(
        store().users.list({ limit: 3, cursor: 'not-a-cursor' }),
        appError('VALIDATION_FAILED'),
      );
    });
  });
}

function groupContract(backend: Backend, fresh: FreshStores): void {
  describe('groups', () => {
    const store = fresh('groups');
    let alice: UserWithSecret;
    let bob: UserWithSecret;

    before(async () => {
      alice = await insertUser(store(), 'alice');
      bob = await insertUser(store(), 'bob');
    });

    it('insert then get round-trips name, sorted permissions and members', async () => {
      const group = groupFixture('Operators', {
        permissions: ['taskplanner.admin', 'taskplanner'],
        memberIds: [alice.id, bob.id],
      });
      assert.equal(await store().groups.insert(group, at(0)), true);
      const got = await store().groups.get(group.id);
      assert.ok(got);
      assert.deepEqual(
        { ...got, memberIds: sorted(got.memberIds) },
        {
          ...group,
          permissions: ['taskplanner', 'taskplanner.admin'],
          memberIds: sorted([alice.id, bob.id]),
        },
      );
      assert.equal(await store().groups.get(randomUUID()), undefined);
    });

    it('insert of a name differing only in case returns false and adds nothing', async () => {
      assert.equal(await store().groups.insert(groupFixture('Auditors'), at(0)), true);
      const before = await store().groups.list();
      const clash = groupFixture('AUDITORS', { permissions: ['x'] });
      assert.equal(await store().groups.insert(clash, at(0)), false);
      assert.deepEqual(await store().groups.list(), before);
      assert.equal(await store().groups.get(clash.id), undefined);
    });

    it('list returns every group ordered by name ignoring case', async () => {
      for (const name of ['beta', 'Alpha', 'Gamma']) {
        assert.equal(await store().groups.insert(groupFixture(name), at(0)), true);
      }
      const names = (await store().groups.list()).map((group) => group.name);
      const expected = [...names].sort((a, b) => byCodePoint(a.toLowerCase(), b.toLowerCase()));
      assert.deepEqual(names, expected);
      for (const name of ['beta', 'Alpha', 'Gamma']) assert.ok(names.includes(name), name);
    });

    it('setPermissions and setMembers replace the whole set', async () => {
      const group = groupFixture('Replace', { permissions: ['a', 'b'], memberIds: [alice.id] });
      assert.equal(await store().groups.insert(group, at(0)), true);
      await store().groups.setPermissions(group.id, ['c', 'a', 'c']);
      await store().groups.setMembers(group.id, [bob.id]);
      const got = await store().groups.get(group.id);
      assert.ok(got);
      assert.deepEqual(got.permissions, ['a', 'c']);
      assert.deepEqual(got.memberIds, [bob.id]);
      assert.ok(!(await store().users.get(alice.id))?.groupIds.includes(group.id));
      assert.ok((await store().users.get(bob.id))?.groupIds.includes(group.id));
      await store().groups.setMembers(group.id, []);
      assert.deepEqual((await store().groups.get(group.id))?.memberIds, []);
    });

    it('delete removes the group and what its members got from it', async () => {
      const group = groupFixture('Doomed', { permissions: ['doomed.perm'], memberIds: [alice.id] });
      assert.equal(await store().groups.insert(group, at(0)), true);
      assert.ok((await store().users.effectivePermissions(alice.id)).has('doomed.perm'));
      assert.equal(await store().groups.delete(group.id), true);
      assert.equal(await store().groups.get(group.id), undefined);
      assert.ok(!(await store().users.get(alice.id))?.groupIds.includes(group.id));
      assert.ok(!(await store().users.effectivePermissions(alice.id)).has('doomed.perm'));
      assert.equal(await store().groups.delete(group.id), false);
      assert.equal(await store().groups.insert(groupFixture('doomed'), at(0)), true);
    });
  });
}

function sessionContract(backend: Backend, fresh: FreshStores): void {
  describe('sessions', () => {
    const store = fresh('sessions');
    const details = { address: '192.0.2.1', userAgent: 'Mozilla/5.0 '.repeat(100) };
    let alice: UserWithSecret;
    let bob: UserWithSecret;

    before(async () => {
      alice = await insertUser(store(), 'alice');
      bob = await insertUser(store(), 'bob');
    });

    it('insert then get round-trips the session', async () => {
      const session = { ...sessionFixture(alice.id, at(3_600_000)), lastSeenAt: at(17) };
      await store().sessions.insert(session, details);
      assert.deepEqual(await store().sessions.get(session.id), session);
      assert.equal(await store().sessions.get(randomUUID()), undefined);
    });

    it('touch moves lastSeenAt and expiresAt', async () => {
      const session = sessionFixture(alice.id, at(3_600_000));
      await store().sessions.insert(session, details);
      await store().sessions.touch(session.id, at(60_000), at(7_200_000));
      assert.deepEqual(await store().sessions.get(session.id), {
        ...session,
        lastSeenAt: at(60_000),
        expiresAt: at(7_200_000),
      });
    });

    it('delete removes one session, deleteForUser all of one user’s', async () => {
      const [a1, a2, b1] = [alice.id, alice.id, bob.id].map((id) =>
        sessionFixture(id, at(3_600_000)),
      );
      assert.ok(a1 && a2 && b1);
      for (const session of [a1, a2, b1]) await store().sessions.insert(session, details);
      await store().sessions.delete(a1.id);
      assert.equal(await store().sessions.get(a1.id), undefined);
      assert.deepEqual(await store().sessions.get(a2.id), a2);
      await store().sessions.deleteForUser(alice.id);
      assert.equal(await store().sessions.get(a2.id), undefined);
      assert.deepEqual(await store().sessions.get(b1.id), b1);
    });
  });

  describe('sessions.deleteExpired', () => {
    const store = fresh('sessionexpiry');
    const details = { address: '192.0.2.1', userAgent: 'test' };
    let bob: UserWithSecret;

    before(async () => {
      bob = await insertUser(store(), 'bob');
    });

    it('deleteExpired deletes expired sessions, counts them and keeps live ones', async () => {
      const now = at(10_000_000);
      const expired = [at(1_000), at(9_999_999)].map((end) => sessionFixture(bob.id, end));
      const live = [at(10_000_001), at(99_000_000)].map((end) => sessionFixture(bob.id, end));
      for (const session of [...expired, ...live]) await store().sessions.insert(session, details);
      assert.equal(await store().sessions.deleteExpired(now), 2);
      for (const session of expired)
        assert.equal(await store().sessions.get(session.id), undefined);
      for (const session of live) assert.deepEqual(await store().sessions.get(session.id), session);
      assert.equal(await store().sessions.deleteExpired(now), 0);
    });
  });
}

function apiTokenContract(backend: Backend, fresh: FreshStores): void {
  describe('apiTokens', () => {
    const store = fresh('tokens');
    let alice: UserWithSecret;
    let bob: UserWithSecret;

    before(async () => {
      alice = await insertUser(store(), 'alice');
      bob = await insertUser(store(), 'bob');
    });

    it('insert then findByHash round-trips the token', async () => {
      const plain = tokenFixture(alice.id, at(0));
      const full = tokenFixture(alice.id, at(5), { lastUsedAt: at(6), expiresAt: at(86_400_000) });
      await store().apiTokens.insert(plain, 'hash-plain');
      await store().apiTokens.insert(full, 'hash-full');
      assert.deepEqual(await store().apiTokens.findByHash('hash-plain'), plain);
      assert.deepEqual(await store().apiTokens.findByHash('hash-full'), full);
      assert.equal(await store().apiTokens.findByHash('hash-unknown'), undefined);
    });

    it('listForUser returns only that user’s tokens, oldest first', async () => {
      const later = tokenFixture(bob.id, at(2_000), { name: 'later' });
      const earlier = tokenFixture(bob.id, at(1_000), { name: 'earlier' });
      await store().apiTokens.insert(later, 'hash-later');
      await store().apiTokens.insert(earlier, 'hash-earlier');
      assert.deepEqual(await store().apiTokens.listForUser(bob.id), [earlier, later]);
      assert.deepEqual(await store().apiTokens.listForUser(randomUUID()), []);
    });

    it('touch records lastUsedAt', async () => {
      const token = tokenFixture(alice.id, at(0));
      await store().apiTokens.insert(token, 'hash-touch');
      await store().apiTokens.touch(token.id, at(42_000));
      assert.deepEqual(await store().apiTokens.findByHash('hash-touch'), {
        ...token,
        lastUsedAt: at(42_000),
      });
    });

    it('delete refuses another user’s token and removes one’s own', async () => {
      const token = tokenFixture(alice.id, at(0));
      await store().apiTokens.insert(token, 'hash-delete');
      assert.equal(await store().apiTokens.delete(token.id, bob.id), false);
      assert.deepEqual(await store().apiTokens.findByHash('hash-delete'), token);
      assert.equal(await store().apiTokens.delete(token.id, alice.id), true);
      assert.equal(await store().apiTokens.findByHash('hash-delete'), undefined);
      assert.equal(await store().apiTokens.delete(token.id, alice.id), false);
    });
  });
}

function taskContract(backend: Backend, fresh: FreshStores): void {
  describe('tasks', () => {
    const store = fresh('tasks');
    let alice: UserWithSecret;
    let bob: UserWithSecret;

    before(async () => {
      alice = await insertUser(store(), 'Alice');
      bob = await insertUser(store(), 'bob');
    });

    it('insert then get round-trips every field, nested JSON and the owner’s login', async () => {
      for (const task of [fullTask(alice), bareTask(bob)]) {
        await store().tasks.insert(task);
        const got = await store().tasks.get(task.id);
        assert.deepEqual(got, task);
        assert.ok(got.createdAt instanceof Date && got.updatedAt instanceof Date);
      }
      assert.equal(await store().tasks.get(randomUUID()), undefined);
    });

    it('ownerLogin follows the owner’s current login', async () => {
      const carol = await insertUser(store(), 'carol');
      const task = bareTask(carol);
      await store().tasks.insert(task);
      await store().users.update(carol.id, { login: 'Caroline', updatedAt: at(1) });
      assert.equal((await store().tasks.get(task.id))?.ownerLogin, 'Caroline');
    });

    it('update with the current revision writes every field and returns true', async () => {
      const task = fullTask(alice);
      await store().tasks.insert(task);
      const changed = bareTask(bob, {
        id: task.id,
        name: 'Renamed and moved',
        revision: task.revision + 1,
        createdAt: task.createdAt,
        updatedAt: at(99_000),
      });
      assert.equal(await store().tasks.update(changed, task.revision), true);
      assert.deepEqual(await store().tasks.get(task.id), changed);
    });

    it('update refreshes what list searches and sorts by', async () => {
      const task = bareTask(alice, { name: 'zz before rename' });
      await store().tasks.insert(task);
      const renamed = { ...task, name: 'AAA after rename', revision: 2, updatedAt: at(5) };
      assert.equal(await store().tasks.update(renamed, 1), true);
      const query: TaskListQuery = {
        scope: { kind: 'owned', userId: alice.id },
        sort: 'name',
        order: 'asc',
        limit: 100,
      };
      assert.deepEqual(ids((await store().tasks.list({ ...query, q: 'before' })).items), []);
      assert.deepEqual(ids((await store().tasks.list({ ...query, q: 'after REN' })).items), [
        task.id,
      ]);
      assert.equal((await store().tasks.list(query)).items[0]?.id, task.id);
    });

    it('update with a stale revision returns false and changes nothing', async () => {
      const task = fullTask(alice, { revision: 5 });
      await store().tasks.insert(task);
      const stale = { ...task, name: 'lost update', revision: 5 };
      assert.equal(await store().tasks.update(stale, 4), false);
      assert.equal(await store().tasks.update({ ...stale, revision: 7 }, 6), false);
      assert.deepEqual(await store().tasks.get(task.id), task);
      assert.equal(await store().tasks.update({ ...task, id: randomUUID() }, 5), false);
    });

    it('delete returns true once, then false', async () => {
      const task = bareTask(alice);
      await store().tasks.insert(task);
      assert.equal(await store().tasks.delete(task.id), true);
      assert.equal(await store().tasks.get(task.id), undefined);
      assert.equal(await store().tasks.delete(task.id), false);
    });

    it('countByOwner counts only that owner’s tasks', async () => {
      const dave = await insertUser(store(), 'dave');
      const erin = await insertUser(store(), 'erin');
      assert.equal(await store().tasks.countByOwner(dave.id), 0);
      for (let i = 0; i < 3; i++) await store().tasks.insert(bareTask(dave));
      await store().tasks.insert(bareTask(erin));
      assert.equal(await store().tasks.countByOwner(dave.id), 3);
      assert.equal(await store().tasks.countByOwner(erin.id), 1);
    });

    it('concurrent updates from the same revision: exactly one wins', async () => {
      const task = bareTask(alice, { revision: 1 });
      await store().tasks.insert(task);
      const names = ['writer one', 'writer two', 'writer three'];
      const results = await Promise.all(
        names.map((name) => store().tasks.update({ ...task, name, revision: 2 }, 1)),
      );
      assert.equal(results.filter(Boolean).length, 1, `results: ${results.join(', ')}`);
      const stored = await store().tasks.get(task.id);
      assert.ok(stored);
      assert.equal(stored.revision, 2);
      assert.equal(stored.name, names[results.indexOf(true)]);
    });
  });
}

// Names chosen to trip up collations: case, accents, digits, punctuation, symbols outside
// the BMP, ties after lower-casing, and LIKE's special characters.
const LIST_NAMES = [
  'apple',
  'Banana',
  'cherry',
  'Élan',
  'zeta',
  'Zebra',
  'éclair',
  'Apple',
  'apple',
  '10 reports',
  '2 reports',
  '_underscore',
  '100% done',
  'a_b',
  'axb',
  '#hash',
  '(paren)',
  'Ärger',
  'Ωmega',
  '😀 smile',
  'ﬁle',
  ' leading space',
  'UPPER',
  'back\\slash',
  'mIxEd Case',
];

function listFixtures(alice: User, bob: User): Task[] {
  return LIST_NAMES.map((name, i) =>
    bareTask(i % 3 === 1 ? bob : alice, {
      name,
      description:
        i % 5 === 0 ? 'Weekly REPORT for finance' : i === 3 ? 'costs 5% more' : `number ${i}`,
      enabled: i % 4 !== 3,
      createdAt: at(Math.floor(i / 4) * 60_000),
      updatedAt: at(600_000 + (i % 3) * 1_000),
    }),
  );
}

function sortValue(task: Task, sort: TaskSortKey): string | number {
  if (sort === 'name') return task.name.toLowerCase();
  return sort === 'createdAt' ? task.createdAt.getTime() : task.updatedAt.getTime();
}

/** The order both databases must agree on: sort value by code point, then id. */
function expectedOrder(tasks: readonly Task[], sort: TaskSortKey, order: 'asc' | 'desc'): string[] {
  const ascending = [...tasks].sort((a, b) => {
    const [x, y] = [sortValue(a, sort), sortValue(b, sort)];
    const byValue =
      typeof x === 'string' && typeof y === 'string' ? byCodePoint(x, y) : Number(x) - Number(y);
    return byValue || byCodePoint(a.id, b.id);
  });
  return ids(order === 'asc' ? ascending : ascending.reverse());
}

function matchesQ(task: Task, q: string): boolean {
  const needle = q.toLowerCase();
  return (
    task.name.toLowerCase().includes(needle) || task.description.toLowerCase().includes(needle)
  );
}

function taskListContract(backend: Backend, fresh: FreshStores): void {
  describe('noticeStates', () => {
    const store = fresh('notice_states');

    it('saves, overwrites and reads back states; a deleted task takes its state along', async () => {
      const owner = await insertUser(store(), 'Notified');
      const [first, second] = [bareTask(owner), bareTask(owner)];
      for (const task of [first, second]) await store().tasks.insert(task);
      assert.equal((await store().noticeStates.of([first.id])).size, 0);
      const failing = {
        taskId: first.id,
        failing: true,
        lastSentAt: 1_700_000_000_123,
        withheld: { count: 3, since: 1_700_000_100_000 },
      };
      const calm = { ...failing, taskId: second.id, failing: false, lastSentAt: null };
      await store().noticeStates.save([failing, { ...calm, withheld: { count: 0, since: null } }]);
      await store().noticeStates.save([{ ...failing, withheld: { count: 4, since: 7 } }]);
      const states = await store().noticeStates.of([first.id, second.id, first.id]);
      assert.deepEqual(states.get(first.id), { ...failing, withheld: { count: 4, since: 7 } });
      assert.deepEqual(states.get(second.id), { ...calm, withheld: { count: 0, since: null } });
      await store().tasks.delete(first.id);
      assert.deepEqual(
        [...(await store().noticeStates.of([first.id, second.id])).keys()],
        [second.id],
      );
    });
  });

  describe('tasks.list', () => {
    const store = fresh('tasklist');
    let alice: UserWithSecret;
    let bob: UserWithSecret;
    let tasks: Task[] = [];

    before(async () => {
      alice = await insertUser(store(), 'alice');
      bob = await insertUser(store(), 'bob');
      tasks = listFixtures(alice, bob);
      for (const task of tasks) await store().tasks.insert(task);
    });

    async function listAll(query: Omit<TaskListQuery, 'cursor'>) {
      return allPages((cursor) => store().tasks.list({ ...query, ...withCursor(cursor) }));
    }

    for (const sort of ['name', 'createdAt', 'updatedAt'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        it(`sorts by ${sort} ${order}, ties by id, and pages through each task exactly once`, async () => {
          const { items, sizes } = await listAll({
            scope: { kind: 'everyone' },
            sort,
            order,
            limit: 10,
          });
          assert.deepEqual(ids(items), expectedOrder(tasks, sort, order));
          assert.deepEqual(sizes, [10, 10, 5]);
          const single = await store().tasks.list({
            scope: { kind: 'everyone' },
            sort,
            order,
            limit: 100,
          });
          assert.deepEqual(ids(single.items), expectedOrder(tasks, sort, order));
          assert.equal(single.nextCursor, null);
        });
      }
    }

    it('sorts names by lower-cased code point, the same on every database', async () => {
      const page = await store().tasks.list({
        scope: { kind: 'everyone' },
        sort: 'name',
        order: 'asc',
        limit: 100,
      });
      const names = page.items.map((task) => task.name);
      const position = (name: string) => names.indexOf(name);
      assert.ok(position('apple') < position('Banana') && position('Banana') < position('cherry'));
      assert.ok(position('Zebra') < position('zeta') && position('zeta') < position('Élan'));
      assert.ok(position('10 reports') < position('2 reports'));
      assert.ok(position('ﬁle') < position('😀 smile'));
      assert.deepEqual(names.slice(0, 3), [' leading space', '#hash', '(paren)']);
    });

    it('the last page is full and has no cursor when the count divides by limit', async () => {
      const { sizes } = await listAll({
        scope: { kind: 'everyone' },
        sort: 'name',
        order: 'asc',
        limit: 5,
      });
      assert.deepEqual(sizes, [5, 5, 5, 5, 5]);
    });

    it('ownerId limits the list to one owner; null lists everyone', async () => {
      for (const owner of [alice, bob]) {
        const { items } = await listAll({
          scope: { kind: 'owned', userId: owner.id },
          sort: 'name',
          order: 'desc',
          limit: 4,
        });
        const own = tasks.filter((task) => task.ownerId === owner.id);
        assert.deepEqual(ids(items), expectedOrder(own, 'name', 'desc'));
        assert.ok(items.every((task) => task.ownerLogin === owner.login));
      }
      const everyone = await store().tasks.list({
        scope: { kind: 'everyone' },
        sort: 'name',
        order: 'asc',
        limit: 100,
      });
      assert.equal(everyone.items.length, tasks.length);
      assert.deepEqual(
        await store().tasks.list({
          scope: { kind: 'owned', userId: randomUUID() },
          sort: 'name',
          order: 'asc',
          limit: 5,
        }),
        { items: [], nextCursor: null },
      );
    });

    it('enabled filters on the flag, also combined with an owner', async () => {
      for (const enabled of [true, false]) {
        const { items } = await listAll({
          scope: { kind: 'everyone' },
          enabled,
          sort: 'createdAt',
          order: 'asc',
          limit: 4,
        });
        const expected = tasks.filter((task) => task.enabled === enabled);
        assert.ok(expected.length > 0);
        assert.deepEqual(ids(items), expectedOrder(expected, 'createdAt', 'asc'));
      }
      const bobsOff = await listAll({
        scope: { kind: 'owned', userId: bob.id },
        enabled: false,
        sort: 'name',
        order: 'asc',
        limit: 2,
      });
      const expected = tasks.filter((task) => task.ownerId === bob.id && !task.enabled);
      assert.deepEqual(ids(bobsOff.items), expectedOrder(expected, 'name', 'asc'));
    });

    it('q matches name or description as a case-insensitive substring', async () => {
      for (const q of ['APPLE', 'report', 'élan', 'ärger', 'ΩMEGA', '😀', 'D C']) {
        const { items } = await listAll({
          scope: { kind: 'everyone' },
          q,
          sort: 'name',
          order: 'asc',
          limit: 3,
        });
        const expected = tasks.filter((task) => matchesQ(task, q));
        assert.ok(expected.length > 0, `fixture for q=${q}`);
        assert.deepEqual(ids(items), expectedOrder(expected, 'name', 'asc'), `q=${q}`);
      }
      const none = await store().tasks.list({
        scope: { kind: 'everyone' },
        q: 'nothing like this',
        sort: 'name',
        order: 'asc',
        limit: 5,
      });
      assert.deepEqual(none, { items: [], nextCursor: null });
    });

    it('q treats %, _ and \\ as literal characters', async () => {
      const cases = {
        _: ['_underscore', 'a_b'],
        '%': ['100% done', 'Élan'],
        '\\': ['back\\slash'],
      };
      for (const [q, names] of Object.entries(cases)) {
        const page = await store().tasks.list({
          scope: { kind: 'everyone' },
          q,
          sort: 'name',
          order: 'asc',
          limit: 100,
        });
        const expected = tasks.filter((task) => matchesQ(task, q));
        assert.deepEqual(
          sorted(expected.map((task) => task.name)),
          sorted(names),
          `fixture for q=${q}`,
        );
        assert.deepEqual(ids(page.items), expectedOrder(expected, 'name', 'asc'), `q=${q}`);
      }
    });

    it('an invalid or foreign cursor is a VALIDATION_FAILED error', async () => {
      const base: TaskListQuery = {
        scope: { kind: 'everyone' },
        sort: 'name',
        order: 'asc',
        limit: 5,
      };
      await assert.rejects(
        store().tasks.list({ ...base, cursor: 'garbage!' }),
        appError('VALIDATION_FAILED'),
      );
      const nameCursor = (await store().tasks.list(base)).nextCursor;
      assert.ok(nameCursor);
      await assert.rejects(
        store().tasks.list({ ...base, sort: 'createdAt', cursor: nameCursor }),
        appError('VALIDATION_FAILED'),
      );
    });
  });
}

function auditContract(backend: Backend, fresh: FreshStores): void {
  describe('audit.append', () => {
    const store = fresh('auditappend');

    it('append stores the event as given: its id, its time and every field', async () => {
      const alice = randomUUID();
      const first = await appendAt(store(), auditFixture('task', 't1', alice), at(0));
      const event = auditFixture('session', 's1', alice, { from: 'test', nested: [{ a: null }] });
      const stored = await appendAt(store(), event, at(123_456));
      assert.deepEqual((await store().audit.list({ limit: 10 })).items, [stored, first]);
    });
  });

  describe('audit.list', () => {
    const store = fresh('auditlist');
    const [alice, bob] = [randomUUID(), randomUUID()];
    const appended: AuditEvent[] = [];

    before(async () => {
      // Out of time order, and a burst of 25 events in one millisecond.
      const plan: [number, UnstampedAudit][] = [
        [5_000, auditFixture('task', 't1', alice, { name: 'first', nested: { list: [1, 'two'] } })],
        [-3_000, auditFixture('user', 'u1', null)],
        [9_000, auditFixture('task', 't2', bob)],
      ];
      for (let i = 0; i < 25; i++) {
        const odd = i % 2 === 1;
        plan.push([
          7_000,
          auditFixture(odd ? 'task' : 'group', i % 3 === 0 ? 'g1' : 't1', odd ? alice : bob, { i }),
        ]);
      }
      plan.push([1_000, auditFixture('token', 'k1', alice)]);
      for (const [offset, event] of plan) appended.push(await appendAt(store(), event, at(offset)));
    });

    /** Newest first; within one millisecond the later append first. */
    function newestFirst(events: readonly AuditEvent[]): string[] {
      const order = (event: AuditEvent) => appended.indexOf(event);
      return ids(
        [...events].sort((a, b) => b.at.getTime() - a.at.getTime() || order(b) - order(a)),
      );
    }

    it('list is newest first, also within one millisecond, and round-trips every field', async () => {
      const page = await store().audit.list({ objectType: 'task', objectId: 't1', limit: 100 });
      const expected = appended.filter(
        (event) => event.objectType === 'task' && event.objectId === 't1',
      );
      assert.deepEqual(ids(page.items), newestFirst(expected));
      assert.deepEqual(
        page.items.map((event) => appended.find((a) => a.id === event.id)),
        page.items,
      );
    });

    it('list filters by objectType, objectId and actorId', async () => {
      const cases: [Parameters<Store['audit']['list']>[0], (e: AuditEvent) => boolean][] = [
        [{ objectType: 'group', limit: 100 }, (e) => e.objectType === 'group'],
        [{ objectId: 't2', limit: 100 }, (e) => e.objectId === 't2'],
        [{ actorId: bob, limit: 100 }, (e) => e.actorId === bob],
        [
          { objectType: 'task', actorId: alice, limit: 100 },
          (e) => e.objectType === 'task' && e.actorId === alice,
        ],
      ];
      for (const [query, keep] of cases) {
        const page = await store().audit.list(query);
        const expected = appended.filter(keep);
        assert.ok(expected.length > 0);
        assert.deepEqual(ids(page.items), newestFirst(expected), JSON.stringify(query));
      }
    });

    it('pages through every event exactly once, across a burst in one millisecond', async () => {
      const all = await allPages((cursor) =>
        store().audit.list({ limit: 4, ...withCursor(cursor) }),
      );
      assert.deepEqual(ids(all.items), newestFirst(appended));
      assert.ok(all.sizes.length > 5);
      const onlyAlice = await allPages((cursor) =>
        store().audit.list({ actorId: alice, limit: 3, ...withCursor(cursor) }),
      );
      const ofAlice = appended.filter((event) => event.actorId === alice);
      assert.deepEqual(ids(onlyAlice.items), newestFirst(ofAlice));
    });

    it('an invalid cursor is a VALIDATION_FAILED error, also one holding a NUL', async () => {
      await assert.rejects(
        store().audit.list({ limit: 3, cursor: 'nope' }),
        appError('VALIDATION_FAILED'),
      );
      const withNul = (position: unknown[]) =>
        Buffer.from(JSON.stringify(position)).toString('base64url');
      await assert.rejects(
        store().audit.list({ limit: 3, cursor: withNul(['audit', 1, '\u0000']) }),
        appError('VALIDATION_FAILED'),
      );
      // A listing sorted by a text (users, tasks by name) refuses a NUL in the value too.
      assert.throws(
        () => decodeCursor(withNul(['users', 'a\u0000', 'x']), 'users', 'string'),
        appError('VALIDATION_FAILED'),
      );
      assert.deepEqual(decodeCursor(withNul(['users', 'a', 'x']), 'users', 'string'), {
        value: 'a',
        id: 'x',
      });
    });
  });
}

function transactionContract(backend: Backend, fresh: FreshStores): void {
  describe('transaction', () => {
    const store = fresh('transaction');
    let alice: UserWithSecret;

    before(async () => {
      alice = await insertUser(store(), 'alice');
    });

    it('a transaction that throws rolls back every change in it', async () => {
      const task = bareTask(alice);
      const newcomer = userFixture('newcomer', { permissions: ['taskplanner'] });
      const failure = new AppError('REVISION_CONFLICT', 'rolled back on purpose');
      const attempt = store().transaction(async (tx) => {
        await tx.tasks.insert(task);
        await appendAt(tx, auditFixture('task', task.id, alice.id), at(0));
        assert.equal(await tx.users.insert(newcomer), true);
        await tx.users.setPermissions(alice.id, ['granted.in.tx']);
        throw failure;
      });
      await assert.rejects(attempt, (error) => error === failure);
      assert.equal(await store().tasks.get(task.id), undefined);
      assert.deepEqual((await store().audit.list({ objectId: task.id, limit: 10 })).items, []);
      assert.equal(await store().users.getWithSecretByLogin('newcomer'), undefined);
      assert.deepEqual(await store().users.effectivePermissions(newcomer.id), new Set());
      assert.deepEqual((await store().users.get(alice.id))?.permissions, []);
    });

    it('a transaction that returns commits every change and returns its value', async () => {
      const task = bareTask(alice);
      const result = await store().transaction(async (tx) => {
        await tx.tasks.insert(task);
        const event = await appendAt(tx, auditFixture('task', task.id, alice.id), at(0));
        assert.deepEqual(await tx.tasks.get(task.id), task);
        return event;
      });
      assert.deepEqual(await store().tasks.get(task.id), task);
      assert.deepEqual((await store().audit.list({ objectId: task.id, limit: 10 })).items, [
        result,
      ]);
    });
  });
}

function leaseContract(backend: Backend, fresh: FreshStores): void {
  describe('runs under leases', () => {
    const store = fresh('leases');
    let task: Task;
    const lease = (node: string, token: string, expiresAt: number) => ({ node, token, expiresAt });
    const running = (held: Lease) => ({ state: 'running' as const, lease: held });
    const claimed = (held: Lease, at: number) => ({
      state: 'claimed' as const,
      lease: held,
      notBefore: at,
    });
    const newRun = (entry: NewRun['entry'], scheduledFor: number): NewRun => ({
      id: randomUUID(),
      taskId: task.id,
      ownerId: task.ownerId,
      triggerId: 'trigger-1',
      cause: 'schedule' as const,
      scheduledFor,
      occurrences: 1,
      attempt: 1,
      retryOf: null,
      parameters: {},
      chain: [task.id],
      queuedAt: BASE,
      reason: null,
      reasonCode: null,
      entry,
    });

    before(async () => {
      const alice = await insertUser(store(), 'alice');
      task = bareTask(alice);
      await store().tasks.insert(task);
    });

    it('running and claimed find the runs of expired leases, or of a node but one lease', async () => {
      const old = newRun(running(lease('node-a', 'old', BASE + 10)), BASE);
      const reserved = newRun(claimed(lease('node-a', 'old', BASE + 10), BASE + 1000), BASE + 1000);
      const live = newRun(running(lease('node-a', 'new', BASE + 99_000)), BASE + 2000);
      const other = newRun(running(lease('node-b', 'b', BASE + 99_000)), BASE + 3000);
      await store().queue.insert([old, reserved, live, other]);
      const ids = (runs: ReadonlyArray<{ id: string }>) => runs.map((run) => run.id).sort();
      const expired = { expiredBefore: BASE + 20 };
      assert.deepEqual(ids(await store().queue.running(expired, 10)), [old.id]);
      assert.deepEqual(ids(await store().queue.claimed(expired, 10)), [reserved.id]);
      const predecessor = { exceptToken: 'new', node: 'node-a' };
      assert.deepEqual(ids(await store().queue.running(predecessor, 10)), [old.id]);
      const alone = { exceptToken: 'new', node: null };
      assert.deepEqual(ids(await store().queue.running(alone, 10)), [old.id, other.id].sort());
      const [held] = await store().queue.claimed(expired, 10);
      assert.deepEqual([held?.leaseToken, held?.node], ['old', 'node-a']);
    });

    it('withdraw deletes a reservation only under its own lease, and never a begun run', async () => {
      const reserved = newRun(
        claimed(lease('node-a', 'mine', BASE + 10), BASE + 5000),
        BASE + 5000,
      );
      const begun = newRun(running(lease('node-a', 'mine', BASE + 10)), BASE + 6000);
      await store().queue.insert([reserved, begun]);
      const wrongLease = [{ id: reserved.id, leaseToken: 'theirs' }];
      assert.deepEqual(await store().queue.withdraw(wrongLease), new Set());
      const withdrawn = await store().queue.withdraw([
        { id: reserved.id, leaseToken: 'mine' },
        { id: begun.id, leaseToken: 'mine' },
      ]);
      assert.deepEqual(withdrawn, new Set([reserved.id]));
      assert.equal(await store().runs.get(reserved.id), undefined);
      assert.equal((await store().runs.get(begun.id))?.status, 'running');
    });

    it('each transition moves only the runs in one of its from states', async () => {
      const held = lease('node-t', 'tok', BASE + 99_000);
      const entries: Record<RunState, NewRun['entry']> = {
        ready: { state: 'ready', notBefore: BASE },
        waiting: { state: 'waiting' },
        claimed: claimed(held, BASE),
        running: running(held),
        ended: { state: 'skipped' },
      };
      const end = (id: string) => ({
        id,
        leaseToken: 'tok',
        status: 'succeeded' as const,
        reason: null,
        reasonCode: null,
        finishedAt: BASE + 1,
        items: [],
        results: [],
        log: '',
      });
      const withStatus = async (ids: string[], status: RunStatus) => {
        const runs = await Promise.all(ids.map((id) => store().runs.get(id)));
        return new Set(runs.filter((run) => run?.status === status).map((run) => run?.id ?? ''));
      };
      const readyIds = async () =>
        new Set((await store().queue.ready([task.id], BASE + 10, 10)).map((run) => run.id));
      type Apply = (ids: string[]) => Promise<Set<string>>;
      const apply: Record<Exclude<RunTransitionName, 'withdraw'>, Apply> = {
        start: (ids) => store().queue.start(ids, held, BASE),
        begin: (ids) => store().queue.begin(ids, 'tok', BASE),
        park: (ids) => store().queue.park(ids),
        end: (ids) => store().queue.end(ids.map(end)),
        interrupt: async (ids) => {
          const lost = because('lease-lost', 'lost');
          for (const id of ids) await store().queue.interrupt(id, 'tok', BASE, lost);
          return withStatus(ids, 'interrupted');
        },
        cancel: async (ids) => {
          for (const id of ids) await store().queue.cancel(id, BASE);
          return withStatus(ids, 'canceled');
        },
        release: async () => {
          const before = await readyIds();
          await store().queue.release([task.id], BASE);
          return new Set([...(await readyIds())].filter((id) => !before.has(id)));
        },
      };
      for (const [name, move] of Object.entries(apply)) {
        const own = bareTask(await insertUser(store(), `t-${name}`));
        await store().tasks.insert(own);
        task = own;
        const runs = Object.entries(entries).map(([state, entry], index) => ({
          state,
          run: { ...newRun(entry, BASE + index), taskId: own.id, ownerId: own.ownerId },
        }));
        await store().queue.insert(runs.map(({ run }) => run));
        const moved = await move(runs.map(({ run }) => run.id));
        const from: readonly string[] = RUN_TRANSITIONS[name as RunTransitionName].from;
        const expected = runs.filter(({ state }) => from.includes(state)).map(({ run }) => run.id);
        assert.deepEqual(
          [...moved].sort(),
          expected.sort(),
          `${name} moves runs ${from.join(', ')}`,
        );
      }
    });

    it('rewind moves a trigger back to an earlier occurrence only', async () => {
      const trigger = (triggerId: string, nextFireAt: number | null) => ({
        taskId: task.id,
        triggerId,
        kind: 'time',
        fingerprint: 'f',
        nextFireAt,
        follows: null,
      });
      await store().triggers.replaceForTask(task.id, [
        trigger('later', BASE + 5000),
        trigger('earlier', BASE),
        trigger('ended', null),
      ]);
      await store().triggers.rewind(
        ['later', 'earlier', 'ended'].map((triggerId) => ({
          taskId: task.id,
          triggerId,
          to: BASE + 1000,
        })),
      );
      const next = (await store().triggers.forTask(task.id))
        .map((each) => [each.triggerId, each.nextFireAt])
        .sort();
      assert.deepEqual(next, [
        ['earlier', BASE],
        ['ended', BASE + 1000],
        ['later', BASE + 1000],
      ]);
    });
  });
}

for (const backend of await backends()) {
  describe(`store contract: ${backend.name}`, { skip: backend.skip }, () => {
    const fresh = freshStores(backend);
    migrationContract(backend, fresh);
    userContract(backend, fresh);
    groupContract(backend, fresh);
    sessionContract(backend, fresh);
    apiTokenContract(backend, fresh);
    taskContract(backend, fresh);
    taskListContract(backend, fresh);
    auditContract(backend, fresh);
    transactionContract(backend, fresh);
    leaseContract(backend, fresh);
  });
}
