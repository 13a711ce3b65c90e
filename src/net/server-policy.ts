import { networkInterfaces } from 'node:os';
import { networkPolicy, type NetworkPolicy } from '../domain/network-policy.ts';
import type { ServerSettings } from '../domain/settings.ts';

/** The addresses of this machine's network interfaces, as they are now. */
function ownAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap(
    (entries) => entries?.map((entry) => entry.address) ?? [],
  );
}

/**
 * The network policy of the settings, with this server's own addresses denied unless allowed.
 * Built per use: interfaces come and go, and the settings change while the server runs.
 */
export function serverNetworkPolicy(
  settings: Pick<ServerSettings, 'allowedNetworks' | 'deniedNetworks'>,
): NetworkPolicy {
  return networkPolicy(settings.allowedNetworks, settings.deniedNetworks, ownAddresses());
}
