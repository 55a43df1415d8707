import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/database.ts';
import { bearer, buildTestApp, useTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import { OTHER_TENANT, startTestIdp, TEST_CLIENT_ID, TEST_TENANT, type TestIdp } from '../support/idp.ts';

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const now = () => Math.floor(Date.now() / 1000);

for (const database of testDatabases()) {
  describe(`identity [${database.name}]`, () => {
    let storage: Storage;
    let idp: TestIdp;
    let app: FastifyInstance;

    beforeAll(async () => {
      storage = await database.open();
      idp = await startTestIdp();
      app = await buildTestApp(storage, { ...idp.env, MICROSOFT_TENANTS: `${TEST_TENANT},${OTHER_TENANT}` });
    });
    afterAll(async () => {
      await app.close();
      await idp.close();
      await storage.close();
    });

    const me = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/v1/me', headers });

    it('accepts a valid Entra access token and creates tenant and user on first call', async () => {
      const token = await idp.entraToken();
      const first = await me(bearer(token));
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({
        provider: 'microsoft',
        email: 'ann@contoso.example',
        displayName: 'Ann Lee',
        localMode: false,
      });
      const second = await me(bearer(await idp.entraToken()));
      expect(second.json().id).toBe(first.json().id);
    });

    it('accepts the bare client id as audience too', async () => {
      const res = await me(bearer(await idp.entraToken({ aud: TEST_CLIENT_ID })));
      expect(res.statusCode).toBe(200);
    });

    it('accepts a valid Google ID token; the user key is sub', async () => {
      const res = await me(bearer(await idp.googleToken()));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ provider: 'google', email: 'bob@gmail.example' });
    });

    const negative: Array<[string, () => Promise<Record<string, string>>, string]> = [
      ['no token', async () => ({}), 'token_missing'],
      ['a malformed token', async () => bearer('not.a-jwt'), 'token_malformed'],
      [
        'a wrong audience',
        async () => bearer(await idp.entraToken({ aud: 'api://someone-else' })),
        'token_audience_invalid',
      ],
      [
        'a wrong issuer',
        async () => bearer(await idp.entraToken({ iss: 'https://evil.example/v2.0' })),
        'token_issuer_invalid',
      ],
      [
        'an expired token',
        async () => bearer(await idp.entraToken({ exp: now() - 600, iat: now() - 4000, nbf: now() - 4000 })),
        'token_expired',
      ],
      ['nbf in the future', async () => bearer(await idp.entraToken({ nbf: now() + 900 })), 'token_not_yet_valid'],
      [
        'alg: none',
        async () => {
          const payload = {
            aud: `api://${TEST_CLIENT_ID}`,
            iss: `https://login.microsoftonline.com/${TEST_TENANT}/v2.0`,
            tid: TEST_TENANT,
            oid: 'x',
            scp: 'access_as_user',
            exp: now() + 600,
          };
          return bearer(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`);
        },
        'token_algorithm_not_allowed',
      ],
      [
        'HS256 signed with the public key',
        async () => {
          const { SignJWT } = await import('jose');
          const payload = {
            aud: `api://${TEST_CLIENT_ID}`,
            iss: `https://login.microsoftonline.com/${TEST_TENANT}/v2.0`,
            tid: TEST_TENANT,
            oid: 'x',
            scp: 'access_as_user',
          };
          const token = await new SignJWT(payload)
            .setProtectedHeader({ alg: 'HS256', kid: 'entra-key-1' })
            .setExpirationTime('1h')
            .sign(new TextEncoder().encode(idp.publicKeyPem));
          return bearer(token);
        },
        'token_algorithm_not_allowed',
      ],
      [
        'an unknown kid',
        async () => bearer(await idp.entraToken({}, { kid: 'rotated-away', key: idp.rogueKey })),
        'token_key_unknown',
      ],
      [
        'a forged signature with a known kid',
        async () => bearer(await idp.entraToken({}, { key: idp.rogueKey })),
        'token_signature_invalid',
      ],
      [
        'a tid that does not match iss',
        async () =>
          bearer(
            await idp.entraToken({ tid: TEST_TENANT, iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` }),
          ),
        'token_tenant_mismatch',
      ],
      [
        'a tenant outside the allow-list',
        async () => bearer(await idp.entraToken({ tid: '99999999-9999-9999-9999-999999999999' })),
        'token_tenant_not_allowed',
      ],
      [
        'a token without the access_as_user scope',
        async () => bearer(await idp.entraToken({ scp: 'User.Read' })),
        'token_scope_missing',
      ],
      [
        'a Google token for another client id',
        async () => bearer(await idp.googleToken({ aud: 'someone-else.apps.googleusercontent.com' })),
        'google_audience_invalid',
      ],
      [
        'a Google token with an unverified email',
        async () => bearer(await idp.googleToken({ email_verified: false })),
        'google_email_unverified',
      ],
      ['a non-Bearer scheme', async () => ({ authorization: 'Basic dXNlcjpwYXNz' }), 'token_malformed'],
    ];

    it.each(negative)('refuses %s with 401 and a distinct code', async (_name, headers, code) => {
      const res = await me(await headers());
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
      expect(res.body).not.toMatch(/eyJ/); // never echoes a token
    });

    it('gives every refusal its own code', () => {
      const codes = negative
        .map(([, , code]) => code)
        .filter((c) => c !== 'token_algorithm_not_allowed' && c !== 'token_malformed');
      expect(new Set(codes).size).toBe(codes.length);
    });

    it('fetches the JWKS once and refetches only on an unknown kid', async () => {
      const before = idp.jwksRequests;
      await me(bearer(await idp.entraToken()));
      await me(bearer(await idp.entraToken()));
      expect(idp.jwksRequests).toBe(before);
    });

    it('never falls back to the local user when a provider is configured', async () => {
      const res = await app.inject({ method: 'GET', url: '/v1/settings' });
      expect(res.statusCode).toBe(401);
    });
  });
}

describe('local mode', () => {
  // Opened in a hook (its bound is for start-up on a busy machine), not inside the test.
  const ctx = useTestApp(testDatabases()[0]!);
  it('serves the one local user without a token and says so', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/me' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ provider: 'local', localMode: true });
  });
});
