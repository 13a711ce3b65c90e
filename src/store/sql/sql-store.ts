import { sql, type Kysely } from 'kysely';
import type { Signal, Store } from '../store.ts';
import { SqlApiTokenRepository } from './api-tokens.ts';
import { SqlAuditRepository } from './audit.ts';
import { SqlDataSourceRepository } from './data-sources.ts';
import { SqlGroupRepository } from './groups.ts';
import { SqlTaskGrantRepository } from './task-grants.ts';
import { applyMigrations } from './migration.ts';
import type { Database } from './schema.ts';
import { SqlRunHistory } from './run-history.ts';
import { SqlRunQueue } from './run-queue.ts';
import { SqlSavedFileRepository } from './saved-files.ts';
import { SqlNoticeStateRepository } from './notice-states.ts';
import { SqlOutboxRepository } from './outbox.ts';
import { SqlSessionRepository } from './sessions.ts';
import { SqlSettingsRepository } from './settings.ts';
import { SqlTriggerRepository } from './task-triggers.ts';
import { SqlTaskRepository } from './tasks.ts';
import type { Connection, DialectTraits, SignalChannel } from './traits.ts';
import { SqlUserRepository } from './users.ts';

/** The Store over a Kysely connection; the dialect's traits carry every difference. */
export class SqlStore implements Store {
  readonly dialect: DialectTraits['name'];
  readonly users: SqlUserRepository;
  readonly groups: SqlGroupRepository;
  readonly grants: SqlTaskGrantRepository;
  readonly sessions: SqlSessionRepository;
  readonly apiTokens: SqlApiTokenRepository;
  readonly tasks: SqlTaskRepository;
  readonly audit: SqlAuditRepository;
  readonly triggers: SqlTriggerRepository;
  readonly queue: SqlRunQueue;
  readonly runs: SqlRunHistory;
  readonly settings: SqlSettingsRepository;
  readonly dataSources: SqlDataSourceRepository;
  readonly savedFiles: SqlSavedFileRepository;
  readonly outbox: SqlOutboxRepository;
  readonly noticeStates: SqlNoticeStateRepository;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
    private readonly signals: SignalChannel,
    /** What waits for this store's transaction to commit; null outside a transaction. */
    private readonly committed: Array<() => void> | null = null,
  ) {
    this.dialect = traits.name;
    this.users = new SqlUserRepository(db, traits);
    this.groups = new SqlGroupRepository(db, traits);
    this.grants = new SqlTaskGrantRepository(db);
    this.sessions = new SqlSessionRepository(db);
    this.apiTokens = new SqlApiTokenRepository(db);
    this.tasks = new SqlTaskRepository(db, traits);
    this.audit = new SqlAuditRepository(db);
    this.triggers = new SqlTriggerRepository(db, traits);
    this.queue = new SqlRunQueue(db, traits);
    this.runs = new SqlRunHistory(db);
    this.settings = new SqlSettingsRepository(db);
    this.dataSources = new SqlDataSourceRepository(db, traits);
    this.savedFiles = new SqlSavedFileRepository(db);
    this.outbox = new SqlOutboxRepository(db, traits);
    this.noticeStates = new SqlNoticeStateRepository(db);
  }

  static from(connection: Connection): SqlStore {
    return new SqlStore(connection.db, connection.traits, connection.signals);
  }

  async transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    const committed: Array<() => void> = [];
    const result = await this.db
      .transaction()
      .execute((trx) => fn(new SqlStore(trx, this.traits, this.signals, committed)));
    for (const then of committed) then();
    return result;
  }

  afterCommit(fn: () => void): void {
    if (this.committed) this.committed.push(fn);
    else fn();
  }

  get shared(): boolean {
    return this.traits.shared;
  }

  async currentTime(): Promise<number | null> {
    return this.traits.currentTime(this.db);
  }

  async publish(signal: Signal): Promise<void> {
    await this.signals.publish(this.db, signal);
  }

  subscribe(listener: (signal: Signal) => void): () => void {
    return this.signals.subscribe(listener);
  }

  async migrate(): Promise<string[]> {
    return applyMigrations(this.db, this.traits.migrations, this.traits.lockMigrations, Date.now);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.signals.close();
    await this.db.destroy();
  }
}
