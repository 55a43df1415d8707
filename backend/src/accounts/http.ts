import { RetryLaterError } from '../jobs/queue.ts';

/** The provider no longer accepts the refresh token (revoked, expired, password changed): the user must reconnect. */
export class ReauthRequiredError extends Error {
  constructor(message = "The mailbox provider no longer accepts Steward's access; reconnect the mailbox.") {
    super(message);
    this.name = 'ReauthRequiredError';
  }
}

/** A provider answered with an error that retrying the same request will not fix. */
export class ProviderError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface AccessTokenSource {
  get(): Promise<string>;
  /** Forget the cached access token (the provider said 401). */
  invalidate(): void;
  /** The access token in hand and when it stops being used (ms since the epoch), if there is one. */
  current?(): { token: string; expires: number } | undefined;
}

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** At most `max` tasks at once; the rest wait in order. */
export function createLimiter(max: number): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RequestContext {
  tokens: AccessTokenSource;
  limiter?: Limiter;
  /** Waits up to this long in-process for Retry-After; longer waits go back to the queue. */
  maxInlineWaitMs?: number;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  body?: unknown;
  /** Return the body as text (MIME) instead of JSON. */
  text?: boolean;
  /** Statuses returned to the caller as `undefined` instead of thrown (404 for "gone"). */
  allow?: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One provider call with the rules every adapter shares: bearer token (refreshed once on 401), Retry-After
 * honoured on 429 and 503 (short waits here, long ones handed back to the queue as RetryLaterError), a few
 * retries with backoff on 5xx and network errors, and errors that never contain a token or a mail body.
 */
export async function providerRequest<T = unknown>(
  ctx: RequestContext,
  method: string,
  url: string,
  options: RequestOptions = {},
): Promise<T | undefined> {
  const doFetch = ctx.fetch ?? fetch;
  const maxInline = ctx.maxInlineWaitMs ?? 5_000;
  let refreshed = false;
  for (let attempt = 0; ; attempt++) {
    const run = async () => {
      const token = await ctx.tokens.get();
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        accept: options.text ? '*/*' : 'application/json',
      };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      return doFetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    };
    let response: Response;
    try {
      response = ctx.limiter ? await ctx.limiter(run) : await run();
    } catch (error) {
      if (error instanceof ReauthRequiredError || error instanceof RetryLaterError) throw error;
      if (attempt < 3) {
        await sleep(200 * 2 ** attempt);
        continue;
      }
      throw new ProviderError(0, `${method} ${pathOf(url)} failed: ${(error as Error).message}`);
    }
    if (response.ok) {
      if (response.status === 204) return undefined;
      if (options.text) return (await response.text()) as T;
      const body = await response.text();
      return (body ? JSON.parse(body) : undefined) as T;
    }
    await response.body?.cancel().catch(() => {});
    if (options.allow?.includes(response.status)) return undefined;
    if (response.status === 401 && !refreshed) {
      refreshed = true;
      ctx.tokens.invalidate();
      continue;
    }
    if (response.status === 401) throw new ReauthRequiredError();
    if (response.status === 429 || response.status === 503 || (response.status >= 500 && attempt < 3)) {
      const wait = retryAfterMs(response.headers.get('retry-after')) ?? 250 * 2 ** attempt;
      if (wait > maxInline || attempt >= 4)
        throw new RetryLaterError(Math.max(wait, 1000), `${pathOf(url)} answered ${response.status}`);
      await sleep(wait);
      continue;
    }
    throw new ProviderError(response.status, `${method} ${pathOf(url)} answered ${response.status}`);
  }
}

/** The path only: query strings can hold delta tokens. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return 'request';
  }
}

export interface RefreshOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  refreshToken: string;
  scope?: string;
  /** Microsoft rotates refresh tokens: the new one is handed here to be sealed and stored. */
  onRotated?: (refreshToken: string) => Promise<void>;
  fetch?: typeof fetch;
  /** An access token still valid from an earlier source of the same account (the refresh token rotated). */
  initial?: { token: string; expires: number };
}

/** Access tokens from a refresh token (RFC 6749 §6), cached until shortly before they expire. */
export function refreshTokenSource(options: RefreshOptions): AccessTokenSource {
  let cached: { token: string; expires: number } | undefined = options.initial;
  let pending: Promise<string> | undefined;
  let refreshToken = options.refreshToken;
  const doFetch = options.fetch ?? fetch;

  async function refresh(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: options.clientId,
    });
    if (options.clientSecret) form.set('client_secret', options.clientSecret);
    if (options.scope) form.set('scope', options.scope);
    let response: Response;
    try {
      response = await doFetch(options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
      });
    } catch (error) {
      throw new RetryLaterError(5_000, `token endpoint unreachable: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      refresh_token?: string;
      error?: string;
    };
    if (!response.ok || !body.access_token) {
      if (
        body.error === 'invalid_grant' ||
        body.error === 'unauthorized_client' ||
        response.status === 400 ||
        response.status === 401
      ) {
        throw new ReauthRequiredError();
      }
      throw new RetryLaterError(
        retryAfterMs(response.headers.get('retry-after')) ?? 10_000,
        `token endpoint answered ${response.status}`,
      );
    }
    if (body.refresh_token && body.refresh_token !== refreshToken) {
      refreshToken = body.refresh_token;
      await options.onRotated?.(body.refresh_token);
    }
    cached = { token: body.access_token, expires: Date.now() + Math.max(60, (body.expires_in ?? 3600) - 60) * 1000 };
    return body.access_token;
  }

  return {
    async get() {
      if (cached && cached.expires > Date.now()) return cached.token;
      pending ??= refresh().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
    current() {
      return cached && cached.expires > Date.now() ? { ...cached } : undefined;
    },
  };
}
