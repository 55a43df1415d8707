/**
 * Outbound HTTPS for reach features (alert webhooks, one-click unsubscribe, CRM APIs) with the same SSRF
 * guard as ICS feeds: https only, and every address the host resolves to must be public, checked inside
 * the socket's own DNS lookup. Redirects are never followed (RFC 8058 one-click must not be redirected,
 * and a webhook that redirects is refused). Tests map a real https origin (https://hooks.slack.com) to a
 * local fake server; every check on the URL itself still applies to the real origin.
 */
import http from 'node:http';
import https from 'node:https';
import { checkFeedUrl, FeedUrlError, publicOnlyLookup } from '../scheduling/calendar/feed-fetch.ts';

export class OutboundUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundUrlError';
  }
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface OutboundOptions {
  /** https origins served by local fakes in tests: {"https://hooks.slack.com": "http://127.0.0.1:1234"}. */
  redirect?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  maxBytes?: number;
}

/** Checks a URL a user or admin supplies before it is stored (no network). */
export function checkOutboundUrl(raw: string, redirect: Readonly<Record<string, string>> = {}): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundUrlError('the URL must be an absolute https:// URL');
  }
  if (url.username || url.password) throw new OutboundUrlError('the URL must not carry a user name or password');
  if (url.protocol === 'https:' && redirect[url.origin] !== undefined) return url;
  try {
    return checkFeedUrl(raw);
  } catch (error) {
    if (error instanceof FeedUrlError)
      throw new OutboundUrlError(error.message.replace('an ICS feed', 'the URL').replace('the ICS feed', 'the URL'));
    throw error;
  }
}

/** One request, no redirects followed; the body is read up to maxBytes. */
export function request(
  raw: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  options: OutboundOptions = {},
): Promise<OutboundResponse> {
  const checked = checkOutboundUrl(raw, options.redirect);
  const local = options.redirect?.[checked.origin];
  const url = local ? new URL(`${local.replace(/\/+$/, '')}${checked.pathname}${checked.search}`) : checked;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'user-agent': 'Steward', ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    const req = local
      ? http.request(url, { method: init.method, headers })
      : https.request(url, { method: init.method, headers, lookup: publicOnlyLookup });
    const timer = setTimeout(() => req.destroy(new Error('the request timed out')), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      const code = (error as { code?: string }).code;
      reject(code === 'EADDRNOTPUBLIC' ? new OutboundUrlError('the URL must be on a public address') : error);
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy(new Error('the response is too large'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(init.body);
  });
}

/** Seconds or an HTTP date in Retry-After, as milliseconds (bounded); undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 300_000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.min(date - now, 300_000));
}

/**
 * A WHATWG-style fetch over `request`, for vendor SDKs that take one (the Slack Web API client): the SDK
 * builds the request as the service documents it, and the same guard applies (https only, public addresses
 * checked at connect time, no redirects, bounded answers; test origins mapped to local fakes).
 */
export function guardedFetch(options: OutboundOptions = {}) {
  return async (
    input: string | URL,
    init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<Response> => {
    const method = (init.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw new OutboundUrlError(`${method} requests are not made`);
    let body: string | undefined;
    if (typeof init.body === 'string') body = init.body;
    else if (init.body instanceof URLSearchParams) body = init.body.toString();
    else if (init.body !== undefined && init.body !== null) throw new OutboundUrlError('only text bodies are sent');
    const res = await request(
      String(input),
      { method, ...(init.headers ? { headers: init.headers } : {}), ...(body !== undefined ? { body } : {}) },
      options,
    );
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const empty = res.status === 204 || res.status === 304;
    return new Response(empty ? null : res.text, { status: res.status, headers });
  };
}
