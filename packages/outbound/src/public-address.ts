import dns from "node:dns";
import net from "node:net";

// Requests to URLs that users give us (Web Push endpoints) must only ever reach the public
// internet. Otherwise anyone with an account could make the worker POST to a service inside our
// network (server-side request forgery) and read its answers back in the dead letters.

const blocked = new net.BlockList();
for (const [address, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata services live here)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(address, prefix, "ipv4");
}
for (const [address, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b::", 96], // NAT64
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(address, prefix, "ipv6");
}

// Kept apart: node's BlockList would match plain IPv4 addresses against an IPv4-mapped IPv6 range.
const ipv4Mapped = new net.BlockList();
ipv4Mapped.addSubnet("::ffff:0:0", 96, "ipv6");

/** Whether `ip` is an address on the public internet (not loopback, private, link-local, …). */
export function isPublicAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 4) return !blocked.check(ip, "ipv4");
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped?.[1]) return isPublicAddress(mapped[1]);
    // A mapped address written in hex (::ffff:7f00:1) is refused outright rather than decoded.
    if (ipv4Mapped.check(ip, "ipv6")) return false;
    return !blocked.check(ip, "ipv6");
  }
  return false;
}

export class NonPublicAddressError extends Error {
  readonly code = "ENONPUBLIC";
  constructor(readonly host: string) {
    super(`${host} does not resolve to a public internet address`);
    this.name = "NonPublicAddressError";
  }
}

export type AddressPolicy = {
  /** Resolves a host name to its addresses; dns.lookup by default, injected in tests. */
  resolve?: (host: string) => Promise<string[]>;
  /** Which addresses count as "the internet"; isPublicAddress by default, widened only in tests. */
  isAllowedAddress?: (ip: string) => boolean;
};

const resolveWithDns = async (host: string) => (await dns.promises.lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * A `lookup` for http(s).request that refuses to connect unless every address the name resolves
 * to is public. Checking at connect time (not only when the URL was stored) closes DNS rebinding:
 * a name that resolved to a public address yesterday may point at 127.0.0.1 today.
 */
export function createPublicOnlyLookup(policy: AddressPolicy = {}): net.LookupFunction {
  const resolve = policy.resolve ?? resolveWithDns;
  const isAllowed = policy.isAllowedAddress ?? isPublicAddress;
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0 || !addresses.every(isAllowed)) {
          callback(new NonPublicAddressError(hostname), "", 4);
          return;
        }
        const first = addresses[0]!;
        if ((options as dns.LookupOptions).all) {
          (callback as unknown as (error: null, all: dns.LookupAddress[]) => void)(
            null,
            addresses.map((address) => ({ address, family: net.isIP(address) })),
          );
        } else {
          callback(null, first, net.isIP(first));
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 4),
    );
  };
}

/**
 * Checks a URL's host when it is stored: an IP literal must be public, and a name must not resolve
 * to a non-public address. A name that does not resolve right now is accepted (push services'
 * DNS can blip); the connect-time check above is the one that always holds.
 */
export async function isPublicUrl(url: string, policy: AddressPolicy = {}): Promise<boolean> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return false;
  }
  const isAllowed = policy.isAllowedAddress ?? isPublicAddress;
  if (net.isIP(host)) return isAllowed(host);
  const resolve = policy.resolve ?? resolveWithDns;
  const addresses = await resolve(host).catch(() => null);
  return addresses === null || addresses.every(isAllowed);
}
