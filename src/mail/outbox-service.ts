import { requirePermission, type Caller } from '../auth/caller.ts';
import { auditEvent } from '../domain/audit.ts';
import { AppError, notFound } from '../domain/errors.ts';
import type { OutboxCounts, OutboxEntry, OutboxState } from '../domain/outbox.ts';
import { PERMISSIONS } from '../domain/permissions.ts';
import type { RunService } from '../runs/run-service.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { Page, Store } from '../store/store.ts';

/** The refusal of a retry or cancel, with the state the message is in now. */
async function notWaiting(tx: Store, id: string, rule: string): Promise<AppError> {
  const state = (await tx.outbox.get(id))?.state ?? 'gone';
  return new AppError('MAIL_NOT_WAITING', `The message is ${state.replace(/-/g, ' ')}: ${rule}`);
}

/** What people do with the outbox: its holders of mail.manage see all, a run's viewers its mail. */
export class OutboxService {
  constructor(
    private readonly store: Store,
    private readonly runs: RunService,
    private readonly settings: SettingsService,
    private readonly now: () => Date,
  ) {}

  list(
    caller: Caller,
    query: { state?: OutboxState; limit: number; cursor?: string },
  ): Promise<Page<OutboxEntry>> {
    requirePermission(caller, PERMISSIONS.mailManage);
    return this.store.outbox.list(query);
  }

  async get(caller: Caller, id: string): Promise<OutboxEntry> {
    requirePermission(caller, PERMISSIONS.mailManage);
    const entry = await this.store.outbox.get(id);
    if (!entry) throw notFound('Message');
    return entry;
  }

  /** How many messages are in each state: the delivery's state at a glance. */
  counts(caller: Caller): Promise<OutboxCounts> {
    requirePermission(caller, PERMISSIONS.mailManage);
    return this.store.outbox.counts();
  }

  /** The mail a run queued, for whoever may see the run. */
  async ofRun(caller: Caller, runId: string): Promise<OutboxEntry[]> {
    await this.runs.get(caller, runId);
    return this.store.outbox.ofRun(runId);
  }

  /** Makes a waiting or undelivered message due now, for another retry period. */
  async retry(caller: Caller, id: string): Promise<OutboxEntry> {
    await this.get(caller, id);
    const now = this.now();
    const { mailRetryHours } = await this.settings.current();
    const expiresAt = now.getTime() + mailRetryHours * 3_600_000;
    await this.store.transaction(async (tx) => {
      if (!(await tx.outbox.retryNow(id, now.getTime(), expiresAt))) {
        throw await notWaiting(tx, id, 'only a waiting, failed or partly sent one can be sent now');
      }
      await tx.audit.append(auditEvent(caller.actor, now, 'mail.retry', 'mail', id));
      await tx.publish({ type: 'mail' });
    });
    return this.get(caller, id);
  }

  /** Cancels a message that waits (queued or retrying); one being sent or done stays as it is. */
  async cancel(caller: Caller, id: string): Promise<OutboxEntry> {
    await this.get(caller, id);
    const now = this.now();
    await this.store.transaction(async (tx) => {
      if (!(await tx.outbox.cancel(id, now.getTime()))) {
        throw await notWaiting(tx, id, 'only a queued or retrying one can be canceled');
      }
      await tx.audit.append(auditEvent(caller.actor, now, 'mail.cancel', 'mail', id));
    });
    return this.get(caller, id);
  }
}
