// A real OpenLDAP server for the directory tests: Debian's slapd, run as the current user from
// a generated slapd.conf in a temp folder, on free loopback ports, optionally with TLS.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'ldapts';
import { freePort } from './processes.ts';

const SLAPD = '/usr/sbin/slapd';
const LDAP_TOOLS = {
  add: '/usr/bin/ldapadd',
  modify: '/usr/bin/ldapmodify',
  remove: '/usr/bin/ldapdelete',
};
const OPENSSL = '/usr/bin/openssl';
const MODULE_DIR = '/usr/lib/ldap';
const SCHEMA_DIR = '/etc/ldap/schema';
const FIXTURES = fileURLToPath(new URL('../fixtures/ldap/', import.meta.url));

const BASE_DN = 'dc=example,dc=test';
const ADMIN_DN = `cn=admin,${BASE_DN}`;
const ADMIN_PASSWORD = 'directory-admin-1';

/** The suffix entry every server starts with, whatever else it is given. */
const BASE_ENTRY = `dn: ${BASE_DN}
objectClass: dcObject
objectClass: organization
dc: example
o: Example
`;

/**
 * slapd sizes its connection table by the open-files limit: with a container's limit of a
 * million or more it allocates hundreds of megabytes. A test server needs few files.
 */
const OPEN_FILES_LIMIT = 1024;
const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
/** How many times a start is retried when another process took a port first. */
const PORT_ATTEMPTS = 3;
/** The tail of slapd's log that is kept (it logs each operation). */
const LOG_LIMIT = 256 * 1024;

/**
 * The example directory (test/fixtures/ldap/example-directory.ldif): ou=people with alice, bob,
 * carol and the disabled dave (userAccountControl 514), and ou=groups with finance (alice, bob,
 * dave and the group finance-leads) and finance-leads (carol).
 */
export const EXAMPLE_DIRECTORY = readFileSync(join(FIXTURES, 'example-directory.ldif'), 'utf8');

/** The passwords of the example directory's users. */
export const EXAMPLE_PASSWORDS = {
  alice: 'alice-password-1',
  bob: 'bob-password-1',
  carol: 'carol-password-1',
  dave: 'dave-password-1',
} as const;

/** The DN of a user of the example directory. */
export function exampleUserDn(login: string): string {
  return `uid=${login},ou=people,${BASE_DN}`;
}

/** The DNs of the example directory's groups. */
export const EXAMPLE_GROUPS = {
  finance: `cn=finance,ou=groups,${BASE_DN}`,
  financeLeads: `cn=finance-leads,ou=groups,${BASE_DN}`,
} as const;

/**
 * The body of PUT /api/v1/settings/ldap for a server started here: its plain URL (plain text
 * allowed), the admin as the service account, ou=people and ou=groups; overrides win.
 */
export function ldapSettingsFor(
  peer: Pick<SlapdPeer, 'url' | 'baseDn' | 'adminDn' | 'adminPassword'>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    url: peer.url,
    startTls: false,
    caCertificate: '',
    allowPlaintext: true,
    bindDn: peer.adminDn,
    bindPassword: peer.adminPassword,
    userBase: `ou=people,${peer.baseDn}`,
    userFilter: '(objectClass=inetOrgPerson)',
    loginAttribute: 'uid',
    nameAttribute: 'cn',
    mailAttribute: 'mail',
    groupBase: `ou=groups,${peer.baseDn}`,
    groupFilter: '(objectClass=groupOfNames)',
    memberAttribute: 'member',
    groupMap: [],
    timeoutSeconds: 5,
    ...overrides,
  };
}

/** The options of startSlapd. */
export interface SlapdOptions {
  /** Entries to load below the suffix entry (LDIF); EXAMPLE_DIRECTORY by default. */
  ldif?: string;
  /** Also serve ldaps on a second port, and StartTLS on the plain one. */
  tls?: boolean;
}

/** A running slapd serving dc=example,dc=test. */
export interface SlapdPeer {
  /** The plain port (StartTLS too when started with tls): ldap://127.0.0.1:port. */
  url: string;
  /** ldaps://127.0.0.1:port, when started with tls. */
  ldapsUrl?: string;
  baseDn: string;
  /** The root DN, which may do anything. */
  adminDn: string;
  adminPassword: string;
  /** The CA that signed the server's certificate (for 127.0.0.1 and localhost), with tls. */
  caCertPem?: string;
  /** Whether the memberof overlay runs, so that members carry memberOf as in Active Directory. */
  memberOf: boolean;
  pid: number;
  /** The temp folder with the config, the database and the certificates. */
  directory: string;
  /** slapd's log so far (-d stats: each connection and operation), for failure messages. */
  log(): string;
  /** Adds the entries of an LDIF text, as the admin. */
  add(ldif: string): Promise<void>;
  /** Applies LDIF change records (changetype: modify, add, delete, modrdn), as the admin. */
  modify(ldif: string): Promise<void>;
  /** Deletes one entry, as the admin. */
  remove(dn: string): Promise<void>;
  /** Stops slapd and removes its folder; calling it again does nothing. */
  stop(): Promise<void>;
}

/**
 * Null when slapd, the LDAP tools and openssl are installed; otherwise why the LDAP tests
 * skip. Under CI=true a missing server is an error, so they can never be skipped silently there.
 */
export function slapdUnavailable(): string | null {
  const missing = [SLAPD, ...Object.values(LDAP_TOOLS), OPENSSL].filter(
    (path) => !existsSync(path),
  );
  if (missing.length === 0) return null;
  const reason = `${missing.join(', ')} missing (apt-get install slapd ldap-utils openssl)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it`);
  console.log(`# skipping LDAP tests: ${reason}`);
  return reason;
}

/** Whether slapd can load the memberof overlay (Debian's slapd ships it). */
export function memberOfAvailable(): boolean {
  return existsSync(join(MODULE_DIR, 'memberof.so'));
}

/** Runs a program to its end; rejects with its stderr when it fails. */
function run(program: string, args: readonly string[], input = ''): Promise<void> {
  return new Promise((resolve, reject) => {
    // LDAPNOINIT: the LDAP tools read no ldap.conf or ~/.ldaprc, only their arguments.
    const child = spawn(program, args, {
      env: { ...process.env, LDAPNOINIT: '1' },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${basename(program)} failed (exit ${code}): ${stderr}`));
    });
    child.stdin.end(input);
  });
}

/** Files of a CA and of a server certificate it signed, for 127.0.0.1 and localhost. */
interface Certificates {
  caFile: string;
  certFile: string;
  keyFile: string;
}

async function makeCertificates(directory: string): Promise<Certificates> {
  const file = (name: string) => join(directory, name);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'];
  await run(OPENSSL, [
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-subj',
    '/CN=Task Planner test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run(OPENSSL, [
    'req',
    '-x509',
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    ...newKey,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.pem'),
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext',
    'basicConstraints=CA:FALSE',
    '-addext',
    'extendedKeyUsage=serverAuth',
  ]);
  return { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key') };
}

/** A slapd.conf value, quoted (paths may hold spaces). */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** The whole configuration: schemas, modules, TLS, then the one mdb database. */
function slapdConfig(directory: string, certificates: Certificates | undefined): string {
  const schemas = ['core', 'cosine', 'inetorgperson', 'nis'].map((name) =>
    join(SCHEMA_DIR, `${name}.schema`),
  );
  const memberOf = memberOfAvailable();
  return [
    ...[...schemas, join(FIXTURES, 'ad-account.schema')].map((path) => `include ${quoted(path)}`),
    `pidfile ${quoted(join(directory, 'slapd.pid'))}`,
    `argsfile ${quoted(join(directory, 'slapd.args'))}`,
    `modulepath ${quoted(MODULE_DIR)}`,
    'moduleload back_mdb',
    ...(memberOf ? ['moduleload memberof'] : []),
    ...(certificates
      ? [
          `TLSCACertificateFile ${quoted(certificates.caFile)}`,
          `TLSCertificateFile ${quoted(certificates.certFile)}`,
          `TLSCertificateKeyFile ${quoted(certificates.keyFile)}`,
        ]
      : []),
    'database mdb',
    `suffix ${quoted(BASE_DN)}`,
    `rootdn ${quoted(ADMIN_DN)}`,
    `rootpw ${quoted(ADMIN_PASSWORD)}`,
    `directory ${quoted(join(directory, 'data'))}`,
    // As in Active Directory: only a bound user reads the directory; nobody reads passwords.
    'access to attrs=userPassword by self write by anonymous auth by * none',
    'access to * by users read by * none',
    // Deleting or renaming a user updates the groups that name it, as Active Directory does.
    ...(memberOf ? ['overlay memberof', 'memberof-refint true'] : []),
    '',
  ].join('\n');
}

/** The slapd processes of this test process, killed should it exit without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A spawned slapd: its process, its log, and how it ended. */
interface SlapdProcess {
  child: ChildProcess;
  log(): string;
  exited: Promise<void>;
}

function spawnSlapd(configFile: string, urls: readonly string[]): SlapdProcess {
  const child = spawn(
    '/bin/sh',
    // `ulimit` lowers only this child's limit; exec keeps the pid, which is then slapd's.
    [
      '-c',
      `ulimit -n ${OPEN_FILES_LIMIT} 2>/dev/null; exec "$0" "$@"`,
      SLAPD,
      ...['-f', configFile, '-h', urls.join(' '), '-d', 'stats'],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  running.add(child);
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    log = (log + chunk).slice(-LOG_LIMIT);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => {
      running.delete(child);
      resolve();
    });
  });
  return { child, log: () => log, exited };
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ url, connectTimeout: 1_000, timeout: 1_000 });
  try {
    await client.bind(ADMIN_DN, ADMIN_PASSWORD);
    return true;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => {});
  }
}

/** Resolves once slapd answers a bind on url; false when it exited first. */
async function untilAnswering(slapd: SlapdProcess, url: string): Promise<boolean> {
  let exited = false;
  void slapd.exited.then(() => (exited = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!exited && Date.now() < deadline) {
    if (await answers(url)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (exited) return false;
  await stopProcess(slapd);
  throw new Error(`slapd did not answer on ${url} within ${START_TIMEOUT_MS} ms:\n${slapd.log()}`);
}

async function stopProcess(slapd: SlapdProcess): Promise<void> {
  if (slapd.child.exitCode !== null || slapd.child.signalCode !== null) return slapd.exited;
  slapd.child.kill('SIGTERM');
  const timer = setTimeout(() => slapd.child.kill('SIGKILL'), STOP_GRACE_MS);
  await slapd.exited;
  clearTimeout(timer);
}

/** Two distinct free ports (freePort alone may hand out the same one twice). */
async function freePorts(): Promise<[number, number]> {
  const first = await freePort();
  let second = await freePort();
  while (second === first) second = await freePort();
  return [first, second];
}

/** A started slapd and the URLs it serves. */
interface Listening {
  slapd: SlapdProcess;
  url: string;
  ldapsUrl?: string;
}

/** Starts slapd on free ports, retrying when another process bound one in between. */
async function listen(configFile: string, tls: boolean): Promise<Listening> {
  for (let attempt = 1; ; attempt++) {
    const [plain, secure] = await freePorts();
    const url = `ldap://127.0.0.1:${plain}`;
    const ldapsUrl = tls ? `ldaps://127.0.0.1:${secure}` : undefined;
    const slapd = spawnSlapd(configFile, ldapsUrl ? [url, ldapsUrl] : [url]);
    if (await untilAnswering(slapd, url)) return { slapd, url, ...(ldapsUrl ? { ldapsUrl } : {}) };
    const portTaken = slapd.log().includes('errno=98');
    if (!portTaken || attempt === PORT_ATTEMPTS) {
      throw new Error(`slapd failed to start (exit ${slapd.child.exitCode}):\n${slapd.log()}`);
    }
  }
}

function peerOf(listening: Listening, directory: string, caCertPem: string | undefined): SlapdPeer {
  const { slapd, url } = listening;
  const asAdmin = ['-x', '-H', url, '-D', ADMIN_DN, '-w', ADMIN_PASSWORD];
  return {
    url,
    ...(listening.ldapsUrl ? { ldapsUrl: listening.ldapsUrl } : {}),
    baseDn: BASE_DN,
    adminDn: ADMIN_DN,
    adminPassword: ADMIN_PASSWORD,
    ...(caCertPem ? { caCertPem } : {}),
    memberOf: memberOfAvailable(),
    pid: slapd.child.pid ?? 0,
    directory,
    log: () => slapd.log(),
    add: (ldif) => run(LDAP_TOOLS.add, asAdmin, ldif),
    modify: (ldif) => run(LDAP_TOOLS.modify, asAdmin, ldif),
    remove: (dn) => run(LDAP_TOOLS.remove, [...asAdmin, dn]),
    stop: async () => {
      await stopProcess(slapd);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * Starts slapd with dc=example,dc=test holding options.ldif (EXAMPLE_DIRECTORY by default),
 * and resolves once it has loaded it. Rejects with slapd's log (or the loader's error) when it
 * fails; nothing is then left running or on disk.
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<SlapdPeer> {
  const directory = await mkdtemp(join(tmpdir(), 'tp-slapd-'));
  try {
    await mkdir(join(directory, 'data'));
    const certificates = options.tls ? await makeCertificates(directory) : undefined;
    const configFile = join(directory, 'slapd.conf');
    await writeFile(configFile, slapdConfig(directory, certificates));
    const listening = await listen(configFile, options.tls === true);
    const caCertPem = certificates ? await readFile(certificates.caFile, 'utf8') : undefined;
    const peer = peerOf(listening, directory, caCertPem);
    try {
      await peer.add(`${BASE_ENTRY}\n${options.ldif ?? EXAMPLE_DIRECTORY}`);
    } catch (error) {
      await peer.stop();
      throw error;
    }
    return peer;
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}
