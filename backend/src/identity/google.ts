import { OAuth2Client } from 'google-auth-library';
import type { VerifiedIdentity } from '../storage/users.ts';
import { AuthError } from './errors.ts';

export interface GoogleOptions {
  clientIds: string[];
  /** Override of Google's PEM certificate URL; tests serve their own keys. */
  certsUrl?: string;
}

/**
 * Verifies Google ID tokens (the Gmail add-on sends `ScriptApp.getIdentityToken()`) with google-auth-library:
 * signature against Google's certificates, Google issuer, audience in GOOGLE_CLIENT_IDS, lifetime; then
 * insists the email is verified. The user's key is `sub`.
 */
export function createGoogleVerifier(options: GoogleOptions) {
  const client = new OAuth2Client(
    options.certsUrl ? { endpoints: { oauth2FederatedSignonPemCertsUrl: options.certsUrl } } : {},
  );
  return async function verifyGoogleToken(token: string): Promise<VerifiedIdentity> {
    let payload: Record<string, unknown> | undefined;
    try {
      const ticket = await client.verifyIdToken({ idToken: token, audience: options.clientIds });
      payload = ticket.getPayload() as Record<string, unknown> | undefined;
    } catch (error) {
      throw mapGoogleError(error);
    }
    if (!payload || typeof payload.sub !== 'string') {
      throw new AuthError('token_claims_invalid', 'The Google token has no subject.');
    }
    if (payload.email_verified !== true && payload.email_verified !== 'true') {
      throw new AuthError('google_email_unverified', 'The Google account email is not verified.');
    }
    return {
      provider: 'google',
      tenantExternalId: typeof payload.hd === 'string' ? payload.hd.toLowerCase() : 'consumer',
      subject: payload.sub,
      email: typeof payload.email === 'string' ? payload.email.toLowerCase() : undefined,
      displayName: typeof payload.name === 'string' ? payload.name : undefined,
    };
  };
}

// google-auth-library reports failures only as messages (which embed the token: never pass them on).
function mapGoogleError(error: unknown): AuthError {
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('Wrong recipient')) {
    return new AuthError('google_audience_invalid', 'The Google token was issued for another client id.');
  }
  if (message.startsWith('Token used too late')) return new AuthError('token_expired', 'The token has expired.');
  if (message.startsWith('Token used too early'))
    return new AuthError('token_not_yet_valid', 'The token is not valid yet.');
  if (message.startsWith('Invalid issuer'))
    return new AuthError('token_issuer_invalid', 'The token was not issued by Google.');
  if (message.startsWith('Invalid token signature'))
    return new AuthError('token_signature_invalid', 'The token signature does not verify.');
  if (message.startsWith('No pem found'))
    return new AuthError('token_key_unknown', 'The token was signed with a key Google does not publish.');
  if (message.startsWith('Expiration time too far'))
    return new AuthError('token_lifetime_invalid', 'The token lives longer than Google allows.');
  if (/segments|parse token|format/.test(message))
    return new AuthError('token_malformed', 'The bearer token is not a well-formed JWT.');
  return new AuthError('token_keys_unavailable', 'Google token could not be verified right now; try again.');
}
