import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import {
  DEFAULT_POLICY,
  taskSearchText,
  taskSortName,
  type Task,
  type TaskListQuery,
  type TaskSortKey,
} from '../../domain/task.ts';
import type { Page, TaskRepository } from '../store.ts';
import { chunksOf } from './chunks.ts';
import { decodeCursor, likeContains, toPage, type CursorPosition } from './cursor.ts';
import { readFlag, writeFlag, type Database } from './schema.ts';
import { inScope } from './task-grants.ts';
import type { DialectTraits } from './traits.ts';

type TaskRow = Selectable<Database['tasks']> & { owner_login: string; owner_name: string };

const SORT_COLUMNS = {
  name: 'tasks.sort_name',
  createdAt: 'tasks.created_at',
  updatedAt: 'tasks.updated_at',
} as const satisfies Record<TaskSortKey, string>;

function toRow(task: Task): Insertable<Database['tasks']> {
  return {
    id: task.id,
    owner_id: task.ownerId,
    name: task.name,
    sort_name: taskSortName(task.name),
    search_text: taskSearchText(task),
    description: task.description,
    enabled: writeFlag(task.enabled),
    timezone: task.timezone,
    triggers: JSON.stringify(task.triggers),
    jobs: JSON.stringify(task.jobs),
    actions: JSON.stringify(task.actions),
    series: task.series ? JSON.stringify(task.series) : null,
    policy: JSON.stringify(task.policy),
    notices: task.notices ? JSON.stringify(task.notices) : null,
    expires_at: task.expiresAt ? task.expiresAt.getTime() : null,
    hidden: writeFlag(task.hidden),
    revision: task.revision,
    created_at: task.createdAt.getTime(),
    updated_at: task.updatedAt.getTime(),
  };
}

function fromRow(row: TaskRow): Task {
  return {
    id: row.id,
    ownerId: row.owner_id,
    ownerLogin: row.owner_login,
    ownerName: row.owner_name,
    name: row.name,
    description: row.description,
    enabled: readFlag(row.enabled),
    timezone: row.timezone,
    triggers: JSON.parse(row.triggers) as Task['triggers'],
    jobs: JSON.parse(row.jobs) as Task['jobs'],
    actions: JSON.parse(row.actions) as Task['actions'],
    series: row.series === null ? null : (JSON.parse(row.series) as Task['series']),
    // Policies stored before a field existed take that field's default.
    policy: { ...DEFAULT_POLICY, ...(JSON.parse(row.policy) as Partial<Task['policy']>) },
    notices: row.notices === null ? null : (JSON.parse(row.notices) as Task['notices']),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
    hidden: readFlag(row.hidden),
    revision: row.revision,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function positionOf(sort: TaskSortKey, row: TaskRow): CursorPosition {
  const value =
    sort === 'name' ? row.sort_name : sort === 'createdAt' ? row.created_at : row.updated_at;
  return { value, id: row.id };
}

/** Tasks in a SQL database, shared by both dialects. */
export class SqlTaskRepository implements TaskRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
  ) {}

  #select() {
    return this.db
      .selectFrom('tasks')
      .innerJoin('users', 'users.id', 'tasks.owner_id')
      .selectAll('tasks')
      .select(['users.login as owner_login', 'users.display_name as owner_name']);
  }

  async insert(task: Task): Promise<void> {
    await this.db.insertInto('tasks').values(toRow(task)).execute();
  }

  async get(id: string): Promise<Task | undefined> {
    const row = await this.#select().where('tasks.id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(query: TaskListQuery): Promise<Page<Task>> {
    const column = SORT_COLUMNS[query.sort];
    const direction = query.order;
    const scope = `tasks:${query.sort}:${direction}`;
    let select = this.#select();
    select = select.where((eb) => inScope(eb, query.scope));
    if (!query.includeHidden) select = select.where('tasks.hidden', '=', writeFlag(false));
    if (query.enabled !== undefined) {
      select = select.where('tasks.enabled', '=', writeFlag(query.enabled));
    }
    if (query.q) {
      const pattern = likeContains(query.q.toLowerCase());
      select = select.where(sql<boolean>`tasks.search_text like ${pattern} escape '\\'`);
    }
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor, scope, query.sort === 'name' ? 'string' : 'number');
      const beyond = direction === 'asc' ? '>' : '<';
      select = select.where((eb) =>
        eb.or([
          eb(sql.ref(column), beyond, after.value),
          eb.and([eb(sql.ref(column), '=', after.value), eb('tasks.id', beyond, after.id)]),
        ]),
      );
    }
    const rows = await select
      .orderBy(sql.ref(column), direction)
      .orderBy('tasks.id', direction)
      .limit(query.limit + 1)
      .execute();
    return toPage(rows, query.limit, fromRow, {
      scope,
      positionOf: (row) => positionOf(query.sort, row),
    });
  }

  async update(task: Task, expectedRevision: number): Promise<boolean> {
    const { id: _id, created_at: _created, owner_id, ...changes } = toRow(task);
    const result = await this.db
      .updateTable('tasks')
      .set({ ...changes, owner_id })
      .where('id', '=', task.id)
      .where('revision', '=', expectedRevision)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tasks').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async getMany(ids: readonly string[]): Promise<Task[]> {
    if (ids.length === 0) return [];
    const rows = await this.#select().where('tasks.id', 'in', ids).execute();
    return rows.map(fromRow);
  }

  async lockAvailable(ids: readonly string[]): Promise<string[]> {
    return this.traits.lockTasksSkippingLocked(this.db, ids);
  }

  async lock(ids: readonly string[]): Promise<void> {
    await this.traits.lockTasks(this.db, ids);
  }

  async setHidden(ids: readonly string[], hidden: boolean): Promise<void> {
    for (const chunk of chunksOf(ids, 1000)) {
      await this.db
        .updateTable('tasks')
        .set({ hidden: writeFlag(hidden) })
        .where('id', 'in', chunk)
        .execute();
    }
  }

  async idsOfOwner(ownerId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('tasks')
      .select('id')
      .where('owner_id', '=', ownerId)
      .orderBy('id')
      .execute();
    return rows.map((row) => row.id);
  }

  async countByOwner(ownerId: string): Promise<number> {
    const row = await this.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('owner_id', '=', ownerId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}
