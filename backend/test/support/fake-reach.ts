/**
 * One local server playing Slack (incoming webhooks and the Web API's chat.postMessage), Microsoft Teams
 * (incoming webhook and Workflows), a newsletter's RFC 8058 unsubscribe endpoint, HubSpot's CRM API and
 * Salesforce's REST query API, with their real request and response shapes, and both CRMs' OAuth 2.0
 * authorization servers (HubSpot's install page and /oauth/v3/token; Salesforce's web server flow with PKCE
 * at /services/oauth2/authorize and /services/oauth2/token). Tests map the real https origins onto it
 * (`redirect`), so Steward's URL checks run against the real host names.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  origin: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json?: unknown;
}

export interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export const SLACK_BOT_TOKEN = 'xoxb-1111-2222-fakefakefake';
export const HUBSPOT_TOKEN = 'pat-eu1-11111111-2222-3333-4444-555555555555';
export const SALESFORCE_TOKEN = '00Dfake!AQ0AQFakeSalesforceAccessToken';

export const ORIGINS = [
  'https://hooks.slack.com',
  'https://slack.com',
  'https://contoso.webhook.office.com',
  'https://prod-01.westus.logic.azure.com',
  'https://news.example',
  'https://api.hubapi.com',
  'https://app.hubspot.com',
  'https://acme.my.salesforce.com',
  'https://login.salesforce.com',
] as const;

/** The OAuth apps the fake authorization servers know (HUBSPOT_/SALESFORCE_CLIENT_ID and _SECRET in tests). */
export const OAUTH_APPS = {
  hubspot: { clientId: 'hs-client-1111', clientSecret: 'hs-secret-2222' },
  salesforce: { clientId: '3MVG9fakeConsumerKey', clientSecret: 'sf-consumer-secret-3333' },
} as const;

interface IssuedCode {
  provider: 'hubspot' | 'salesforce';
  redirectUri: string;
  challenge?: string;
}

/** Codes, refresh tokens and live access tokens the fake authorization servers issued. */
class OAuthServers {
  codes = new Map<string, IssuedCode>();
  refresh = new Map<string, 'hubspot' | 'salesforce'>();
  access = new Map<string, 'hubspot' | 'salesforce'>();
  /** Salesforce names this instance in its token answers (tests change it to check the host rule). */
  instanceUrl = 'https://acme.my.salesforce.com';

  authorize(provider: 'hubspot' | 'salesforce', url: URL): ScriptedReply {
    const q = url.searchParams;
    const app = OAUTH_APPS[provider];
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== app.clientId || !redirectUri) return { status: 400, body: 'invalid client_id' };
    if (provider === 'salesforce' && q.get('response_type') !== 'code')
      return { status: 400, body: 'bad response_type' };
    const back = new URL(redirectUri);
    if (q.get('state')) back.searchParams.set('state', q.get('state') as string);
    if (q.get('deny') === '1') {
      back.searchParams.set('error', 'access_denied');
      return { status: 302, headers: { location: back.toString() }, body: '' };
    }
    const code = `${provider}-code-${randomBytes(6).toString('hex')}`;
    const challenge = q.get('code_challenge_method') === 'S256' ? (q.get('code_challenge') ?? undefined) : undefined;
    this.codes.set(code, { provider, redirectUri, ...(challenge ? { challenge } : {}) });
    back.searchParams.set('code', code);
    return { status: 302, headers: { location: back.toString() }, body: '' };
  }

  token(provider: 'hubspot' | 'salesforce', req: RecordedRequest): ScriptedReply {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return provider === 'hubspot'
        ? json(400, { status: 'BAD_REQUEST', message: 'form-encoded body expected' })
        : json(400, { error: 'invalid_request', error_description: 'form-encoded body expected' });
    const form = new URLSearchParams(req.body);
    const app = OAUTH_APPS[provider];
    const fail = (hubspot: string, salesforce: string) =>
      provider === 'hubspot'
        ? json(400, { status: hubspot, message: 'refused', correlationId: 'c0ffee' })
        : json(400, { error: salesforce, error_description: 'authentication failure' });
    if (form.get('client_id') !== app.clientId || form.get('client_secret') !== app.clientSecret)
      return fail('BAD_CLIENT_ID', 'invalid_client');
    const access = `${provider}-access-${randomBytes(6).toString('hex')}`;
    this.access.set(access, provider);
    if (form.get('grant_type') === 'authorization_code') {
      const issued = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      if (!issued || issued.provider !== provider || issued.redirectUri !== form.get('redirect_uri'))
        return fail('BAD_AUTH_CODE', 'invalid_grant');
      if (issued.challenge) {
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== issued.challenge)
          return fail('BAD_AUTH_CODE', 'invalid_grant');
      }
      const refresh = `${provider}-refresh-${randomBytes(6).toString('hex')}`;
      this.refresh.set(refresh, provider);
      return provider === 'hubspot'
        ? json(200, { token_type: 'bearer', refresh_token: refresh, access_token: access, expires_in: 1800 })
        : json(200, {
            access_token: access,
            refresh_token: refresh,
            signature: 'fakeSignature=',
            scope: 'refresh_token api',
            instance_url: this.instanceUrl,
            id: 'https://login.salesforce.com/id/00Dxx0000000001/005xx000000001',
            token_type: 'Bearer',
            issued_at: String(Date.now()),
          });
    }
    if (form.get('grant_type') === 'refresh_token') {
      if (this.refresh.get(form.get('refresh_token') ?? '') !== provider)
        return fail('BAD_REFRESH_TOKEN', 'invalid_grant');
      // HubSpot answers with the same refresh token; Salesforce with none (no rotation).
      return provider === 'hubspot'
        ? json(200, {
            token_type: 'bearer',
            refresh_token: form.get('refresh_token'),
            access_token: access,
            expires_in: 1800,
          })
        : json(200, {
            access_token: access,
            signature: 'fakeSignature=',
            scope: 'refresh_token api',
            instance_url: this.instanceUrl,
            id: 'https://login.salesforce.com/id/00Dxx0000000001/005xx000000001',
            token_type: 'Bearer',
            issued_at: String(Date.now()),
          });
    }
    return fail('BAD_GRANT_TYPE', 'unsupported_grant_type');
  }

  accepts(provider: 'hubspot' | 'salesforce', authorization: string | undefined): boolean {
    const token = (authorization ?? '').replace(/^Bearer /, '');
    return this.access.get(token) === provider;
  }
}

export interface FakeReach {
  base: string;
  /** For ReachOptions.redirect. */
  redirect: Record<string, string>;
  requests: RecordedRequest[];
  /** Replies used, in order, before the normal answer for paths starting with the prefix. */
  script(pathPrefix: string, replies: ScriptedReply[]): void;
  of(pathPrefix: string): RecordedRequest[];
  /** The fake HubSpot and Salesforce authorization servers. */
  oauth: OAuthServers;
  /** Every access token issued so far stops working (a lapsed or revoked session). */
  expireAccessTokens(): void;
  reset(): void;
  close(): Promise<void>;
}

const HUBSPOT_CONTACT = {
  id: '501',
  properties: {
    email: 'dana@acme.example',
    firstname: 'Dana',
    lastname: 'Smith',
    jobtitle: 'Head of Procurement',
    company: 'ACME Corp',
    hubspot_owner_id: '77',
    createdate: '2025-01-10T10:00:00.000Z',
    lastmodifieddate: '2026-02-01T10:00:00.000Z',
    hs_object_id: '501',
  },
  createdAt: '2025-01-10T10:00:00.000Z',
  updatedAt: '2026-02-01T10:00:00.000Z',
  archived: false,
};

function json(status: number, value: unknown): ScriptedReply {
  return { status, headers: { 'content-type': 'application/json;charset=utf-8' }, body: JSON.stringify(value) };
}

function answer(req: RecordedRequest, oauth: OAuthServers): ScriptedReply {
  const { path, method } = req;
  // OAuth: HubSpot's install page and token endpoint; Salesforce's (login.salesforce.com).
  const url = new URL(path, 'http://x');
  if (url.pathname === '/oauth/authorize' && method === 'GET') return oauth.authorize('hubspot', url);
  if (url.pathname === '/oauth/v3/token' && method === 'POST') return oauth.token('hubspot', req);
  if (url.pathname === '/services/oauth2/authorize' && method === 'GET') return oauth.authorize('salesforce', url);
  if (url.pathname === '/services/oauth2/token' && method === 'POST') return oauth.token('salesforce', req);
  // Slack incoming webhook: plain-text "ok", or "invalid_payload" / "no_service".
  if (path.startsWith('/services/') && !path.startsWith('/services/data/')) {
    const payload = req.json as { text?: string; blocks?: unknown[] } | undefined;
    if (!payload?.text && !payload?.blocks) return { status: 400, body: 'invalid_payload' };
    if (path.includes('/gone/')) return { status: 404, body: 'no_service' };
    return { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' };
  }
  if (path === '/api/chat.postMessage' && method === 'POST') {
    if (req.headers.authorization !== `Bearer ${SLACK_BOT_TOKEN}`)
      return json(200, { ok: false, error: 'invalid_auth' });
    const payload = req.json as { channel?: string } | undefined;
    if (!payload?.channel) return json(200, { ok: false, error: 'channel_not_found' });
    return json(200, { ok: true, channel: payload.channel, ts: '1712345678.000100', message: { type: 'message' } });
  }
  // Teams incoming webhook answers "1"; a Workflows trigger answers 202 with no body.
  if (path.startsWith('/webhookb2/')) return { status: 200, headers: { 'content-type': 'text/plain' }, body: '1' };
  if (path.startsWith('/workflows/')) return { status: 202, body: '' };
  // Newsletter one-click endpoint.
  if (path.startsWith('/unsubscribe')) {
    if (method !== 'POST') return { status: 405, body: 'POST only' };
    if (req.body !== 'List-Unsubscribe=One-Click') return { status: 400, body: 'bad body' };
    return { status: 200, body: 'You are unsubscribed' };
  }
  if (path.startsWith('/moved'))
    return { status: 302, headers: { location: 'https://news.example/landing' }, body: '' };
  // HubSpot.
  if (
    path.startsWith('/crm/') &&
    req.headers.authorization !== `Bearer ${HUBSPOT_TOKEN}` &&
    !oauth.accepts('hubspot', req.headers.authorization)
  ) {
    return json(401, {
      status: 'error',
      message: 'Authentication credentials not found.',
      category: 'INVALID_AUTHENTICATION',
    });
  }
  if (url.pathname === '/crm/v3/objects/contacts/search' && method === 'POST') {
    const body = req.json as { filterGroups?: Array<{ filters?: Array<{ value?: string }> }> };
    const email = body.filterGroups?.[0]?.filters?.[0]?.value;
    const results = email === 'dana@acme.example' ? [HUBSPOT_CONTACT] : [];
    return json(200, { total: results.length, results });
  }
  if (url.pathname === '/crm/v4/objects/contacts/501/associations/deals') {
    return json(200, {
      results: [
        { toObjectId: 9001, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 4, label: null }] },
        { toObjectId: 9002, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 4, label: null }] },
      ],
    });
  }
  if (url.pathname === '/crm/v3/objects/deals/batch/read' && method === 'POST') {
    return json(200, {
      status: 'COMPLETE',
      results: [
        {
          id: '9001',
          properties: {
            dealname: 'ACME renewal',
            dealstage: 'Negotiation',
            amount: '48000',
            closedate: '2026-04-30T00:00:00Z',
            hs_is_closed: 'false',
          },
          archived: false,
        },
        {
          id: '9002',
          properties: {
            dealname: 'ACME pilot',
            dealstage: 'closedwon',
            amount: '5000',
            closedate: '2025-06-30T00:00:00Z',
            hs_is_closed: 'true',
          },
          archived: false,
        },
      ],
      startedAt: '2026-03-01T10:00:00Z',
      completedAt: '2026-03-01T10:00:01Z',
    });
  }
  if (url.pathname === '/crm/v3/owners/77') {
    return json(200, {
      id: '77',
      email: 'olivia@steward.example',
      firstName: 'Olivia',
      lastName: 'Owner',
      archived: false,
    });
  }
  // Salesforce REST query.
  if (path.startsWith('/services/data/v60.0/query')) {
    if (
      req.headers.authorization !== `Bearer ${SALESFORCE_TOKEN}` &&
      !oauth.accepts('salesforce', req.headers.authorization)
    )
      return json(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const q = new URL(path, 'http://x').searchParams.get('q') ?? '';
    if (/FROM Contact/.test(q)) {
      const records = /'dana@acme\.example'/.test(q)
        ? [
            {
              attributes: { type: 'Contact', url: '/services/data/v60.0/sobjects/Contact/003xx' },
              Id: '003xx',
              Name: 'Dana Smith',
              Title: 'Head of Procurement',
              Email: 'dana@acme.example',
              AccountId: '001xx',
              Account: {
                attributes: { type: 'Account', url: '/services/data/v60.0/sobjects/Account/001xx' },
                Name: 'ACME Corp',
              },
              Owner: {
                attributes: { type: 'User', url: '/services/data/v60.0/sobjects/User/005xx' },
                Name: 'Olivia Owner',
              },
            },
          ]
        : [];
      return json(200, { totalSize: records.length, done: true, records });
    }
    if (/FROM Opportunity/.test(q)) {
      return json(200, {
        totalSize: 1,
        done: true,
        records: [
          {
            attributes: { type: 'Opportunity', url: '/services/data/v60.0/sobjects/Opportunity/006xx' },
            Name: 'ACME renewal',
            StageName: 'Negotiation/Review',
            Amount: 48000,
            CloseDate: '2026-04-30',
          },
        ],
      });
    }
  }
  return { status: 404, body: 'not found' };
}

export async function startFakeReach(): Promise<FakeReach> {
  const requests: RecordedRequest[] = [];
  const scripts = new Map<string, ScriptedReply[]>();
  let oauth = new OAuthServers();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let parsed: unknown;
      try {
        parsed = body ? JSON.parse(body) : undefined;
      } catch {
        parsed = undefined;
      }
      // Slack's Web API also takes form bodies (what @slack/web-api sends), `blocks` as a JSON string.
      if (
        parsed === undefined &&
        body &&
        String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') &&
        req.url?.startsWith('/api/')
      ) {
        const form: Record<string, unknown> = Object.fromEntries(new URLSearchParams(body));
        for (const key of ['blocks', 'attachments'])
          if (typeof form[key] === 'string') form[key] = JSON.parse(form[key] as string);
        parsed = form;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        origin: String(req.headers.host ?? ''),
        path: req.url ?? '/',
        headers: req.headers,
        body,
        ...(parsed !== undefined ? { json: parsed } : {}),
      };
      requests.push(recorded);
      let reply: ScriptedReply | undefined;
      for (const [prefix, queue] of scripts) {
        if (recorded.path.startsWith(prefix) && queue.length > 0) {
          reply = queue.shift();
          break;
        }
      }
      reply ??= answer(recorded, oauth);
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    redirect: Object.fromEntries(ORIGINS.map((o) => [o, base])),
    requests,
    script(prefix, replies) {
      scripts.set(prefix, [...(scripts.get(prefix) ?? []), ...replies]);
    },
    of(prefix) {
      return requests.filter((r) => r.path.startsWith(prefix));
    },
    get oauth() {
      return oauth;
    },
    expireAccessTokens() {
      oauth.access.clear();
    },
    reset() {
      requests.length = 0;
      scripts.clear();
      oauth = new OAuthServers();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
