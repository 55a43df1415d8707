/** The OAuth clients that connect a mailbox: Google's and the Microsoft identity platform's (MSAL). */
import {
  ConfidentialClientApplication,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { OAuth2Client } from 'google-auth-library';
import type { Config } from '../config.ts';

/** Redirects Microsoft identity platform calls to a local server (MICROSOFT_LOGIN_URL, tests only). */
function redirectingNetworkClient(loginUrl: string): INetworkModule {
  const rewrite = (url: string) => {
    const u = new URL(url);
    return `${loginUrl.replace(/\/+$/, '')}${u.pathname}${u.search}`;
  };
  const send = async <T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const response = await fetch(rewrite(url), { method, headers: options?.headers, body: options?.body });
    const headers: Record<string, string> = {};
    response.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return { headers, body: (await response.json().catch(() => ({}))) as T, status: response.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

export function microsoftClient(config: Config): ConfidentialClientApplication {
  const authority = config.sync.microsoft.authority.replace(/\/+$/, '');
  const login = config.sync.microsoft.loginUrl;
  const host = new URL(authority).host;
  return new ConfidentialClientApplication({
    auth: {
      clientId: config.sync.microsoft.clientId ?? '',
      clientSecret: config.sync.microsoft.clientSecret ?? '',
      authority,
      ...(login
        ? {
            knownAuthorities: [host],
            authorityMetadata: JSON.stringify({
              token_endpoint: `${authority}/oauth2/v2.0/token`,
              authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
              end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
              issuer: `https://${host}/{tenantid}/v2.0`,
              jwks_uri: `${authority}/discovery/v2.0/keys`,
            }),
          }
        : {}),
    },
    system: login ? { networkClient: redirectingNetworkClient(login) } : {},
  });
}

export function googleClient(config: Config): OAuth2Client {
  const g = config.sync.google;
  return new OAuth2Client({
    clientId: g.clientId,
    clientSecret: g.clientSecret,
    redirectUri: `${config.publicUrl}/oauth/callback/google`,
    endpoints: { oauth2TokenUrl: g.tokenUrl, ...(g.authUrl ? { oauth2AuthBaseUrl: g.authUrl } : {}) },
  });
}

/** Claims of an ID token received straight from the token endpoint over TLS (OIDC core 3.1.3.7). */
export function idTokenClaims(idToken: string | null | undefined): Record<string, unknown> {
  if (!idToken) return {};
  try {
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
