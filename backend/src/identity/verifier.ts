import type { Config } from '../config.ts';
import type { VerifiedIdentity } from '../storage/users.ts';
import { createEntraVerifier } from './entra.ts';
import { AuthError } from './errors.ts';
import { createGoogleVerifier } from './google.ts';
import { peekToken } from './token.ts';

export type IdentityVerifier = (authorization: string | undefined) => Promise<VerifiedIdentity>;

const VERIFIED_TTL_MS = 5 * 60_000;
const VERIFIED_MAX = 10_000;
const GOOGLE_ISSUERS = new Set(['accounts.google.com', 'https://accounts.google.com']);

export const LOCAL_IDENTITY: VerifiedIdentity = {
  provider: 'local',
  tenantExternalId: 'local',
  subject: 'local',
  displayName: 'Local user',
};

/**
 * One verifier for every /v1 request: picks Entra or Google by the token's issuer and checks it fully.
 * In local mode (no provider configured) every request is the one local user; a configured provider never
 * falls back to local mode.
 */
export function createIdentityVerifier(config: Config): IdentityVerifier {
  if (config.localMode) return async () => LOCAL_IDENTITY;
  const entra = config.microsoft.clientId
    ? createEntraVerifier({
        clientId: config.microsoft.clientId,
        tenants: config.microsoft.tenants,
        jwksUrl: config.microsoft.jwksUrl,
        issuerTemplate: config.microsoft.issuerTemplate,
      })
    : undefined;
  const google =
    config.google.clientIds.length > 0
      ? createGoogleVerifier({ clientIds: config.google.clientIds, certsUrl: config.google.certsUrl })
      : undefined;

  // A token already verified is not verified again until it expires (at most VERIFIED_TTL_MS later): the
  // add-ins send the same token for up to an hour, and the signature check is the costliest part of a request.
  const verified = new Map<string, { identity: VerifiedIdentity; until: number }>();

  return async (authorization) => {
    if (!authorization) throw new AuthError('token_missing', 'Send an Authorization: Bearer token.');
    const match = /^Bearer ([A-Za-z0-9\-_.~+/=]+)$/.exec(authorization.trim());
    if (!match?.[1]) throw new AuthError('token_malformed', 'The Authorization header must be "Bearer <token>".');
    const token = match[1];
    const now = Date.now();
    const cached = verified.get(token);
    if (cached && cached.until > now) return cached.identity;

    const peeked = peekToken(token);
    const issuer = typeof peeked.payload.iss === 'string' ? peeked.payload.iss : '';
    let identity: VerifiedIdentity;
    if (GOOGLE_ISSUERS.has(issuer)) {
      if (!google)
        throw new AuthError('token_provider_not_configured', 'Google sign-in is not enabled on this server.');
      identity = await google(token);
    } else {
      if (!entra)
        throw new AuthError('token_provider_not_configured', 'Microsoft sign-in is not enabled on this server.');
      identity = await entra(token, peeked);
    }
    const expires = typeof peeked.payload.exp === 'number' ? peeked.payload.exp * 1000 : now;
    if (verified.size >= VERIFIED_MAX) verified.clear();
    verified.set(token, { identity, until: Math.min(expires, now + VERIFIED_TTL_MS) });
    return identity;
  };
}
