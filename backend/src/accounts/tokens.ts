/**
 * Access tokens for a connected account: the mailbox's sealed refresh token opened with the configured
 * TOKEN_ENCRYPTION_KEY, exchanged at the provider's token endpoint, cached per mailbox and purpose, and
 * re-sealed when Microsoft rotates it. Mail sync and the calendar adapters both take their tokens here.
 */
import type { Config } from '../config.ts';
import type { Storage } from '../storage/database.ts';
import { resealMailboxToken } from '../storage/mailboxes.ts';
import type { MailboxRow } from '../storage/schema.ts';
import { createTokenCipher, type TokenCipher, tokenContext } from './crypto.ts';
import { type AccessTokenSource, ReauthRequiredError, refreshTokenSource } from './http.ts';
import { GRAPH_CALENDAR_SCOPES, GRAPH_MAIL_SCOPES, microsoftEndpoint } from './scopes.ts';

export type TokenPurpose = 'mail' | 'calendar';

export interface AccountTokens {
  /** Undefined when TOKEN_ENCRYPTION_KEY is not configured (no mailbox can be connected). */
  cipher?: TokenCipher;
  /** The mailbox's refresh token in clear (revocation); throws ReauthRequiredError without a key. */
  refreshTokenOf(mailbox: MailboxRow): string;
  /**
   * Access tokens for the mailbox's account, from its sealed refresh token (cached; rotated tokens are
   * re-sealed). `calendar` asks Microsoft for the calendar scope; Google tokens carry every granted scope.
   */
  accessTokens(mailbox: MailboxRow, purpose?: TokenPurpose): AccessTokenSource;
  /** Drops the cached sources of a mailbox (reconnected, disconnected, refused). */
  forget(mailboxId: string): void;
}

export function createAccountTokens(options: { config: Config; storage: Storage }): AccountTokens {
  const { config, storage } = options;
  const cipher = config.tokenEncryptionKey ? createTokenCipher(config.tokenEncryptionKey) : undefined;
  const tokenSources = new Map<string, { key: string; source: AccessTokenSource }>();

  function refreshTokenOf(mailbox: MailboxRow): string {
    if (!cipher)
      throw new ReauthRequiredError('TOKEN_ENCRYPTION_KEY is not configured; the stored token cannot be read.');
    return cipher.open(
      {
        ciphertext: mailbox.refresh_token_ciphertext,
        iv: mailbox.refresh_token_iv,
        tag: mailbox.refresh_token_tag,
        keyVersion: mailbox.key_version,
      },
      tokenContext(mailbox),
    );
  }

  const cacheId = (mailboxId: string, purpose: TokenPurpose) =>
    purpose === 'mail' ? mailboxId : `${mailboxId}#calendar`;

  function accessTokens(mailbox: MailboxRow, purpose: TokenPurpose = 'mail'): AccessTokenSource {
    // One source serves both purposes for Gmail (no scope on refresh); Graph asks per resource scope.
    const effective = mailbox.provider === 'gmail' ? 'mail' : purpose;
    const id = cacheId(mailbox.id, effective);
    const key = `${mailbox.key_version}|${mailbox.refresh_token_ciphertext}`;
    const cached = tokenSources.get(id);
    if (cached && cached.key === key) return cached.source;
    const onRotated = async (next: string) => {
      if (!cipher) return;
      const sealed = cipher.seal(next, tokenContext(mailbox));
      await resealMailboxToken(storage.db, mailbox.id, sealed);
      // This process's own rotation is not a new grant: the next row it loads carries the new ciphertext.
      const entry = tokenSources.get(id);
      if (entry?.source === source) entry.key = `${sealed.keyVersion}|${sealed.ciphertext}`;
    };
    const refreshToken = refreshTokenOf(mailbox);
    // The stored refresh token changed (rotated by another process, or a reconnect): use the new one for the
    // next refresh, but keep the access token in hand until it expires. Microsoft rotates the refresh token on
    // every refresh, so refreshing on every change would make worker processes take turns refreshing — and
    // rotating again — on every job (a token request and a row update per message). A token the provider no
    // longer accepts answers 401, which refreshes once (providerRequest).
    const initial = cached?.source.current?.();
    const source =
      mailbox.provider === 'gmail'
        ? refreshTokenSource({
            tokenUrl: config.sync.google.tokenUrl,
            clientId: config.sync.google.clientId ?? '',
            clientSecret: config.sync.google.clientSecret,
            refreshToken,
            ...(initial ? { initial } : {}),
          })
        : refreshTokenSource({
            tokenUrl: microsoftEndpoint(config, '/oauth2/v2.0/token'),
            clientId: config.sync.microsoft.clientId ?? '',
            clientSecret: config.sync.microsoft.clientSecret,
            refreshToken,
            scope: (effective === 'calendar' ? GRAPH_CALENDAR_SCOPES : GRAPH_MAIL_SCOPES).join(' '),
            onRotated,
            ...(initial ? { initial } : {}),
          });
    if (tokenSources.size > 10_000) tokenSources.clear();
    tokenSources.set(id, { key, source });
    return source;
  }

  return {
    cipher,
    refreshTokenOf,
    accessTokens,
    forget(mailboxId) {
      tokenSources.delete(cacheId(mailboxId, 'mail'));
      tokenSources.delete(cacheId(mailboxId, 'calendar'));
    },
  };
}
