/**
 * Request guards that run before any route: the Host check of local mode (DNS rebinding), text that
 * PostgreSQL cannot store (NUL, unpaired surrogates) refused with a 400, and secrets kept out of logged URLs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { HttpError } from '../errors.ts';

/** A NUL, or a surrogate half without its other half: neither can be stored as text, nor is it text. */
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isBadText(text: string): boolean {
  return BAD_TEXT.test(text);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Message and transcript content as it arrives from mailboxes and recorders: binary bytes in it are data
 * the engines strip or refuse with their own error (a broken MIME part, a binary upload), and a surrogate
 * half cut off by a truncation becomes U+FFFD. Every other string (ids, titles, subjects, settings) must be
 * clean text.
 */
const CONTENT_FIELDS = new Set(['raw', 'text', 'html', 'transcript']);

/**
 * The path of the first string (value or key) in `value` that holds a NUL or a lone surrogate, or
 * undefined; content fields (CONTENT_FIELDS) are repaired in place instead. Iterative, so a deeply nested
 * body cannot overflow the stack.
 */
export function findBadText(value: unknown, root = 'body'): string | undefined {
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0) {
    const [item, path] = stack.pop() as [unknown, string];
    if (typeof item === 'string') {
      if (isBadText(item)) return path;
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], `${path}[${i}]`]);
    } else if (item !== null && typeof item === 'object') {
      const record = item as Record<string, unknown>;
      for (const [key, child] of Object.entries(record)) {
        const childPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
        if (isBadText(key)) return childPath;
        if (typeof child === 'string' && CONTENT_FIELDS.has(key)) {
          if (isBadText(child)) record[key] = child.replace(LONE_SURROGATE, '\uFFFD');
          continue;
        }
        stack.push([child, childPath]);
      }
    }
  }
  return undefined;
}

export function badTextError(path: string): HttpError {
  return new HttpError(
    400,
    'invalid_text',
    `${path.replace(/[^\w.[\]"$-]/g, '?').slice(0, 200)} holds a NUL character or an unpaired surrogate (\\ud800-\\udfff alone); send text as valid Unicode without NUL.`,
  );
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Splits a Host header into name and port ("[::1]:8787" → "[::1]", "8787"). */
export function splitHost(host: string): { name: string; port?: string } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]*)(?::([0-9]{1,5}))?$/.exec(host.trim());
  if (!match) return { name: '' };
  return match[2] === undefined
    ? { name: (match[1] ?? '').toLowerCase() }
    : { name: (match[1] ?? '').toLowerCase(), port: match[2] };
}

/**
 * Local mode answers only requests addressed to the loopback names (127.0.0.1, localhost, [::1]) on the
 * port the connection arrived on; any other Host (a web page that rebound its DNS name to 127.0.0.1) gets
 * 421. PUBLIC_URL's host name is accepted too, for a local reverse proxy.
 */
export function registerHostCheck(app: FastifyInstance, config: Config): void {
  if (!config.localMode) return;
  const allowed = new Set(LOOPBACK_NAMES);
  try {
    allowed.add(new URL(config.publicUrl).hostname.toLowerCase());
  } catch {
    // loadConfig already checked PUBLIC_URL
  }
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const host = request.headers.host ?? '';
    const { name, port } = splitHost(host);
    const localPort = request.raw.socket?.localPort;
    const portOk = port === undefined || typeof localPort !== 'number' || Number(port) === localPort;
    if (!allowed.has(name) || !portOk) {
      throw new HttpError(
        421,
        'host_not_allowed',
        'This Steward runs in local mode and answers only requests for 127.0.0.1, localhost or [::1] on its own port.',
      );
    }
  });
}

/** NUL and lone surrogates in route parameters and the query string are refused like those in bodies. */
export function registerTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const params = findBadText(request.params, 'params');
    if (params) throw badTextError(params);
    const query = findBadText(request.query, 'query');
    if (query) throw badTextError(query);
    if (request.body !== undefined && typeof request.body === 'object' && !Buffer.isBuffer(request.body)) {
      const body = findBadText(request.body);
      if (body) throw badTextError(body);
    }
  });
}

/** Query parameters whose values are credentials or one-time secrets; never written to a log. */
const SECRET_PARAMS =
  /^(?:code|state|access_token|id_token|refresh_token|token|client_secret|client_assertion|assertion|password|passwd|secret|api[_-]?key|key|sig|signature|session_state|validationtoken|clientstate|x-amz-signature|x-amz-credential|x-amz-security-token)$/i;

/** A request URL with the values of secret query parameters replaced by "[redacted]". */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: judge the name as written
      }
      return eq >= 0 && SECRET_PARAMS.test(name.trim()) ? `${rawName}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}
