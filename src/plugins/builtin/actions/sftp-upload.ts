import { Type, type Static } from '@sinclair/typebox';
import type { FieldIssue } from '../../../domain/errors.ts';
import { defineAction } from '../../define-kind.ts';
import type { DeliveryPreview } from '../../delivery-preview.ts';
import type { ActionContext } from '../../run-context.ts';
import { FileNameFormat } from '../delivery/file-names.ts';
import { previewUploads, RemoteFolder, uploadEach } from '../delivery/upload-each.ts';
import { checkDestination, DeniedDestinationError } from '../../../net/destination.ts';
import { serverNetworkPolicy } from '../../../net/server-policy.ts';
import { assertRemoteFolder, openSftpSession, upload } from '../delivery/sftp-session.ts';
import { coerceError } from '../../../domain/coerce-error.ts';

const Secret = (description: string) =>
  Type.Optional(Type.String({ maxLength: 16_384, secret: true, description }));

const SftpUploadConfig = Type.Object(
  {
    host: Type.String({
      minLength: 1,
      maxLength: 255,
      destination: true,
      description: 'Host name of the SFTP server',
    }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 22, description: 'Port' }),
    user: Type.String({ minLength: 1, maxLength: 255, description: 'Login' }),
    password: Secret('Password (or use a private key)'),
    privateKey: Secret('Private key in PEM or OpenSSH format (or use a password)'),
    passphrase: Secret('Passphrase of the private key, if it has one'),
    hostKeySha256: Type.Optional(
      Type.String({
        maxLength: 100,
        // Unpinning the key would let another server take the password.
        destination: true,
        pattern: '^\\s*(SHA256:)?[A-Za-z0-9+/]{43}=?\\s*$',
        description:
          'the SHA-256 fingerprint of the server key, e.g. SHA256:… as ssh-keygen -l shows it (a server with another key is refused; the log shows the key of each connection)',
      }),
    ),
    remoteFolder: RemoteFolder,
    fileName: FileNameFormat,
    timeoutSeconds: Type.Integer({
      minimum: 1,
      maximum: 600,
      default: 30,
      description: 'How long to wait for the server to connect and log in',
    }),
  },
  { additionalProperties: false },
);

type SftpUploadConfig = Static<typeof SftpUploadConfig>;

function checkCredentials({ password, privateKey }: SftpUploadConfig, path: string): FieldIssue[] {
  return password || privateKey
    ? []
    : [{ path: `${path}/password`, message: 'give a password or a private key' }];
}

/** The login without empty optional fields (an empty secret means none). */
function loginOf(config: SftpUploadConfig) {
  const { host, port, user, password, privateKey, passphrase, hostKeySha256, timeoutSeconds } =
    config;
  return {
    host,
    port,
    user,
    timeoutSeconds,
    ...(password ? { password } : {}),
    ...(privateKey ? { privateKey } : {}),
    ...(passphrase ? { passphrase } : {}),
    ...(hostKeySha256?.trim() ? { hostKeySha256 } : {}),
  };
}

/** The address of the server, once it is found to lie in a network tasks may reach. */
async function allowedAddress(
  config: SftpUploadConfig,
  where: string,
  context: ActionContext,
): Promise<string> {
  const policy = serverNetworkPolicy(await context.host.settings());
  return checkDestination(config.host, config.port, policy).catch((error: unknown) => {
    if (error instanceof DeniedDestinationError) throw error;
    throw new Error(`could not reach SFTP server ${where}: ${coerceError(error).message}`);
  });
}

async function uploadFiles(config: SftpUploadConfig, context: ActionContext): Promise<void> {
  const where = `${config.host}:${config.port}`;
  const address = await allowedAddress(config, where, context);
  const session = await openSftpSession({ ...loginOf(config), address }, context.signal);
  try {
    context.log.info(`connected to ${where} as ${config.user}, host key ${session.hostKey}`);
    await assertRemoteFolder(session, config.remoteFolder, where);
    const { remoteFolder, fileName } = config;
    await uploadEach(context, {
      where,
      remoteFolder,
      fileName,
      put: (local, _name, remote) => upload(session, local, remote),
    });
  } finally {
    session.close();
  }
}

/** Where the files would be uploaded, for a dry run: the address is checked, nothing connects. */
async function previewUpload(
  config: SftpUploadConfig,
  context: ActionContext,
): Promise<DeliveryPreview> {
  const where = `${config.host}:${config.port}`;
  await allowedAddress(config, where, context);
  const { remoteFolder, fileName, user } = config;
  return previewUploads(context, { where, remoteFolder, fileName, login: user });
}

/**
 * Uploads each file result to a folder on an SFTP server, each under a temporary name that is
 * renamed to the file's name once it is complete.
 */
export const sftpUploadAction = defineAction({
  kind: 'sftp-upload',
  title: 'Upload by SFTP',
  description: 'Uploads each file result to a folder on an SFTP server',
  configSchema: SftpUploadConfig,
  permission: 'action.sftp',
  accepts: ['file'],
  check: checkCredentials,
  run: uploadFiles,
  preview: previewUpload,
});
