/**
 * Reading a user-supplied ICS feed URL without turning Steward into a proxy into its own network (SSRF):
 * https only, and every address the host name resolves to must be public. The check runs inside the
 * socket's own DNS lookup, so the address that is checked is the address that is connected to (no
 * rebinding between check and use); redirects are followed a few times and checked the same way.
 */
import dns from 'node:dns';
import https from 'node:https';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

export const MAX_ICS_FEEDS = 5;

/** A feed URL Steward refuses to read. */
export class FeedUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedUrlError';
  }
}

/** IPv4 ranges that are not public unicast (RFC 6890 and friends). */
const BLOCKED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
];
const blockedV4 = BLOCKED_V4.map(([prefix, bits]) => [ipaddr.IPv4.parse(prefix), bits] as [ipaddr.IPv4, number]);

/** Global unicast IPv6 is 2000::/3; inside it, these carry another address or are not routable. */
const GLOBAL_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const BLOCKED_V6: Array<[ipaddr.IPv6, number]> = [
  '2001::/23', // IETF protocol assignments: Teredo (2001::/32, embeds an IPv4 address), ORCHID, benchmarking
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4: embeds an IPv4 address
  '3fff::/20', // documentation
].map((cidr) => ipaddr.IPv6.parseCIDR(cidr));

function isPublicV4(address: ipaddr.IPv4): boolean {
  return !blockedV4.some((range) => address.match(range));
}

/**
 * True for a routable public unicast address; loopback, private, link-local, reserved, and every IPv6
 * form that embeds or translates an IPv4 address (::a.b.c.d, ::ffff:0:a.b.c.d, 64:ff9b::/96, 6to4,
 * Teredo) are not. An IPv4-mapped address (::ffff:a.b.c.d) is judged as the IPv4 address it maps.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (net.isIP(bare) === 0) return false;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(bare);
  } catch {
    return false;
  }
  if (parsed.kind() === 'ipv4') return isPublicV4(parsed as ipaddr.IPv4);
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return isPublicV4(v6.toIPv4Address());
  return v6.match(GLOBAL_V6) && !BLOCKED_V6.some((range) => v6.match(range));
}

/**
 * The checks that need no network: an absolute https URL, no "localhost" name, and, when the host is an IP
 * literal, a public one. Settings use it to refuse a feed before it is stored.
 */
export function checkFeedUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FeedUrlError('an ICS feed must be an absolute https:// URL');
  }
  if (url.protocol !== 'https:') throw new FeedUrlError('an ICS feed must use https://');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!host || host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) {
    throw new FeedUrlError('an ICS feed must be on a public host');
  }
  if (net.isIP(host) && !isPublicAddress(host)) throw new FeedUrlError('an ICS feed must be on a public address');
  return url;
}

/** dns.lookup that fails when any address of the name is not public (used by the socket itself). */
export const publicOnlyLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { family: options.family, hints: options.hints, all: true }, (error, addresses) => {
    if (error) {
      callback(error, '', 0);
      return;
    }
    const list = addresses as dns.LookupAddress[];
    if (list.length === 0 || list.some((a) => !isPublicAddress(a.address))) {
      callback(
        Object.assign(new FeedUrlError('an ICS feed must be on a public address'), { code: 'EADDRNOTPUBLIC' }),
        '',
        0,
      );
      return;
    }
    if (options.all) callback(null, list);
    else callback(null, list[0]?.address ?? '', list[0]?.family ?? 4);
  });
};

export interface FeedFetchOptions {
  /** The whole read, redirects included. Default 5 s. */
  timeoutMs?: number;
  /** Larger feeds are refused. Default 5 MB. */
  maxBytes?: number;
  maxRedirects?: number;
}

/** GETs an ICS feed over https from a public address and returns its text. */
export async function fetchFeedText(raw: string, options: FeedFetchOptions = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  let url = checkFeedUrl(raw);
  for (let hop = 0; ; hop++) {
    const result = await getOnce(url, maxBytes, deadline - Date.now());
    if ('text' in result) return result.text;
    if (hop >= (options.maxRedirects ?? 3)) throw new FeedUrlError('the ICS feed redirected too many times');
    url = checkFeedUrl(new URL(result.location, url).toString());
  }
}

function getOnce(url: URL, maxBytes: number, timeoutMs: number): Promise<{ text: string } | { location: string }> {
  return new Promise((resolve, reject) => {
    if (timeoutMs <= 0) {
      reject(new Error('the ICS feed timed out'));
      return;
    }
    const req = https.request(url, {
      method: 'GET',
      headers: { accept: 'text/calendar, text/plain;q=0.5', 'user-agent': 'Steward calendar feed reader' },
      lookup: publicOnlyLookup,
    });
    const timer = setTimeout(() => req.destroy(new Error('the ICS feed timed out')), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        clearTimeout(timer);
        resolve({ location: res.headers.location });
        return;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        fail(new Error(`the ICS feed answered ${status}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy(new Error('the ICS feed is too large'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end();
  });
}
