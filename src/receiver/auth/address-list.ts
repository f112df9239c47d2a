import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is `10.0.0.1`. */
export function normaliseAddress(address: string): string {
  const trimmed = address.trim().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped?.[1] ?? trimmed;
}

export interface AddressList {
  has(address: string): boolean;
}

/**
 * A set of addresses and CIDR ranges (`10.0.0.0/8`, `::1`, `fd00::/8`). Throws a RangeError naming a bad entry, so a
 * typo stops the start instead of silently letting nobody (or everybody) in.
 */
export function createAddressList(entries: readonly string[]): AddressList {
  const list = new BlockList();
  for (const entry of entries) {
    const [rawAddress = '', prefix, ...rest] = entry.trim().split('/');
    const address = normaliseAddress(rawAddress);
    const family = isIP(address);
    if (family === 0 || rest.length > 0)
      throw new RangeError(`not an IP address or CIDR range: ${JSON.stringify(entry)}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (!(bits >= 0 && bits <= (family === 4 ? 32 : 128)))
      throw new RangeError(`bad prefix length in ${JSON.stringify(entry)}`);
    list.addSubnet(address, bits, type);
  }
  return {
    has(address: string): boolean {
      const normal = normaliseAddress(address);
      const family = isIP(normal);
      return family !== 0 && list.check(normal, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
