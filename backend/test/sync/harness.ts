import { randomBytes } from 'node:crypto';
import { expect, vi } from 'vitest';
import { connectedCalendars } from '../../src/accounts/calendars.ts';
import { createTokenCipher, tokenContext } from '../../src/accounts/crypto.ts';
import { createAccountTokens } from '../../src/accounts/tokens.ts';
import { configureAi } from '../../src/ai/configured.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { ReachHooks } from '../../src/reach/hooks.ts';
import type { Storage } from '../../src/storage/database.ts';
import { mailboxStore } from '../../src/storage/mailboxes.ts';
import type { MailboxRow } from '../../src/storage/schema.ts';
import { resolveUser } from '../../src/storage/users.ts';
import { createSyncService, type SyncService } from '../../src/sync/service.ts';
import {
  type FakeGmail,
  type FakeGoogleCalendar,
  type FakeGraph,
  type FakeOAuth,
  startFakeGmail,
  startFakeGoogleCalendar,
  startFakeGraph,
  startFakeOAuth,
} from './fakes.ts';

export const GMAIL_ADDRESS = 'me@gmail.example';
export const GRAPH_ADDRESS = 'me@contoso.example';

export interface Fakes {
  oauth: FakeOAuth;
  gmail: FakeGmail;
  graph: FakeGraph;
  /** Google Calendar of the Gmail account (the Graph fake holds the Microsoft 365 calendar). */
  calendar: FakeGoogleCalendar;
  key: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startFakes(options: { graphDelayMs?: number } = {}): Promise<Fakes> {
  const oauth = await startFakeOAuth();
  const gmail = await startFakeGmail(oauth);
  const graph = await startFakeGraph(oauth, { address: GRAPH_ADDRESS, delay: options.graphDelayMs });
  const calendar = await startFakeGoogleCalendar(oauth, { address: GMAIL_ADDRESS });
  const key = randomBytes(32).toString('hex');
  const env = {
    TOKEN_ENCRYPTION_KEY: key,
    GOOGLE_OAUTH_CLIENT_ID: 'steward-sync.apps.googleusercontent.com',
    GOOGLE_OAUTH_CLIENT_SECRET: 'google-secret',
    GOOGLE_OAUTH_AUTH_URL: `${oauth.base}/o/oauth2/v2/auth`,
    GOOGLE_OAUTH_TOKEN_URL: oauth.tokenUrl,
    GOOGLE_OAUTH_REVOKE_URL: `${oauth.base}/revoke`,
    MICROSOFT_CLIENT_SECRET: 'microsoft-secret',
    MICROSOFT_AUTHORITY_URL: 'https://login.microsoftonline.com/common',
    MICROSOFT_LOGIN_URL: oauth.base,
    GMAIL_API_URL: gmail.base,
    GRAPH_API_URL: graph.base,
    GOOGLE_CALENDAR_API_URL: calendar.base,
    GMAIL_PUBSUB_TOPIC: 'projects/steward-test/topics/gmail',
    PUBLIC_URL: 'https://steward.example',
  };
  return {
    oauth,
    gmail,
    graph,
    calendar,
    key,
    env,
    async close() {
      await Promise.all([gmail.close(), graph.close(), calendar.close(), oauth.close()]);
    },
  };
}

export function syncConfig(fakes: Fakes, extra: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: '/nonexistent-steward-test', LOG_LEVEL: 'silent', ...fakes.env, ...extra });
}

export function startService(
  config: Config,
  storage: Storage,
  extra: { leaseMs?: number; now?: () => Date; reach?: ReachHooks; calendars?: boolean } = {},
): SyncService {
  const { calendars, ...rest } = extra;
  // As the app wires it: one token cache for mail and the connected calendars.
  const accounts = createAccountTokens({ config, storage });
  return createSyncService({
    config,
    storage,
    ai: configureAi(config, storage.db),
    accounts,
    ...(calendars ? { calendars: connectedCalendars({ config, storage, tokens: accounts }) } : {}),
    pollIntervalMs: 10,
    ...rest,
  });
}

/** A user with a connected mailbox whose refresh token the fake OAuth server accepts (unless `expired`). */
export async function connectMailbox(
  storage: Storage,
  fakes: Fakes,
  provider: 'gmail' | 'graph',
  options: { subject?: string; expired?: boolean; address?: string } = {},
): Promise<MailboxRow> {
  // Another address than the fake's own is a mailbox of its own in the Graph fake (oauth.owners).
  const address = options.address ?? (provider === 'gmail' ? GMAIL_ADDRESS : GRAPH_ADDRESS);
  const user = await resolveUser(storage.db, {
    provider: 'local',
    tenantExternalId: 'local',
    subject: options.subject ?? `user-${randomBytes(4).toString('hex')}`,
    email: address,
  });
  const refresh = `refresh-${randomBytes(6).toString('hex')}`;
  if (!options.expired) fakes.oauth.valid.add(refresh);
  if (options.address) fakes.oauth.owners.set(refresh, options.address);
  const cipher = createTokenCipher(Buffer.from(fakes.key, 'hex'));
  const sealed = cipher.seal(refresh, tokenContext({ user_id: user.id, provider, address }));
  return mailboxStore(storage.db, { tenantId: user.tenant_id, userId: user.id }).connect(provider, address, sealed);
}

export async function ledger(storage: Storage, mailboxId: string) {
  return storage.db.selectFrom('processed_messages').selectAll().where('mailbox_id', '=', mailboxId).execute();
}

/** Waits (polling, bounded) until the message's ledger row says processed. */
export async function waitProcessed(
  storage: Storage,
  mailboxId: string,
  messageIds: string[],
  timeout = 60_000,
): Promise<void> {
  await vi.waitFor(
    async () => {
      const rows = await ledger(storage, mailboxId);
      const done = new Set(rows.filter((r) => r.processed_at).map((r) => r.provider_message_id));
      expect(messageIds.filter((id) => !done.has(id))).toEqual([]);
    },
    { timeout, interval: 20 },
  );
}
