import { createHash } from 'node:crypto';
import ssh2, { type ConnectConfig, type SFTPWrapper, type Stats } from 'ssh2';

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

/** An ssh2 connection error as a message that names the server and the cause. */
function connectError(
  error: Error & { level?: string },
  login: SftpLogin,
  mismatch: string | null,
): Error {
  const where = serverOf(login);
  if (mismatch) {
    return new Error(
      `${where} presented host key ${mismatch}, not the pinned ${normalizeFingerprint(login.hostKeySha256 ?? '')}; refusing to connect`,
    );
  }
  switch (error.level) {
    case 'client-authentication':
      return new Error(`${where} refused the login as '${login.user}'`);
    case 'client-timeout':
      return new Error(`${where} did not answer within ${login.timeoutSeconds} seconds`);
    case 'client-socket':
    case 'client-dns':
      return new Error(`could not reach ${where}: ${error.message}`);
    default:
      return new Error(`${where}: ${error.message}`);
  }
}

function openSftp(client: ssh2.Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)));
  });
}

/** Logs in, verifying the server key; resolves to the key's fingerprint. */
function connect(client: ssh2.Client, login: SftpLogin, signal: AbortSignal): Promise<string> {
  const pinned = login.hostKeySha256 ? normalizeFingerprint(login.hostKeySha256) : null;
  let hostKey = '';
  let mismatch: string | null = null;
  return new Promise<string>((resolve, reject) => {
    client
      .once('ready', () => resolve(hostKey))
      .once('error', (error) => reject(connectError(error, login, mismatch)))
      .once('close', () =>
        reject(new Error(signal.aborted ? 'stopped' : `${serverOf(login)} closed the connection`)),
      );
    // ssh2 cannot end a connection still being made; the run need not wait for it.
    signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true });
    client.connect({
      host: login.host,
      port: login.port,
      username: login.user,
      ...credentials(login),
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
  });
}

/** Rejects when the run is stopped or the connection ends, whichever comes first. */
function connectionEnd(client: ssh2.Client, login: SftpLogin, signal: AbortSignal): Promise<never> {
  const ended = new Promise<never>((_, reject) => {
    client.once('close', () =>
      reject(new Error(signal.aborted ? 'stopped' : `${serverOf(login)} closed the connection`)),
    );
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
  const client = new Client();
  const close = () => client.end();
  signal.addEventListener('abort', close, { once: true });
  try {
    const hostKey = await connect(client, login, signal);
    const sftp = await openSftp(client);
    // Later errors (a dropped connection) fail the pending calls; keep them off the process.
    client.on('error', () => {});
    const ended = connectionEnd(client, login, signal);
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
        signal.removeEventListener('abort', close);
        client.end();
      },
    };
  } catch (error) {
    signal.removeEventListener('abort', close);
    client.end();
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

/** Uploads a local file to a remote path. */
export function upload(session: SftpSession, local: string, remote: string): Promise<void> {
  return session.request<void>((done) =>
    session.sftp.fastPut(local, remote, (error) => done(error, undefined)),
  );
}
