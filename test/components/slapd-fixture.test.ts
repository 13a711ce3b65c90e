import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, InvalidCredentialsError, NoSuchObjectError, type Entry } from 'ldapts';
import {
  EXAMPLE_PASSWORDS,
  memberOfAvailable,
  slapdUnavailable,
  startSlapd,
  type SlapdPeer,
} from '../support/slapd.ts';

const skip = slapdUnavailable() ?? false;
const noMemberOf = memberOfAvailable() ? false : 'slapd has no memberof overlay (memberof.so)';

const BASE_DN = 'dc=example,dc=test';
const dnOf = (user: keyof typeof EXAMPLE_PASSWORDS) => `uid=${user},ou=people,${BASE_DN}`;
const GROUPS_DN = `ou=groups,${BASE_DN}`;

/** An attribute's values as strings, however many the entry has. */
function values(entry: Entry | undefined, attribute: string): string[] {
  const value = entry?.[attribute];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((each) => each.toString());
}

/** Runs fn on a client of url bound as user, and unbinds. */
async function asUser<T>(
  url: string,
  user: keyof typeof EXAMPLE_PASSWORDS,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ url, timeout: 2_000, connectTimeout: 2_000 });
  try {
    await client.bind(dnOf(user), EXAMPLE_PASSWORDS[user]);
    return await fn(client);
  } finally {
    await client.unbind();
  }
}

async function entryOf(client: Client, dn: string, attributes: string[]): Promise<Entry> {
  const { searchEntries } = await client.search(dn, { scope: 'base', attributes });
  const entry = searchEntries[0];
  assert.ok(entry, `${dn} not found`);
  return entry;
}

/** Whether any process's command line names the folder (pgrep exits 1 when none does). */
function processNaming(folder: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    execFile('pgrep', ['-f', folder], (error) => {
      if (!error) resolve(true);
      else if (error.code === 1) resolve(false);
      else reject(new Error(`pgrep failed: ${error.message}`));
    });
  });
}

describe('the slapd test fixture', { skip }, () => {
  let peer: SlapdPeer;
  before(async () => {
    peer = await startSlapd({ tls: true });
  });
  after(() => peer?.stop());

  it('lets alice bind with her password and read her entry', async () => {
    const entry = await asUser(peer.url, 'alice', (client) =>
      entryOf(client, dnOf('alice'), ['cn', 'mail', 'uid']),
    );
    assert.deepEqual(values(entry, 'cn'), ['Alice Example']);
    assert.deepEqual(values(entry, 'mail'), ['alice@example.test']);
  });

  it('refuses a wrong password with InvalidCredentialsError', async () => {
    const client = new Client({ url: peer.url });
    try {
      await assert.rejects(client.bind(dnOf('alice'), 'not-her-password'), InvalidCredentialsError);
    } finally {
      await client.unbind();
    }
  });

  it('lets only bound users read the directory', async () => {
    const client = new Client({ url: peer.url });
    try {
      // slapd hides what an anonymous client may not read, the suffix included.
      await assert.rejects(client.search(BASE_DN, { filter: '(uid=*)' }), NoSuchObjectError);
    } finally {
      await client.unbind();
    }
  });

  it('lists the groups, finance naming the nested group finance-leads', async () => {
    const groups = await asUser(peer.url, 'bob', (client) =>
      client.search(GROUPS_DN, {
        filter: '(objectClass=groupOfNames)',
        attributes: ['cn', 'member'],
      }),
    );
    const members = new Map(
      groups.searchEntries.map((group) => [values(group, 'cn')[0], values(group, 'member')]),
    );
    assert.deepEqual([...members.keys()].sort(), ['finance', 'finance-leads']);
    assert.deepEqual(members.get('finance')?.sort(), [
      `cn=finance-leads,${GROUPS_DN}`,
      dnOf('alice'),
      dnOf('bob'),
      dnOf('dave'),
    ]);
    assert.deepEqual(members.get('finance-leads'), [dnOf('carol')]);
  });

  it(
    'gives users and groups memberOf, one level as Active Directory does',
    { skip: noMemberOf },
    async () => {
      const memberOf = (client: Client, dn: string) =>
        entryOf(client, dn, ['memberOf']).then((entry) => values(entry, 'memberOf'));
      await asUser(peer.url, 'carol', async (client) => {
        assert.deepEqual(await memberOf(client, dnOf('alice')), [`cn=finance,${GROUPS_DN}`]);
        assert.deepEqual(await memberOf(client, dnOf('carol')), [`cn=finance-leads,${GROUPS_DN}`]);
        assert.deepEqual(await memberOf(client, `cn=finance-leads,${GROUPS_DN}`), [
          `cn=finance,${GROUPS_DN}`,
        ]);
      });
    },
  );

  it('marks dave disabled by userAccountControl bit 2, found by the AD bitwise filter', async () => {
    const disabled = await asUser(peer.url, 'alice', (client) =>
      client.search(`ou=people,${BASE_DN}`, {
        filter: '(userAccountControl:1.2.840.113556.1.4.803:=2)',
        attributes: ['uid', 'userAccountControl'],
      }),
    );
    assert.deepEqual(
      disabled.searchEntries.map((entry) => [
        values(entry, 'uid')[0],
        values(entry, 'userAccountControl')[0],
      ]),
      [['dave', '514']],
    );
  });

  it('applies peer.modify and peer.add, which bound users then see', async () => {
    await peer.modify(
      `dn: ${dnOf('bob')}\nchangetype: modify\nreplace: mail\nmail: robert@example.test\n`,
    );
    await peer.add(
      `dn: uid=erin,ou=people,${BASE_DN}\nobjectClass: inetOrgPerson\nuid: erin\ncn: Erin Example\nsn: Example\n`,
    );
    await asUser(peer.url, 'alice', async (client) => {
      const bob = await entryOf(client, dnOf('bob'), ['mail']);
      assert.deepEqual(values(bob, 'mail'), ['robert@example.test']);
      const erin = await entryOf(client, `uid=erin,ou=people,${BASE_DN}`, ['cn']);
      assert.deepEqual(values(erin, 'cn'), ['Erin Example']);
    });
  });

  it(
    'removes an entry with peer.remove, and from the groups naming it',
    { skip: noMemberOf },
    async () => {
      await peer.remove(dnOf('dave'));
      await asUser(peer.url, 'alice', async (client) => {
        const { searchEntries } = await client.search(`ou=people,${BASE_DN}`, {
          filter: '(uid=dave)',
        });
        assert.deepEqual(searchEntries, []);
        const finance = await entryOf(client, `cn=finance,${GROUPS_DN}`, ['member']);
        assert.ok(!values(finance, 'member').includes(dnOf('dave')));
      });
    },
  );

  it('serves ldaps with a certificate the returned CA signed', async () => {
    assert.ok(peer.ldapsUrl && peer.caCertPem);
    const trusting = new Client({ url: peer.ldapsUrl, tlsOptions: { ca: peer.caCertPem } });
    await trusting.bind(dnOf('alice'), EXAMPLE_PASSWORDS.alice);
    await trusting.unbind();
    const untrusting = new Client({ url: peer.ldapsUrl, connectTimeout: 2_000 });
    await assert.rejects(untrusting.bind(dnOf('alice'), EXAMPLE_PASSWORDS.alice), /certificate/i);
    await untrusting.unbind();
  });

  it('upgrades the plain port with StartTLS', async () => {
    const client = new Client({ url: peer.url });
    try {
      await client.startTLS({ ca: peer.caCertPem });
      await client.bind(dnOf('alice'), EXAMPLE_PASSWORDS.alice);
      assert.match(peer.log(), /STARTTLS/);
    } finally {
      await client.unbind();
    }
  });

  it('starts an empty directory when given no entries', async () => {
    const empty = await startSlapd({ ldif: '' });
    try {
      const client = new Client({ url: empty.url });
      await client.bind(empty.adminDn, empty.adminPassword);
      const { searchEntries } = await client.search(empty.baseDn, { attributes: ['dn'] });
      await client.unbind();
      assert.deepEqual(
        searchEntries.map((entry) => entry.dn),
        [BASE_DN],
      );
    } finally {
      await empty.stop();
    }
  });

  it('stops slapd and removes its folder', async () => {
    const other = await startSlapd({ ldif: '' });
    assert.equal(await processNaming(other.directory), true);
    await other.stop();
    assert.equal(await processNaming(other.directory), false);
    assert.equal(existsSync(other.directory), false);
    await other.stop();
  });

  it('rejects entries it cannot load with the loader error, leaving nothing behind', async () => {
    // startSlapd makes its folder under os.tmpdir(), which follows TMPDIR.
    const parent = await mkdtemp(join(tmpdir(), 'tp-slapd-fixture-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = parent;
    try {
      await assert.rejects(
        startSlapd({ ldif: `dn: uid=zoe,ou=nowhere,${BASE_DN}\nobjectClass: account\nuid: zoe\n` }),
        /ldapadd.*No such object/s,
      );
    } finally {
      process.env.TMPDIR = previous;
    }
    assert.equal(await processNaming(parent), false);
    assert.deepEqual(await readdir(parent), []);
    await rm(parent, { recursive: true });
  });
});
