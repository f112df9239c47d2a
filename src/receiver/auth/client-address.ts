import { normaliseAddress } from './address-list.js';
import type { AddressList } from './address-list.js';

/**
 * The address of the client: the socket's peer, unless that peer is a trusted proxy; then X-Forwarded-For is read
 * from the right, skipping trusted proxies, and the first untrusted address is the client. Addresses to the left of
 * it were written by the client itself and are never believed.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: AddressList | undefined,
): string | undefined {
  if (socketAddress === undefined) return undefined;
  let client = normaliseAddress(socketAddress);
  if (!trustedProxies || !forwardedFor || !trustedProxies.has(client)) return client;
  const hops = forwardedFor
    .split(',')
    .map((hop) => normaliseAddress(hop))
    .filter((hop) => hop !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    client = hops[i] ?? client;
    if (!trustedProxies.has(client)) return client;
  }
  return client;
}
