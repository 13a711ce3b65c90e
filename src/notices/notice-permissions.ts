import type { RunNotices } from '../domain/run-notices.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';

/** A channel of a task's own notices, and the permission its owner needs for it. */
export interface NoticeNeed {
  channel: 'mail' | 'webhook';
  what: string;
  permission: string;
}

/**
 * The permissions a task's own notices reach: mail to listed addresses as the e-mail action's,
 * the webhook as the webhook action's (the owner's own address needs none). The server's
 * default notices, an administrator's, need none.
 */
export function noticeNeeds(registry: ComponentRegistry, notices: RunNotices): NoticeNeed[] {
  const needs: NoticeNeed[] = [];
  const mail = registry.get('action', 'email')?.permission;
  if (mail && notices.to.length > 0) {
    needs.push({ channel: 'mail', what: 'notices to listed addresses', permission: mail });
  }
  const webhook = registry.get('action', 'webhook')?.permission;
  if (webhook && notices.webhook) {
    needs.push({ channel: 'webhook', what: 'notices to a webhook', permission: webhook });
  }
  return needs;
}
