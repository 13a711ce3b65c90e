import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import { AppError } from '../../domain/errors.ts';
import {
  loginKey,
  USER_SOURCES,
  userSearchText,
  type User,
  type UserSource,
  type UserWithSecret,
} from '../../domain/user.ts';
import type { Page, UserChanges, UserRepository } from '../store.ts';
import { decodeCursor, likeContains, toPage } from './cursor.ts';
import { readFlag, writeFlag, type Database } from './schema.ts';
import { inTransaction, type DialectTraits } from './traits.ts';

type UserRow = Selectable<Database['users']>;

function fromRow(row: UserRow, permissions: string[], groupIds: string[]): UserWithSecret {
  return {
    id: row.id,
    login: row.login,
    displayName: row.display_name,
    email: row.email,
    disabled: readFlag(row.disabled),
    mustChangePassword: Number(row.must_change_password) === 1,
    source: USER_SOURCES.find((source) => source === row.source) ?? 'local',
    externalId: row.external_id,
    permissions,
    groupIds,
    passwordHash: row.password_hash,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function withoutSecret(user: UserWithSecret): User {
  const { passwordHash: _secret, ...rest } = user;
  return rest;
}

/** Users in a SQL database, shared by both dialects. */
export class SqlUserRepository implements UserRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
  ) {}

  async insert(user: UserWithSecret): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const result = await trx
        .insertInto('users')
        .values({
          id: user.id,
          login: user.login,
          login_key: loginKey(user.login),
          display_name: user.displayName,
          search_text: userSearchText(user),
          email: user.email,
          password_hash: user.passwordHash,
          disabled: writeFlag(user.disabled),
          must_change_password: user.mustChangePassword ? 1 : 0,
          source: user.source,
          external_id: user.externalId,
          created_at: user.createdAt.getTime(),
          updated_at: user.updatedAt.getTime(),
        })
        .onConflict((conflict) => conflict.column('login_key').doNothing())
        .executeTakeFirst();
      if (result.numInsertedOrUpdatedRows === 0n) return false;
      await new SqlUserRepository(trx, this.traits).setPermissions(user.id, user.permissions);
      if (user.groupIds.length > 0) {
        await trx
          .insertInto('group_members')
          .values(user.groupIds.map((groupId) => ({ group_id: groupId, user_id: user.id })))
          .execute();
      }
      return true;
    });
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async lock(id: string): Promise<boolean> {
    // A no-op write takes the row lock on PostgreSQL and the write lock on SQLite alike.
    const result = await this.db
      .updateTable('users')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('users').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((row) => row.id));
  }

  async #hydrate(rows: UserRow[]): Promise<UserWithSecret[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [permissions, memberships] = await Promise.all([
      this.db.selectFrom('user_permissions').selectAll().where('user_id', 'in', ids).execute(),
      this.db.selectFrom('group_members').selectAll().where('user_id', 'in', ids).execute(),
    ]);
    return rows.map((row) =>
      fromRow(
        row,
        permissions
          .filter((p) => p.user_id === row.id)
          .map((p) => p.permission)
          .sort(),
        memberships.filter((m) => m.user_id === row.id).map((m) => m.group_id),
      ),
    );
  }

  async get(id: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const [user] = await this.#hydrate([row]);
    return user && withoutSecret(user);
  }

  async getWithSecretByLogin(login: string): Promise<UserWithSecret | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('login_key', '=', loginKey(login))
      .executeTakeFirst();
    if (!row) return undefined;
    const [user] = await this.#hydrate([row]);
    return user;
  }

  async getByExternalId(source: UserSource, externalId: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('source', '=', source)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    if (!row) return undefined;
    const [user] = await this.#hydrate([row]);
    return user && withoutSecret(user);
  }

  async list(query: {
    q?: string;
    limit: number;
    cursor?: string;
    enabledOnly?: boolean;
  }): Promise<Page<User>> {
    let select = this.db.selectFrom('users').selectAll();
    if (query.enabledOnly) select = select.where('disabled', '=', writeFlag(false));
    if (query.q) {
      const pattern = likeContains(query.q.toLowerCase());
      select = select.where(sql<boolean>`search_text like ${pattern} escape '\\'`);
    }
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor, 'users', 'string');
      select = select.where((eb) =>
        eb.or([
          eb('login_key', '>', String(after.value)),
          eb.and([eb('login_key', '=', String(after.value)), eb('id', '>', after.id)]),
        ]),
      );
    }
    const rows = await select
      .orderBy('login_key')
      .orderBy('id')
      .limit(query.limit + 1)
      .execute();
    const page = toPage(rows, query.limit, (row) => row, {
      scope: 'users',
      positionOf: (row) => ({ value: row.login_key, id: row.id }),
    });
    const users = await this.#hydrate(page.items);
    return { items: users.map(withoutSecret), nextCursor: page.nextCursor };
  }

  async update(id: string, changes: UserChanges): Promise<boolean> {
    if (changes.login === undefined && changes.displayName === undefined)
      return this.#write(id, changes, null);
    return inTransaction(this.db, async (trx) => {
      const current = await trx
        .selectFrom('users')
        .select(['login', 'display_name'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!current) return false;
      const searchText = userSearchText({
        login: changes.login ?? current.login,
        displayName: changes.displayName ?? current.display_name,
      });
      return new SqlUserRepository(trx, this.traits).#write(id, changes, searchText);
    });
  }

  /** Writes the changes; searchText is null when neither login nor display name changes. */
  async #write(id: string, changes: UserChanges, searchText: string | null): Promise<boolean> {
    const set: Updateable<Database['users']> = {
      updated_at: changes.updatedAt.getTime(),
      ...(searchText === null ? {} : { search_text: searchText }),
    };
    if (changes.login !== undefined) {
      set.login = changes.login;
      set.login_key = loginKey(changes.login);
    }
    if (changes.displayName !== undefined) set.display_name = changes.displayName;
    if (changes.email !== undefined) set.email = changes.email;
    if (changes.disabled !== undefined) set.disabled = writeFlag(changes.disabled);
    if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash;
    if (changes.mustChangePassword !== undefined) {
      set.must_change_password = changes.mustChangePassword ? 1 : 0;
    }
    if (changes.externalId !== undefined) set.external_id = changes.externalId;
    try {
      const result = await this.db
        .updateTable('users')
        .set(set)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    } catch (error) {
      if (this.traits.isUniqueViolation(error)) {
        throw new AppError('LOGIN_TAKEN', `The login '${changes.login ?? ''}' is already taken`);
      }
      throw error;
    }
  }

  async setPermissions(id: string, permissions: readonly string[]): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx.deleteFrom('user_permissions').where('user_id', '=', id).execute();
      const unique = [...new Set(permissions)];
      if (unique.length === 0) return;
      await trx
        .insertInto('user_permissions')
        .values(unique.map((permission) => ({ user_id: id, permission })))
        .execute();
    });
  }

  async effectivePermissions(id: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('user_permissions')
      .select('permission')
      .where('user_id', '=', id)
      .union(
        this.db
          .selectFrom('group_permissions')
          .innerJoin('group_members', 'group_members.group_id', 'group_permissions.group_id')
          .select('group_permissions.permission')
          .where('group_members.user_id', '=', id),
      )
      .execute();
    return new Set(rows.map((row) => row.permission));
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
