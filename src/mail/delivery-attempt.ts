import { isIP } from 'node:net';
import { createTransport } from 'nodemailer';
import { coerceError } from '../domain/coerce-error.ts';
import type { OutboxServer } from '../domain/outbox.ts';
import type { ServerSettings } from '../domain/settings.ts';
import { checkDestination, DeniedDestinationError } from '../net/destination.ts';
import { serverNetworkPolicy } from '../net/server-policy.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { requiresTls, smtpError, type ChosenServer } from './smtp-errors.ts';

/** Nodemailer's timeouts: a stuck server fails the attempt instead of holding it. */
const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** An attempt never takes longer than this, so a claim (see mail-delivery.ts) outlives it. */
export const ATTEMPT_DEADLINE_MS = 5 * 60_000;

/** A recipient the server refused, and whether for good (5xx) or for now (4xx). */
export interface Refusal {
  address: string;
  response: string;
  permanent: boolean;
}

/** What one attempt did to the recipients it tried. */
export interface AttemptResult {
  /** The recipients the server accepted the message for. */
  accepted: string[];
  /** The recipients it refused. */
  refused: Refusal[];
  /** What stopped the attempt for every other recipient tried; null when nothing did. */
  error: { message: string; permanent: boolean } | null;
}

/** A message to send to some of its recipients. */
export interface Attempt {
  server: OutboxServer | null;
  sender: string;
  recipients: string[];
  content: Buffer;
}

/** What an attempt uses: the settings as they are now, the secret box, and a stop signal. */
export interface AttemptDeps {
  settings(): Promise<ServerSettings>;
  box: SecretBox;
  signal: AbortSignal;
}

/** The server to send through, as it is configured now. */
async function chooseServer(
  server: OutboxServer | null,
  settings: ServerSettings,
  box: SecretBox,
): Promise<ChosenServer> {
  if (server === null) {
    if (!settings.smtp) {
      throw new Error(
        'no default SMTP server is set (an administrator sets one in Settings, SMTP server)',
      );
    }
    return {
      server: settings.smtp,
      address: null,
      plaintextAllowed: settings.smtp.allowPlaintext ?? false,
    };
  }
  const { host, port, secure, user } = server;
  // Checked again at each attempt: the network settings or the name's address may have changed.
  const address = await checkDestination(host, port, serverNetworkPolicy(settings)).catch(
    (error: unknown) => {
      if (error instanceof DeniedDestinationError) throw error;
      throw new Error(`could not reach SMTP server ${host}:${port}: ${coerceError(error).message}`);
    },
  );
  const password = server.sealedPassword ? box.open(server.sealedPassword) : '';
  return {
    server: { host, port, secure, user, password },
    address,
    plaintextAllowed: settings.allowPlaintextSmtp,
  };
}

/** Where nodemailer connects: the checked address (TLS still verifies the name), else the host. */
function connectionOf({ server, address }: ChosenServer): { host: string; servername?: string } {
  if (address === null) return { host: server.host };
  return isIP(server.host) === 0 ? { host: address, servername: server.host } : { host: address };
}

/**
 * Whether the server's answer refuses the message for good: a 5xx reply, except to a login or
 * STARTTLS, which an administrator fixes in the settings while the message waits.
 */
function isPermanent(error: unknown): boolean {
  const { code, responseCode } = error as { code?: string; responseCode?: number };
  if (code === 'EAUTH' || code === 'ENOAUTH' || code === 'ETLS') return false;
  return typeof responseCode === 'number' && responseCode >= 500;
}

/** The refusals of single recipients nodemailer reports (on the result or on the error). */
function refusalsOf(rejected: unknown): Refusal[] {
  if (!Array.isArray(rejected)) return [];
  return rejected.map((each: { recipient?: string; response?: string; message?: string }) => ({
    address: String(each.recipient ?? ''),
    response: each.response ?? each.message ?? 'refused',
    permanent: isPermanent(each),
  }));
}

/** Sends through a chosen server; resolves to what the server said of each recipient. */
async function sendThrough(
  chosen: ChosenServer,
  attempt: Attempt,
  signal: AbortSignal,
): Promise<AttemptResult> {
  const { server } = chosen;
  const transport = createTransport({
    ...connectionOf(chosen),
    port: server.port,
    secure: server.secure,
    requireTLS: requiresTls(chosen),
    ...(server.user ? { auth: { user: server.user, pass: server.password } } : {}),
    ...TIMEOUTS,
  });
  try {
    const info = await transport.sendMail({
      envelope: { from: attempt.sender, to: attempt.recipients },
      raw: attempt.content,
      signal,
    });
    const accepted = (info.accepted as Array<string | { address: string }>).map((each) =>
      typeof each === 'string' ? each : each.address,
    );
    return { accepted, refused: refusalsOf(info.rejectedErrors), error: null };
  } catch (error) {
    if (signal.aborted) return { accepted: [], refused: [], error: stoppedError(signal) };
    const refused = refusalsOf((error as { rejectedErrors?: unknown }).rejectedErrors);
    if (refused.length > 0) return { accepted: [], refused, error: null };
    const message = smtpError(error, chosen).message;
    return { accepted: [], refused: [], error: { message, permanent: isPermanent(error) } };
  } finally {
    transport.close();
  }
}

function stoppedError(signal: AbortSignal): AttemptResult['error'] {
  const why = signal.reason === 'deadline' ? `it took over ${ATTEMPT_DEADLINE_MS / 1000} s` : '';
  return { message: `the attempt was stopped${why ? `: ${why}` : ''}`, permanent: false };
}

/**
 * Tries to send a message to its recipients once. Never throws: every failure comes back as
 * the attempt's error (for all recipients tried) or as refusals of single recipients.
 */
export async function attemptDelivery(attempt: Attempt, deps: AttemptDeps): Promise<AttemptResult> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort('deadline'), ATTEMPT_DEADLINE_MS);
  timer.unref();
  const signal = AbortSignal.any([deps.signal, deadline.signal]);
  try {
    const chosen = await chooseServer(attempt.server, await deps.settings(), deps.box);
    return await sendThrough(chosen, attempt, signal);
  } catch (error) {
    // Only the network settings refuse for good; the rest waits for an administrator or a server.
    const permanent = error instanceof DeniedDestinationError;
    return { accepted: [], refused: [], error: { message: coerceError(error).message, permanent } };
  } finally {
    clearTimeout(timer);
  }
}
