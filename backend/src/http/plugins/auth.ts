import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import { AuthError } from '../../identity/errors.ts';
import type { IdentityVerifier } from '../../identity/verifier.ts';
import type { Storage } from '../../storage/database.ts';
import type { UserScope } from '../../storage/user-scope.ts';
import { resolveUser, type UserStore, userStore, type VerifiedIdentity } from '../../storage/users.ts';
import { HttpError } from '../errors.ts';

export interface AuthenticatedUser {
  scope: UserScope;
  identity: VerifiedIdentity;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthenticatedUser | null;
    /** The signed-in user's own data; the only way routes reach user-owned rows. Throws 401 without a user. */
    readonly store: UserStore;
  }
  interface FastifyInstance {
    /** Verifies the request's bearer token and sets `request.user` and `request.store`; throws AuthError. */
    authenticate(request: FastifyRequest): Promise<AuthenticatedUser>;
    forgetUser(scope: UserScope): void;
  }
}

interface IdentityOptions {
  verify: IdentityVerifier;
  storage: Storage;
}

const RESOLVED_TTL_MS = 60_000;
const RESOLVED_MAX = 10_000;

const stores = new WeakMap<FastifyRequest, UserStore>();

/** The request's user; a 401 when there is none (never reached inside /v1, where the hooks insist on one). */
export function signedIn(request: FastifyRequest): AuthenticatedUser {
  if (!request.user) throw new AuthError('unauthenticated', 'This route needs a signed-in user.');
  return request.user;
}

/**
 * Request decorations and the identity cache (root level). `request.store` fails closed: a handler that
 * somehow runs without an authenticated user gets a 401, never another user's data and never a 500.
 * Which routes authenticate is decided by `v1Authentication`, registered inside the /v1 scope.
 */
export const identityPlugin = fp<IdentityOptions>(async (app: FastifyInstance, { verify, storage }) => {
  const resolved = new Map<string, { scope: UserScope; expires: number }>();

  app.decorateRequest('user', null);
  app.decorateRequest('store', {
    getter(this: FastifyRequest) {
      const store = stores.get(this);
      if (!store) throw new AuthError('unauthenticated', 'This route needs a signed-in user.');
      return store;
    },
  });

  app.decorate('authenticate', async (request: FastifyRequest) => {
    const identity = await verify(request.headers.authorization);
    const key = `${identity.provider}|${identity.tenantExternalId}|${identity.subject}|${identity.email ?? ''}|${identity.displayName ?? ''}`;
    const now = Date.now();
    let entry = resolved.get(key);
    if (!entry || entry.expires < now) {
      const row = await resolveUser(storage.db, identity);
      entry = { scope: { tenantId: row.tenant_id, userId: row.id }, expires: now + RESOLVED_TTL_MS };
      if (resolved.size >= RESOLVED_MAX) resolved.clear();
      resolved.set(key, entry);
    }
    const user = { scope: entry.scope, identity };
    request.user = user;
    stores.set(request, userStore(storage.db, entry.scope));
    return user;
  });

  app.decorate('forgetUser', (scope: UserScope) => {
    for (const [key, value] of resolved) if (value.scope.userId === scope.userId) resolved.delete(key);
  });
});

/** Failed sign-ins per client address in fixed windows; bounded in memory. */
class FailureCounter {
  private readonly entries = new Map<string, { count: number; resetAt: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Seconds until this address may try again, or 0 when it may now. */
  retryAfter(key: string, now = Date.now()): number {
    const entry = this.entries.get(key);
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= this.limit ? Math.ceil((entry.resetAt - now) / 1000) : 0;
  }

  add(key: string, now = Date.now()): void {
    let entry = this.entries.get(key);
    if (!entry || entry.resetAt <= now) {
      if (this.entries.size >= 10_000) {
        for (const [k, e] of this.entries) if (e.resetAt <= now) this.entries.delete(k);
        if (this.entries.size >= 10_000) this.entries.clear();
      }
      entry = { count: 0, resetAt: now + this.windowMs };
      this.entries.set(key, entry);
    }
    entry.count++;
  }
}

/**
 * Authentication for the /v1 scope (registered inside it, so it runs on the routed path, whatever
 * encoding the URL used): an onRequest hook that refuses addresses with too many failed sign-ins, verifies
 * the token, then applies the per-user rate limit; all before the body is read. A preHandler refuses any
 * request that still has no user.
 */
export async function v1Authentication(scope: FastifyInstance, { config }: { config: Config }): Promise<void> {
  await scope.register(rateLimit, {
    global: false,
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowMs,
    errorResponseBuilder: (_request, context) =>
      // @fastify/rate-limit throws what this returns; the status makes our error handler answer 429.
      Object.assign(new Error(`Too many requests; try again in ${context.after}.`), {
        statusCode: 429,
        code: 'rate_limited',
      }),
  });
  const perUser = scope.rateLimit({
    keyGenerator: (request: FastifyRequest) => (request.user ? `u:${request.user.scope.userId}` : `ip:${request.ip}`),
  });
  const failures = new FailureCounter(config.authFailureLimit, config.rateLimit.windowMs);

  scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const wait = failures.retryAfter(request.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new HttpError(429, 'too_many_failed_sign_ins', `Too many failed sign-ins; try again in ${wait} s.`);
    }
    try {
      await scope.authenticate(request);
    } catch (error) {
      if (error instanceof AuthError) failures.add(request.ip);
      throw error;
    }
    await perUser.call(scope, request, reply);
  });

  scope.addHook('preHandler', async (request: FastifyRequest) => {
    if (!request.user) throw new AuthError('unauthenticated', 'This route needs a signed-in user.');
  });
}
