import type { Kysely, Selectable } from 'kysely';
import {
  FINAL_OUTBOX_STATES,
  type ClaimedMessage,
  type NewOutboxMessage,
  type OutboxCounts,
  type OutboxEntry,
  type OutboxPurpose,
  type OutboxRecipient,
  type OutboxServer,
  type OutboxSettlement,
  type OutboxState,
} from '../../domain/outbox.ts';
import type { OutboxClaim, OutboxRepository, Page } from '../store.ts';
import { decodeCursor, toPage } from './cursor.ts';
import type { Database } from './schema.ts';
import { inTransaction, type DialectTraits } from './traits.ts';

type Row = Selectable<Database['outbox']>;
/** A row without its content: what reading the outbox needs (a message may hold megabytes). */
type EntryRow = Omit<Row, 'content'>;

/** Every column but the content. */
const ENTRY_COLUMNS = [
  'id',
  'message_id',
  'run_id',
  'task_id',
  'owner_id',
  'purpose',
  'subject',
  'sender',
  'recipients',
  'server',
  'size',
  'state',
  'attempts',
  'next_attempt_at',
  'expires_at',
  'last_error',
  'claim_token',
  'claimed_by',
  'claim_expires_at',
  'created_at',
  'finished_at',
] as const satisfies ReadonlyArray<keyof EntryRow>;

/** The states of a message that waits for its next attempt. */
const WAITING: OutboxState[] = ['queued', 'retrying'];

/** A sent or canceled message keeps its record but not its content, which nobody needs again. */
const CONTENT_DROPPED: OutboxState[] = ['sent', 'canceled'];

function serverOf(row: EntryRow): OutboxServer | null {
  return row.server === null ? null : (JSON.parse(row.server) as OutboxServer);
}

function entryOf(row: EntryRow): OutboxEntry {
  const server = serverOf(row);
  const state = row.state as OutboxState;
  return {
    id: row.id,
    messageId: row.message_id,
    runId: row.run_id,
    taskId: row.task_id,
    ownerId: row.owner_id,
    purpose: row.purpose as OutboxPurpose,
    subject: row.subject,
    sender: row.sender,
    recipients: JSON.parse(row.recipients) as OutboxRecipient[],
    serverName: server === null ? null : `${server.host}:${server.port}`,
    size: Number(row.size),
    state,
    attempts: row.attempts,
    nextAttemptAt: WAITING.includes(state) ? Number(row.next_attempt_at) : null,
    expiresAt: Number(row.expires_at),
    lastError: row.last_error,
    claimedBy: row.claimed_by,
    createdAt: Number(row.created_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

/** The outbox in a SQL database, shared by both dialects. */
export class SqlOutboxRepository implements OutboxRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
  ) {}

  async add(messages: readonly NewOutboxMessage[], state: 'held' | 'queued'): Promise<void> {
    if (messages.length === 0) return;
    // One message at a time: each may hold megabytes of attachments.
    for (const message of messages) {
      const recipients: OutboxRecipient[] = message.recipients.map((address) => ({
        address,
        state: 'pending',
        response: null,
      }));
      await this.db
        .insertInto('outbox')
        .values({
          id: message.id,
          message_id: message.messageId,
          run_id: message.runId,
          task_id: message.taskId,
          owner_id: message.ownerId,
          purpose: message.purpose,
          subject: message.subject,
          sender: message.sender,
          recipients: JSON.stringify(recipients),
          server: message.server === null ? null : JSON.stringify(message.server),
          content: message.content,
          size: message.content.length,
          state,
          attempts: 0,
          next_attempt_at: message.createdAt,
          expires_at: message.expiresAt,
          last_error: null,
          claim_token: null,
          claimed_by: null,
          claim_expires_at: null,
          created_at: message.createdAt,
          finished_at: null,
        })
        .execute();
    }
  }

  async releaseHeld(runIds: readonly string[], now: number): Promise<number> {
    if (runIds.length === 0) return 0;
    const result = await this.db
      .updateTable('outbox')
      .set((eb) => ({
        state: 'queued',
        next_attempt_at: now,
        // The retry period starts now, kept as long as it was when the message was composed.
        expires_at: eb(eb('expires_at', '-', eb.ref('created_at')), '+', now),
        created_at: now,
      }))
      .where('run_id', 'in', runIds)
      .where('state', '=', 'held')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async dropHeld(runIds: readonly string[]): Promise<number> {
    if (runIds.length === 0) return 0;
    const result = await this.db
      .deleteFrom('outbox')
      .where('run_id', 'in', runIds)
      .where('state', '=', 'held')
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async claim(claim: OutboxClaim): Promise<ClaimedMessage[]> {
    return inTransaction(this.db, async (trx) => {
      const due = (now: number) =>
        trx
          .selectFrom('outbox')
          .where((eb) =>
            eb.or([
              eb.and([eb('state', 'in', WAITING), eb('next_attempt_at', '<=', now)]),
              eb.and([eb('state', '=', 'sending'), eb('claim_expires_at', '<=', now)]),
            ]),
          );
      let select = due(claim.now).select('id').orderBy('next_attempt_at').limit(claim.limit);
      // Another node's claim holds its rows: pass over them rather than wait.
      if (this.traits.skipLockedRows) select = select.forUpdate().skipLocked();
      const ids = (await select.execute()).map((row) => row.id);
      if (ids.length === 0) return [];
      await trx
        .updateTable('outbox')
        .set((eb) => ({
          state: 'sending',
          claim_token: claim.token,
          claimed_by: claim.node,
          claim_expires_at: claim.expiresAt,
          attempts: eb('attempts', '+', 1),
        }))
        .where('id', 'in', ids)
        .execute();
      const rows = await trx
        .selectFrom('outbox')
        .selectAll()
        .where('id', 'in', ids)
        .where('claim_token', '=', claim.token)
        .orderBy('next_attempt_at')
        .execute();
      return rows.map((row) => ({
        entry: entryOf(row),
        server: serverOf(row),
        content: row.content,
        claimToken: claim.token,
      }));
    });
  }

  async settle(id: string, claimToken: string, settlement: OutboxSettlement): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set({
        state: settlement.state,
        recipients: JSON.stringify(settlement.recipients),
        last_error: settlement.lastError,
        ...(settlement.nextAttemptAt === null ? {} : { next_attempt_at: settlement.nextAttemptAt }),
        finished_at: settlement.finishedAt,
        claim_token: null,
        claim_expires_at: null,
        ...(CONTENT_DROPPED.includes(settlement.state) ? { content: Buffer.alloc(0) } : {}),
      })
      .where('id', '=', id)
      .where('state', '=', 'sending')
      .where('claim_token', '=', claimToken)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async releaseClaimsOf(node: string | null, now: number): Promise<number> {
    let update = this.db
      .updateTable('outbox')
      .set({ state: 'retrying', next_attempt_at: now, claim_token: null, claim_expires_at: null })
      .where('state', '=', 'sending');
    if (node !== null) update = update.where('claimed_by', '=', node);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async nextDueAt(): Promise<number | null> {
    const waiting = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('state', 'in', WAITING)
      .executeTakeFirst();
    const claimed = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('claim_expires_at').as('at'))
      .where('state', '=', 'sending')
      .executeTakeFirst();
    const times = [waiting?.at, claimed?.at]
      .filter((at) => at !== null && at !== undefined)
      .map(Number);
    return times.length === 0 ? null : Math.min(...times);
  }

  async get(id: string): Promise<OutboxEntry | undefined> {
    const row = await this.db
      .selectFrom('outbox')
      .select(ENTRY_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && entryOf(row);
  }

  async list(query: {
    state?: OutboxState;
    limit: number;
    cursor?: string;
  }): Promise<Page<OutboxEntry>> {
    let select = this.db.selectFrom('outbox').select(ENTRY_COLUMNS);
    if (query.state !== undefined) select = select.where('state', '=', query.state);
    if (query.cursor !== undefined) {
      const before = decodeCursor(query.cursor, 'outbox', 'number');
      select = select.where((eb) =>
        eb.or([
          eb('created_at', '<', Number(before.value)),
          eb.and([eb('created_at', '=', Number(before.value)), eb('id', '<', before.id)]),
        ]),
      );
    }
    const rows = await select
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    return toPage(rows, query.limit, entryOf, {
      scope: 'outbox',
      positionOf: (row) => ({ value: Number(row.created_at), id: row.id }),
    });
  }

  async ofRun(runId: string): Promise<OutboxEntry[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(ENTRY_COLUMNS)
      .where('run_id', '=', runId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(entryOf);
  }

  async retryNow(id: string, now: number, expiresAt: number): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const row = await trx
        .selectFrom('outbox')
        .select(['state', 'recipients'])
        .where('id', '=', id)
        .executeTakeFirst();
      const retriable: OutboxState[] = [...WAITING, 'failed', 'partly-sent'];
      if (!row || !retriable.includes(row.state as OutboxState)) return false;
      const recipients = (JSON.parse(row.recipients) as OutboxRecipient[]).map((recipient) =>
        recipient.state === 'failed' ? { ...recipient, state: 'pending' as const } : recipient,
      );
      const result = await trx
        .updateTable('outbox')
        .set({
          state: 'retrying',
          recipients: JSON.stringify(recipients),
          next_attempt_at: now,
          expires_at: expiresAt,
          finished_at: null,
        })
        .where('id', '=', id)
        .where('state', '=', row.state)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  async cancel(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set({ state: 'canceled', finished_at: now, content: Buffer.alloc(0) })
      .where('id', '=', id)
      .where('state', 'in', WAITING)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async counts(): Promise<OutboxCounts> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(['state', (eb) => eb.fn.countAll<number | string>().as('count')])
      .groupBy('state')
      .execute();
    const byState = Object.fromEntries(
      (['held', 'queued', 'sending', 'retrying', ...FINAL_OUTBOX_STATES] as OutboxState[]).map(
        (state) => [state, 0],
      ),
    ) as Record<OutboxState, number>;
    for (const row of rows) byState[row.state as OutboxState] = Number(row.count);
    const oldest = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .where('state', 'in', WAITING)
      .executeTakeFirst();
    const at = oldest?.at;
    return { byState, oldestWaitingSince: at === null || at === undefined ? null : Number(at) };
  }

  async pruneFinishedBefore(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('outbox')
      .where('state', 'in', FINAL_OUTBOX_STATES)
      .where('finished_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
