import type { FieldIssue } from '../domain/errors.ts';
import { NO_NOTICES, type RunNotices } from '../domain/run-notices.ts';
import type { NoticesInput } from '../domain/task-schema.ts';
import { parseMailbox } from '../plugins/builtin/delivery/addresses.ts';

/** Why a notice's webhook address cannot be used, or null when it can. */
function webhookProblem(address: string): string | null {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return `'${address}' is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `'${address}' is not an http:// or https:// address`;
  }
  if (url.username || url.password) {
    return 'the address may not carry a user or password (they would be shown to everyone who sees the task)';
  }
  return null;
}

/**
 * Notices as entered (schema-valid), with the defaults filled in; each address that is not one
 * and a webhook that is not an http(s) URL is an issue under path.
 */
export function noticesOf(input: NoticesInput, path: string, issues: FieldIssue[]): RunNotices {
  const to = (input.to ?? []).map((entry) => entry.trim());
  to.forEach((entry, index) => {
    try {
      parseMailbox(entry);
    } catch (error) {
      issues.push({ path: `${path}/to/${index}`, message: (error as Error).message });
    }
  });
  const webhook = input.webhook?.trim() || null;
  const problem = webhook === null ? null : webhookProblem(webhook);
  if (problem) issues.push({ path: `${path}/webhook`, message: problem });
  return {
    on: input.on,
    toOwner: input.toOwner ?? NO_NOTICES.toOwner,
    to,
    webhook,
    quietMinutes: input.quietMinutes ?? NO_NOTICES.quietMinutes,
  };
}
