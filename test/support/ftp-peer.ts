import { execFile } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { FileSystem, FtpSrv } from 'ftp-srv';

const run = promisify(execFile);

/** A login the peer accepts. */
export interface FtpAccount {
  user: string;
  password: string;
}

/** The options of startFtpPeer. */
export interface FtpPeerOptions {
  /** none: plain FTP only; explicit: AUTH TLS offered; implicit: TLS from the first byte. Default none. */
  tls?: 'none' | 'explicit' | 'implicit';
  /** Refuse to rename onto an existing file, as many FTP servers do. */
  refuseReplace?: boolean;
  /** Refuse every rename. */
  refuseRename?: boolean;
  /** Refuse to rename files whose name matches (and let other renames through). */
  refuseRenameOf?: RegExp;
  /** Refuse to delete files whose name matches. */
  refuseDeleteOf?: RegExp;
  /** Never finish writing a file (a server that hangs mid-transfer). */
  stallWrites?: boolean;
  /** Refuse EPSV and answer PASV with this address, as a server behind NAT (or a hostile one) may. */
  pasvAddress?: string;
}

/** A real FTP server (ftp-srv) in this process on 127.0.0.1, serving a temp folder. */
export interface FtpPeer {
  port: number;
  /** The served folder: "/" on the server. */
  root: string;
  /** The self-signed certificate (PEM, for 127.0.0.1 and localhost) the peer presents; null without TLS. */
  certificate: string | null;
  /** Accepted logins, by user. */
  logins: string[];
  /** Connections the peer accepted. */
  connections: number;
  /** How often the peer answered PASV. */
  passiveAnswers: number;
  /** Resolves when a client first writes to a file. */
  writeStarted(): Promise<void>;
  close(): Promise<void>;
}

/** A bunyan-shaped logger that says nothing: ftp-srv logs every command and error otherwise. */
const quiet = {
  child: () => quiet,
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  fatal: () => {},
};

/** A self-signed certificate and its key, made once per process with the openssl command. */
let certificate: Promise<{ cert: string; key: string }> | undefined;

async function makeCertificate(): Promise<{ cert: string; key: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'tp-ftp-cert-'));
  try {
    const file = (name: string) => join(folder, name);
    await run('openssl', [
      'req',
      '-x509',
      ...['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'],
      ...['-keyout', file('key.pem'), '-out', file('cert.pem')],
      ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    ]);
    return {
      cert: await readFile(file('cert.pem'), 'utf8'),
      key: await readFile(file('key.pem'), 'utf8'),
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The peer's file system: ftp-srv's, with the refusals and the stall the options ask for. */
function fileSystem(options: FtpPeerOptions, onWrite: () => void) {
  return class PeerFileSystem extends FileSystem {
    override write(fileName: string, flags?: { append?: boolean; start?: unknown }): unknown {
      onWrite();
      if (!options.stallWrites) return super.write(fileName, flags);
      return { stream: new Writable({ write: () => {} }), clientPath: fileName };
    }

    override async rename(from: string, to: string): Promise<unknown> {
      if (options.refuseRename || options.refuseRenameOf?.test(posix.basename(from))) {
        throw new Error('renaming is not allowed');
      }
      if (options.refuseReplace) {
        const exists = await this.get(to).then(
          () => true,
          () => false,
        );
        if (exists) throw new Error('the target exists');
      }
      return super.rename(from, to);
    }

    override delete(path: string): Promise<unknown> {
      if (options.refuseDeleteOf?.test(posix.basename(path))) {
        return Promise.reject(new Error('deleting is not allowed'));
      }
      return super.delete(path);
    }
  };
}

/** ftp-srv's options for the peer's TLS mode and passive answers. */
async function serverOptions(options: FtpPeerOptions, peer: Pick<FtpPeer, 'passiveAnswers'>) {
  const tls = options.tls ?? 'none';
  const pasvAddress = options.pasvAddress;
  return {
    url: `${tls === 'implicit' ? 'ftps' : 'ftp'}://127.0.0.1:0`,
    tls: tls === 'none' ? (false as const) : await (certificate ??= makeCertificate()),
    // Port 0 each time: the system picks a free port for every passive data connection.
    pasv_min: 0,
    pasv_max: 0,
    // ftp-srv also takes a function (its types say only a string): to count the answers.
    pasv_url: ((): string => {
      peer.passiveAnswers++;
      return pasvAddress ?? '127.0.0.1';
    }) as unknown as string,
    ...(pasvAddress ? { blacklist: ['EPSV'] } : {}),
    log: quiet,
    greeting: 'Task Planner test FTP server',
  };
}

/** Starts an FTP peer on a free port of 127.0.0.1, serving a new temp folder to the accounts. */
export async function startFtpPeer(
  accounts: readonly FtpAccount[],
  options: FtpPeerOptions = {},
): Promise<FtpPeer> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'tp-ftp-')));
  let onWrite: () => void = () => {};
  const written = new Promise<void>((resolve) => (onWrite = resolve));
  const PeerFileSystem = fileSystem(options, () => onWrite());
  const state = { logins: [] as string[], connections: 0, passiveAnswers: 0 };
  // ftp-srv adds signal handlers that end the process; they are taken away again on close.
  const signals = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const;
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const server = new FtpSrv(await serverOptions(options, state));
  const added = signals.flatMap((signal) =>
    process
      .listeners(signal)
      .filter((listener) => !before.get(signal)?.includes(listener))
      .map((listener) => ({ signal, listener })),
  );
  (server as EventEmitter).on('connect', () => state.connections++);
  server.on('login', ({ connection, username, password }, resolve, reject) => {
    const account = accounts.find((each) => each.user === username);
    if (!account || account.password !== password) return reject(new Error('Login incorrect'));
    state.logins.push(username);
    resolve({ fs: new PeerFileSystem(connection, { root, cwd: '/' }) });
  });
  await server.listen();
  const listening = (server as unknown as { server: Server }).server;
  return {
    port: (listening.address() as AddressInfo).port,
    root,
    certificate:
      certificate && (options.tls ?? 'none') !== 'none' ? (await certificate).cert : null,
    get logins() {
      return state.logins;
    },
    get connections() {
      return state.connections;
    },
    get passiveAnswers() {
      return state.passiveAnswers;
    },
    writeStarted: () => written,
    close: async () => {
      await server.close();
      for (const { signal, listener } of added) process.off(signal, listener);
      await rm(root, { recursive: true, force: true });
    },
  };
}
