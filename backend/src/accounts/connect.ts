/**
 * Connecting a mailbox: OAuth authorization code with PKCE, at Google or the Microsoft identity platform.
 * `authorizationRequest` builds the provider URL; `createMailboxConnector` takes the callback (the code
 * exchange, the refresh token sealed at once) and the browser's confirmation. The HTTP routes
 * (http/routes/sync.ts) only render pages and map `ConnectError` to the error body.
 *
 * Login CSRF (issue 12): the `state` is unguessable, but a user could send their own authorization link to
 * someone else, whose mailbox would then land in the sender's account. So the consented account must be
 * provably the user who started (same Google subject, or same Entra tenant and object id); any other
 * account (or a user connecting a mailbox of another provider) confirms in its browser, on a page naming
 * the Steward account it would be attached to.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CodeChallengeMethod } from 'google-auth-library';
import type { Config } from '../config.ts';
import { identityKey } from '../identity/admin.ts';
import type { Storage } from '../storage/database.ts';
import { takeOAuthState, takePendingConnection } from '../storage/mailboxes.ts';
import type { MailboxRow } from '../storage/schema.ts';
import type { UserScope } from '../storage/user-scope.ts';
import { userStore } from '../storage/users.ts';
import { type SealedSecret, type TokenCipher, tokenContext } from './crypto.ts';
import { googleClient, idTokenClaims, microsoftClient } from './oauth.ts';
import { GMAIL_SCOPES, GRAPH_SCOPES } from './scopes.ts';

export type OAuthProvider = 'google' | 'microsoft';

/** A connection that cannot go on, with the HTTP status and error code the route answers with. */
export class ConnectError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** How long the browser has to confirm a connection of an account that is not provably the user's. */
const PENDING_MS = 10 * 60_000;
const confirmHandle = (token: string) => `confirm:${createHash('sha256').update(token).digest('hex')}`;
const kindOf = (provider: OAuthProvider) => (provider === 'google' ? 'gmail' : 'graph');

/** The provider URL to open in a browser; `state` comes back to the callback, with `codeVerifier` kept beside it. */
export async function authorizationRequest(
  config: Config,
  provider: OAuthProvider,
  state: string,
  hint?: string,
): Promise<{ codeVerifier: string; authorizationUrl: string }> {
  if (provider === 'google') {
    const client = googleClient(config);
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const authorizationUrl = client.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: GMAIL_SCOPES,
      state,
      code_challenge: codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
      ...(hint ? { login_hint: hint } : {}),
    });
    return { codeVerifier, authorizationUrl };
  }
  const client = microsoftClient(config);
  const codeVerifier = randomBytes(48).toString('base64url');
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  const authorizationUrl = await client.getAuthCodeUrl({
    scopes: GRAPH_SCOPES,
    redirectUri: `${config.publicUrl}/oauth/callback/microsoft`,
    state,
    codeChallenge,
    codeChallengeMethod: 'S256',
    ...(hint ? { loginHint: hint } : {}),
  });
  return { codeVerifier, authorizationUrl };
}

/** What the token endpoint said about the consented account; any part may be missing. */
export interface ConsentedAccount {
  refreshToken?: string | undefined;
  address?: string | undefined;
  /** The consented account's immutable id, as `identityKey` writes a Steward user's. */
  accountKey?: string | undefined;
}

/** Exchanges the authorization code (with its PKCE verifier); throws what the provider's client throws. */
export async function exchangeCode(
  config: Config,
  provider: OAuthProvider,
  code: string,
  codeVerifier: string,
): Promise<ConsentedAccount> {
  if (provider === 'google') {
    const { tokens } = await googleClient(config).getToken({ code, codeVerifier });
    const claims = idTokenClaims(tokens.id_token);
    return {
      refreshToken: tokens.refresh_token ?? undefined,
      address:
        typeof claims.email === 'string' && claims.email_verified !== false ? claims.email.toLowerCase() : undefined,
      accountKey: typeof claims.sub === 'string' ? `google:${claims.sub}` : undefined,
    };
  }
  const client = microsoftClient(config);
  const result = await client.acquireTokenByCode({
    code,
    scopes: GRAPH_SCOPES,
    redirectUri: `${config.publicUrl}/oauth/callback/microsoft`,
    codeVerifier,
  });
  const claims = (result.idTokenClaims ?? {}) as Record<string, unknown>;
  // MSAL keeps refresh tokens in its cache; the worker needs it, so it is read from there and sealed.
  const cache = JSON.parse(client.getTokenCache().serialize()) as {
    RefreshToken?: Record<string, { secret?: string }>;
  };
  return {
    refreshToken: Object.values(cache.RefreshToken ?? {})[0]?.secret,
    address: result.account?.username?.toLowerCase(),
    accountKey:
      typeof claims.oid === 'string' && typeof claims.tid === 'string'
        ? `microsoft:${claims.tid.toLowerCase()}:${claims.oid.toLowerCase()}`
        : undefined,
  };
}

/** The outcome of a callback or a confirmation. */
export type ConnectOutcome =
  | { kind: 'connected'; address: string }
  /** Another account consented: the browser confirms with `token`, on a page naming the Steward account. */
  | { kind: 'confirm'; token: string; address: string; owner: { name: string | null; email: string | null } }
  | { kind: 'cancelled' };

export interface MailboxConnectorDeps {
  config: Config;
  storage: Storage;
  /** Undefined when TOKEN_ENCRYPTION_KEY is not set: nothing can be connected. */
  cipher: TokenCipher | undefined;
  /** Runs once a mailbox is stored (the sync service's first backfill and watch). */
  afterConnect(mailbox: MailboxRow): Promise<void>;
  log?: { warn(obj: object, msg: string): void };
  /** Makes the confirmation token (tests); 24 random bytes by default. */
  newToken?: () => string;
}

export function createMailboxConnector(deps: MailboxConnectorDeps) {
  const { config, storage } = deps;
  const newToken = deps.newToken ?? (() => randomBytes(24).toString('base64url'));

  async function attach(scope: UserScope, kind: 'gmail' | 'graph', address: string, sealed: SealedSecret) {
    const store = userStore(storage.db, scope);
    const mailbox = await store.mailboxes.connect(kind, address, sealed);
    await store.audit('mailbox.connected', { mailboxId: mailbox.id, provider: kind });
    await deps.afterConnect(mailbox);
  }

  return {
    /** The provider's redirect back: `error` (consent refused) or `code` and `state`. */
    async callback(
      provider: OAuthProvider,
      query: { code?: unknown; state?: unknown; error?: unknown },
    ): Promise<ConnectOutcome> {
      if (query.error)
        throw new ConnectError(
          400,
          'consent_refused',
          'The mailbox was not connected: the provider reported that consent was not given.',
        );
      if (typeof query.code !== 'string' || typeof query.state !== 'string')
        throw new ConnectError(400, 'invalid_callback', 'The callback needs code and state.');
      const pending = await takeOAuthState(storage.db, query.state);
      if (!pending || pending.provider !== provider)
        throw new ConnectError(
          400,
          'invalid_state',
          'This sign-in link has expired or was already used; start connecting again.',
        );
      if (!deps.cipher) throw new ConnectError(503, 'sync_not_configured', 'TOKEN_ENCRYPTION_KEY is not set.');
      let account: ConsentedAccount;
      try {
        account = await exchangeCode(config, provider, query.code, pending.codeVerifier);
      } catch (error) {
        deps.log?.warn(
          { err: { message: (error as Error).message.slice(0, 200) }, provider },
          'oauth code exchange failed',
        );
        throw new ConnectError(502, 'oauth_failed', 'The provider did not accept the sign-in; start connecting again.');
      }
      const { refreshToken, address, accountKey } = account;
      if (!refreshToken || !address)
        throw new ConnectError(
          502,
          'oauth_incomplete',
          'The provider did not grant offline access; start connecting again.',
        );
      const scope = { tenantId: pending.tenantId, userId: pending.userId };
      const kind = kindOf(provider);
      const sealed = deps.cipher.seal(refreshToken, tokenContext({ user_id: scope.userId, provider: kind, address }));
      const userRows = userStore(storage.db, scope);
      const owner = await userRows.identity();
      if (!owner) throw new ConnectError(400, 'invalid_state', 'The account that started connecting no longer exists.');
      if (
        owner.identity.provider === 'local' ||
        (accountKey !== undefined && accountKey === identityKey(owner.identity))
      ) {
        await attach(scope, kind, address, sealed);
        return { kind: 'connected', address };
      }
      const token = newToken();
      await userRows.mailboxes.savePendingConnection(
        confirmHandle(token),
        { kind, address, sealed },
        new Date(Date.now() + PENDING_MS),
      );
      return { kind: 'confirm', token, address, owner: { name: owner.displayName, email: owner.email } };
    },

    /** The browser's answer on the confirmation page: connect, or anything else to cancel. */
    async confirm(token: string, decision: unknown): Promise<ConnectOutcome> {
      const pending = await takePendingConnection(storage.db, confirmHandle(token));
      if (!pending)
        throw new ConnectError(
          400,
          'invalid_confirmation',
          'This confirmation has expired or was already used; start connecting again.',
        );
      if (decision !== 'connect') return { kind: 'cancelled' };
      const { scope: owner, connection } = pending;
      await attach(owner, connection.kind, connection.address, connection.sealed);
      return { kind: 'connected', address: connection.address };
    },
  };
}

export type MailboxConnector = ReturnType<typeof createMailboxConnector>;
