import { createHash } from 'node:crypto';
import { Socket } from 'node:net';
import ssh2, { type ConnectConfig, type SFTPWrapper, type Stats } from 'ssh2';
import { uploadViaTemporary, type RemoteFiles, type RemoteKind } from './temporary-upload.ts';

// ssh2 is CommonJS; Node's ES module loader only sees some of its named exports.
const { Client, utils } = ssh2;

/** Where and as whom to log in; one of password or privateKey is needed. */
export interface SftpLogin {
  host: string;
  port: number;
  user: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  /** The server key's SHA-256 fingerprint ("SHA256:…" as ssh-keygen -l shows it); any key when absent. */
  hostKeySha256?: string;
  timeoutSeconds: number;
  /** The checked address to connect to; host names the server in messages. */
  address?: string;
}

/** An open SFTP session and its connection. */
export interface SftpSession {
  sftp: SFTPWrapper;
  /** The fingerprint of the key the server presented. */
  hostKey: string;
  /**
   * Runs one SFTP call; it fails when the run is stopped ("stopped") or the connection ends,
   * since ssh2 leaves a call pending forever when its connection goes away.
   */
  request<T>(
    start: (done: (error: Error | null | undefined, value: T) => void) => void,
  ): Promise<T>;
  close(): void;
}

/** A server key's fingerprint as OpenSSH prints it: "SHA256:" and unpadded base64. */
function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** A fingerprint as written by people: the prefix optional, padding optional. */
function normalizeFingerprint(text: string): string {
  return `SHA256:${text
    .trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '')}`;
}

/** The credentials for ssh2; a key that cannot be read fails here, with a clear message. */
function credentials(
  login: SftpLogin,
): Pick<ConnectConfig, 'password' | 'privateKey' | 'passphrase'> {
  if (!login.password && !login.privateKey) throw new Error('give a password or a private key');
  if (!login.privateKey) return { password: login.password ?? '' };
  const parsed = utils.parseKey(login.privateKey, login.passphrase);
  if (parsed instanceof Error)
    throw new Error(`the private key could not be read: ${parsed.message}`);
  return {
    privateKey: login.privateKey,
    ...(login.passphrase ? { passphrase: login.passphrase } : {}),
    ...(login.password ? { password: login.password } : {}),
  };
}

/** How messages name the server. */
const serverOf = (login: SftpLogin) => `SFTP server ${login.host}:${login.port}`;

/** The first bytes a server sent: enough to tell an SSH server from another service. */
const HEARD_BYTES = 1024;

/**
 * What a connection has seen so far. ssh2 reports a server that speaks another protocol only
 * as a timeout or a "connection lost", so the first bytes tell the two apart.
 */
interface Connection {
  /** The first bytes the server sent, as latin1 text. */
  heard: string;
  /** The last error ssh2 reported, to say why a connection ended. */
  lastError: Error | null;
}

/** Whether the server has sent an SSH identification line (RFC 4253 allows other lines first). */
const spokeSsh = (connection: Connection) => /(^|\n)SSH-/.test(connection.heard);

/**
 * The message for a server that did not get through the SSH handshake: silent, another
 * protocol, or gone. What another service said is not quoted: the task's owner chooses the
 * host and port, and the run log must not become a way to read internal services' banners.
 */
function handshakeError(login: SftpLogin, connection: Connection, timedOut: boolean): Error {
  const where = serverOf(login);
  if (connection.heard !== '' && !spokeSsh(connection)) {
    return new Error(`${where} is not an SSH server: it answered, but not with an SSH greeting`);
  }
  if (connection.heard === '') {
    return new Error(
      timedOut
        ? `${where} did not answer the SSH handshake within ${login.timeoutSeconds} s`
        : `${where} closed the connection before the SSH handshake`,
    );
  }
  return new Error(
    timedOut
      ? `${where} did not complete the SSH handshake and login within ${login.timeoutSeconds} s`
      : `${where} closed the connection during the SSH handshake`,
  );
}

/** An ssh2 connection error as a message that names the server and the cause. */
function connectError(
  error: Error & { level?: string },
  login: SftpLogin,
  mismatch: string | null,
  connection: Connection,
): Error {
  const where = serverOf(login);
  if (mismatch) {
    return new Error(
      `${where} presented host key ${mismatch}, not the pinned ${normalizeFingerprint(login.hostKeySha256 ?? '')}; refusing to connect`,
    );
  }
  if (connection.heard !== '' && !spokeSsh(connection))
    return handshakeError(login, connection, false);
  switch (error.level) {
    case 'client-authentication':
      return new Error(`${where} refused the login as '${login.user}'`);
    case 'client-timeout':
      return handshakeError(login, connection, true);
    case 'client-socket':
    case 'client-dns':
      return new Error(`could not reach ${where}: ${error.message}`);
    default:
      // ssh2's words for a server that closed the connection before saying anything.
      if (error.message === 'Connection lost before handshake')
        return handshakeError(login, connection, false);
      return new Error(`${where}: ${error.message}`);
  }
}

/** Why a connection ended, for the calls it leaves pending. */
function closedError(login: SftpLogin, connection: Connection, signal: AbortSignal): Error {
  if (signal.aborted) return new Error('stopped');
  const why = connection.lastError ? ` (${connection.lastError.message})` : '';
  return new Error(`${serverOf(login)} closed the connection${why}`);
}

function openSftp(client: ssh2.Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)));
  });
}

/** Records the first bytes the server sends, beside ssh2 (which has paused the socket). */
function listen(socket: Socket, connection: Connection): void {
  const onData = (chunk: Buffer) => {
    connection.heard += chunk.toString('latin1', 0, HEARD_BYTES - connection.heard.length);
    if (connection.heard.length >= HEARD_BYTES) socket.off('data', onData);
  };
  socket.on('data', onData);
}

/**
 * Logs in over the socket, verifying the server key; resolves to the key's fingerprint.
 * Settles once: ssh2 reports one failure with several events ('error' twice, then 'close').
 */
function connect(
  client: ssh2.Client,
  socket: Socket,
  login: SftpLogin,
  connection: Connection,
  signal: AbortSignal,
): Promise<string> {
  const pinned = login.hostKeySha256 ? normalizeFingerprint(login.hostKeySha256) : null;
  let hostKey = '';
  let mismatch: string | null = null;
  // A key that cannot be read fails before any connection is made.
  const auth = credentials(login);
  return new Promise<string>((resolve, reject) => {
    const onReady = () => settle(null);
    const onError = (error: Error) => settle(connectError(error, login, mismatch, connection));
    const onClose = () =>
      settle(signal.aborted ? new Error('stopped') : handshakeError(login, connection, false));
    const onAbort = () => settle(new Error('stopped'));
    const settle = (error: Error | null) => {
      client.off('ready', onReady).off('error', onError).off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(hostKey);
    };
    client.on('ready', onReady).on('error', onError).on('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.connect(login.port, login.address ?? login.host);
    client.connect({
      sock: socket,
      username: login.user,
      ...auth,
      readyTimeout: login.timeoutSeconds * 1000,
      // Keepalives find a server that vanished mid-transfer.
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        hostKey = fingerprintOf(key);
        if (pinned && hostKey !== pinned) mismatch = hostKey;
        return mismatch === null;
      },
    });
    listen(socket, connection);
  });
}

/** Rejects when the run is stopped or the connection ends, whichever comes first. */
function connectionEnd(
  client: ssh2.Client,
  login: SftpLogin,
  connection: Connection,
  signal: AbortSignal,
): Promise<never> {
  const ended = new Promise<never>((_, reject) => {
    client.once('close', () => reject(closedError(login, connection, signal)));
  });
  // Only ever raced against a call; with no call pending, the rejection is of no interest.
  ended.catch(() => {});
  return ended;
}

/**
 * Connects and opens an SFTP session, refusing a server whose key does not match the pinned
 * fingerprint. Aborting the signal closes the connection, which fails whatever is pending.
 */
export async function openSftpSession(login: SftpLogin, signal: AbortSignal): Promise<SftpSession> {
  if (signal.aborted) throw new Error('stopped');
  const connection: Connection = { heard: '', lastError: null };
  // Our own socket, so that a connection still being made can be cut (ssh2's end() cannot).
  const socket = new Socket();
  const client = new Client();
  // For the client's whole life: ssh2 emits 'error' more than once for one failure (a timeout,
  // then "Connection lost before handshake" as it closes the socket), and later for a dropped
  // connection; an 'error' nobody hears would end the process.
  client.on('error', (error: Error) => (connection.lastError = error));
  socket.on('error', () => {}); // ssh2 reports socket errors as the client's
  const cut = () => socket.destroy();
  signal.addEventListener('abort', cut, { once: true });
  try {
    const hostKey = await connect(client, socket, login, connection, signal);
    const sftp = await openSftp(client);
    const ended = connectionEnd(client, login, connection, signal);
    return {
      sftp,
      hostKey,
      request: <T>(start: (done: (error: Error | null | undefined, value: T) => void) => void) =>
        Promise.race([
          new Promise<T>((resolve, reject) =>
            start((error, value) => (error ? reject(error) : resolve(value))),
          ),
          ended,
        ]),
      close: () => {
        signal.removeEventListener('abort', cut);
        client.end();
      },
    };
  } catch (error) {
    signal.removeEventListener('abort', cut);
    socket.destroy();
    throw error;
  }
}

/** Status codes of SFTP (draft-ietf-secsh-filexfer-02). */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

/** Checks that the remote folder exists and is a folder; throws a clear message if not. */
export async function assertRemoteFolder(
  session: SftpSession,
  folder: string,
  where: string,
): Promise<void> {
  let stats: Stats;
  try {
    stats = await session.request<Stats>((done) => session.sftp.stat(folder, done));
  } catch (error) {
    const { code, message } = error as Error & { code?: number };
    if (code === NO_SUCH_FILE)
      throw new Error(`remote folder ${folder} does not exist on ${where}`);
    if (code === PERMISSION_DENIED)
      throw new Error(`no access to remote folder ${folder} on ${where}`);
    if (message === 'stopped') throw error;
    throw new Error(`could not read remote folder ${folder} on ${where}: ${message}`);
  }
  if (!stats.isDirectory()) throw new Error(`remote ${folder} on ${where} is not a folder`);
}

/** Renames a remote file, settling when the server answers. */
function rename(session: SftpSession, from: string, to: string): Promise<void> {
  return session.request<void>((done) =>
    session.sftp.rename(from, to, (error) => done(error, undefined)),
  );
}

/**
 * Renames with posix-rename@openssh.com, which replaces the target as rename(2) does; false when
 * the server does not offer it (ssh2 then throws before sending anything).
 */
async function posixRename(session: SftpSession, from: string, to: string): Promise<boolean> {
  let offered = true;
  await session.request<void>((done) => {
    try {
      session.sftp.ext_openssh_rename(from, to, (error) => done(error, undefined));
    } catch {
      offered = false;
      done(null, undefined);
    }
  });
  return offered;
}

/** What a path names (a link, what it leads to); 'none' when the server says there is nothing. */
async function kindOf(session: SftpSession, path: string): Promise<RemoteKind> {
  try {
    const stats = await session.request<Stats>((done) => session.sftp.stat(path, done));
    return stats.isDirectory() ? 'folder' : 'file';
  } catch (error) {
    if ((error as { code?: unknown }).code === NO_SUCH_FILE) return 'none';
    throw error;
  }
}

/**
 * The session's files for an upload under a temporary name. The rename replaces an existing
 * file: by posix-rename@openssh.com where the server offers it; otherwise SFTP's rename, which
 * refuses an existing target on most servers, so that the target is moved aside first.
 */
function remoteFiles(session: SftpSession): RemoteFiles {
  return {
    put: (local, remote) =>
      session.request<void>((done) =>
        session.sftp.fastPut(local, remote, (error) => done(error, undefined)),
      ),
    rename: async (from, to) => {
      if (!(await posixRename(session, from, to))) await rename(session, from, to);
    },
    remove: (path) =>
      session.request<void>((done) => session.sftp.unlink(path, (error) => done(error, undefined))),
    kind: (path) => kindOf(session, path),
  };
}

/**
 * Uploads a local file to a remote path: under a temporary name in the same folder, then
 * renamed to its name (replacing a file there), so that no one sees half a file.
 */
export function upload(session: SftpSession, local: string, remote: string): Promise<void> {
  return uploadViaTemporary(remoteFiles(session), local, remote);
}
