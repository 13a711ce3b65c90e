import { isIP } from 'node:net';
import { posix } from 'node:path';
import { TLSSocket, type ConnectionOptions } from 'node:tls';
import {
  Client,
  enterPassiveModeIPv6,
  FTPError,
  type FTPContext,
  type FTPResponse,
  type TransferStrategy,
} from 'basic-ftp';
// Not re-exported by the package's index: the pieces of its PASV mode, to connect elsewhere.
import { connectForPassiveTransfer, parsePasvResponse } from 'basic-ftp/dist/transfer.js';
import { coerceError } from '../../../domain/coerce-error.ts';
import { uploadViaTemporary, type RemoteFiles, type RemoteKind } from './temporary-upload.ts';

/** How the connection is protected: not at all, TLS after AUTH TLS, or TLS from the first byte. */
export type FtpSecurity = 'none' | 'explicit' | 'implicit';

/** Where and as whom to log in, and how to trust the server. */
export interface FtpLogin {
  host: string;
  port: number;
  user: string;
  password: string;
  security: FtpSecurity;
  /** Whether the server's certificate must be trusted and name the host (with TLS). */
  verifyCertificate: boolean;
  /** PEM certificates to trust instead of the system's CAs: the server's own, or its CA. */
  caCertificate?: string;
  /** How long to wait for each answer of the server. */
  timeoutSeconds: number;
  /** The checked address to connect to; host names the server in messages and for TLS. */
  address?: string;
}

/** A logged-in FTP session. */
export interface FtpSession {
  client: Client;
  /** The TLS version of the control connection ("TLSv1.3"), or null without TLS. */
  tls: string | null;
  close(): void;
}

/** Logins that take any password; servers expect an e-mail-like one. */
const ANONYMOUS = new Set(['anonymous', 'ftp']);

/** How messages name the server. */
const serverOf = (login: FtpLogin) => `FTP server ${login.host}:${login.port}`;

/**
 * An error's message without basic-ftp's note of which socket it came from; for OpenSSL's errors
 * ("806C…:error:0A00010B:SSL routines:…:wrong version number:…"), the reason alone.
 */
function plain(error: Error): string {
  const { reason } = error as { reason?: unknown };
  if (typeof reason === 'string' && reason !== '') return reason;
  return error.message.replace(/ \((control|data) socket\)$/, '');
}

/**
 * PASV, with the data connection made to the control connection's address whatever address
 * the server's answer names: that address could send the connection to another host (the FTP
 * bounce), and servers behind NAT often name an internal one.
 */
async function passiveToControlHost(ftp: FTPContext): Promise<FTPResponse> {
  const response = await ftp.request('PASV');
  const { port } = parsePasvResponse(response.message);
  const host = ftp.socket.remoteAddress?.replace(/^::ffff:/i, '');
  if (host === undefined) throw new Error('the control connection is closed');
  await connectForPassiveTransfer(host, port, ftp);
  return response;
}

/**
 * Passive mode only (basic-ftp has no active mode): EPSV, whose answer names only a port, where
 * the server has it, else PASV as above; the first that works is kept.
 */
function passiveTransfers(): TransferStrategy {
  let chosen: TransferStrategy | null = null;
  return async (ftp) => {
    if (chosen) return chosen(ftp);
    try {
      const response = await enterPassiveModeIPv6(ftp);
      chosen = enterPassiveModeIPv6;
      return response;
    } catch {
      const response = await passiveToControlHost(ftp);
      chosen = passiveToControlHost;
      return response;
    }
  };
}

/**
 * The TLS options of the control and data connections: the host's name for SNI and the name
 * check (an address is checked as it is), and the certificates to trust.
 */
function tlsOptions(login: FtpLogin): ConnectionOptions {
  return {
    ...(isIP(login.host) === 0 ? { servername: login.host } : {}),
    rejectUnauthorized: login.verifyCertificate,
    ...(login.caCertificate ? { ca: login.caCertificate } : {}),
  };
}

/** OpenSSL's and Node's codes for a certificate that is not trusted or not for this host. */
const UNTRUSTED =
  /^(CERT_\w+|\w*SELF_SIGNED\w*|UNABLE_TO_\w+|INVALID_CA|INVALID_PURPOSE|HOSTNAME_MISMATCH|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/**
 * The certificate problem in words, without the hint newer Node.js versions add ("try running
 * Node.js with --use-system-ca"): here caCertificate is the way to trust a certificate.
 */
const certificateProblem = (error: Error) =>
  plain(error).replace(
    /; if the root CA is installed locally, try running Node\.js with --use-system-ca$/,
    '',
  );

function certificateError(login: FtpLogin, error: Error, code: string): Error {
  const where = serverOf(login);
  const optOut =
    'or set verifyCertificate to false to accept any certificate (then someone in between could read the password)';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return new Error(
      `the certificate of ${where} is not for ${login.host} (${certificateProblem(error)}); connect by a name the certificate holds, ${optOut}`,
    );
  }
  return new Error(
    `the certificate of ${where} is not trusted (${certificateProblem(error)}); give the server's certificate or its CA as caCertificate, ${optOut}`,
  );
}

const isTlsFailure = (error: Error, code: string) =>
  code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || /\b(TLS|SSL)\b/.test(error.message);

/** Where a session is when something fails, for the message. */
type Step = 'connect' | 'tls' | 'login' | 'settings';

/** A refusal by the server, by the step it refused; what it said is quoted only once logged in. */
function refusal(step: Step, login: FtpLogin, error: FTPError): Error {
  const where = serverOf(login);
  switch (step) {
    case 'connect':
      return new Error(`${where} refused the connection (code ${error.code})`);
    case 'tls':
      return new Error(
        `${where} does not offer TLS (it answered AUTH TLS with code ${error.code}); use security 'implicit' if it speaks TLS from the first byte (usually port 990), or 'none' to log in without encryption, which sends the password in clear`,
      );
    case 'login': {
      const code = error.code === 530 ? '' : ` (code ${error.code})`;
      const hint =
        login.security === 'none'
          ? "; if it takes logins only over TLS, set security to 'explicit'"
          : '';
      return new Error(`${where} refused the login as '${login.user}'${code}${hint}`);
    }
    case 'settings':
      return new Error(`${where} refused the session settings: ${error.message}`);
  }
}

/**
 * A failure while connecting and logging in as a message naming the server and the cause.
 * Before the login the server's own words are not quoted: the task's owner chooses host and
 * port, and the run log must not become a way to read other services' banners.
 */
function sessionError(step: Step, login: FtpLogin, error: Error): Error {
  const where = serverOf(login);
  const { code: raw } = error as { code?: unknown };
  const code = typeof raw === 'string' ? raw : '';
  if (UNTRUSTED.test(code)) return certificateError(login, error, code);
  if (error instanceof FTPError) return refusal(step, login, error);
  if (/^Timeout \(control socket\)/.test(error.message)) {
    return new Error(`${where} did not answer within ${login.timeoutSeconds} s`);
  }
  if (/^Server (closed connection|sent FIN packet) unexpectedly/.test(error.message)) {
    return new Error(
      `${where} closed the connection${step === 'connect' ? ' without a greeting' : ''}`,
    );
  }
  if (isTlsFailure(error, code)) {
    const hint =
      login.security === 'implicit'
        ? "; if the server does not speak TLS from the first byte, use security 'explicit'"
        : '';
    return new Error(`TLS with ${where} failed: ${plain(error)}${hint}`);
  }
  if (step === 'connect') return new Error(`could not reach ${where}: ${plain(error)}`);
  return new Error(`${where}: ${plain(error)}`);
}

async function during<T>(step: Step, login: FtpLogin, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw sessionError(step, login, coerceError(error));
  }
}

/** Connects (with TLS as configured), logs in and sets binary mode, as basic-ftp's access() does. */
async function logIn(client: Client, login: FtpLogin): Promise<void> {
  const target = login.address ?? login.host;
  const tls = tlsOptions(login);
  await during('connect', login, () =>
    login.security === 'implicit'
      ? client.connectImplicitTLS(target, login.port, tls)
      : client.connect(target, login.port),
  );
  // Data connections resume the control connection's TLS session, which is bound to this host.
  if (login.security === 'explicit')
    await during('tls', login, () => client.useTLS({ ...tls, host: target }));
  const password = login.password || (ANONYMOUS.has(login.user) ? 'anonymous@' : '');
  await during('login', login, async () => {
    // Before the login, for a user or password beyond ASCII; servers may refuse it, harmlessly.
    await client.sendIgnoringError('OPTS UTF8 ON');
    await client.login(login.user, password);
  });
  await during('settings', login, () => client.useDefaultSettings());
}

/**
 * Connects and logs in; data connections go only to the address the control connection
 * reached. Aborting the signal closes the client, which fails whatever is pending.
 */
export async function openFtpSession(login: FtpLogin, signal: AbortSignal): Promise<FtpSession> {
  if (signal.aborted) throw new Error('stopped');
  const client = new Client(login.timeoutSeconds * 1000);
  client.prepareTransfer = passiveTransfers();
  const cut = () => client.close();
  signal.addEventListener('abort', cut, { once: true });
  try {
    await logIn(client, login);
  } catch (error) {
    signal.removeEventListener('abort', cut);
    client.close();
    throw signal.aborted ? new Error('stopped') : error;
  }
  const socket = client.ftp.socket;
  return {
    client,
    tls: socket instanceof TLSSocket ? (socket.getProtocol() ?? 'TLS') : null,
    close: () => {
      signal.removeEventListener('abort', cut);
      client.close();
    },
  };
}

/** Makes the remote folder the working folder; throws a clear message if it cannot be. */
export async function enterRemoteFolder(
  session: FtpSession,
  folder: string,
  where: string,
): Promise<void> {
  try {
    await session.client.cd(folder);
  } catch (error) {
    const failure = coerceError(error);
    if (failure instanceof FTPError && failure.code === 550) {
      throw new Error(
        `remote folder ${folder} does not exist on ${where}, or is not a folder (${failure.message})`,
      );
    }
    throw new Error(`could not open remote folder ${folder} on ${where}: ${plain(failure)}`);
  }
}

/**
 * What a path names, from a listing of its folder: FTP has no portable way to ask about one
 * path (SIZE and MDTM answer for folders on some servers, MLST is not everywhere). Only asked
 * after a refused rename.
 */
async function kindOf(client: Client, path: string): Promise<RemoteKind> {
  const folder = posix.dirname(path);
  const entries = await client.list(folder === '.' ? '' : folder);
  const entry = entries.find((each) => each.name === posix.basename(path));
  if (!entry) return 'none';
  return entry.isDirectory ? 'folder' : 'file';
}

/** The session's files, by paths relative to the working folder. */
function remoteFiles({ client }: FtpSession): RemoteFiles {
  return {
    put: async (local, remote) => {
      await client.uploadFrom(local, remote);
    },
    rename: async (from, to) => {
      await client.rename(from, to);
    },
    remove: async (path) => {
      await client.remove(path);
    },
    kind: (path) => kindOf(client, path),
  };
}

/**
 * Uploads a local file to a remote path: under a temporary name in the same folder, then
 * renamed to its name (replacing a file there, moved aside first if the server will not rename
 * onto it), so that no one sees half a file.
 */
export function upload(session: FtpSession, local: string, remote: string): Promise<void> {
  return uploadViaTemporary(remoteFiles(session), local, remote);
}
