import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import {
  firstRefusal,
  refusalMessage,
  type NetworkPolicy,
  type Refusal,
} from '../domain/network-policy.ts';

/** A destination the network policy refuses; the message says which address, which network, and who can allow it. */
export class DeniedDestinationError extends Error {
  constructor(
    message: string,
    readonly host: string,
    readonly port: number,
    readonly refusal: Refusal,
  ) {
    super(message);
    this.name = 'DeniedDestinationError';
  }

  /** The same refusal, for a destination a redirect led to. */
  redirectedTo(url: URL): DeniedDestinationError {
    const message = `Redirected to ${url.href}: ${this.message}`;
    return new DeniedDestinationError(message, this.host, this.port, this.refusal);
  }
}

/** A host as a URL writes it, without the brackets of an IPv6 address. */
function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Every address of the host (an address resolves to itself), once all of them are allowed;
 * throws DeniedDestinationError when one is not. Connect only to these addresses: resolving the
 * name again could give another answer (DNS rebinding).
 */
export async function checkedAddresses(
  host: string,
  port: number,
  policy: NetworkPolicy,
): Promise<LookupAddress[]> {
  const name = bareHost(host);
  const addresses = await lookup(name, { all: true, verbatim: true });
  const refusal = firstRefusal(
    policy,
    addresses.map((each) => each.address),
  );
  if (refusal !== null) {
    throw new DeniedDestinationError(refusalMessage(name, refusal), name, port, refusal);
  }
  return addresses;
}

/**
 * The address to connect to for host and port, checked against the policy after resolving the
 * name; throws DeniedDestinationError (or the resolver's error) otherwise. Connect to the
 * address returned, not to the name, and give the name as the TLS server name.
 */
export async function checkDestination(
  host: string,
  port: number,
  policy: NetworkPolicy,
): Promise<string> {
  const [first] = await checkedAddresses(host, port, policy);
  // lookup() fails with ENOTFOUND rather than resolving to no address.
  if (first === undefined) throw new Error(`${bareHost(host)} has no address`);
  return first.address;
}

/** A lookup for net.connect that answers with the checked addresses only, never asking DNS again. */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const [first] = addresses;
    if (options.all === true) {
      process.nextTick(() => callback(null, [...addresses]));
    } else if (first) {
      process.nextTick(() => callback(null, first.address, first.family));
    } else {
      process.nextTick(() => callback(new Error('no checked address to connect to'), '', 4));
    }
  };
}
