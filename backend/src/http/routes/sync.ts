import { randomBytes } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ConnectMailboxResponse,
  ConnectProviderParams,
  DeadLetters,
  DeadLettersQuery,
  ErrorBody,
  MailboxIdParams,
  OAuthCallbackQuery,
  OAuthConfirmForm,
  SyncStatus,
} from '@steward/shared';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import {
  authorizationRequest,
  ConnectError,
  type ConnectOutcome,
  createMailboxConnector,
} from '../../accounts/connect.ts';
import { isAdmin } from '../../identity/admin.ts';
import { createSyncService, type SyncService } from '../../sync/service.ts';
import { HttpError } from '../errors.ts';
import { webhookRoutes } from './webhooks.ts';

declare module 'fastify' {
  interface FastifyInstance {
    sync: SyncService;
  }
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function page(body: string): string {
  return `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Steward</title><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;line-height:1.5">${body}</body>`;
}

function connectedPage(address: string): string {
  return page(
    `<p>Steward is now connected to ${escapeHtml(address)}. The last days of mail are being sorted; you can close this window.</p>`,
  );
}

function confirmPage(token: string, address: string, owner: { name: string | null; email: string | null }): string {
  const who = [owner.name ? escapeHtml(owner.name) : '', owner.email ? `&lt;${escapeHtml(owner.email)}&gt;` : '']
    .filter(Boolean)
    .join(' ');
  return page(`<h1 style="font-size:1.3rem">Connect ${escapeHtml(address)} to this Steward account?</h1>
<p>The Steward account that asked for this connection belongs to <strong>${who || 'an unnamed user'}</strong>. Connecting lets that account read and sort the mail of <strong>${escapeHtml(address)}</strong> and write drafts in it.</p>
<p>Continue only if you started connecting this mailbox yourself, from your own Steward add-in. If someone sent you a link, choose Cancel.</p>
<form method="post" action="/oauth/confirm"><input type="hidden" name="token" value="${escapeHtml(token)}">
<button name="decision" value="connect">Connect</button> <button name="decision" value="cancel">Cancel</button></form>`);
}

const isConfirmForm = Compile(OAuthConfirmForm);

/** Pages Steward serves to the browser during an OAuth handshake: never cached, never framed, no referrer. */
function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    );
}

/** The page a callback or confirmation ends on. */
function outcomePage(reply: FastifyReply, outcome: ConnectOutcome): FastifyReply {
  const html =
    outcome.kind === 'connected'
      ? connectedPage(outcome.address)
      : outcome.kind === 'confirm'
        ? confirmPage(outcome.token, outcome.address, outcome.owner)
        : page('<p>Nothing was connected. You can close this window.</p>');
  return pageHeaders(reply).send(html);
}

/** A connection that cannot go on leaves as the usual error body, with its status. */
async function answering(work: () => Promise<ConnectOutcome>): Promise<ConnectOutcome> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConnectError) throw new HttpError(error.status, error.code, error.message);
    throw error;
  }
}

/**
 * Mailbox sync at the root: the sync service (decorated as `app.sync`), provider webhooks, and the OAuth
 * callback and confirmation, which a browser reaches without the add-in's token (the flow and its login
 * CSRF guard are in accounts/connect.ts). The /v1 routes are in `syncApiRoutes`.
 */
export const syncPlugin = fp(async (fastify: FastifyInstance) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config, storage, ai, accounts, triage, drafting } = app.services;
  const sync = createSyncService({
    config,
    storage,
    ai,
    accounts,
    triage,
    drafting,
    // Today's meetings in the morning briefing draft.
    ...(app.services.calendars ? { calendars: app.services.calendars } : {}),
    log: app.log,
    reach: app.services.reach.hooks,
    ...(app.services.embedder ? { embedder: app.services.embedder } : {}),
  });
  app.decorate('sync', sync);
  app.addHook('onReady', async () => {
    if (!sync.canConnect('gmail') && !sync.canConnect('graph')) return;
    await sync.start();
    if (config.sync.worker) await sync.startWorkers();
  });
  app.addHook('onClose', async () => sync.stop());

  await app.register(async (scope) => webhookRoutes(scope, sync));

  const connector = createMailboxConnector({
    config,
    storage,
    cipher: sync.cipher,
    afterConnect: (mailbox) => sync.afterConnect(mailbox),
    log: app.log,
  });

  app.get(
    '/oauth/callback/:provider',
    { schema: { hide: true, params: ConnectProviderParams, querystring: OAuthCallbackQuery } },
    async (request, reply) =>
      outcomePage(reply, await answering(() => connector.callback(request.params.provider, request.query))),
  );

  // The confirmation form posts application/x-www-form-urlencoded; only this route parses it.
  await app.register(async (instance) => {
    const scope = instance.withTypeProvider<TypeBoxTypeProvider>();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    scope.post('/oauth/confirm', { schema: { hide: true } }, async (request, reply) => {
      const form: OAuthConfirmForm = isConfirmForm.Check(request.body) ? request.body : {};
      const token = form.token;
      if (typeof token !== 'string' || !token)
        throw new HttpError(400, 'invalid_confirmation', 'The confirmation form is incomplete.');
      return outcomePage(reply, await answering(() => connector.confirm(token, form.decision)));
    });
  });
});

/** The /v1 sync routes (registered inside the authenticated /v1 scope). */
export async function syncApiRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config } = app.services;
  const sync = app.sync;

  app.get(
    '/sync/status',
    {
      schema: {
        tags: ['sync'],
        summary: 'Connected mailboxes and their sync progress',
        description:
          'Backfill progress, messages processed, and whether a mailbox needs to be reconnected (`needs_reauth`).',
        response: { 200: SyncStatus },
      },
    },
    async (request) => ({ mailboxes: await request.store.mailboxes.syncStatus() }),
  );

  app.post(
    '/mailboxes/connect/:provider',
    {
      schema: {
        tags: ['sync'],
        summary: 'Start connecting a mailbox (OAuth authorization code with PKCE)',
        description:
          'Returns the provider URL to open in a browser window; the provider returns to /oauth/callback/{provider}. When the account signed in there is not provably the caller (another provider, another account), the browser is asked to confirm which Steward account the mailbox joins.',
        params: ConnectProviderParams,
        response: { 200: ConnectMailboxResponse, 503: ErrorBody },
      },
    },
    async (request) => {
      const { provider } = request.params;
      const kind = provider === 'google' ? 'gmail' : 'graph';
      if (!sync.canConnect(kind)) {
        throw new HttpError(
          503,
          'sync_not_configured',
          provider === 'google'
            ? 'Gmail sync needs GOOGLE_OAUTH_CLIENT_ID, GOOGLE_OAUTH_CLIENT_SECRET and TOKEN_ENCRYPTION_KEY.'
            : 'Microsoft 365 sync needs MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET and TOKEN_ENCRYPTION_KEY.',
        );
      }
      const state = randomBytes(24).toString('base64url');
      const { codeVerifier, authorizationUrl } = await authorizationRequest(
        config,
        provider,
        state,
        request.user?.identity.email,
      );
      await request.store.mailboxes.saveOAuthState(state, provider, codeVerifier);
      return { authorizationUrl };
    },
  );

  app.delete(
    '/mailboxes/:id',
    {
      schema: {
        tags: ['sync'],
        summary: 'Disconnect a mailbox',
        description:
          'Stops notifications, revokes the token where the provider allows it, and deletes the token and every sync record.',
        params: MailboxIdParams,
        response: { 204: Type.Null(), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const store = request.store.mailboxes;
      const mailbox = await store.get(id);
      if (!mailbox) throw new HttpError(404, 'not_found', 'No such mailbox.');
      await sync.disconnect(mailbox);
      await store.remove(id);
      await request.store.audit('mailbox.disconnected', { mailboxId: id, provider: mailbox.provider });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/admin/jobs',
    {
      schema: {
        tags: ['admin'],
        summary: 'Dead letters: background jobs that failed every retry',
        description:
          'Admins only: the local user, or an identity listed in ADMIN_IDENTITIES (Entra tenant and object id, or Google subject). Job data holds ids, never mail content.',
        querystring: DeadLettersQuery,
        response: { 200: DeadLetters, 403: ErrorBody },
      },
    },
    async (request) => {
      if (!isAdmin(config, request.user?.identity))
        throw new HttpError(403, 'forbidden', 'Only administrators can list jobs.');
      const limit = Math.min(500, Number(request.query.limit ?? 100));
      await sync.queue.start();
      return { engine: sync.queue.engine, deadLetters: await sync.queue.deadLetters(limit) };
    },
  );
}
