import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import type { VerifiedIdentity } from '../storage/users.ts';
import { AuthError } from './errors.ts';
import { ALLOWED_ALGORITHMS, type PeekedToken } from './token.ts';

export interface EntraOptions {
  clientId: string;
  /** When non-empty, only these tenant ids may sign in. */
  tenants: string[];
  jwksUrl: string;
  issuerTemplate: string;
  clockToleranceSeconds?: number;
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/**
 * Verifies Microsoft Entra v2 access tokens issued to the Outlook add-in (nested app authentication) for our
 * API: signature against the tenant-independent JWKS (cached; jose refetches once on an unknown `kid`),
 * issuer matching the token's own `tid`, our audience, the `access_as_user` scope, lifetime with 5 minutes'
 * skew, and the tenant allow-list.
 */
export function createEntraVerifier(options: EntraOptions) {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
    cacheMaxAge: 24 * 60 * 60 * 1000,
    cooldownDuration: 30_000,
    timeoutDuration: 5_000,
  });
  const audiences = [options.clientId, `api://${options.clientId}`];
  const tolerance = options.clockToleranceSeconds ?? 300;
  const [issuerPrefix, issuerSuffix] = options.issuerTemplate.split('{tid}') as [string, string | undefined];
  const anyTenantIssuer = new RegExp(`^${escapeRegExp(issuerPrefix)}${GUID}${escapeRegExp(issuerSuffix ?? '')}$`);

  return async function verifyEntraToken(token: string, peeked: PeekedToken): Promise<VerifiedIdentity> {
    const tid = peeked.payload.tid;
    if (typeof tid !== 'string' || !new RegExp(`^${GUID}$`).test(tid)) {
      throw new AuthError('token_tenant_missing', 'The token carries no tenant id (tid).');
    }
    const expectedIssuer = options.issuerTemplate.replace('{tid}', tid);
    if (peeked.payload.iss !== expectedIssuer) {
      if (typeof peeked.payload.iss === 'string' && anyTenantIssuer.test(peeked.payload.iss)) {
        throw new AuthError('token_tenant_mismatch', "The token's issuer names a different tenant than its tid.");
      }
      throw new AuthError('token_issuer_invalid', 'The token was not issued by Microsoft Entra for its tenant.');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms: ALLOWED_ALGORITHMS,
        issuer: expectedIssuer,
        audience: audiences,
        clockTolerance: tolerance,
        requiredClaims: ['exp', 'oid', 'tid'],
      }));
    } catch (error) {
      throw mapJoseError(error);
    }
    if (options.tenants.length > 0 && !options.tenants.some((t) => t.toLowerCase() === tid.toLowerCase())) {
      throw new AuthError('token_tenant_not_allowed', 'This organisation is not allowed to use this Steward server.');
    }
    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
    if (!scopes.includes('access_as_user')) {
      throw new AuthError('token_scope_missing', 'The token lacks the access_as_user scope.');
    }
    const oid = String(payload.oid);
    const email = [payload.preferred_username, payload.upn, payload.email].find(
      (v): v is string => typeof v === 'string' && v.includes('@'),
    );
    return {
      provider: 'microsoft',
      tenantExternalId: tid.toLowerCase(),
      subject: oid,
      email: email?.toLowerCase(),
      displayName: typeof payload.name === 'string' ? payload.name : undefined,
    };
  };
}

function mapJoseError(error: unknown): AuthError {
  if (error instanceof joseErrors.JWTExpired) return new AuthError('token_expired', 'The token has expired.');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return new AuthError('token_not_yet_valid', 'The token is not valid yet (nbf).');
    if (error.claim === 'aud')
      return new AuthError('token_audience_invalid', 'The token was issued for another application.');
    if (error.claim === 'iss')
      return new AuthError('token_issuer_invalid', 'The token was not issued by Microsoft Entra for its tenant.');
    return new AuthError('token_claims_invalid', `The token's ${error.claim} claim is not acceptable.`);
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return new AuthError('token_key_unknown', 'The token was signed with a key Microsoft does not publish.');
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new AuthError('token_signature_invalid', 'The token signature does not verify.');
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return new AuthError('token_algorithm_not_allowed', 'The token algorithm is not accepted.');
  }
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) {
    return new AuthError('token_malformed', 'The bearer token is not a well-formed JWT.');
  }
  if (error instanceof joseErrors.JWKSTimeout || !(error instanceof joseErrors.JOSEError)) {
    return new AuthError('token_keys_unavailable', 'The signing keys could not be fetched; try again.');
  }
  return new AuthError('token_invalid', 'The token could not be verified.');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
