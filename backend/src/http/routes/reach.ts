import { randomBytes } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AlertChannel,
  AlertChannelInput,
  AlertChannelList,
  AlertChannelPatch,
  AlertTestResult,
  CrmConnection,
  CrmConnectionInput,
  CrmConnectStart,
  CrmOAuthCallbackQuery,
  CrmProviderParams,
  ErrorBody,
  IdParams,
  InboxStats,
  SenderCategoryQuery,
  SenderList,
  StatsQuery,
  UnsubscribeRequest,
  UnsubscribeResult,
} from '@steward/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { isAdmin } from '../../identity/admin.ts';
import { AlertChannelError } from '../../reach/alerts.ts';
import { CrmError } from '../../reach/crm.ts';
import { authorizeUrl, crmRedirectUri, exchangeCode, oauthConfigured, pkcePair } from '../../reach/crm-oauth.ts';
import { listSenders, UnsubscribeRefused, unsubscribe } from '../../reach/senders.ts';
import { inboxStats } from '../../reach/stats.ts';
import { isUuid, takeOAuthState } from '../../storage/mailboxes.ts';
import { HttpError } from '../errors.ts';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The dashboard's answer, or that answer's JSON text when it comes from the cache (sent as is, not
 * serialised again). The schema is InboxStats's: what the client receives is the same either way.
 */
const InboxStatsReply = Type.Unsafe<InboxStats | string>(InboxStats);

function uuidOr404(id: string, what: string): string {
  if (!isUuid(id)) throw new HttpError(404, 'not_found', `No such ${what}.`);
  return id;
}

/** Senders and unsubscribe, the dashboard's numbers, alert channels, and the tenant's CRM connection. */
export async function reachRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { reach, config, storage } = app.services;

  app.get(
    '/senders',
    {
      schema: {
        tags: ['reach'],
        summary: 'Senders of my mail, newest first',
        description:
          '`?category=marketing` lists bulk senders with message counts, last-seen dates and how each can be left (from its own List-Unsubscribe header).',
        querystring: SenderCategoryQuery,
        response: { 200: SenderList, 400: ErrorBody },
      },
    },
    async (request) => {
      const { query } = request;
      return {
        senders: await listSenders(storage.db, request.store.scope, {
          category: query.category,
          limit: query.limit ? Number(query.limit) : undefined,
        }),
      };
    },
  );

  app.post(
    '/senders/:id/unsubscribe',
    {
      schema: {
        tags: ['reach'],
        summary: 'Unsubscribe from a bulk sender (the user clicked)',
        description:
          "RFC 8058 one-click when the sender offers it (an HTTPS POST, no redirect followed), else a mailto unsubscribe left as a draft for the user to send, else the web link to open. Only the sender's own List-Unsubscribe header is used, only for senders filed as marketing. Recorded in the audit log. Nothing is ever sent by mail.",
        params: IdParams,
        body: UnsubscribeRequest,
        response: { 200: UnsubscribeResult, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const id = uuidOr404(request.params.id, 'sender');
      const { body } = request;
      const scope = request.store.scope;
      try {
        return await unsubscribe(
          {
            db: storage.db,
            scope,
            outbound: reach.outbound,
            createDraft: async ({ mailboxId, messageId, to, subject, body: text }) => {
              const mailbox = await request.store.mailboxes.get(mailboxId);
              if (mailbox?.status !== 'active' || !app.sync.canConnect(mailbox.provider)) return undefined;
              const port = app.sync.portFor(mailbox);
              const message = await port.getMessage(messageId);
              if (!message) return undefined;
              return port.createReplyDraft(message, {
                to: [to],
                subject,
                text,
                html: `<p>${escapeHtml(text)}</p>`,
              });
            },
          },
          id,
          body.prefer,
        );
      } catch (error) {
        if (error instanceof UnsubscribeRefused)
          throw new HttpError(error.code === 'not_found' ? 404 : 409, error.code, error.message);
        throw error;
      }
    },
  );

  app.get(
    '/stats',
    {
      schema: {
        tags: ['reach'],
        summary: 'My inbox in numbers (the dashboard)',
        description:
          "Mail per category per day, replies sent and median time to reply, awaiting-reply ageing, drafts used vs discarded, model calls and cost, over the last `days` days, in the user's time zone. Answers are cached for STATS_CACHE_SECONDS (default 60).",
        querystring: StatsQuery,
        response: { 200: InboxStatsReply, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const days = Number(request.query.days ?? 30);
      if (days > 365) throw new HttpError(400, 'invalid_query', 'days is at most 365.');
      const scope = request.store.scope;
      const body = await reach.stats.get({ userId: scope.userId, days }, async () =>
        JSON.stringify(
          await inboxStats(storage.db, scope, { days, timeZone: (await request.store.settings()).timeZone }),
        ),
      );
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  const channelError = (error: unknown): never => {
    if (error instanceof AlertChannelError)
      throw new HttpError(error.code === 'alerts_not_configured' ? 503 : 400, error.code, error.message);
    throw error;
  };

  app.get(
    '/alerts/channels',
    {
      schema: {
        tags: ['reach'],
        summary: 'My Slack and Teams alert channels',
        response: { 200: AlertChannelList },
      },
    },
    async (request) => ({ channels: await reach.alerts.list(request.store.scope) }),
  );

  app.post(
    '/alerts/channels',
    {
      schema: {
        tags: ['reach'],
        summary: 'Add a Slack or Teams alert channel',
        description:
          'A Slack incoming webhook (hooks.slack.com) or bot token and channel, or a Teams incoming-webhook or Workflows URL. Secrets are sealed and never shown again. Notices carry sender, subject, summary and a link, never the body.',
        body: AlertChannelInput,
        response: { 201: AlertChannel, 400: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      try {
        const channel = await reach.alerts.create(request.store.scope, request.body);
        return reply.status(201).send(channel);
      } catch (error) {
        return channelError(error);
      }
    },
  );

  app.patch(
    '/alerts/channels/:id',
    {
      schema: {
        tags: ['reach'],
        summary: "Change an alert channel's name, rules, quiet hours or hourly limit",
        description:
          'Any of `name`, `rules`, `quietHours` (null for none) and `maxPerHour`. Where it posts (the sealed webhook or token) is not changed: remove the channel and add it again.',
        params: IdParams,
        body: AlertChannelPatch,
        response: { 200: AlertChannel, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const id = uuidOr404(request.params.id, 'alert channel');
      const channel = await reach.alerts.update(request.store.scope, id, request.body);
      if (!channel) throw new HttpError(404, 'not_found', 'No such alert channel.');
      return channel;
    },
  );

  app.delete(
    '/alerts/channels/:id',
    {
      schema: {
        tags: ['reach'],
        summary: 'Remove an alert channel',
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const id = uuidOr404(request.params.id, 'alert channel');
      if (!(await reach.alerts.remove(request.store.scope, id)))
        throw new HttpError(404, 'not_found', 'No such alert channel.');
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/alerts/channels/:id/test',
    {
      schema: {
        tags: ['reach'],
        summary: 'Send a test alert',
        params: IdParams,
        response: { 200: AlertTestResult, 404: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const id = uuidOr404(request.params.id, 'alert channel');
      try {
        const result = await reach.alerts.test(request.store.scope, id);
        if (!result) throw new HttpError(404, 'not_found', 'No such alert channel.');
        return result;
      } catch (error) {
        return channelError(error);
      }
    },
  );

  const admin = (request: FastifyRequest) => {
    if (!isAdmin(config, request.user?.identity))
      throw new HttpError(403, 'forbidden', "Only an administrator can change the organisation's CRM connection.");
    return request.store.scope;
  };
  const crmError = (error: unknown): never => {
    if (error instanceof CrmError)
      throw new HttpError(error.code === 'crm_not_configured' ? 503 : 400, error.code, error.message);
    throw error;
  };

  app.get(
    '/admin/crm',
    {
      schema: {
        tags: ['admin'],
        summary: "The organisation's CRM connection (admins)",
        response: { 200: CrmConnection, 403: ErrorBody },
      },
    },
    async (request) => reach.crm.status(admin(request).tenantId),
  );

  app.put(
    '/admin/crm',
    {
      schema: {
        tags: ['admin'],
        summary: 'Connect HubSpot or Salesforce for CRM context (admins)',
        description:
          'Read-only: Steward only looks up contacts, companies, owners and open deals or opportunities; grant read scopes only. The token is sealed; lookups are cached per sender for ttlMinutes.',
        body: CrmConnectionInput,
        response: { 200: CrmConnection, 400: ErrorBody, 403: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const scope = admin(request);
      try {
        return await reach.crm.connect(scope.tenantId, scope.userId, request.body);
      } catch (error) {
        return crmError(error);
      }
    },
  );

  app.post(
    '/admin/crm/connect/:provider',
    {
      schema: {
        tags: ['admin'],
        summary: 'Start connecting HubSpot or Salesforce with OAuth (admins)',
        description:
          "Returns the CRM's consent page to open in a browser window; the CRM returns to /oauth/crm/callback/{provider}, which stores the tokens (sealed) and renews the access token with the refresh token from then on. HubSpot is asked for read scopes only. Needs HUBSPOT_CLIENT_ID/SECRET or SALESFORCE_CLIENT_ID/SECRET.",
        params: CrmProviderParams,
        response: { 200: CrmConnectStart, 403: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      admin(request);
      const { provider } = request.params;
      if (!oauthConfigured(config.reach, provider))
        throw new HttpError(
          503,
          'crm_oauth_not_configured',
          `No ${provider} OAuth app is configured (set ${provider.toUpperCase()}_CLIENT_ID and ${provider.toUpperCase()}_CLIENT_SECRET).`,
        );
      if (!config.tokenEncryptionKey)
        throw new HttpError(
          503,
          'crm_not_configured',
          'TOKEN_ENCRYPTION_KEY is not set, so a CRM token cannot be stored.',
        );
      const state = randomBytes(24).toString('base64url');
      const { verifier, challenge } = pkcePair();
      await request.store.mailboxes.saveOAuthState(state, `crm:${provider}`, verifier);
      return {
        url: authorizeUrl(config.reach, provider, crmRedirectUri(config.publicUrl, provider), state, challenge),
      };
    },
  );

  app.delete(
    '/admin/crm',
    {
      schema: {
        tags: ['admin'],
        summary: 'Disconnect the CRM (admins)',
        response: { 204: Type.Null(), 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const scope = admin(request);
      if (!(await reach.crm.disconnect(scope.tenantId, scope.userId)))
        throw new HttpError(404, 'not_found', 'No CRM is connected.');
      return reply.status(204).send(null);
    },
  );
}

const pageOf = (reply: FastifyReply, status: number, text: string) =>
  reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    .send(
      `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Steward</title><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;line-height:1.5"><p>${escapeHtml(text)}</p></body>`,
    );

/**
 * Where HubSpot and Salesforce send the admin's browser back (outside /v1: no bearer token comes with it;
 * the one-time state, saved by the admin's own connect call, is what ties the code to the tenant).
 */
export async function crmOAuthCallbackRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { reach, config, storage } = app.services;
  app.get(
    '/oauth/crm/callback/:provider',
    {
      schema: {
        hide: true,
        params: CrmProviderParams,
        querystring: CrmOAuthCallbackQuery,
      },
    },
    async (request, reply) => {
      const { provider } = request.params;
      const { query } = request;
      if (typeof query.state !== 'string' || !query.state)
        return pageOf(reply, 400, 'This link is incomplete; start connecting the CRM again from Steward.');
      const pending = await takeOAuthState(storage.db, query.state);
      if (!pending || pending.provider !== `crm:${provider}`)
        return pageOf(reply, 400, 'This sign-in link has expired or was already used; start connecting again.');
      if (query.error !== undefined || typeof query.code !== 'string' || !query.code)
        return pageOf(reply, 400, 'The CRM was not connected: consent was not given.');
      try {
        const tokens = await exchangeCode(
          config.reach,
          provider,
          {
            code: query.code,
            redirectUri: crmRedirectUri(config.publicUrl, provider),
            codeVerifier: pending.codeVerifier,
          },
          reach.outbound,
        );
        await reach.crm.connectOAuth(pending.tenantId, pending.userId, provider, tokens);
      } catch (error) {
        request.log.warn({ err: { message: (error as Error).message.slice(0, 200) }, provider }, 'CRM OAuth failed');
        if (error instanceof CrmError && error.code === 'crm_not_configured')
          return pageOf(reply, 503, 'TOKEN_ENCRYPTION_KEY is not set, so the CRM cannot be connected.');
        return pageOf(reply, 502, 'The CRM did not accept the sign-in; start connecting again.');
      }
      const name = provider === 'hubspot' ? 'HubSpot' : 'Salesforce';
      return pageOf(
        reply,
        200,
        `${name} is connected: Steward will look up senders there (read-only). You can close this window.`,
      );
    },
  );
}
