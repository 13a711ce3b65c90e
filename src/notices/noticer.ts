import { coerceError } from '../domain/coerce-error.ts';
import {
  freshNoticeState,
  noticesWanted,
  type NoticeEvent,
  type NoticeState,
  type RunNotices,
  type WithheldNotices,
} from '../domain/run-notices.ts';
import type { RunStatus } from '../domain/run.ts';
import type { ServerSettings } from '../domain/settings.ts';
import { outboxMessageOf } from '../mail/outbox-message.ts';
import { parseMailbox, type Mailbox } from '../plugins/builtin/delivery/addresses.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Store } from '../store/store.ts';
import type { User } from '../domain/user.ts';
import { decideNotice } from './notice-decision.ts';
import { noticeMail } from './notice-mail.ts';
import { noticeNeeds } from './notice-permissions.ts';
import { postNotice } from './notice-webhook.ts';
import { runNoticeOf, type RunNotice } from './run-notice.ts';

/** A run whose end was written for good (no retry follows), as notices see it. */
export interface FinalEnd {
  runId: string;
  taskId: string;
  ownerId: string;
  status: RunStatus;
  /** The task's own notices (as it ran); null: the server's default. */
  notices: RunNotices | null;
}

/** What the noticer needs of the server. */
export interface NoticerParts {
  registry: ComponentRegistry;
  box: SecretBox;
  /** The settings (the server's default notices, the sender, its address), read through store. */
  settings: (store: Store) => Promise<ServerSettings>;
  logger: { error(message: string): void };
}

/** An end that gets a notice, and the notices it follows. */
interface Decided {
  end: FinalEnd;
  notices: RunNotices;
  /** The task's own notices: their channels need the owner's permissions. */
  own: boolean;
  event: NoticeEvent;
  withheld: WithheldNotices;
}

/** A notice to send. */
/** A notice to send, and the task's owner as read for it. */
type Sending = Decided & { notice: RunNotice; owner: User };

/** One line in a run's log, as the engine writes them. */
function logLine(now: number, level: 'INFO ' | 'WARN ', text: string): string {
  return `${new Date(now).toISOString()} ${level} ${text}\n`;
}

/**
 * Failure notices, decided in the transaction that writes the final ends of runs: which end
 * gets one (notice-decision.ts), its mail queued in the outbox with the ends, its webhook posted
 * once they are committed. What the decision remembers per task is kept in the store, under
 * the lock the ends' transaction holds on the tasks.
 */
export class Noticer {
  constructor(private readonly parts: NoticerParts) {}

  async notice(tx: Store, ends: readonly FinalEnd[], now: number): Promise<void> {
    if (ends.length === 0) return;
    const settings = await this.parts.settings(tx);
    const wanted = ends
      .map((end) => ({ end, notices: end.notices ?? settings.notices }))
      .filter(({ notices }) => noticesWanted(notices));
    if (wanted.length === 0) return;
    const states = await tx.noticeStates.of(wanted.map(({ end }) => end.taskId));
    const changed = new Map<string, NoticeState>();
    const decided: Decided[] = [];
    for (const { end, notices } of wanted) {
      const state =
        changed.get(end.taskId) ?? states.get(end.taskId) ?? freshNoticeState(end.taskId);
      const decision = decideNotice(state, end.status, notices, now);
      if (decision.next) changed.set(end.taskId, decision.next);
      if (decision.send)
        decided.push({ end, notices, own: end.notices !== null, ...decision.send });
      if (decision.heldBack) await this.#noteHeldBack(tx, end, decision.heldBack, now);
    }
    await tx.noticeStates.save([...changed.values()]);
    for (const each of decided) {
      const made = await this.#noticeOf(tx, each, settings);
      if (made) await this.#send(tx, { ...each, ...made }, settings, now);
    }
  }

  /** Says in the run's log that its notice waits for the quiet period's end. */
  async #noteHeldBack(
    tx: Store,
    end: FinalEnd,
    { event, until }: { event: NoticeEvent; until: number },
    now: number,
  ): Promise<void> {
    const text = `${event} notice held back: one notice per quiet period, which ends ${new Date(until).toISOString()}; the next notice counts it`;
    await tx.runs.appendLog(end.runId, logLine(now, 'INFO ', text));
  }

  async #noticeOf(
    tx: Store,
    { end, event, withheld }: Decided,
    settings: ServerSettings,
  ): Promise<{ notice: RunNotice; owner: User } | null> {
    const [run, task, owner, log] = await Promise.all([
      tx.runs.get(end.runId),
      tx.tasks.get(end.taskId),
      tx.users.get(end.ownerId),
      tx.runs.log(end.runId),
    ]);
    if (!run || !task || !owner) return null;
    const about = { id: task.id, name: task.name, owner: owner.login, timezone: task.timezone };
    const notice = runNoticeOf(event, run, about, withheld, {
      log: log ?? '',
      publicUrl: settings.publicUrl,
    });
    return { notice, owner };
  }

  async #send(tx: Store, sending: Sending, settings: ServerSettings, now: number): Promise<void> {
    const { end, notices, notice } = sending;
    const refused = await this.#refusedChannels(tx, sending, now);
    const notes: string[] = [];
    const recipients = this.#recipients(sending, refused, notes);
    if (recipients.length > 0) {
      notes.push(await this.#queueMail(tx, sending, recipients, settings, now));
    }
    if (notices.webhook && !refused.has('webhook')) {
      const url = notices.webhook;
      tx.afterCommit(() => void this.#post(url, notice, settings));
      notes.push(`posted to ${new URL(url).origin} once this end is saved`);
    }
    if (notes.length === 0) return;
    await tx.runs.appendLog(
      end.runId,
      logLine(now, 'INFO ', `${notice.event} notice: ${notes.join('; ')}`),
    );
  }

  /** The channels of a task's own notices its owner may no longer use. */
  async #refusedChannels(
    tx: Store,
    { end, notices, own }: Decided,
    now: number,
  ): Promise<Map<string, string>> {
    const refused = new Map<string, string>();
    if (!own) return refused;
    const needs = noticeNeeds(this.parts.registry, notices);
    if (needs.length === 0) return refused;
    const held = await tx.users.effectivePermissions(end.ownerId);
    for (const need of needs) {
      if (!held.has(need.permission))
        refused.set(
          need.channel,
          `${need.what} need '${need.permission}', which the owner does not hold`,
        );
    }
    for (const reason of refused.values()) {
      await tx.runs.appendLog(end.runId, logLine(now, 'WARN ', `notice: ${reason}`));
    }
    return refused;
  }

  /** Who the mail goes to: the owner (when they have an address) and the listed addresses. */
  #recipients(
    { notices, owner }: Sending,
    refused: ReadonlyMap<string, string>,
    notes: string[],
  ): Mailbox[] {
    const recipients: Mailbox[] = [];
    if (notices.toOwner) {
      if (owner.email) recipients.push({ name: owner.displayName, address: owner.email });
      else notes.push('the owner has no e-mail address');
    }
    if (!refused.has('mail')) {
      for (const entry of notices.to) {
        try {
          recipients.push(parseMailbox(entry));
        } catch (error) {
          notes.push(coerceError(error).message);
        }
      }
    }
    return recipients;
  }

  async #queueMail(
    tx: Store,
    { end, notice }: Sending,
    recipients: readonly Mailbox[],
    settings: ServerSettings,
    now: number,
  ): Promise<string> {
    if (!settings.smtp) return 'no mail: no SMTP server is set up (Settings, SMTP server)';
    let from: Mailbox;
    try {
      from = parseMailbox(settings.smtp.from);
    } catch {
      return `no mail: the sender '${settings.smtp.from}' is not a valid e-mail address (Settings, SMTP server)`;
    }
    const mail = await noticeMail(
      notice,
      { header: settings.smtp.from, address: from.address },
      recipients,
      new Date(now),
    );
    const origin = { runId: end.runId, taskId: end.taskId, ownerId: end.ownerId };
    await tx.outbox.add(
      [
        outboxMessageOf(
          mail,
          { ...origin, purpose: 'notice' },
          this.parts.box,
          now,
          settings.mailRetryHours,
        ),
      ],
      'queued',
    );
    await tx.publish({ type: 'mail' });
    return `mail queued to ${mail.recipients.join(', ')}`;
  }

  async #post(url: string, notice: RunNotice, settings: ServerSettings): Promise<void> {
    const failure = await postNotice(url, notice, settings);
    if (failure === null) return;
    this.parts.logger.error(`run ${notice.run.id}: ${failure}`);
  }
}
