import { isIP } from 'node:net';
import { Client } from 'ldapts';
import type { LdapSettings } from '../../domain/ldap-settings.ts';
import { coerceError } from '../../domain/coerce-error.ts';

/** The directory could not be reached or refused the service account: nobody's fault but its. */
export class DirectoryUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`The directory at ${url} cannot be used: ${coerceError(cause).message}`);
    this.name = 'DirectoryUnavailableError';
  }
}

function tlsOptions(settings: LdapSettings) {
  const host = new URL(settings.url).hostname;
  return {
    ...(settings.caCertificate.trim() === '' ? {} : { ca: settings.caCertificate }),
    // SNI carries host names only; the certificate is checked against the URL's host anyway.
    ...(isIP(host.replace(/^\[|\]$/g, '')) === 0 ? { servername: host } : {}),
    minVersion: 'TLSv1.2' as const,
  };
}

/**
 * A connection to the directory, encrypted unless plain text is allowed, not yet bound. The
 * caller unbinds it (see withConnection).
 */
async function connect(settings: LdapSettings): Promise<Client> {
  const timeout = settings.timeoutSeconds * 1000;
  const secure = settings.url.startsWith('ldaps://');
  // ldapts speaks TLS from the start whenever it is given TLS options, so ldap:// gets none.
  const client = new Client({
    url: settings.url,
    timeout,
    connectTimeout: timeout,
    ...(secure ? { tlsOptions: tlsOptions(settings) } : {}),
  });
  if (!secure && settings.startTls) await client.startTLS(tlsOptions(settings));
  return client;
}

/** Runs work on a fresh connection and closes it, whatever happens. */
export async function withConnection<T>(
  settings: LdapSettings,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  let client: Client;
  try {
    client = await connect(settings);
  } catch (error) {
    throw new DirectoryUnavailableError(settings.url, error);
  }
  try {
    return await work(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Binds as the service account; a refusal means the settings are wrong, not the user. */
export async function bindService(client: Client, settings: LdapSettings): Promise<void> {
  try {
    await client.bind(settings.bindDn, settings.bindPassword);
  } catch (error) {
    throw new DirectoryUnavailableError(
      settings.url,
      `the service account: ${coerceError(error).message}`,
    );
  }
}
