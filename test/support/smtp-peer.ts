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

/** A real SMTP server in this process that keeps what it receives. */
export interface SmtpPeer {
  port: number;
  received: ReceivedMail[];
  /** Resolves when a DATA has started on the peer (for tests that stop a send midway). */
  dataStarted(): Promise<void>;
  /** Settings that send through this peer as the given login. */
  settings(login?: { user: string; password: string }): SmtpSettings;
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
}

/** Starts an SMTP peer on a free local port: LOGIN/PLAIN auth without TLS, no STARTTLS. */
export async function startSmtpPeer(options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const user = options.user ?? 'mailer';
  const password = options.password ?? 'mail-secret';
  const received: ReceivedMail[] = [];
  let onDataStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (onDataStarted = resolve));
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth: (auth, _session, callback) => {
      if (auth.username === user && auth.password === password) {
        return callback(null, { user: auth.username });
      }
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo: (address, _session, callback) => {
      if (options.refuse?.includes(address.address)) {
        return callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    dataStarted: () => started,
    settings: (login = { user, password }) => ({
      host: '127.0.0.1',
      port,
      secure: false,
      user: login.user,
      password: login.password,
      from: 'Task Planner <planner@example.com>',
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
