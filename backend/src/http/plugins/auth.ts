import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { IdentityVerifier } from '../../identity/verifier.ts';
import type { Storage } from '../../storage/database.ts';
import { resolveUser, type UserScope, type UserStore, userStore, type VerifiedIdentity } from '../../storage/users.ts';

export interface AuthenticatedUser {
  scope: UserScope;
  identity: VerifiedIdentity;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthenticatedUser | null;
    /** The signed-in user's own data; the only way routes reach user-owned rows. */
    store: UserStore;
  }
}

interface AuthOptions {
  verify: IdentityVerifier;
  storage: Storage;
}

const RESOLVED_TTL_MS = 60_000;
const RESOLVED_MAX = 10_000;

/**
 * Authenticates every /v1 request: verifies the bearer token, then finds (or on first call creates) the
 * tenant and user. Resolved identities are remembered briefly so a verified token costs no extra query.
 */
export const authPlugin = fp<AuthOptions>(async (app: FastifyInstance, { verify, storage }) => {
  const resolved = new Map<string, { scope: UserScope; expires: number }>();

  app.decorateRequest('user', null);
  app.decorateRequest('store', null as unknown as UserStore);

  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!request.url.startsWith('/v1/') && request.url !== '/v1') return;
    if (request.method === 'OPTIONS') return;
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
    request.user = { scope: entry.scope, identity };
    request.store = userStore(storage.db, entry.scope);
  });

  app.decorate('forgetUser', (scope: UserScope) => {
    for (const [key, value] of resolved) if (value.scope.userId === scope.userId) resolved.delete(key);
  });
});

declare module 'fastify' {
  interface FastifyInstance {
    forgetUser(scope: UserScope): void;
  }
}
