import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

export const TEST_CLIENT_ID = '11111111-2222-3333-4444-555555555555';
export const TEST_TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const OTHER_TENANT = 'ffffffff-0000-1111-2222-333333333333';
export const TEST_GOOGLE_CLIENT = 'steward-test.apps.googleusercontent.com';

type Key = Awaited<ReturnType<typeof generateKeyPair>>;

/**
 * A local identity provider for tests: a JWKS endpoint in the shape Microsoft publishes and a PEM
 * certificate map in the shape Google publishes, both serving keys we generate, plus token minting.
 */
export interface TestIdp {
  jwksUrl: string;
  googleCertsUrl: string;
  jwksRequests: number;
  /** Environment for loadConfig that points the server at this provider. */
  env: Record<string, string>;
  entraToken(claims?: JWTPayload, options?: { kid?: string; key?: Key; alg?: string }): Promise<string>;
  googleToken(claims?: JWTPayload, options?: { kid?: string }): Promise<string>;
  /** A second key the provider does not publish (for "unknown kid" and forged signatures). */
  rogueKey: Key;
  publicKeyPem: string;
  close(): Promise<void>;
}

export async function startTestIdp(): Promise<TestIdp> {
  const entraKey = await generateKeyPair('RS256', { extractable: true });
  const googleKey = await generateKeyPair('RS256', { extractable: true });
  const rogueKey = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(entraKey.publicKey)), kid: 'entra-key-1', use: 'sig', alg: 'RS256' };
  const googlePem = await exportSPKI(googleKey.publicKey);
  const publicKeyPem = await exportSPKI(entraKey.publicKey);

  const state = { jwksRequests: 0 };
  const server = http.createServer((req, res) => {
    if (req.url === '/keys') {
      state.jwksRequests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else if (req.url === '/google-certs') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
      res.end(JSON.stringify({ 'google-key-1': googlePem }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const now = () => Math.floor(Date.now() / 1000);
  const idp: TestIdp = {
    jwksUrl: `${base}/keys`,
    googleCertsUrl: `${base}/google-certs`,
    get jwksRequests() {
      return state.jwksRequests;
    },
    env: {
      MICROSOFT_CLIENT_ID: TEST_CLIENT_ID,
      MICROSOFT_JWKS_URL: `${base}/keys`,
      GOOGLE_CLIENT_IDS: TEST_GOOGLE_CLIENT,
      GOOGLE_CERTS_URL: `${base}/google-certs`,
    },
    rogueKey,
    publicKeyPem,
    async entraToken(claims = {}, options = {}) {
      const tid = (claims.tid as string | undefined) ?? TEST_TENANT;
      const payload: JWTPayload = {
        aud: `api://${TEST_CLIENT_ID}`,
        iss: `https://login.microsoftonline.com/${tid}/v2.0`,
        tid,
        oid: 'oid-ann',
        scp: 'access_as_user',
        name: 'Ann Lee',
        preferred_username: 'ann@contoso.example',
        iat: now() - 10,
        nbf: now() - 10,
        exp: now() + 3600,
        ...claims,
      };
      return new SignJWT(payload)
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'entra-key-1', typ: 'JWT' })
        .sign((options.key ?? entraKey).privateKey);
    },
    async googleToken(claims = {}, options = {}) {
      const payload: JWTPayload = {
        aud: TEST_GOOGLE_CLIENT,
        iss: 'https://accounts.google.com',
        sub: '1098765',
        email: 'bob@gmail.example',
        email_verified: true,
        iat: now() - 10,
        exp: now() + 3600,
        ...claims,
      };
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'google-key-1', typ: 'JWT' })
        .sign(googleKey.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return idp;
}
