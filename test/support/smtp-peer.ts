import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SmtpSettings } from '../../src/domain/settings.ts';

/** A message the peer accepted: the SMTP envelope and the parsed message. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  login: string | undefined;
  mail: ParsedMail;
}

/** A login on the peer. */
export interface SmtpLogin {
  user: string;
  password: string;
}

/** An e-mail action's own SMTP server, as its config names it. */
export type OwnSmtpServer = Omit<SmtpSettings, 'allowPlaintext'>;

/** A real SMTP server in this process that keeps what it receives. */
export interface SmtpPeer {
  port: number;
  received: ReceivedMail[];
  /** The login the peer accepts. */
  login: SmtpLogin;
  /** The logins senders tried (AUTH commands), right or wrong, in order. */
  logins: string[];
  /** Resolves when a DATA has started on the peer (for tests that stop a send midway). */
  dataStarted(): Promise<void>;
  /**
   * The default SMTP server settings that send through this peer: with no login by default;
   * with one, plain text allowed (the peer offers no STARTTLS), as an administrator must.
   */
  settings(login?: SmtpLogin): SmtpSettings;
  /** An action's own server config for this peer, with no login by default. */
  ownServer(login?: SmtpLogin): OwnSmtpServer;
  close(): Promise<void>;
}

/** The options of startSmtpPeer. */
export interface SmtpPeerOptions {
  /** The login the peer accepts (others get 535). */
  user?: string;
  password?: string;
  /** Recipients the peer refuses with 550. */
  refuse?: string[];
  /** Never answer the message data (a stuck server). */
  stall?: boolean;
  /** Listen on this port (default a free one): a server that comes back where it was. */
  port?: number;
  /**
   * The peer's answer to a recipient, asked at each RCPT TO: an error code and text to refuse it
   * with (421 and 450 say "try later", 550 "never"), or null to accept it.
   */
  answer?: (address: string) => { responseCode: number; message: string } | null;
}

/**
 * Starts an SMTP peer on a free local port: no STARTTLS, mail taken with or without a login,
 * LOGIN/PLAIN auth in plain text for the accepted login only.
 */
export async function startSmtpPeer(options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const user = options.user ?? 'mailer';
  const password = options.password ?? 'mail-secret';
  const received: ReceivedMail[] = [];
  const logins: string[] = [];
  let onDataStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (onDataStarted = resolve));
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth: (auth, _session, callback) => {
      logins.push(auth.username ?? '');
      if (auth.username === user && auth.password === password) {
        return callback(null, { user: auth.username });
      }
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo: (address, _session, callback) => {
      if (options.refuse?.includes(address.address)) {
        return callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
      }
      const answer = options.answer?.(address.address);
      if (answer) {
        return callback(
          Object.assign(new Error(answer.message), { responseCode: answer.responseCode }),
        );
      }
      callback();
    },
    onData: (stream, session, callback) => {
      onDataStarted();
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (options.stall) return;
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          const { mailFrom, rcptTo } = session.envelope;
          received.push({
            envelope: {
              from: mailFrom ? mailFrom.address : '',
              to: rcptTo.map((rcpt) => rcpt.address),
            },
            login: session.user as string | undefined,
            mail,
          });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const ownServer = (login?: SmtpLogin): OwnSmtpServer => ({
    host: '127.0.0.1',
    port,
    secure: false,
    user: login?.user ?? '',
    password: login?.password ?? '',
    from: 'Task Planner <planner@example.com>',
  });
  return {
    port,
    received,
    login: { user, password },
    logins,
    dataStarted: () => started,
    // Without a login the key is left out: such settings also serve as an own server's config.
    settings: (login) => ({ ...ownServer(login), ...(login ? { allowPlaintext: true } : {}) }),
    ownServer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
