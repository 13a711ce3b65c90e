import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { because, type CodedReason } from '../../domain/reason-codes.ts';
import type { RunStatus } from '../../domain/run.ts';
import {
  LEASED_STATES,
  LIVE_STATES,
  RUN_TRANSITIONS,
  type Lease,
  type RunState,
  type RunTransitionName,
} from '../../domain/run-state.ts';
import type {
  HeldRun,
  LeaseHolders,
  NewRun,
  RunEnd,
  RunQueue,
  RunTicket,
  TaskActivity,
} from '../store.ts';
import { chunksOf } from './chunks.ts';
import { heldRunOf, reasonColumns, rowOf, ticketOf } from './run-rows.ts';
import { readFlag, writeFlag, type Database } from './schema.ts';
import type { DialectTraits } from './traits.ts';

/**
 * `state in (...)`, the states written out, not bound: SQLite uses a partial index only when it
 * sees the constants.
 */
function inStates(states: readonly RunState[], column = 'state'): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(states.map((state) => sql.lit(state)))})`;
}

/** The transitions that move a run to another state (withdraw deletes it instead). */
type Move = {
  [K in RunTransitionName]: (typeof RUN_TRANSITIONS)[K]['to'] extends null ? never : K;
}[RunTransitionName];

/** The update of a transition: its state (and status) set, on runs in one of its from states. */
function moveUpdate(db: Kysely<Database>, name: Move) {
  const transition: { from: readonly RunState[]; to: RunState; status?: RunStatus } =
    RUN_TRANSITIONS[name];
  const set = transition.status
    ? { state: transition.to, status: transition.status }
    : { state: transition.to };
  return db.updateTable('runs').set(set).where(inStates(transition.from));
}
type MoveUpdate = ReturnType<typeof moveUpdate>;

const READY: readonly RunState[] = ['ready'];
const RUNNING: readonly RunState[] = ['running'];

/** The run queue in a SQL database, shared by both dialects; one update per transition. */
export class SqlRunQueue implements RunQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
  ) {}

  #move(name: Move): MoveUpdate {
    return moveUpdate(this.db, name);
  }

  async insert(runs: readonly NewRun[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (const chunk of chunksOf(runs, 500)) {
      const rows = await this.db
        .insertInto('runs')
        .values(chunk.map(rowOf))
        .onConflict((conflict) => conflict.doNothing())
        .returning('id')
        .execute();
      for (const row of rows) inserted.add(row.id);
    }
    return inserted;
  }

  async activity(taskIds: readonly string[], now: number): Promise<Map<string, TaskActivity>> {
    const activity = new Map<string, TaskActivity>();
    if (taskIds.length === 0) return activity;
    const rows = await this.db
      .selectFrom('runs')
      .select(['task_id', 'state', 'not_before'])
      .where('task_id', 'in', taskIds)
      .where(inStates(LIVE_STATES))
      .execute();
    for (const row of rows) {
      const counts = activity.get(row.task_id) ?? { running: 0, waiting: 0, ready: 0 };
      if (LEASED_STATES.includes(row.state)) counts.running += 1;
      else if (row.state === 'waiting') counts.waiting += 1;
      else if ((row.not_before ?? 0) <= now) counts.ready += 1;
      activity.set(row.task_id, counts);
    }
    return activity;
  }

  #readyAt(now: number) {
    return this.db
      .selectFrom('runs')
      .where(inStates(READY))
      .where('not_before', '<=', now)
      .orderBy('not_before');
  }

  async readyTaskIds(now: number, limit: number): Promise<string[]> {
    let select = this.#readyAt(now).select('task_id').limit(limit);
    // Another node's claim holds its rows: pass over them rather than collide.
    if (this.traits.skipLockedRows) select = select.forUpdate().skipLocked();
    const rows = await select.execute();
    return [...new Set(rows.map((row) => row.task_id))];
  }

  async ready(taskIds: readonly string[], now: number, limit: number): Promise<RunTicket[]> {
    if (taskIds.length === 0) return [];
    const rows = await this.#readyAt(now)
      .selectAll()
      .where('task_id', 'in', taskIds)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(ticketOf);
  }

  async tickets(ids: readonly string[]): Promise<RunTicket[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('runs').selectAll().where('id', 'in', ids).execute();
    return rows.map(ticketOf);
  }

  async earliestReady(): Promise<number | null> {
    const row = await this.db
      .selectFrom('runs')
      .select((eb) => eb.fn.min('not_before').as('earliest'))
      .where(inStates(READY))
      .executeTakeFirst();
    return row?.earliest ?? null;
  }

  async start(ids: readonly string[], lease: Lease, now: number): Promise<Set<string>> {
    return this.#moveEach(ids, (chunk) =>
      this.#move('start')
        .set({
          started_at: now,
          node: lease.node,
          lease_token: lease.token,
          lease_expires_at: lease.expiresAt,
        })
        .where('id', 'in', chunk),
    );
  }

  async begin(ids: readonly string[], leaseToken: string, now: number): Promise<Set<string>> {
    return this.#moveEach(ids, (chunk) =>
      this.#move('begin')
        .set({ started_at: now })
        .where('id', 'in', chunk)
        .where('lease_token', '=', leaseToken),
    );
  }

  async park(ids: readonly string[]): Promise<Set<string>> {
    return this.#moveEach(ids, (chunk) =>
      this.#move('park').set({ not_before: null }).where('id', 'in', chunk),
    );
  }

  /** Runs one update per chunk of ids; the ids of the runs it moved. */
  async #moveEach(
    ids: readonly string[],
    update: (chunk: string[]) => MoveUpdate,
  ): Promise<Set<string>> {
    const moved = new Set<string>();
    for (const chunk of chunksOf(ids, 1000)) {
      const rows = await update(chunk).returning('id').execute();
      for (const row of rows) moved.add(row.id);
    }
    return moved;
  }

  async withdraw(claims: ReadonlyArray<{ id: string; leaseToken: string }>) {
    const withdrawn = new Set<string>();
    for (const token of new Set(claims.map((each) => each.leaseToken))) {
      const ids = claims.filter((each) => each.leaseToken === token).map((each) => each.id);
      for (const chunk of chunksOf(ids, 1000)) {
        const rows = await this.db
          .deleteFrom('runs')
          .where('id', 'in', chunk)
          .where(inStates(RUN_TRANSITIONS.withdraw.from))
          .where('lease_token', '=', token)
          .returning('id')
          .execute();
        for (const row of rows) withdrawn.add(row.id);
      }
    }
    return withdrawn;
  }

  async release(taskIds: readonly string[], now: number): Promise<number> {
    if (taskIds.length === 0) return 0;
    const oldest = this.db
      .selectFrom('runs')
      .select((eb) => eb.fn.min('id').as('id'))
      .where('task_id', 'in', taskIds)
      .where(inStates(RUN_TRANSITIONS.release.from))
      .groupBy('task_id');
    const result = await this.#move('release')
      .set({ not_before: now })
      .where('id', 'in', oldest)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async end(ends: readonly RunEnd[]): Promise<Set<string>> {
    const written = new Set<string>();
    const { from, to } = RUN_TRANSITIONS.end;
    // One statement per chunk; a run whose lease another node took is left as it is.
    for (const chunk of chunksOf(ends, 500)) {
      const rows = sql.join(
        chunk.map(
          (end) =>
            sql`(${end.id}, ${end.leaseToken}, ${end.status}, ${end.reason}, cast(${end.finishedAt} as bigint), ${JSON.stringify(end.items)}, ${JSON.stringify(end.results)}, ${end.log}, ${end.reasonCode})`,
        ),
      );
      // An end without a reason keeps the one the run was queued with, code and detail.
      const result = await sql<{ id: string }>`update runs set
          state = ${sql.lit(to)},
          status = v.column3,
          reason = coalesce(v.column4, reason),
          reason_code = coalesce(v.column9, reason_code),
          finished_at = v.column5,
          items = v.column6,
          results = v.column7,
          log = v.column8,
          lease_expires_at = null
        from (values ${rows}) as v
        where runs.id = v.column1 and runs.lease_token = v.column2 and ${inStates(from, 'runs.state')}
        returning id`.execute(this.db);
      for (const row of result.rows) written.add(row.id);
    }
    return written;
  }

  async interrupt(id: string, leaseToken: string, now: number, why: CodedReason): Promise<boolean> {
    const result = await this.#move('interrupt')
      .set({ ...reasonColumns(why), finished_at: now, lease_expires_at: null })
      .where('id', '=', id)
      .where('lease_token', '=', leaseToken)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async cancel(id: string, now: number): Promise<RunStatus | undefined> {
    const row = await this.db
      .selectFrom('runs')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const canceled = await this.#move('cancel')
      .set({
        ...reasonColumns(because('canceled', 'canceled before it started')),
        finished_at: now,
        lease_expires_at: null,
      })
      .where('id', '=', id)
      .executeTakeFirst();
    // Not queued (any more: it may have begun since it was read): ask its node to stop it.
    if (canceled.numUpdatedRows === 0n) {
      await this.db
        .updateTable('runs')
        .set({ cancel_requested: writeFlag(true) })
        .where('id', '=', id)
        .where(inStates(RUNNING))
        .execute();
    }
    return row.status as RunStatus;
  }

  async saveLog(id: string, leaseToken: string, log: string): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ log })
      .where('id', '=', id)
      .where(inStates(RUNNING))
      .where('lease_token', '=', leaseToken)
      .execute();
  }

  async renewLeases(token: string, expiresAt: number) {
    const rows = await this.db
      .updateTable('runs')
      .set({ lease_expires_at: expiresAt })
      .where('lease_token', '=', token)
      .where(inStates(LEASED_STATES))
      .returning(['id', 'cancel_requested'])
      .execute();
    return {
      renewed: new Set(rows.map((row) => row.id)),
      cancel: rows.filter((row) => readFlag(row.cancel_requested)).map((row) => row.id),
    };
  }

  async running(holders: LeaseHolders, limit: number): Promise<HeldRun[]> {
    return this.#held('running', holders, limit);
  }

  async claimed(holders: LeaseHolders, limit: number): Promise<HeldRun[]> {
    return this.#held('claimed', holders, limit);
  }

  async claimedOf(taskId: string): Promise<HeldRun[]> {
    const rows = await this.#inState('claimed').where('task_id', '=', taskId).execute();
    return rows.map(heldRunOf);
  }

  async #held(state: RunState, holders: LeaseHolders, limit: number): Promise<HeldRun[]> {
    let select = this.#inState(state);
    if ('expiredBefore' in holders) {
      select = select.where('lease_expires_at', '<', holders.expiredBefore);
    } else {
      select = select.where('lease_token', '!=', holders.exceptToken);
      if (holders.node !== null) select = select.where('node', '=', holders.node);
    }
    const rows = await select.orderBy('lease_expires_at').limit(limit).execute();
    return rows.map(heldRunOf);
  }

  #inState(state: RunState) {
    return this.db
      .selectFrom('runs')
      .selectAll()
      .where(inStates([state]));
  }
}
