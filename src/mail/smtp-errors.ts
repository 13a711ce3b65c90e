import type { SmtpSettings } from '../domain/settings.ts';

/** An SMTP server a message goes through, and the address to connect to when it had to be checked. */
export interface ChosenServer {
  server: Omit<SmtpSettings, 'allowPlaintext' | 'from'>;
  /** The checked address of a task's own server; null for the administrator's default. */
  address: string | null;
  /** Whether an administrator let this server take the login unencrypted. */
  plaintextAllowed: boolean;
}

/**
 * Whether the login must wait for TLS: without TLS from the start, STARTTLS is then required
 * (nodemailer's requireTLS), so a server that does not offer it never sees the password.
 */
export function requiresTls({ server, plaintextAllowed }: ChosenServer): boolean {
  return !server.secure && Boolean(server.user) && !plaintextAllowed;
}

/** Where an administrator lets this server take the login in clear: in the UI, and in the API. */
function plaintextSetting(chosen: ChosenServer): string {
  return chosen.address === null
    ? 'Settings, SMTP server; smtp.allowPlaintext in the API'
    : "Settings, Tasks' own SMTP servers; allowPlaintextSmtp in the API";
}

/** A failed STARTTLS as a message: refused by the server, or the TLS handshake failed. */
function tlsError(chosen: ChosenServer, where: string, response: unknown, message: string): Error {
  if (typeof response !== 'string' || !requiresTls(chosen)) {
    return new Error(`could not start TLS with ${where}: ${message}`);
  }
  return new Error(
    `${where} does not offer STARTTLS, so the password would go in clear; use TLS from the start (secure, usually port 465), or an administrator can allow plain-text SMTP for this server (${plaintextSetting(chosen)}). The server said: ${response}`,
  );
}

/** How messages name a server. */
export const serverName = ({ server }: ChosenServer) => `SMTP server ${server.host}:${server.port}`;

/** A nodemailer error as a message that says which server and what went wrong. */
export function smtpError(error: unknown, chosen: ChosenServer): Error {
  const { code, response, message } = error as {
    code?: string;
    response?: string;
    message?: string;
  };
  const where = serverName(chosen);
  const said = response ?? message ?? String(error);
  switch (code) {
    case 'ETLS':
      return tlsError(chosen, where, response, message ?? said);
    case 'EAUTH':
      return new Error(`${where} refused the login as '${chosen.server.user}': ${said}`);
    case 'ENOAUTH':
      return new Error(`${where} needs a login, but none is configured`);
    case 'EENVELOPE':
      return new Error(`${where} refused the sender or recipients: ${said}`);
    case 'ECONNECTION':
      // It answered (e.g. "421 too busy") and closed: reached, but not willing now.
      if (response) return new Error(`${where} closed the connection, answering: ${response}`);
      return new Error(`could not reach ${where}: ${message ?? said}`);
    case 'ETIMEDOUT':
    case 'EDNS':
    case 'ESOCKET':
      return new Error(`could not reach ${where}: ${message ?? said}`);
    default:
      return new Error(`sending through ${where} failed: ${said}`);
  }
}
