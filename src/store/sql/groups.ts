import type { Kysely } from 'kysely';
import { AppError } from '../../domain/errors.ts';
import type { Group } from '../../domain/user.ts';
import type { GroupRepository } from '../store.ts';
import type { Database } from './schema.ts';
import { inTransaction, type DialectTraits } from './traits.ts';

/** Groups in a SQL database, shared by both dialects. */
export class SqlGroupRepository implements GroupRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
  ) {}

  async insert(group: Group, createdAt: Date): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const result = await trx
        .insertInto('groups')
        .values({
          id: group.id,
          name: group.name,
          name_key: group.name.toLowerCase(),
          created_at: createdAt.getTime(),
          usable_in_series: group.usableInSeries ? 1 : 0,
          is_role: group.role ? 1 : 0,
          description: group.description,
        })
        .onConflict((conflict) => conflict.column('name_key').doNothing())
        .executeTakeFirst();
      if (result.numInsertedOrUpdatedRows === 0n) return false;
      const repository = new SqlGroupRepository(trx, this.traits);
      await repository.setPermissions(group.id, group.permissions);
      await repository.setMembers(group.id, group.memberIds);
      return true;
    });
  }

  async get(id: string): Promise<Group | undefined> {
    const groups = await this.#load(id);
    return groups[0];
  }

  async list(): Promise<Group[]> {
    return this.#load();
  }

  async #load(id?: string): Promise<Group[]> {
    let select = this.db.selectFrom('groups').selectAll().orderBy('name_key');
    if (id !== undefined) select = select.where('id', '=', id);
    const rows = await select.execute();
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [permissions, members] = await Promise.all([
      this.db.selectFrom('group_permissions').selectAll().where('group_id', 'in', ids).execute(),
      this.db.selectFrom('group_members').selectAll().where('group_id', 'in', ids).execute(),
    ]);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      permissions: permissions
        .filter((p) => p.group_id === row.id)
        .map((p) => p.permission)
        .sort(),
      memberIds: members.filter((m) => m.group_id === row.id).map((m) => m.user_id),
      usableInSeries: Number(row.usable_in_series) === 1,
      role: Number(row.is_role) === 1,
      description: row.description,
    }));
  }

  async rename(id: string, name: string): Promise<boolean> {
    try {
      const result = await this.db
        .updateTable('groups')
        .set({ name, name_key: name.toLowerCase() })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    } catch (error) {
      if (this.traits.isUniqueViolation(error)) {
        throw new AppError('NAME_TAKEN', `A group named '${name}' already exists`);
      }
      throw error;
    }
  }

  async setPermissions(id: string, permissions: readonly string[]): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx.deleteFrom('group_permissions').where('group_id', '=', id).execute();
      const unique = [...new Set(permissions)];
      if (unique.length === 0) return;
      await trx
        .insertInto('group_permissions')
        .values(unique.map((permission) => ({ group_id: id, permission })))
        .execute();
    });
  }

  async setMembers(id: string, userIds: readonly string[]): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx.deleteFrom('group_members').where('group_id', '=', id).execute();
      const unique = [...new Set(userIds)];
      if (unique.length === 0) return;
      await trx
        .insertInto('group_members')
        .values(unique.map((userId) => ({ group_id: id, user_id: userId })))
        .execute();
    });
  }

  async setMembership(id: string, userId: string, member: boolean): Promise<void> {
    if (!member) {
      await this.db
        .deleteFrom('group_members')
        .where('group_id', '=', id)
        .where('user_id', '=', userId)
        .execute();
      return;
    }
    await this.db
      .insertInto('group_members')
      .values({ group_id: id, user_id: userId })
      .onConflict((conflict) => conflict.columns(['group_id', 'user_id']).doNothing())
      .execute();
  }

  async setUsableInSeries(id: string, usable: boolean): Promise<void> {
    await this.db
      .updateTable('groups')
      .set({ usable_in_series: usable ? 1 : 0 })
      .where('id', '=', id)
      .execute();
  }

  async describe(id: string, about: { role: boolean; description: string }): Promise<void> {
    await this.db
      .updateTable('groups')
      .set({ is_role: about.role ? 1 : 0, description: about.description })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('groups').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
