/** A mailbox as nodemailer takes it. */
export interface Mailbox {
  name: string;
  address: string;
}

// Deliberately loose: the server has the last word; this catches typos and pasted lists.
const LOCAL = /^[^\s@<>()[\]\\,;:"]+$/;
const DOMAIN = /^[^\s@<>()[\]\\,;:".]+(\.[^\s@<>()[\]\\,;:".]+)*$/;
const NAMED = /^(.*?)\s*<([^<>]*)>$/s;

function isAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  return at > 0 && LOCAL.test(address.slice(0, at)) && DOMAIN.test(address.slice(at + 1));
}

/**
 * Reads one recipient entry, "bob@example.com" or "Bob Smith <bob@example.com>"; throws
 * a message naming the entry when it is not one valid address.
 */
export function parseMailbox(entry: string): Mailbox {
  const text = entry.trim();
  const named = NAMED.exec(text);
  const name = named ? (named[1] ?? '').replace(/^"(.*)"$/s, '$1').trim() : '';
  const address = named ? (named[2] ?? '').trim() : text;
  if (isAddress(address)) return { name, address };
  const hint = /[,;]/.test(text) ? ' (give one address per entry)' : '';
  throw new Error(`'${text}' is not a valid e-mail address${hint}`);
}

/** The mailboxes of a recipient list; empty entries (a placeholder with no value) are left out. */
export function parseMailboxes(entries: readonly string[]): Mailbox[] {
  return entries.filter((entry) => entry.trim() !== '').map(parseMailbox);
}
