import type { Kysely, Selectable } from 'kysely';
import type { NoticeState } from '../../domain/run-notices.ts';
import type { NoticeStateRepository } from '../store.ts';
import { chunksOf } from './chunks.ts';
import { readFlag, writeFlag, type Database } from './schema.ts';

const CHUNK = 500;

type Row = Selectable<Database['task_notice_state']>;

function fromRow(row: Row): NoticeState {
  return {
    taskId: row.task_id,
    failing: readFlag(row.failing),
    lastSentAt: row.last_sent_at,
    withheld: { count: row.withheld, since: row.withheld_since },
  };
}

/** What tasks' failure notices remember between runs, in a SQL database (both dialects). */
export class SqlNoticeStateRepository implements NoticeStateRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async of(taskIds: readonly string[]): Promise<Map<string, NoticeState>> {
    const states = new Map<string, NoticeState>();
    for (const chunk of chunksOf([...new Set(taskIds)], CHUNK)) {
      const rows = await this.db
        .selectFrom('task_notice_state')
        .selectAll()
        .where('task_id', 'in', chunk)
        .execute();
      for (const row of rows) states.set(row.task_id, fromRow(row));
    }
    return states;
  }

  async save(states: readonly NoticeState[]): Promise<void> {
    for (const state of states) {
      const row = {
        task_id: state.taskId,
        failing: writeFlag(state.failing),
        last_sent_at: state.lastSentAt,
        withheld: state.withheld.count,
        withheld_since: state.withheld.since,
      };
      const { task_id: _id, ...changes } = row;
      await this.db
        .insertInto('task_notice_state')
        .values(row)
        .onConflict((conflict) => conflict.column('task_id').doUpdateSet(changes))
        .execute();
    }
  }
}
