import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_DENIED_NETWORKS,
  contains,
  firstRefusal,
  formatAddress,
  networkIssues,
  networkPolicy,
  normalizedNetworks,
  parseAddress,
  parseNetwork,
  refusalMessage,
  refusingNetwork,
} from '../../src/domain/network-policy.ts';

/** The policy of a new server that has the given addresses. */
const defaults = (own: string[] = []) => networkPolicy([], DEFAULT_DENIED_NETWORKS, own);

describe('parseNetwork', () => {
  it('reads IPv4 and IPv6 networks, and a bare address as that one address', () => {
    assert.deepEqual(parseNetwork('10.0.0.0/8'), {
      family: 4,
      value: 0x0a000000n,
      prefix: 8,
      text: '10.0.0.0/8',
    });
    assert.deepEqual(parseNetwork(' FD00::/8 '), {
      family: 6,
      value: 0xfdn << 120n,
      prefix: 8,
      text: 'fd00::/8',
    });
    assert.equal(parseNetwork('192.0.2.7').text, '192.0.2.7/32');
    assert.equal(parseNetwork('2001:db8::1').text, '2001:db8::1/128');
    assert.equal(parseNetwork('0.0.0.0/0').prefix, 0);
    assert.equal(parseNetwork('::/0').prefix, 0);
  });

  it('reads an IPv4-mapped IPv6 network as the IPv4 network it covers', () => {
    const mapped = parseNetwork('::ffff:127.0.0.0/104');
    assert.equal(mapped.family, 4);
    assert.equal(mapped.prefix, 8);
    assert.equal(mapped.value, 0x7f000000n);
    assert.equal(parseNetwork('::ffff:7f00:1/128').family, 4);
  });

  it('refuses what is not address/prefix, naming the text', () => {
    for (const text of [
      '10.0.0.0/33',
      '::/129',
      '10.0.0/8',
      '10.0.0.0/',
      '10.0.0.0/8/8',
      '10.0.0.0/-1',
      '10.0.0.0/08',
      '010.0.0.0/8',
      '256.0.0.0/8',
      'example.com/24',
      '[::1]/128',
      'fe80::1%eth0/128',
      '1:2:3:4:5:6:7:8:9/128',
      '1::2::3/128',
      '12345::/16',
      '',
    ]) {
      assert.throws(() => parseNetwork(text), {
        message: `'${text}' is not a network (address/prefix)`,
      });
    }
  });

  it('refuses bits set past the prefix, suggesting the network meant', () => {
    assert.throws(() => parseNetwork('10.1.2.3/8'), {
      message: "'10.1.2.3/8' has bits set past its prefix; did you mean 10.0.0.0/8?",
    });
    assert.throws(() => parseNetwork('fe80::1/10'), {
      message: "'fe80::1/10' has bits set past its prefix; did you mean fe80::/10?",
    });
    assert.throws(() => parseNetwork('2001:db8:0:0:1::1/64'), {
      message: "'2001:db8:0:0:1::1/64' has bits set past its prefix; did you mean 2001:db8::/64?",
    });
  });

  it('names each bad entry of a list by its index, and normalizes good lists', () => {
    assert.deepEqual(networkIssues(['10.0.0.0/8', '10.0.0.0/33', 'x'], '/allowedNetworks'), [
      { path: '/allowedNetworks/1', message: "'10.0.0.0/33' is not a network (address/prefix)" },
      { path: '/allowedNetworks/2', message: "'x' is not a network (address/prefix)" },
    ]);
    assert.deepEqual(networkIssues(DEFAULT_DENIED_NETWORKS, '/deniedNetworks'), []);
    assert.deepEqual(normalizedNetworks([' 192.0.2.7', '192.0.2.7/32', 'FD00::/8']), [
      '192.0.2.7/32',
      'fd00::/8',
    ]);
  });
});

describe('formatAddress', () => {
  it('writes IPv4 dotted and IPv6 with the longest zero run compressed', () => {
    const format = (text: string) => {
      const address = parseAddress(text);
      assert.ok(address, text);
      return formatAddress(address);
    };
    assert.equal(format('10.0.0.0'), '10.0.0.0');
    assert.equal(format('0:0:0:0:0:0:0:0'), '::');
    assert.equal(format('0:0:0:0:0:0:0:1'), '::1');
    assert.equal(format('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(format('2001:db8:1:1:1:1:0:1'), '2001:db8:1:1:1:1:0:1');
    assert.equal(format('fe80:0:0:0:0:0:0:0'), 'fe80::');
  });
});

describe('parseAddress', () => {
  it('reads IPv4, IPv6 (compressed, bracketed, with a zone) and nothing else', () => {
    assert.deepEqual(parseAddress('127.0.0.1'), { family: 4, value: 0x7f000001n });
    assert.deepEqual(parseAddress('::1'), { family: 6, value: 1n });
    assert.deepEqual(parseAddress('[::1]'), { family: 6, value: 1n });
    assert.deepEqual(parseAddress('fe80::1%eth0'), { family: 6, value: (0xfe80n << 112n) | 1n });
    for (const text of ['localhost', '127.0.0', '1::2::3', '[::1', '::1]', '127.0.0.1.5']) {
      assert.equal(parseAddress(text), null, text);
    }
  });

  it('reads an IPv4-mapped IPv6 address as its IPv4 address, in either notation', () => {
    const ipv4 = parseAddress('127.0.0.1');
    assert.deepEqual(parseAddress('::ffff:127.0.0.1'), ipv4);
    assert.deepEqual(parseAddress('::ffff:7f00:1'), ipv4);
    assert.deepEqual(parseAddress('[0:0:0:0:0:ffff:7f00:1]'), ipv4);
  });

  it('maps every IPv4 address to itself through ::ffff: (property)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        assert.deepEqual(parseAddress(`::ffff:${address}`), parseAddress(address));
      }),
    );
  });

  it('puts an address in a network exactly when their first prefix bits agree (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 0xffffffffn }),
        fc.integer({ min: 0, max: 32 }),
        fc.bigInt({ min: 0n, max: 0xffffffffn }),
        (base, prefix, value) => {
          const network = { family: 4 as const, value: base, prefix };
          const mask = ((1n << BigInt(prefix)) - 1n) << BigInt(32 - prefix);
          assert.equal(contains(network, { family: 4, value }), (base & mask) === (value & mask));
        },
      ),
    );
  });
});

describe('refusingNetwork', () => {
  it('refuses loopback, link-local, private and reserved ranges by default, naming them', () => {
    const policy = defaults();
    const cases: Array<[string, string]> = [
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['0.0.0.0', 'this network'],
      ['10.20.30.40', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'shared address space'],
      ['169.254.169.254', 'link-local'],
      ['::', 'unspecified'],
      ['::1', 'loopback'],
      ['fe80::1', 'link-local'],
      ['fd00:ec2::254', 'unique local'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:a9fe:a9fe', 'link-local'],
    ];
    for (const [address, network] of cases) {
      assert.equal(refusingNetwork(policy, address), network, address);
    }
  });

  it('allows public addresses by default', () => {
    const policy = defaults();
    for (const address of ['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700::1111']) {
      assert.equal(refusingNetwork(policy, address), null, address);
    }
  });

  it('lets an allowed network win over a denied one, and only for what it holds', () => {
    const policy = networkPolicy(['127.0.0.2/32', 'fd00:1::/32'], DEFAULT_DENIED_NETWORKS, []);
    assert.equal(refusingNetwork(policy, '127.0.0.2'), null);
    assert.equal(refusingNetwork(policy, '::ffff:127.0.0.2'), null);
    assert.equal(refusingNetwork(policy, '127.0.0.1'), 'loopback');
    assert.equal(refusingNetwork(policy, 'fd00:1::5'), null);
    assert.equal(refusingNetwork(policy, 'fd00:2::5'), 'unique local');
  });

  it("refuses the server's own addresses unless allowed, whatever the denied list holds", () => {
    const own = ['198.51.100.7', '2001:db8::7'];
    assert.equal(refusingNetwork(defaults(own), '198.51.100.7'), 'this server');
    assert.equal(refusingNetwork(defaults(own), '2001:db8::7'), 'this server');
    assert.equal(refusingNetwork(defaults(own), '198.51.100.8'), null);
    const nothingDenied = networkPolicy([], [], ['127.0.0.1']);
    assert.equal(refusingNetwork(nothingDenied, '127.0.0.1'), 'this server');
    assert.equal(refusingNetwork(nothingDenied, '127.0.0.2'), null);
    const opened = networkPolicy(['198.51.100.0/24'], [], own);
    assert.equal(refusingNetwork(opened, '198.51.100.7'), null);
  });

  it("names an administrator's own denied network by itself", () => {
    const policy = networkPolicy([], ['203.0.113.0/24'], []);
    assert.equal(refusingNetwork(policy, '203.0.113.9'), '203.0.113.0/24');
    assert.equal(refusingNetwork(policy, '127.0.0.1'), null, 'the defaults were replaced');
  });

  it('refuses a host when any one of its addresses is denied', () => {
    const policy = defaults();
    assert.deepEqual(firstRefusal(policy, ['93.184.216.34', '10.0.0.5']), {
      address: '10.0.0.5',
      network: 'private',
    });
    assert.equal(firstRefusal(policy, ['93.184.216.34', '2606:4700::1111']), null);
    assert.deepEqual(firstRefusal(policy, ['not-an-address']), {
      address: 'not-an-address',
      network: 'not an IP address',
    });
  });
});

describe('refusalMessage', () => {
  it('names the address and the network, and the host when it is a name', () => {
    const refusal = { address: '127.0.0.1', network: 'loopback' };
    assert.equal(
      refusalMessage('127.0.0.1', refusal),
      'The destination 127.0.0.1 (loopback) is not an allowed network; an administrator can allow it under Settings → Networks',
    );
    assert.equal(
      refusalMessage('localhost', refusal),
      'The destination localhost (127.0.0.1, loopback) is not an allowed network; an administrator can allow it under Settings → Networks',
    );
    assert.match(
      refusalMessage('[::1]', { address: '::1', network: 'loopback' }),
      /^The destination ::1 \(loopback\) is/,
    );
  });
});
