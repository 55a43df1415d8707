/**
 * Connecting a CRM with OAuth 2.0 (authorization code grant), as the providers specify it:
 *
 * - HubSpot: the install URL `https://app.hubspot.com/oauth/authorize` with client_id, redirect_uri, the
 *   space-separated read scopes and state; the code is exchanged at `POST https://api.hubapi.com/oauth/v3/token`
 *   (form-encoded body: grant_type, code, redirect_uri, client_id, client_secret), which answers
 *   `{access_token, refresh_token, expires_in, token_type}`; access tokens last 30 minutes and are renewed with
 *   `grant_type=refresh_token` at the same endpoint.
 * - Salesforce: the web server flow with PKCE, `{login}/services/oauth2/authorize` (response_type=code,
 *   client_id, redirect_uri, scope, state, code_challenge, code_challenge_method=S256) and
 *   `POST {login}/services/oauth2/token` (grant_type, code, client_id, client_secret, redirect_uri,
 *   code_verifier), which answers `{access_token, refresh_token, instance_url, id, token_type, issued_at,
 *   signature}` without a lifetime: an expired session shows as 401 INVALID_SESSION_ID and is renewed with
 *   `grant_type=refresh_token` (the answer carries no new refresh token unless rotation is on).
 *
 * Every request goes through the guarded HTTPS client (reach/http.ts); nothing is ever written to the CRM.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ReachConfig } from '../config.ts';
import { CrmError } from './crm.ts';
import { type OutboundOptions, request } from './http.ts';

export type CrmProvider = 'hubspot' | 'salesforce';

/** HubSpot read scopes only; Salesforce has no read-only OAuth scope (see docs/reach.md). */
export const HUBSPOT_SCOPES = ['crm.objects.contacts.read', 'crm.objects.deals.read', 'crm.objects.owners.read'];
export const SALESFORCE_SCOPES = ['api', 'refresh_token'];

export const HUBSPOT_AUTHORIZE_URL = 'https://app.hubspot.com/oauth/authorize';
export const HUBSPOT_TOKEN_URL = 'https://api.hubapi.com/oauth/v3/token';

/** What is sealed for an OAuth connection. */
export interface CrmOAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms; absent when the provider does not say (Salesforce). */
  expiresAt?: number;
  /** Salesforce: the org's instance the tokens are for. */
  instanceUrl?: string;
}

export function oauthConfigured(reach: ReachConfig, provider: CrmProvider): boolean {
  const app = reach[provider];
  return Boolean(app.clientId && app.clientSecret);
}

export const crmRedirectUri = (publicUrl: string, provider: CrmProvider) =>
  `${publicUrl}/oauth/crm/callback/${provider}`;

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(
  reach: ReachConfig,
  provider: CrmProvider,
  redirectUri: string,
  state: string,
  codeChallenge: string,
): string {
  if (provider === 'hubspot') {
    const url = new URL(HUBSPOT_AUTHORIZE_URL);
    url.searchParams.set('client_id', reach.hubspot.clientId ?? '');
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', HUBSPOT_SCOPES.join(' '));
    url.searchParams.set('state', state);
    return url.toString();
  }
  const url = new URL(`${reach.salesforce.loginUrl}/services/oauth2/authorize`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', reach.salesforce.clientId ?? '');
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', SALESFORCE_SCOPES.join(' '));
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('prompt', 'login consent');
  return url.toString();
}

const tokenUrl = (reach: ReachConfig, provider: CrmProvider) =>
  provider === 'hubspot' ? HUBSPOT_TOKEN_URL : `${reach.salesforce.loginUrl}/services/oauth2/token`;

async function postToken(
  reach: ReachConfig,
  provider: CrmProvider,
  form: Record<string, string>,
  outbound: OutboundOptions | undefined,
): Promise<Record<string, unknown>> {
  const app = reach[provider];
  const body = new URLSearchParams({ ...form, client_id: app.clientId ?? '', client_secret: app.clientSecret ?? '' });
  const res = await request(
    tokenUrl(reach, provider),
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
    },
    { timeoutMs: 10_000, maxBytes: 64 * 1024, ...outbound },
  );
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(res.text) as Record<string, unknown>;
  } catch {}
  if (res.status < 200 || res.status >= 300) {
    // HubSpot: {"status": "BAD_AUTH_CODE", "message": …}; Salesforce: {"error": "invalid_grant", …}.
    const reason = String(parsed.error ?? parsed.status ?? res.status);
    throw new CrmError('crm_oauth_failed', `the ${provider} token endpoint refused the request (${reason})`);
  }
  return parsed;
}

function tokensOf(
  parsed: Record<string, unknown>,
  provider: CrmProvider,
  now: number,
  previous?: CrmOAuthTokens,
): CrmOAuthTokens {
  const accessToken = typeof parsed.access_token === 'string' ? parsed.access_token : undefined;
  const refreshToken = typeof parsed.refresh_token === 'string' ? parsed.refresh_token : previous?.refreshToken;
  if (!accessToken || !refreshToken)
    throw new CrmError('crm_oauth_failed', `the ${provider} token endpoint gave no access or refresh token`);
  const expiresIn = Number(parsed.expires_in);
  const instanceUrl = typeof parsed.instance_url === 'string' ? parsed.instance_url : previous?.instanceUrl;
  return {
    accessToken,
    refreshToken,
    // Renewed a minute early (half-way for short lives), so a lookup never starts with a lapsing token.
    ...(Number.isFinite(expiresIn) && expiresIn > 0
      ? { expiresAt: now + Math.max(expiresIn / 2, expiresIn - 60) * 1000 }
      : {}),
    ...(instanceUrl ? { instanceUrl } : {}),
  };
}

export async function exchangeCode(
  reach: ReachConfig,
  provider: CrmProvider,
  input: { code: string; redirectUri: string; codeVerifier: string },
  outbound?: OutboundOptions,
  now = Date.now(),
): Promise<CrmOAuthTokens> {
  const form: Record<string, string> = {
    grant_type: 'authorization_code',
    code: input.code,
    redirect_uri: input.redirectUri,
  };
  if (provider === 'salesforce') form.code_verifier = input.codeVerifier;
  return tokensOf(await postToken(reach, provider, form, outbound), provider, now);
}

export async function refreshTokens(
  reach: ReachConfig,
  provider: CrmProvider,
  tokens: CrmOAuthTokens,
  outbound?: OutboundOptions,
  now = Date.now(),
): Promise<CrmOAuthTokens> {
  const parsed = await postToken(
    reach,
    provider,
    { grant_type: 'refresh_token', refresh_token: tokens.refreshToken },
    outbound,
  );
  return tokensOf(parsed, provider, now, tokens);
}
