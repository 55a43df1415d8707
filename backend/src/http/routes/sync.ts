import { createHash, randomBytes } from 'node:crypto';
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
import { CodeChallengeMethod } from 'google-auth-library';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { type SealedSecret, tokenContext } from '../../accounts/crypto.ts';
import { googleClient, idTokenClaims, microsoftClient } from '../../accounts/oauth.ts';
import { GMAIL_SCOPES, GRAPH_SCOPES } from '../../accounts/scopes.ts';
import { identityKey, isAdmin } from '../../identity/admin.ts';
import { takeOAuthState, takePendingConnection } from '../../storage/mailboxes.ts';
import type { UserScope } from '../../storage/user-scope.ts';
import { userStore } from '../../storage/users.ts';
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

const PENDING_MS = 10 * 60_000;
const confirmHandle = (token: string) => `confirm:${createHash('sha256').update(token).digest('hex')}`;

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

/**
 * Mailbox sync at the root: the sync service (decorated as `app.sync`), provider webhooks, and the OAuth
 * callback and confirmation, which a browser reaches without the add-in's token. The /v1 routes are in
 * `syncApiRoutes`.
 *
 * Login CSRF (issue 12): the `state` is unguessable, but a user could send their own authorization link to
 * someone else, whose mailbox would then land in the sender's account. So the consented account must be
 * provably the user who started (same Google subject, or same Entra tenant and object id); any other
 * account (or a user connecting a mailbox of another provider) confirms in its browser, on a page naming
 * the Steward account it would be attached to.
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

  const attach = async (scope: UserScope, kind: 'gmail' | 'graph', address: string, sealed: SealedSecret) => {
    const store = userStore(storage.db, scope);
    const mailbox = await store.mailboxes.connect(kind, address, sealed);
    await store.audit('mailbox.connected', { mailboxId: mailbox.id, provider: kind });
    await sync.afterConnect(mailbox);
  };

  app.get(
    '/oauth/callback/:provider',
    { schema: { hide: true, params: ConnectProviderParams, querystring: OAuthCallbackQuery } },
    async (request, reply) => {
      const { provider } = request.params;
      const query = request.query;
      if (query.error)
        throw new HttpError(
          400,
          'consent_refused',
          'The mailbox was not connected: the provider reported that consent was not given.',
        );
      if (typeof query.code !== 'string' || typeof query.state !== 'string')
        throw new HttpError(400, 'invalid_callback', 'The callback needs code and state.');
      const pending = await takeOAuthState(storage.db, query.state);
      if (!pending || pending.provider !== provider)
        throw new HttpError(
          400,
          'invalid_state',
          'This sign-in link has expired or was already used; start connecting again.',
        );
      if (!sync.cipher) throw new HttpError(503, 'sync_not_configured', 'TOKEN_ENCRYPTION_KEY is not set.');
      let refreshToken: string | undefined;
      let address: string | undefined;
      /** The consented account's immutable id, as `identityKey` writes a Steward user's. */
      let accountKey: string | undefined;
      try {
        if (provider === 'google') {
          const { tokens } = await googleClient(config).getToken({
            code: query.code,
            codeVerifier: pending.codeVerifier,
          });
          refreshToken = tokens.refresh_token ?? undefined;
          const claims = idTokenClaims(tokens.id_token);
          if (typeof claims.email === 'string' && claims.email_verified !== false) address = claims.email.toLowerCase();
          if (typeof claims.sub === 'string') accountKey = `google:${claims.sub}`;
        } else {
          const client = microsoftClient(config);
          const result = await client.acquireTokenByCode({
            code: query.code,
            scopes: GRAPH_SCOPES,
            redirectUri: `${config.publicUrl}/oauth/callback/microsoft`,
            codeVerifier: pending.codeVerifier,
          });
          address = result.account?.username?.toLowerCase();
          const claims = (result.idTokenClaims ?? {}) as Record<string, unknown>;
          if (typeof claims.oid === 'string' && typeof claims.tid === 'string')
            accountKey = `microsoft:${claims.tid.toLowerCase()}:${claims.oid.toLowerCase()}`;
          // MSAL keeps refresh tokens in its cache; the worker needs it, so it is read from there and sealed.
          const cache = JSON.parse(client.getTokenCache().serialize()) as {
            RefreshToken?: Record<string, { secret?: string }>;
          };
          refreshToken = Object.values(cache.RefreshToken ?? {})[0]?.secret;
        }
      } catch (error) {
        request.log.warn(
          { err: { message: (error as Error).message.slice(0, 200) }, provider },
          'oauth code exchange failed',
        );
        throw new HttpError(502, 'oauth_failed', 'The provider did not accept the sign-in; start connecting again.');
      }
      if (!refreshToken || !address)
        throw new HttpError(
          502,
          'oauth_incomplete',
          'The provider did not grant offline access; start connecting again.',
        );
      const scope = { tenantId: pending.tenantId, userId: pending.userId };
      const kind = provider === 'google' ? 'gmail' : 'graph';
      const sealed = sync.cipher.seal(refreshToken, tokenContext({ user_id: scope.userId, provider: kind, address }));
      const userRows = userStore(storage.db, scope);
      const owner = await userRows.identity();
      if (!owner) throw new HttpError(400, 'invalid_state', 'The account that started connecting no longer exists.');
      if (
        owner.identity.provider === 'local' ||
        (accountKey !== undefined && accountKey === identityKey(owner.identity))
      ) {
        await attach(scope, kind, address, sealed);
        return pageHeaders(reply).send(connectedPage(address));
      }
      const token = randomBytes(24).toString('base64url');
      await userRows.mailboxes.savePendingConnection(
        confirmHandle(token),
        { kind, address, sealed },
        new Date(Date.now() + PENDING_MS),
      );
      return pageHeaders(reply).send(confirmPage(token, address, { name: owner.displayName, email: owner.email }));
    },
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
      if (typeof form.token !== 'string' || !form.token)
        throw new HttpError(400, 'invalid_confirmation', 'The confirmation form is incomplete.');
      const pending = await takePendingConnection(storage.db, confirmHandle(form.token));
      if (!pending)
        throw new HttpError(
          400,
          'invalid_confirmation',
          'This confirmation has expired or was already used; start connecting again.',
        );
      if (form.decision !== 'connect')
        return pageHeaders(reply).send(page('<p>Nothing was connected. You can close this window.</p>'));
      const { scope: owner, connection } = pending;
      await attach(owner, connection.kind, connection.address, connection.sealed);
      return pageHeaders(reply).send(connectedPage(connection.address));
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
      const store = request.store.mailboxes;
      const hint = request.user?.identity.email;
      if (provider === 'google') {
        const client = googleClient(config);
        const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
        await store.saveOAuthState(state, provider, codeVerifier);
        const authorizationUrl = client.generateAuthUrl({
          access_type: 'offline',
          prompt: 'consent',
          scope: GMAIL_SCOPES,
          state,
          code_challenge: codeChallenge,
          code_challenge_method: CodeChallengeMethod.S256,
          ...(hint ? { login_hint: hint } : {}),
        });
        return { authorizationUrl };
      }
      const client = microsoftClient(config);
      const codeVerifier = randomBytes(48).toString('base64url');
      const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
      await store.saveOAuthState(state, provider, codeVerifier);
      const authorizationUrl = await client.getAuthCodeUrl({
        scopes: GRAPH_SCOPES,
        redirectUri: `${config.publicUrl}/oauth/callback/microsoft`,
        state,
        codeChallenge,
        codeChallengeMethod: 'S256',
        ...(hint ? { loginHint: hint } : {}),
      });
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
