import { createHash, timingSafeEqual } from 'node:crypto';
import { link, mkdtemp, open, realpath, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import ssh2, { type AuthContext, type Connection, type SFTPWrapper } from 'ssh2';
import type { Stats } from 'node:fs';

// ssh2 is CommonJS; Node's ES module loader only sees some of its named exports.
const { Server, utils } = ssh2;
const { STATUS_CODE } = utils.sftp;

/** A login the peer accepts: a password, a public key (OpenSSH line), or both. */
export interface SftpAccount {
  user: string;
  password?: string;
  publicKey?: string;
}

/** A real SFTP server in this process, serving a temp folder. */
export interface SftpPeer {
  port: number;
  /** The served folder: "/" on the server. */
  root: string;
  /** The host key's fingerprint as ssh-keygen -l prints it. */
  fingerprint: string;
  /** Accepted logins: who, and with which method. */
  logins: Array<{ user: string; method: string }>;
  /** Resolves when a client first writes to a file. */
  writeStarted(): Promise<void>;
  close(): Promise<void>;
}

/** The options of startSftpPeer. */
export interface SftpPeerOptions {
  /** Never answer writes (a server that hangs mid-transfer). */
  stallWrites?: boolean;
  /** Refuse every rename, with "permission denied". */
  refuseRename?: boolean;
}

/** A key pair as ssh2 generates it (OpenSSH private key, public key line). */
export function generateKeys(passphrase?: string): { private: string; public: string } {
  return passphrase
    ? utils.generateKeyPairSync('ed25519', { passphrase, cipher: 'aes256-ctr', rounds: 16 })
    : utils.generateKeyPairSync('ed25519');
}

/** The SHA-256 fingerprint of an OpenSSH public key line, computed the way ssh-keygen does. */
export function fingerprintOfLine(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.split(' ')[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the attempt matches the account; a key without signature is only a query. */
function authenticates(ctx: AuthContext, account: SftpAccount): boolean {
  if (ctx.method === 'password') {
    return account.password !== undefined && ctx.password === account.password;
  }
  if (ctx.method === 'publickey' && account.publicKey) {
    const allowed = utils.parseKey(account.publicKey);
    if (allowed instanceof Error) throw allowed;
    if (ctx.key.algo !== allowed.type || !same(ctx.key.data, allowed.getPublicSSH())) return false;
    return (
      !ctx.signature ||
      allowed.verify(ctx.blob ?? Buffer.alloc(0), ctx.signature, ctx.hashAlgo) === true
    );
  }
  return false;
}

function attrsOf(stats: Stats) {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

/** How the peer treats requests beyond serving them. */
interface Behaviour {
  /** Called at each write; false leaves the write unanswered. */
  writing(): boolean;
  /** Answer every rename with "permission denied". */
  refuseRename: boolean;
}

/**
 * Answers the requests fastPut makes (open, fstat, write, close) plus stat, realpath, rename and
 * remove.
 */
function serveFiles(sftp: SFTPWrapper, root: string, behaviour: Behaviour): void {
  const handles = new Map<number, FileHandle>();
  let next = 0;
  const local = (path: string) => join(root, posix.resolve('/', path));
  const handleOf = (handle: Buffer) => handles.get(handle.readUInt32BE(0));
  const fail = (reqid: number) => (error: NodeJS.ErrnoException) =>
    sftp.status(
      reqid,
      error.code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : STATUS_CODE.FAILURE,
      error.message,
    );
  // A client that went away mid-transfer leaves its files open.
  sftp.on('close', () => {
    for (const file of handles.values()) void file.close();
  });
  sftp
    .on('OPEN', (reqid, filename, flags) => {
      open(local(filename), utils.sftp.flagsToString(flags) ?? 'r').then((file) => {
        const id = Buffer.alloc(4);
        id.writeUInt32BE(next);
        handles.set(next++, file);
        sftp.handle(reqid, id);
      }, fail(reqid));
    })
    .on('WRITE', (reqid, handle, offset, data) => {
      if (!behaviour.writing()) return;
      const file = handleOf(handle);
      if (!file) return sftp.status(reqid, STATUS_CODE.FAILURE);
      file
        .write(data, 0, data.length, offset)
        .then(() => sftp.status(reqid, STATUS_CODE.OK), fail(reqid));
    })
    .on('CLOSE', (reqid, handle) => {
      const file = handleOf(handle);
      if (!file) return sftp.status(reqid, STATUS_CODE.FAILURE);
      handles.delete(handle.readUInt32BE(0));
      file.close().then(() => sftp.status(reqid, STATUS_CODE.OK), fail(reqid));
    })
    .on('FSTAT', (reqid, handle) => {
      const file = handleOf(handle);
      if (!file) return sftp.status(reqid, STATUS_CODE.FAILURE);
      file.stat().then((stats) => sftp.attrs(reqid, attrsOf(stats)), fail(reqid));
    })
    .on('STAT', (reqid, path) => {
      stat(local(path)).then((stats) => sftp.attrs(reqid, attrsOf(stats)), fail(reqid));
    })
    .on('RENAME', (reqid, from, to) => {
      if (behaviour.refuseRename) {
        return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED, 'renaming is not allowed');
      }
      // As OpenSSH's sftp-server: a link then an unlink, so an existing target is refused.
      link(local(from), local(to))
        .then(() => unlink(local(from)))
        .then(() => sftp.status(reqid, STATUS_CODE.OK), fail(reqid));
    })
    .on('REMOVE', (reqid, path) => {
      unlink(local(path)).then(() => sftp.status(reqid, STATUS_CODE.OK), fail(reqid));
    })
    .on('REALPATH', (reqid, path) => {
      const name = posix.resolve('/', path);
      sftp.name(reqid, [{ filename: name, longname: name, attrs: {} as never }]);
    });
}

function serveConnection(
  client: Connection,
  accounts: readonly SftpAccount[],
  root: string,
  logins: SftpPeer['logins'],
  behaviour: Behaviour,
) {
  client.on('authentication', (ctx) => {
    const account = accounts.find((each) => each.user === ctx.username);
    if (!account || !authenticates(ctx, account)) return ctx.reject(['password', 'publickey']);
    if (ctx.method !== 'publickey' || ctx.signature)
      logins.push({ user: ctx.username, method: ctx.method });
    ctx.accept();
  });
  client.on('ready', () => {
    client.on('session', (accept) => {
      accept().on('sftp', (acceptSftp) => serveFiles(acceptSftp(), root, behaviour));
    });
  });
  // A client that goes away mid-transfer is normal here.
  client.on('error', () => {});
}

/** Starts an SFTP peer on a free local port with a fresh host key, serving a new temp folder. */
export async function startSftpPeer(
  accounts: readonly SftpAccount[],
  options: SftpPeerOptions = {},
): Promise<SftpPeer> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'tp-sftp-')));
  const hostKey = generateKeys();
  const logins: SftpPeer['logins'] = [];
  const connections = new Set<Connection>();
  let onWrite: () => void = () => {};
  const written = new Promise<void>((resolve) => (onWrite = resolve));
  const behaviour: Behaviour = {
    writing: () => {
      onWrite();
      return !options.stallWrites;
    },
    refuseRename: options.refuseRename ?? false,
  };
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    serveConnection(client, accounts, root, logins, behaviour);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    root,
    fingerprint: fingerprintOfLine(hostKey.public),
    logins,
    writeStarted: () => written,
    close: async () => {
      for (const client of connections) client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
