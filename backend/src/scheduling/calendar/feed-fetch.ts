/**
 * Reading a user-supplied ICS feed URL without turning Steward into a proxy into its own network (SSRF):
 * https only, and every address the host name resolves to must be public. The check runs inside the
 * socket's own DNS lookup, so the address that is checked is the address that is connected to (no
 * rebinding between check and use); redirects are followed a few times and checked the same way.
 */
import dns from 'node:dns';
import https from 'node:https';
import net from 'node:net';

export const MAX_ICS_FEEDS = 5;

/** A feed URL Steward refuses to read. */
export class FeedUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedUrlError';
  }
}

const blocked = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
] as const) {
  blocked.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4 can embed a private IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(prefix, bits, 'ipv6');
}
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are checked by BlockList against the IPv4 rules above.

/** True for a routable public unicast address; loopback, private, link-local and reserved ranges are not. */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  return !blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
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
