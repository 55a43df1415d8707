/**
 * CRM context: who a sender is in the tenant's CRM (contact, company, owner, open deals or opportunities).
 * A context port with HubSpot (@hubspot/api-client: CRM v3/v4, private-app or OAuth token) and Salesforce
 * (jsforce: REST query API, OAuth access token) adapters. Read-only: only GET and HubSpot's read-only search
 * and batch-read POSTs are made, and the documented scopes are read scopes. Off until a tenant admin connects it; the token is
 * sealed with TOKEN_ENCRYPTION_KEY. Lookups are cached per tenant and sender for the TTL (in memory and in
 * crm_cache, negative answers too), so a sender costs at most one lookup per TTL, and concurrent lookups
 * of one sender share one call.
 */
import https from 'node:https';
import { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import type { CrmConnection, CrmConnectionInput, CrmContext } from '@steward/shared';
import type { Connection } from 'jsforce';
import type { Kysely } from 'kysely';
import type { TokenCipher } from '../accounts/crypto.ts';
import type { ReachConfig } from '../config.ts';
import { publicOnlyLookup } from '../scheduling/calendar/feed-fetch.ts';
import { crmStore } from '../storage/crm.ts';
import type { Database } from '../storage/schema.ts';
import { type CrmOAuthTokens, type CrmProvider, oauthConfigured, refreshTokens } from './crm-oauth.ts';
import { checkOutboundUrl, type OutboundOptions, OutboundUrlError } from './http.ts';

export class CrmError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CrmError';
  }
}

export interface CrmPort {
  lookup(email: string): Promise<CrmContext | undefined>;
}

/** Where a port's bearer token comes from: a fixed token, or OAuth tokens that renew themselves. */
export interface CrmAuth {
  token(): Promise<string>;
  /** A fresh token after a 401 (OAuth connections); absent for pasted tokens. */
  renew?(): Promise<string>;
}

const fixed = (token: string | CrmAuth): CrmAuth => (typeof token === 'string' ? { token: async () => token } : token);

/** HubSpot's error for a call: the HTTP status the SDK saw (ApiException.code), else undefined. */
function hubSpotStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'number' ? code : undefined;
}

/** A bounded wait: the SDK sets no timeout of its own, and a lookup must not hold triage up. */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CrmError('crm_failed', 'the CRM did not answer in time')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * HubSpot through its own client (@hubspot/api-client): contact search by email, its deals (v4
 * associations, batch read), the owner. Requests go to api.hubapi.com through an agent that only connects
 * to public addresses; tests map the origin to a local fake with the real shapes.
 */
export function hubSpotPort(
  token: string | CrmAuth,
  options: { baseUrl?: string; outbound?: OutboundOptions; timeoutMs?: number } = {},
): CrmPort {
  const origin = (options.baseUrl ?? 'https://api.hubapi.com').replace(/\/+$/, '');
  const local = options.outbound?.redirect?.[origin];
  const auth = fixed(token);
  const timeoutMs = options.timeoutMs ?? 5_000;
  let client: Client | undefined;
  const clientFor = (accessToken: string) => {
    if (!client) {
      checkOutboundUrl(origin, options.outbound?.redirect);
      client = new Client({
        accessToken,
        basePath: local ? local.replace(/\/+$/, '') : origin,
        ...(local ? {} : { httpAgent: new https.Agent({ lookup: publicOnlyLookup }) }),
        numberOfApiCallRetries: 0,
      });
    } else {
      client.setAccessToken(accessToken);
    }
    return client;
  };
  /** One SDK call: a 401 renews an OAuth token once; 404 is "nothing"; other failures are CrmErrors. */
  async function call<T>(work: (hubspot: Client) => Promise<T>): Promise<T | undefined> {
    const attempt = async (accessToken: string) => within(work(clientFor(accessToken)), timeoutMs);
    try {
      try {
        return await attempt(await auth.token());
      } catch (error) {
        if (hubSpotStatus(error) === 401 && auth.renew) return await attempt(await auth.renew());
        throw error;
      }
    } catch (error) {
      const status = hubSpotStatus(error);
      if (status === 404) return undefined;
      if (status === 401 || status === 403)
        throw new CrmError('crm_unauthorized', `the CRM refused the token (${status})`);
      if (error instanceof CrmError || error instanceof OutboundUrlError) throw error;
      throw new CrmError('crm_failed', status ? `the CRM answered ${status}` : 'the CRM could not be reached');
    }
  }
  return {
    async lookup(email) {
      const found = await call((hubspot) =>
        hubspot.crm.contacts.searchApi.doSearch({
          filterGroups: [{ filters: [{ propertyName: 'email', operator: FilterOperatorEnum.Eq, value: email }] }],
          properties: ['email', 'firstname', 'lastname', 'jobtitle', 'company', 'hubspot_owner_id'],
          limit: 1,
        }),
      );
      const contact = found?.results?.[0];
      if (!contact) return undefined;
      const p = contact.properties;
      const ownerId = Number(p.hubspot_owner_id);
      const [associations, owner] = await Promise.all([
        call((hubspot) => hubspot.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'deals', undefined, 20)),
        Number.isInteger(ownerId) && ownerId > 0
          ? call((hubspot) => hubspot.crm.owners.ownersApi.getById(ownerId))
          : Promise.resolve(undefined),
      ]);
      const ids = (associations?.results ?? []).map((a) => String(a.toObjectId)).slice(0, 20);
      let deals: CrmContext['deals'] = [];
      if (ids.length > 0) {
        const batch = await call((hubspot) =>
          hubspot.crm.deals.batchApi.read({
            properties: ['dealname', 'dealstage', 'amount', 'closedate', 'hs_is_closed'],
            propertiesWithHistory: [],
            inputs: ids.map((id) => ({ id })),
          }),
        );
        deals = (batch?.results ?? [])
          .filter((d) => d.properties.hs_is_closed !== 'true')
          .map((d) => ({
            name: d.properties.dealname ?? 'deal',
            stage: d.properties.dealstage ?? 'unknown',
            ...(d.properties.amount && Number.isFinite(Number(d.properties.amount))
              ? { amount: Number(d.properties.amount) }
              : {}),
            ...(d.properties.closedate ? { closeDate: d.properties.closedate.slice(0, 10) } : {}),
          }));
      }
      const name = [p.firstname, p.lastname].filter(Boolean).join(' ');
      const ownerName = owner ? [owner.firstName, owner.lastName].filter(Boolean).join(' ') || owner.email : undefined;
      return {
        contact: { email, ...(name ? { name } : {}), ...(p.jobtitle ? { title: p.jobtitle } : {}) },
        ...(p.company ? { company: p.company } : {}),
        ...(ownerName ? { owner: ownerName } : {}),
        deals,
      };
    },
  };
}

/** SOQL string literal: backslash and quote escaped (the REST query API's rules). */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

type SalesforceContact = {
  Name?: string;
  Title?: string | null;
  Email?: string;
  AccountId?: string | null;
  Account?: { Name?: string } | null;
  Owner?: { Name?: string } | null;
};

/**
 * Salesforce through jsforce (REST query API v60.0): the contact by email (with account and owner), then
 * the account's open opportunities. Only GET queries are made. The instance must be on a Salesforce host
 * (checked when it is stored) and redirects are not followed (jsforce asks for none); an OAuth connection's
 * access token is renewed by jsforce's session refresh on 401 INVALID_SESSION_ID, through `auth.renew`.
 */
export function salesforcePort(
  token: string | CrmAuth,
  instanceUrl: string,
  options: { outbound?: OutboundOptions; timeoutMs?: number } = {},
): CrmPort {
  const checked = checkOutboundUrl(instanceUrl, options.outbound?.redirect);
  const local = options.outbound?.redirect?.[checked.origin];
  const auth = fixed(token);
  const timeoutMs = options.timeoutMs ?? 5_000;
  let connection: Connection | undefined;
  const connect = async () => {
    const accessToken = await auth.token();
    if (!connection) {
      const renew = auth.renew;
      // Loaded on the first Salesforce lookup only: jsforce is large, and most servers never connect it.
      const { Connection: SalesforceConnection } = await import('jsforce');
      connection = new SalesforceConnection({
        instanceUrl: local ? local.replace(/\/+$/, '') : checked.origin,
        accessToken,
        version: '60.0',
        ...(renew
          ? {
              refreshFn: (_conn, callback) => {
                renew().then(
                  (fresh) => callback(null, fresh),
                  (error: Error) => callback(error),
                );
              },
            }
          : {}),
      });
    } else if (connection.accessToken !== accessToken) {
      connection.accessToken = accessToken;
    }
    return connection;
  };
  async function query<T extends Record<string, unknown>>(soql: string): Promise<T[]> {
    try {
      const conn = await connect();
      const result = await within(Promise.resolve(conn.query<T>(soql)), timeoutMs);
      return result.records ?? [];
    } catch (error) {
      if (error instanceof CrmError || error instanceof OutboundUrlError) throw error;
      const code = (error as { errorCode?: unknown }).errorCode;
      if (code === 'INVALID_SESSION_ID' || code === 'INVALID_AUTH_HEADER' || code === 'ERROR_HTTP_401')
        throw new CrmError('crm_unauthorized', 'the CRM refused the token (401)');
      throw new CrmError('crm_failed', `the CRM query failed${typeof code === 'string' ? ` (${code})` : ''}`);
    }
  }
  return {
    async lookup(email) {
      const [contact] = await query<SalesforceContact>(
        `SELECT Id, Name, Title, Email, AccountId, Account.Name, Owner.Name FROM Contact WHERE Email = ${soqlString(email)} LIMIT 1`,
      );
      if (!contact) return undefined;
      let deals: CrmContext['deals'] = [];
      if (contact.AccountId) {
        const opportunities = await query<{
          Name?: string;
          StageName?: string;
          Amount?: number | null;
          CloseDate?: string;
        }>(
          `SELECT Name, StageName, Amount, CloseDate FROM Opportunity WHERE AccountId = ${soqlString(contact.AccountId)} AND IsClosed = false ORDER BY CloseDate LIMIT 5`,
        );
        deals = opportunities.map((o) => ({
          name: o.Name ?? 'opportunity',
          stage: o.StageName ?? 'unknown',
          ...(typeof o.Amount === 'number' ? { amount: o.Amount } : {}),
          ...(o.CloseDate ? { closeDate: o.CloseDate } : {}),
        }));
      }
      return {
        contact: {
          email,
          ...(contact.Name ? { name: contact.Name } : {}),
          ...(contact.Title ? { title: contact.Title } : {}),
        },
        ...(contact.Account?.Name ? { company: contact.Account.Name } : {}),
        ...(contact.Owner?.Name ? { owner: contact.Owner.Name } : {}),
        deals,
      };
    },
  };
}

export interface CrmDeps {
  db: Kysely<Database>;
  cipher?: TokenCipher;
  outbound?: OutboundOptions;
  now?: () => number;
  log?: { warn(obj: object, msg: string): void };
  /** The OAuth apps' client ids and secrets, for renewing OAuth connections' access tokens. */
  oauth?: ReachConfig;
}

/** The AAD of a tenant's sealed CRM token. */
export const crmTokenContext = (tenantId: string, provider: string) => `steward-crm-token|${tenantId}|${provider}`;
const CONNECTION_MEMO_MS = 30_000;

/** Salesforce instance hosts; anything else is refused before the token is stored. */
const SALESFORCE_HOST = /(^|\.)(my\.salesforce\.com|salesforce\.com|force\.com|cloudforce\.com)$/;

/** An https URL on a Salesforce host. */
export function isSalesforceUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (
      url.protocol === 'https:' && !url.username && !url.password && SALESFORCE_HOST.test(url.hostname.toLowerCase())
    );
  } catch {
    return false;
  }
}

export function createCrm(deps: CrmDeps) {
  const store = crmStore(deps.db);
  const now = deps.now ?? Date.now;
  const memory = new Map<string, { context: CrmContext | undefined; expires: number }>();
  const inflight = new Map<string, Promise<CrmContext | undefined>>();
  const connections = new Map<string, { port: CrmPort | undefined; ttlMs: number; until: number }>();

  /**
   * OAuth tokens that renew themselves: before they lapse (HubSpot says when) or after a 401 (Salesforce
   * does not), one refresh at a time per tenant; the new tokens are sealed back into the row.
   */
  function oauthAuth(
    row: { tenant_id: string; provider: CrmProvider; key_version: string },
    initial: CrmOAuthTokens,
  ): CrmAuth {
    let tokens = initial;
    let renewing: Promise<string> | undefined;
    const renew = () => {
      renewing ??= (async () => {
        if (!deps.oauth || !deps.cipher)
          throw new CrmError('crm_unauthorized', 'the CRM token lapsed and no OAuth app is configured to renew it');
        const next = await refreshTokens(deps.oauth, row.provider, tokens, deps.outbound, now());
        // Salesforce names the instance again; a changed one is kept only if it is still a Salesforce host.
        if (next.instanceUrl && next.instanceUrl !== tokens.instanceUrl && !isSalesforceUrl(next.instanceUrl))
          next.instanceUrl = tokens.instanceUrl;
        tokens = next;
        const sealed = deps.cipher.seal(JSON.stringify(tokens), crmTokenContext(row.tenant_id, row.provider));
        await store.saveOAuthTokens(row.tenant_id, sealed);
        return tokens.accessToken;
      })().finally(() => {
        renewing = undefined;
      });
      return renewing;
    };
    return {
      token: async () => (tokens.expiresAt !== undefined && tokens.expiresAt <= now() ? renew() : tokens.accessToken),
      renew,
    };
  }

  /** Seals and stores a connection (replacing the tenant's previous one and its cache), audited. */
  async function save(
    tenantId: string,
    userId: string,
    input: {
      provider: CrmProvider;
      instanceUrl: string | null;
      secret: string;
      auth: 'token' | 'oauth';
      ttlMinutes: number;
    },
  ): Promise<void> {
    if (!deps.cipher) throw new CrmError('crm_not_configured', 'TOKEN_ENCRYPTION_KEY is not set.');
    const sealed = deps.cipher.seal(input.secret, crmTokenContext(tenantId, input.provider));
    await store.connect(tenantId, userId, {
      provider: input.provider,
      instanceUrl: input.instanceUrl,
      sealed,
      ttlMinutes: input.ttlMinutes,
      auth: input.auth,
    });
    connections.delete(tenantId);
    for (const key of memory.keys()) if (key.startsWith(`${tenantId}|`)) memory.delete(key);
  }

  async function portOf(tenantId: string): Promise<{ port: CrmPort | undefined; ttlMs: number }> {
    const memo = connections.get(tenantId);
    if (memo && memo.until > now()) return memo;
    const row = await store.connection(tenantId);
    let port: CrmPort | undefined;
    if (row && deps.cipher) {
      try {
        const token = deps.cipher.open(
          { ciphertext: row.token_ciphertext, iv: row.token_iv, tag: row.token_tag, keyVersion: row.key_version },
          crmTokenContext(tenantId, row.provider),
        );
        const auth: string | CrmAuth =
          row.auth === 'oauth' ? oauthAuth(row, JSON.parse(token) as CrmOAuthTokens) : token;
        port =
          row.provider === 'hubspot'
            ? hubSpotPort(auth, { outbound: deps.outbound })
            : salesforcePort(auth, row.instance_url ?? '', { outbound: deps.outbound });
      } catch (error) {
        deps.log?.warn({ err: { message: (error as Error).message } }, 'the CRM token cannot be opened');
      }
    }
    const entry = { port, ttlMs: (row?.ttl_minutes ?? 60) * 60_000, until: now() + CONNECTION_MEMO_MS };
    connections.set(tenantId, entry);
    return entry;
  }

  return {
    async status(tenantId: string): Promise<CrmConnection> {
      const row = await store.connection(tenantId);
      return {
        connected: row !== undefined,
        provider: row?.provider ?? null,
        instanceUrl: row?.instance_url ?? null,
        ttlMinutes: row?.ttl_minutes ?? 60,
        connectedAt: row ? new Date(row.created_at).toISOString() : null,
        auth: row?.auth ?? null,
        oauthAvailable: (['hubspot', 'salesforce'] as const).filter(
          (p) => deps.oauth && oauthConfigured(deps.oauth, p),
        ),
      };
    },

    async connect(tenantId: string, userId: string, input: CrmConnectionInput): Promise<CrmConnection> {
      if (!deps.cipher)
        throw new CrmError('crm_not_configured', 'TOKEN_ENCRYPTION_KEY is not set, so a CRM token cannot be stored.');
      let instanceUrl: string | null = null;
      if (input.provider === 'salesforce') {
        if (!input.instanceUrl) throw new CrmError('invalid_body', 'Salesforce needs instanceUrl.');
        let url: URL;
        try {
          url = checkOutboundUrl(input.instanceUrl, deps.outbound?.redirect);
        } catch (error) {
          if (error instanceof OutboundUrlError) throw new CrmError('invalid_url', `instanceUrl: ${error.message}.`);
          throw error;
        }
        if (!SALESFORCE_HOST.test(url.hostname.toLowerCase()))
          throw new CrmError('invalid_url', 'instanceUrl: a Salesforce instance is on my.salesforce.com or force.com.');
        instanceUrl = url.origin;
      } else if (input.instanceUrl) {
        throw new CrmError('invalid_body', 'instanceUrl is only for Salesforce.');
      }
      await save(tenantId, userId, {
        provider: input.provider,
        instanceUrl,
        secret: input.token,
        auth: 'token',
        ttlMinutes: input.ttlMinutes ?? 60,
      });
      return this.status(tenantId);
    },

    /** Stores the tokens an admin's OAuth consent gave (the callback of the connect flow). */
    async connectOAuth(
      tenantId: string,
      userId: string,
      provider: CrmProvider,
      tokens: CrmOAuthTokens,
      ttlMinutes = 60,
    ): Promise<CrmConnection> {
      if (!deps.cipher)
        throw new CrmError('crm_not_configured', 'TOKEN_ENCRYPTION_KEY is not set, so a CRM token cannot be stored.');
      let instanceUrl: string | null = null;
      if (provider === 'salesforce') {
        if (!tokens.instanceUrl || !isSalesforceUrl(tokens.instanceUrl))
          throw new CrmError('crm_oauth_failed', 'Salesforce named no instance on my.salesforce.com or force.com.');
        instanceUrl = new URL(tokens.instanceUrl).origin;
      }
      await save(tenantId, userId, {
        provider,
        instanceUrl,
        secret: JSON.stringify(tokens),
        auth: 'oauth',
        ttlMinutes,
      });
      return this.status(tenantId);
    },

    async disconnect(tenantId: string, userId: string): Promise<boolean> {
      const removed = await store.disconnect(tenantId, userId);
      connections.delete(tenantId);
      for (const key of memory.keys()) if (key.startsWith(`${tenantId}|`)) memory.delete(key);
      return removed;
    },

    /** The sender's CRM context, or undefined (not connected, unknown sender, or the CRM failed). Never throws. */
    async contextFor(tenantId: string, sender: string): Promise<CrmContext | undefined> {
      const email = sender.trim().toLowerCase();
      if (!email.includes('@')) return undefined;
      const key = `${tenantId}|${email}`;
      const cached = memory.get(key);
      if (cached && cached.expires > now()) return cached.context;
      const pending = inflight.get(key);
      if (pending) return pending;
      const work = (async () => {
        try {
          const { port, ttlMs } = await portOf(tenantId);
          if (!port) return undefined;
          const stored = await store.cached(tenantId, email);
          if (stored && stored.fetchedAt.getTime() + ttlMs > now()) {
            memory.set(key, { context: stored.context, expires: stored.fetchedAt.getTime() + ttlMs });
            return stored.context;
          }
          let context: CrmContext | undefined;
          try {
            context = await port.lookup(email);
          } catch (error) {
            deps.log?.warn({ err: { message: (error as Error).message } }, 'CRM lookup failed');
            // A failure is remembered briefly, so a CRM that is down is not asked for every message.
            memory.set(key, { context: undefined, expires: now() + Math.min(ttlMs, 60_000) });
            return undefined;
          }
          const fetchedAt = new Date(now());
          await store.cache(tenantId, email, context, fetchedAt);
          memory.set(key, { context, expires: fetchedAt.getTime() + ttlMs });
          if (memory.size > 50_000) memory.delete(memory.keys().next().value as string);
          return context;
        } catch (error) {
          deps.log?.warn({ err: { message: (error as Error).message } }, 'CRM context unavailable');
          return undefined;
        } finally {
          inflight.delete(key);
        }
      })();
      inflight.set(key, work);
      return work;
    },
  };
}

export type Crm = ReturnType<typeof createCrm>;
