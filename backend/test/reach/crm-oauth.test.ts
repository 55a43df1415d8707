/**
 * Connecting HubSpot and Salesforce with OAuth, against local authorization servers that speak the providers'
 * protocols (fake-reach.ts): the consent URL, the state, the code exchange (PKCE for Salesforce), sealed
 * tokens, lookups with the access token, and renewal with the refresh token when the session lapses.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HUBSPOT_SCOPES } from '../../src/reach/crm-oauth.ts';
import { useTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import { type FakeReach, OAUTH_APPS, startFakeReach } from '../support/fake-reach.ts';

const ME = 'me@steward.example';
const ask = (id: string, from = 'Dana Smith <dana@acme.example>') => ({
  id,
  from,
  to: [ME],
  subject: 'Renewal terms',
  date: '2026-03-02T10:00:00Z',
  text: 'Hi,\n\nCould you send me the renewal terms by Friday?\n\nThanks,\nDana',
});

for (const database of testDatabases()) {
  describe(`CRM OAuth [${database.name}]`, () => {
    let fake: FakeReach;
    beforeAll(async () => {
      fake = await startFakeReach();
    });
    afterAll(async () => {
      await fake?.close();
    });
    beforeEach(() => fake.reset());
    const ctx = useTestApp(
      database,
      {
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        PUBLIC_URL: 'https://steward.example',
        HUBSPOT_CLIENT_ID: OAUTH_APPS.hubspot.clientId,
        HUBSPOT_CLIENT_SECRET: OAUTH_APPS.hubspot.clientSecret,
        SALESFORCE_CLIENT_ID: OAUTH_APPS.salesforce.clientId,
        SALESFORCE_CLIENT_SECRET: OAUTH_APPS.salesforce.clientSecret,
      },
      {
        reach: {
          get redirect() {
            return fake.redirect;
          },
          sleep: async () => {},
        },
      },
    );
    const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      ctx.app.inject({ method, url, ...(payload ? { payload } : {}) });
    const triage = (message: object) => inject('POST', '/v1/triage', { message, me: [ME] });

    /** The admin's browser: opens the consent page (served by the fake) and follows it back to Steward. */
    async function consent(provider: 'hubspot' | 'salesforce', extra: Record<string, string> = {}) {
      const start = await inject('POST', `/v1/admin/crm/connect/${provider}`);
      expect(start.statusCode).toBe(200);
      const url = new URL(start.json().url as string);
      for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
      const page = await fetch(`${fake.redirect[url.origin]}${url.pathname}${url.search}`, { redirect: 'manual' });
      expect(page.status).toBe(302);
      const back = new URL(page.headers.get('location') ?? '');
      expect(back.origin + back.pathname).toBe(`https://steward.example/oauth/crm/callback/${provider}`);
      return { url, callback: await inject('GET', `${back.pathname}${back.search}`) };
    }

    it('HubSpot: read scopes only, code exchanged for sealed tokens, renewed with the refresh token', async () => {
      const status = (await inject('GET', '/v1/admin/crm')).json();
      expect(status).toMatchObject({ connected: false, oauthAvailable: ['hubspot', 'salesforce'] });

      const { url, callback } = await consent('hubspot');
      expect(url.origin + url.pathname).toBe('https://app.hubspot.com/oauth/authorize');
      expect(url.searchParams.get('client_id')).toBe(OAUTH_APPS.hubspot.clientId);
      expect(url.searchParams.get('redirect_uri')).toBe('https://steward.example/oauth/crm/callback/hubspot');
      expect(url.searchParams.get('scope')?.split(' ')).toEqual(HUBSPOT_SCOPES);
      expect(url.searchParams.get('scope')).not.toMatch(/write/);
      expect(callback.statusCode).toBe(200);
      expect(callback.headers['cache-control']).toBe('no-store');
      expect(callback.body).toContain('HubSpot is connected');

      // The code exchange: a form-encoded POST to /oauth/v3/token with the app's credentials in the body.
      const [exchange] = fake.of('/oauth/v3/token');
      const form = new URLSearchParams(exchange?.body);
      expect(exchange?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(form.get('grant_type')).toBe('authorization_code');
      expect(form.get('redirect_uri')).toBe('https://steward.example/oauth/crm/callback/hubspot');
      expect(form.get('client_secret')).toBe(OAUTH_APPS.hubspot.clientSecret);
      expect(exchange?.path).toBe('/oauth/v3/token'); // nothing secret in the URL

      expect((await inject('GET', '/v1/admin/crm')).json()).toMatchObject({
        connected: true,
        provider: 'hubspot',
        auth: 'oauth',
      });
      const row = await ctx.storage.db.selectFrom('crm_connections').selectAll().executeTakeFirstOrThrow();
      const [refresh] = [...fake.oauth.refresh.keys()];
      expect(JSON.stringify(row)).not.toContain(refresh);
      expect(JSON.stringify(row)).not.toContain('hubspot-access-');

      const result = (await triage(ask('oauth-hs-1'))).json();
      expect(result.reasons[0]).toBe("open deal 'ACME renewal', stage Negotiation");
      expect(fake.of('/crm/').every((r) => String(r.headers.authorization).startsWith('Bearer hubspot-access-'))).toBe(
        true,
      );

      // The session lapses: the next lookup gets 401, renews once with the refresh token, and asks again.
      fake.expireAccessTokens();
      const before = fake.of('/oauth/v3/token').length;
      const stranger = (await triage(ask('oauth-hs-2', 'Lee <lee@acme.example>'))).json();
      expect(stranger.reasons.join(' ')).not.toMatch(/open deal/);
      const renewals = fake.of('/oauth/v3/token').slice(before);
      expect(renewals.map((r) => new URLSearchParams(r.body).get('grant_type'))).toEqual(['refresh_token']);
      expect(new URLSearchParams(renewals[0]?.body).get('refresh_token')).toBe(refresh);
      const searches = fake.of('/crm/v3/objects/contacts/search');
      expect(searches.at(-1)?.headers.authorization).not.toBe(searches.at(-2)?.headers.authorization);
      // The new tokens were sealed back: the row changed and still holds no token in clear.
      const after = await ctx.storage.db.selectFrom('crm_connections').selectAll().executeTakeFirstOrThrow();
      expect(after.token_ciphertext).not.toBe(row.token_ciphertext);
      expect(JSON.stringify(after)).not.toContain('hubspot-access-');

      const audit = await ctx.storage.db
        .selectFrom('audit_log')
        .select('detail')
        .where('action', '=', 'crm.connected')
        .execute();
      expect(audit.map((a) => a.detail)).toContainEqual({ provider: 'hubspot', auth: 'oauth' });
      expect((await inject('DELETE', '/v1/admin/crm')).statusCode).toBe(204);
    });

    it('Salesforce: PKCE, the instance from the token answer, and a refresh that keeps the refresh token', async () => {
      const { url, callback } = await consent('salesforce');
      expect(url.origin + url.pathname).toBe('https://login.salesforce.com/services/oauth2/authorize');
      expect(url.searchParams.get('response_type')).toBe('code');
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(callback.statusCode).toBe(200);
      const [exchange] = fake.of('/services/oauth2/token');
      expect(new URLSearchParams(exchange?.body).get('code_verifier')).toBeTruthy();
      expect((await inject('GET', '/v1/admin/crm')).json()).toMatchObject({
        connected: true,
        provider: 'salesforce',
        instanceUrl: 'https://acme.my.salesforce.com',
        auth: 'oauth',
      });

      const result = (await triage(ask('oauth-sf-1'))).json();
      expect(result.reasons[0]).toBe("open deal 'ACME renewal', stage Negotiation/Review");
      expect(fake.of('/services/data/').every((r) => r.method === 'GET')).toBe(true);

      // Salesforce gives no lifetime: an expired session shows as 401 INVALID_SESSION_ID and is renewed.
      fake.expireAccessTokens();
      (await triage(ask('oauth-sf-2', 'Lee <lee@acme.example>'))).json();
      (await triage(ask('oauth-sf-3', 'Kim <kim@acme.example>'))).json();
      const grants = fake.of('/services/oauth2/token').map((r) => new URLSearchParams(r.body).get('grant_type'));
      expect(grants).toEqual(['authorization_code', 'refresh_token']);
      // The refresh answer had no refresh token; the one from the consent is kept and still works.
      fake.expireAccessTokens();
      (await triage(ask('oauth-sf-4', 'Ro <ro@acme.example>'))).json();
      const last = fake.of('/services/oauth2/token').at(-1);
      expect(new URLSearchParams(last?.body).get('grant_type')).toBe('refresh_token');
      expect(fake.oauth.refresh.has(new URLSearchParams(last?.body).get('refresh_token') ?? '')).toBe(true);
      expect((await inject('DELETE', '/v1/admin/crm')).statusCode).toBe(204);
    });

    it('refuses a replayed or unknown state, a refused consent, and an instance off Salesforce', async () => {
      const { callback } = await consent('hubspot', { deny: '1' });
      expect(callback.statusCode).toBe(400);
      expect(callback.body).toContain('consent was not given');
      expect((await inject('GET', '/v1/admin/crm')).json().connected).toBe(false);

      const made = await consent('hubspot');
      expect(made.callback.statusCode).toBe(200);
      const replay = await inject(
        'GET',
        `/oauth/crm/callback/hubspot?code=again&state=${made.url.searchParams.get('state')}`,
      );
      expect(replay.statusCode).toBe(400);
      expect((await inject('GET', '/oauth/crm/callback/hubspot?code=x&state=never-issued')).statusCode).toBe(400);
      // A state issued for one CRM does not complete the other.
      const start = (await inject('POST', '/v1/admin/crm/connect/salesforce')).json();
      const state = new URL(start.url).searchParams.get('state');
      expect((await inject('GET', `/oauth/crm/callback/hubspot?code=x&state=${state}`)).statusCode).toBe(400);
      expect((await inject('DELETE', '/v1/admin/crm')).statusCode).toBe(204);

      fake.oauth.instanceUrl = 'https://attacker.example';
      const off = await consent('salesforce');
      expect(off.callback.statusCode).toBe(502);
      expect((await inject('GET', '/v1/admin/crm')).json().connected).toBe(false);
    });
  });
}

describe('CRM OAuth without an app configured', () => {
  const [database] = testDatabases();
  const ctx = useTestApp(database!, { TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex') });
  it('answers 503 and offers no OAuth connection', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/admin/crm/connect/hubspot' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('crm_oauth_not_configured');
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/admin/crm' })).json().oauthAvailable).toEqual([]);
  });
});
