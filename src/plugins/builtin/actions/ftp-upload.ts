import { X509Certificate } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { coerceError } from '../../../domain/coerce-error.ts';
import type { FieldIssue } from '../../../domain/errors.ts';
import { checkDestination, DeniedDestinationError } from '../../../net/destination.ts';
import { serverNetworkPolicy } from '../../../net/server-policy.ts';
import { defineAction } from '../../define-kind.ts';
import type { DeliveryPreview } from '../../delivery-preview.ts';
import type { ActionContext } from '../../run-context.ts';
import { FileNameFormat } from '../delivery/file-names.ts';
import { previewUploads, RemoteFolder, uploadEach } from '../delivery/upload-each.ts';
import {
  enterRemoteFolder,
  openFtpSession,
  upload,
  type FtpLogin,
  type FtpSession,
} from '../delivery/ftp-session.ts';

const Security = Type.Union(
  [
    Type.Literal('explicit', { title: 'Explicit TLS (AUTH TLS, FTPS)' }),
    Type.Literal('implicit', { title: 'Implicit TLS (FTPS, usually port 990)' }),
    Type.Literal('none', { title: 'None (plain FTP: the password goes in clear)' }),
  ],
  {
    default: 'explicit',
    // Dropping TLS would let the stored password go in clear: it must be typed again.
    destination: true,
    description:
      'explicit: TLS after AUTH TLS (FTPS); implicit: TLS from the first byte; none: plain FTP, which sends the password and the files unencrypted',
  },
);

const FtpUploadConfig = Type.Object(
  {
    host: Type.String({
      minLength: 1,
      maxLength: 255,
      destination: true,
      description: 'Host name of the FTP server',
    }),
    port: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 65535,
        description: 'Port; when left out 21, or 990 with implicit TLS',
      }),
    ),
    security: Security,
    user: Type.String({
      minLength: 1,
      maxLength: 255,
      default: 'anonymous',
      description: 'Login (anonymous for an anonymous login)',
    }),
    password: Type.Optional(
      Type.String({ maxLength: 1000, secret: true, description: 'Password' }),
    ),
    verifyCertificate: Type.Boolean({
      default: true,
      description:
        'With TLS, refuse a server whose certificate is not trusted or not for the host; turn off only for a server you trust on a network you trust (anyone in between could read the password)',
    }),
    caCertificate: Type.Optional(
      Type.String({
        title: 'CA certificate',
        maxLength: 65_536,
        // Trusting another certificate would let another server take the password.
        destination: true,
        description:
          "Certificates to trust instead of the system's CAs, in PEM: the server's own (e.g. a self-signed one) or its CA's",
      }),
    ),
    remoteFolder: RemoteFolder,
    fileName: FileNameFormat,
    timeoutSeconds: Type.Integer({
      minimum: 1,
      maximum: 600,
      default: 30,
      description:
        'How long to wait for each answer of the server, and for a transfer that makes no progress',
    }),
  },
  { additionalProperties: false },
);

type FtpUploadConfig = Static<typeof FtpUploadConfig>;

/** Logins that need no password. */
const ANONYMOUS = new Set(['anonymous', 'ftp']);

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Why the text is not a list of PEM certificates, or null when it is. */
function pemProblem(text: string): string | null {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0)
    return 'give one or more certificates in PEM (-----BEGIN CERTIFICATE-----)';
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (error) {
      return `certificate ${index + 1} cannot be read: ${coerceError(error).message}`;
    }
  }
  return null;
}

function checkConfig(config: FtpUploadConfig, path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!config.password && !ANONYMOUS.has(config.user)) {
    issues.push({
      path: `${path}/password`,
      message: 'give the password (or log in as anonymous)',
    });
  }
  if (config.caCertificate?.trim()) {
    const problem = pemProblem(config.caCertificate);
    if (problem) issues.push({ path: `${path}/caCertificate`, message: problem });
    else if (!config.verifyCertificate) {
      issues.push({
        path: `${path}/caCertificate`,
        message: 'a CA certificate is only used when verifyCertificate is on',
      });
    }
  }
  return issues;
}

/** The port to use: the configured one, else FTP's or implicit FTPS's. */
const portOf = (config: FtpUploadConfig) =>
  config.port ?? (config.security === 'implicit' ? 990 : 21);

/** The address of the server, once it is found to lie in a network tasks may reach. */
async function allowedAddress(
  config: FtpUploadConfig,
  where: string,
  context: ActionContext,
): Promise<string> {
  const policy = serverNetworkPolicy(await context.host.settings());
  return checkDestination(config.host, portOf(config), policy).catch((error: unknown) => {
    if (error instanceof DeniedDestinationError) throw error;
    throw new Error(`could not reach FTP server ${where}: ${coerceError(error).message}`);
  });
}

/** The login without empty optional fields (an empty secret means none). */
function loginOf(config: FtpUploadConfig, address: string): FtpLogin {
  const { host, user, security, verifyCertificate, caCertificate, timeoutSeconds } = config;
  return {
    host,
    port: portOf(config),
    user,
    password: config.password ?? '',
    security,
    verifyCertificate,
    timeoutSeconds,
    address,
    ...(caCertificate?.trim() ? { caCertificate } : {}),
  };
}

/** The "connected" line: who, and how the connection is protected. */
function logConnected(
  config: FtpUploadConfig,
  session: FtpSession,
  where: string,
  context: ActionContext,
): void {
  const checked = config.verifyCertificate ? '' : ', certificate not checked';
  const protection = session.tls ? `${session.tls}${checked}` : 'no encryption';
  context.log.info(`connected to ${where} as ${config.user} (${protection})`);
  if (!session.tls && !ANONYMOUS.has(config.user)) {
    context.log.warn(`the password went to ${where} unencrypted (security: none)`);
  }
}

async function uploadFiles(config: FtpUploadConfig, context: ActionContext): Promise<void> {
  const where = `${config.host}:${portOf(config)}`;
  const address = await allowedAddress(config, where, context);
  const session = await openFtpSession(loginOf(config, address), context.signal);
  try {
    logConnected(config, session, where, context);
    await enterRemoteFolder(session, config.remoteFolder, where);
    const { remoteFolder, fileName } = config;
    await uploadEach(context, {
      where,
      remoteFolder,
      fileName,
      // By name: the remote folder is the working folder now.
      put: (local, name) => upload(session, local, name),
    });
  } finally {
    session.close();
  }
}

/** Where the files would be uploaded, for a dry run: the address is checked, nothing connects. */
async function previewUpload(
  config: FtpUploadConfig,
  context: ActionContext,
): Promise<DeliveryPreview> {
  const where = `${config.host}:${portOf(config)}`;
  await allowedAddress(config, where, context);
  const { remoteFolder, fileName, user } = config;
  return previewUploads(context, { where, remoteFolder, fileName, login: user });
}

/** Uploads each file result to a folder on an FTP server, over TLS (FTPS) unless told not to. */
export const ftpUploadAction = defineAction({
  kind: 'ftp-upload',
  title: 'Upload by FTP',
  description: 'Uploads each file result to a folder on an FTP or FTPS server',
  configSchema: FtpUploadConfig,
  permission: 'action.ftp',
  accepts: ['file'],
  check: checkConfig,
  run: uploadFiles,
  preview: previewUpload,
});
