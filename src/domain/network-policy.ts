import type { FieldIssue } from './errors.ts';
import { coerceError } from './coerce-error.ts';

/** An IP address as a number, with its family. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

/** An IP network: its first address and how many leading bits are fixed. */
export interface Network extends IpAddress {
  prefix: number;
  /** The network as written, with a prefix added to a bare address, e.g. '10.0.0.0/8'. */
  text: string;
}

/** A denied network with the name a refusal shows, e.g. 'loopback'. */
export interface NamedNetwork extends Network {
  name: string;
}

/** The networks outbound connections are checked against. */
export interface NetworkPolicy {
  allowed: readonly Network[];
  denied: readonly NamedNetwork[];
}

/** A resolved address a policy refuses, and the name of the network that refuses it. */
export interface Refusal {
  address: string;
  network: string;
}

/** The networks denied until an administrator changes them, with the names refusals give them. */
const WELL_KNOWN_NAMES: Readonly<Record<string, string>> = {
  '0.0.0.0/8': 'this network',
  '127.0.0.0/8': 'loopback',
  '10.0.0.0/8': 'private',
  '172.16.0.0/12': 'private',
  '192.168.0.0/16': 'private',
  '100.64.0.0/10': 'shared address space',
  '169.254.0.0/16': 'link-local',
  '::/128': 'unspecified',
  '::1/128': 'loopback',
  'fc00::/7': 'unique local',
  'fe80::/10': 'link-local',
};

/**
 * The networks denied until an administrator changes them: what a task should not reach from
 * inside the server's network (metadata services, databases, admin consoles).
 */
export const DEFAULT_DENIED_NETWORKS: readonly string[] = Object.keys(WELL_KNOWN_NAMES);

/** The name refusals give the server's own addresses. */
export const THIS_SERVER = 'this server';

const BITS = { 4: 32, 6: 128 } as const;

/** The bits above the last 32 of ::ffff:0:0/96, where IPv6 carries an IPv4 address (RFC 4291 2.5.5.2). */
const MAPPED_PREFIX = 0xffffn;

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    // Leading zeros are refused: some tools read them as octal, so 010 would be ambiguous.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

/** The 16-bit groups of one side of '::', a trailing dotted IPv4 counting as two. */
function ipv6Groups(text: string): bigint[] | null {
  if (text === '') return [];
  const groups: bigint[] = [];
  const parts = text.split(':');
  for (const [index, part] of parts.entries()) {
    if (index === parts.length - 1 && part.includes('.')) {
      const ipv4 = parseIpv4(part);
      if (ipv4 === null) return null;
      groups.push(ipv4 >> 16n, ipv4 & 0xffffn);
    } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
      groups.push(BigInt(`0x${part}`));
    } else {
      return null;
    }
  }
  return groups;
}

function parseIpv6(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = ipv6Groups(halves[0] ?? '');
  const tail = halves.length === 2 ? ipv6Groups(halves[1] ?? '') : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<bigint>(missing).fill(0n), ...tail];
  return groups.reduce((value, group) => (value << 16n) | group, 0n);
}

/**
 * An IPv4 or IPv6 address (an IPv6 one may be in brackets and carry a %zone), or null.
 * An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is the IPv4 address it stands for, since a
 * connection to it reaches that address.
 */
export function parseAddress(text: string): IpAddress | null {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%[^%]*$/, '');
  const ipv4 = parseIpv4(bare);
  if (ipv4 !== null) return { family: 4, value: ipv4 };
  if (text.startsWith('[') !== text.endsWith(']')) return null;
  const ipv6 = parseIpv6(bare);
  if (ipv6 === null) return null;
  return ipv6 >> 32n === MAPPED_PREFIX
    ? { family: 4, value: ipv6 & 0xffffffffn }
    : { family: 6, value: ipv6 };
}

/** An address as text: dotted IPv4, or IPv6 with its longest run of zero groups as '::' (RFC 5952). */
export function formatAddress(address: IpAddress): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, index) =>
    ((address.value >> BigInt(112 - 16 * index)) & 0xffffn).toString(16),
  );
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (groups[start + length] === '0') length++;
    if (length > best.length) best = { start, length };
  }
  if (best.start < 0) return groups.join(':');
  const head = groups.slice(0, best.start).join(':');
  const tail = groups.slice(best.start + best.length).join(':');
  return `${head}::${tail}`;
}

/** The message for a text that is no network. */
function notANetwork(text: string): Error {
  return new Error(`'${text}' is not a network (address/prefix)`);
}

/** The address part of a network: no brackets or zones, which only name a host's link. */
function networkAddress(text: string, address: string): { family: 4 | 6; value: bigint } {
  if (!/^[0-9a-fA-F.:]+$/.test(address)) throw notANetwork(text);
  const ipv4 = parseIpv4(address);
  if (ipv4 !== null) return { family: 4, value: ipv4 };
  const ipv6 = parseIpv6(address);
  if (ipv6 === null) throw notANetwork(text);
  return { family: 6, value: ipv6 };
}

/**
 * A network written as address/prefix (IPv4 or IPv6), or a bare address meaning that one
 * address. Throws a message naming the text when it is none, or when bits are set past the
 * prefix (10.1.0.0/8 is most likely a typo, and silently widening it would hide that).
 */
export function parseNetwork(input: string): Network {
  const text = input.trim();
  const [address = '', prefixText, ...rest] = text.split('/');
  if (rest.length > 0) throw notANetwork(text);
  const parsed = networkAddress(text, address);
  const bits = BITS[parsed.family];
  if (prefixText !== undefined && !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) {
    throw notANetwork(text);
  }
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) throw notANetwork(text);
  const hostBits = BigInt(bits - prefix);
  const base = (parsed.value >> hostBits) << hostBits;
  if (base !== parsed.value) {
    const meant = formatAddress({ family: parsed.family, value: base });
    throw new Error(`'${text}' has bits set past its prefix; did you mean ${meant}/${prefix}?`);
  }
  const written = prefixText === undefined ? `${address}/${prefix}` : text;
  const network = { family: parsed.family, value: base, prefix, text: written.toLowerCase() };
  return mappedAsIpv4(network);
}

/** A network inside ::ffff:0:0/96 as the IPv4 network it covers, as addresses are matched. */
function mappedAsIpv4(network: Network): Network {
  if (network.family !== 6 || network.prefix < 96) return network;
  if (network.value >> 32n !== MAPPED_PREFIX) return network;
  return { ...network, family: 4, value: network.value & 0xffffffffn, prefix: network.prefix - 96 };
}

/** Whether the network holds the address. */
export function contains(network: IpAddress & { prefix: number }, address: IpAddress): boolean {
  if (network.family !== address.family) return false;
  const hostBits = BigInt(BITS[network.family] - network.prefix);
  return address.value >> hostBits === network.value >> hostBits;
}

/** One issue per entry of a list that is not a network, at path/index. */
export function networkIssues(entries: readonly string[], path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const [index, entry] of entries.entries()) {
    try {
      parseNetwork(entry);
    } catch (error) {
      issues.push({ path: `${path}/${index}`, message: coerceError(error).message });
    }
  }
  return issues;
}

/** The entries as they are stored: trimmed, a prefix added to bare addresses, each once. */
export function normalizedNetworks(entries: readonly string[]): string[] {
  return [...new Set(entries.map((entry) => parseNetwork(entry).text))];
}

/** The default networks, parsed, with their names. */
const WELL_KNOWN: ReadonlyArray<readonly [Network, string]> = Object.entries(WELL_KNOWN_NAMES).map(
  ([text, name]) => [parseNetwork(text), name] as const,
);

/** The name a denied network is shown by: its well-known name, else the network itself. */
function nameOf(network: Network): string {
  const known = WELL_KNOWN.find(
    ([each]) =>
      each.family === network.family &&
      each.prefix === network.prefix &&
      each.value === network.value,
  );
  return known?.[1] ?? network.text;
}

/**
 * The policy of the settings' lists, with the server's own addresses denied after them (a
 * task must not reach the server's other services through its public address either).
 */
export function networkPolicy(
  allowedNetworks: readonly string[],
  deniedNetworks: readonly string[],
  ownAddresses: readonly string[],
): NetworkPolicy {
  const denied: NamedNetwork[] = deniedNetworks.map((entry) => {
    const network = parseNetwork(entry);
    return { ...network, name: nameOf(network) };
  });
  for (const own of ownAddresses) {
    const address = parseAddress(own);
    if (address === null) continue;
    const prefix = BITS[address.family];
    denied.push({ ...address, prefix, text: `${own}/${prefix}`, name: THIS_SERVER });
  }
  return { allowed: allowedNetworks.map(parseNetwork), denied };
}

/**
 * The name of the network that refuses the address, or null when it may be reached: an
 * address is allowed when an allowed network holds it, or when no denied network does. Text
 * that is no address is refused, since nothing can say where it leads.
 */
export function refusingNetwork(policy: NetworkPolicy, text: string): string | null {
  const address = parseAddress(text);
  if (address === null) return 'not an IP address';
  if (policy.allowed.some((network) => contains(network, address))) return null;
  return policy.denied.find((network) => contains(network, address))?.name ?? null;
}

/**
 * The first of a host's addresses the policy refuses, or null when it allows all of them: a
 * name with one denied address is refused, since which address a connection takes is not ours
 * to choose after the check.
 */
export function firstRefusal(policy: NetworkPolicy, addresses: readonly string[]): Refusal | null {
  for (const address of addresses) {
    const network = refusingNetwork(policy, address);
    if (network !== null) return { address, network };
  }
  return null;
}

/** What a run shows when a destination is refused: the host, its address, the network, and who can help. */
export function refusalMessage(host: string, refusal: Refusal): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const where =
    bare === refusal.address
      ? `${refusal.address} (${refusal.network})`
      : `${bare} (${refusal.address}, ${refusal.network})`;
  return `The destination ${where} is not an allowed network; an administrator can allow it under Settings → Networks`;
}
