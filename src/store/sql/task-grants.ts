import { type ExpressionBuilder, type Kysely } from 'kysely';
import {
  highestLevel,
  type AccessLevel,
  type NamedGrant,
  type TaskGrant,
  type TaskScope,
} from '../../domain/task-access.ts';
import type { TaskGrantRepository } from '../store.ts';
import { chunksOf } from './chunks.ts';
import type { Database } from './schema.ts';

/**
 * The condition "the task (tasks.id) is shared with the user", directly or through a group
 * they belong to; for listings that join tasks.
 */
export function sharedWith(eb: ExpressionBuilder<Database, 'tasks'>, userId: string) {
  return eb.or([
    eb.exists(
      eb
        .selectFrom('task_user_grants')
        .select('task_user_grants.task_id')
        .whereRef('task_user_grants.task_id', '=', 'tasks.id')
        .where('task_user_grants.user_id', '=', userId),
    ),
    eb.exists(
      eb
        .selectFrom('task_group_grants')
        .innerJoin('group_members', 'group_members.group_id', 'task_group_grants.group_id')
        .select('task_group_grants.task_id')
        .whereRef('task_group_grants.task_id', '=', 'tasks.id')
        .where('group_members.user_id', '=', userId),
    ),
  ]);
}

/** The condition "the task (tasks.id) is in the scope". */
export function inScope(eb: ExpressionBuilder<Database, 'tasks'>, scope: TaskScope) {
  switch (scope.kind) {
    case 'everyone':
      return eb.lit(true);
    case 'owned':
      return eb('tasks.owner_id', '=', scope.userId);
    case 'shared':
      return eb.and([eb('tasks.owner_id', '<>', scope.userId), sharedWith(eb, scope.userId)]);
    case 'visible':
      return eb.or([eb('tasks.owner_id', '=', scope.userId), sharedWith(eb, scope.userId)]);
  }
}

/** Tasks' rights lists in a SQL database, shared by both dialects. */
export class SqlTaskGrantRepository implements TaskGrantRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async ofTask(taskId: string): Promise<NamedGrant[]> {
    const users = await this.db
      .selectFrom('task_user_grants')
      .innerJoin('users', 'users.id', 'task_user_grants.user_id')
      .select(['users.id', 'users.login', 'users.display_name', 'task_user_grants.level'])
      .where('task_user_grants.task_id', '=', taskId)
      .orderBy('users.login_key')
      .execute();
    const groups = await this.db
      .selectFrom('task_group_grants')
      .innerJoin('groups', 'groups.id', 'task_group_grants.group_id')
      .select(['groups.id', 'groups.name', 'task_group_grants.level'])
      .where('task_group_grants.task_id', '=', taskId)
      .orderBy('groups.name_key')
      .execute();
    return [
      ...groups.map((row) => ({
        subject: { type: 'group' as const, id: row.id },
        level: row.level,
        name: row.name,
        login: null,
      })),
      ...users.map((row) => ({
        subject: { type: 'user' as const, id: row.id },
        level: row.level,
        name: row.display_name,
        login: row.login,
      })),
    ];
  }

  async replace(taskId: string, grants: readonly TaskGrant[]): Promise<void> {
    await this.db.deleteFrom('task_user_grants').where('task_id', '=', taskId).execute();
    await this.db.deleteFrom('task_group_grants').where('task_id', '=', taskId).execute();
    const users = grants.filter((grant) => grant.subject.type === 'user');
    const groups = grants.filter((grant) => grant.subject.type === 'group');
    if (users.length > 0) {
      await this.db
        .insertInto('task_user_grants')
        .values(users.map((g) => ({ task_id: taskId, user_id: g.subject.id, level: g.level })))
        .execute();
    }
    if (groups.length > 0) {
      await this.db
        .insertInto('task_group_grants')
        .values(groups.map((g) => ({ task_id: taskId, group_id: g.subject.id, level: g.level })))
        .execute();
    }
  }

  async ofGroup(groupId: string): Promise<Array<{ taskId: string; level: AccessLevel }>> {
    const rows = await this.db
      .selectFrom('task_group_grants')
      .select(['task_id', 'level'])
      .where('group_id', '=', groupId)
      .orderBy('task_id')
      .execute();
    return rows.map((row) => ({ taskId: row.task_id, level: row.level }));
  }

  async levelsOf(userId: string, taskIds: readonly string[]): Promise<Map<string, AccessLevel>> {
    const found = new Map<string, AccessLevel[]>();
    for (const chunk of chunksOf(taskIds, 500)) {
      const direct = await this.db
        .selectFrom('task_user_grants')
        .select(['task_id', 'level'])
        .where('user_id', '=', userId)
        .where('task_id', 'in', chunk)
        .execute();
      const throughGroups = await this.db
        .selectFrom('task_group_grants')
        .innerJoin('group_members', 'group_members.group_id', 'task_group_grants.group_id')
        .select(['task_group_grants.task_id', 'task_group_grants.level'])
        .where('group_members.user_id', '=', userId)
        .where('task_group_grants.task_id', 'in', chunk)
        .execute();
      for (const { task_id, level } of [...direct, ...throughGroups]) {
        found.set(task_id, [...(found.get(task_id) ?? []), level]);
      }
    }
    const levels = new Map<string, AccessLevel>();
    for (const [taskId, held] of found) levels.set(taskId, highestLevel(held) as AccessLevel);
    return levels;
  }
}
