import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { SealedSecret } from '../accounts/crypto.ts';
import type { Database, MailboxRow } from './schema.ts';
import type { UserScope } from './user-scope.ts';

export type MailboxProvider = 'gmail' | 'graph';
export type MailboxStatus = 'active' | 'needs_reauth' | 'disconnected';

export interface MailboxSyncView {
  id: string;
  provider: MailboxProvider;
  address: string;
  status: MailboxStatus;
  statusReason: string | null;
  phase: string;
  backfill: { total: number; done: number; startedAt: string | null; finishedAt: string | null };
  processed: number;
  lastSyncAt: string | null;
  lastError: string | null;
}

/** The signed-in user's connected mailboxes (routes use this; every query carries tenant and user). */
export function mailboxStore(db: Kysely<Database>, scope: UserScope) {
  const mine = () =>
    db.selectFrom('mailboxes').where('tenant_id', '=', scope.tenantId).where('user_id', '=', scope.userId);
  return {
    async list(): Promise<MailboxRow[]> {
      return mine().selectAll().orderBy('created_at').execute();
    },

    async get(id: string): Promise<MailboxRow | undefined> {
      if (!isUuid(id)) return undefined;
      return mine().selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Creates or reconnects (new token, active again) the mailbox for this address. */
    async connect(provider: MailboxProvider, address: string, token: SealedSecret): Promise<MailboxRow> {
      const values = {
        tenant_id: scope.tenantId,
        user_id: scope.userId,
        provider,
        address: address.toLowerCase(),
        refresh_token_ciphertext: token.ciphertext,
        refresh_token_iv: token.iv,
        refresh_token_tag: token.tag,
        key_version: token.keyVersion,
        status: 'active' as const,
      };
      return db
        .insertInto('mailboxes')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['user_id', 'provider', 'address']).doUpdateSet({
            refresh_token_ciphertext: values.refresh_token_ciphertext,
            refresh_token_iv: values.refresh_token_iv,
            refresh_token_tag: values.refresh_token_tag,
            key_version: values.key_version,
            status: 'active',
            status_reason: null,
            updated_at: new Date(),
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async remove(id: string): Promise<boolean> {
      if (!isUuid(id)) return false;
      const result = await db
        .deleteFrom('mailboxes')
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async syncStatus(): Promise<MailboxSyncView[]> {
      const rows = await db
        .selectFrom('mailboxes as m')
        .leftJoin('sync_status as s', 's.mailbox_id', 'm.id')
        .select([
          'm.id',
          'm.provider',
          'm.address',
          'm.status',
          'm.status_reason',
          's.phase',
          's.backfill_total',
          's.backfill_started_at',
          's.backfill_finished_at',
          's.last_sync_at',
          's.last_error',
          sql<number>`(select count(*)::int from processed_messages p where p.mailbox_id = m.id and p.processed_at is not null and p.source = 'backfill')`.as(
            'backfill_done',
          ),
          sql<number>`(select count(*)::int from processed_messages p where p.mailbox_id = m.id and p.processed_at is not null and p.source <> 'followup')`.as(
            'processed',
          ),
        ])
        .where('m.tenant_id', '=', scope.tenantId)
        .where('m.user_id', '=', scope.userId)
        .orderBy('m.created_at')
        .execute();
      const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);
      return rows.map((r) => ({
        id: r.id,
        provider: r.provider,
        address: r.address,
        status: r.status,
        statusReason: r.status_reason,
        phase: r.phase ?? 'idle',
        backfill: {
          total: r.backfill_total ?? 0,
          done: Math.min(r.backfill_done, r.backfill_total ?? 0),
          startedAt: iso(r.backfill_started_at),
          finishedAt: iso(r.backfill_finished_at),
        },
        processed: r.processed,
        lastSyncAt: iso(r.last_sync_at),
        lastError: r.last_error ?? null,
      }));
    },

    /**
     * A connection waiting for the browser's confirmation (the consented account was not provably this user),
     * under the hash of the token the confirmation page carries.
     */
    async savePendingConnection(handle: string, connection: PendingConnection, expiresAt: Date): Promise<void> {
      await db
        .insertInto('oauth_states')
        .values({
          tenant_id: scope.tenantId,
          user_id: scope.userId,
          state: handle,
          provider: `confirm:${connection.kind}`,
          code_verifier: '',
          pending_connection: JSON.stringify(connection),
          expires_at: expiresAt,
        })
        .execute();
    },

    /** A pending OAuth handshake (state and PKCE verifier), valid for ten minutes. */
    async saveOAuthState(state: string, provider: string, codeVerifier: string): Promise<void> {
      await db
        .insertInto('oauth_states')
        .values({
          tenant_id: scope.tenantId,
          user_id: scope.userId,
          state,
          provider,
          code_verifier: codeVerifier,
          expires_at: new Date(Date.now() + 10 * 60_000),
        })
        .execute();
    },
  };
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/**
 * Takes (and deletes) a pending OAuth handshake. The callback arrives from the browser without the add-in's
 * bearer token, so the unguessable state is what ties it to the user who started it.
 */
export async function takeOAuthState(
  db: Kysely<Database>,
  state: string,
): Promise<{ tenantId: string; userId: string; provider: string; codeVerifier: string } | undefined> {
  const row = await db
    .deleteFrom('oauth_states')
    .where('state', '=', state)
    .returning(['tenant_id', 'user_id', 'provider', 'code_verifier', 'expires_at'])
    .executeTakeFirst();
  if (!row || new Date(row.expires_at).getTime() < Date.now()) return undefined;
  return { tenantId: row.tenant_id, userId: row.user_id, provider: row.provider, codeVerifier: row.code_verifier };
}

/** A mailbox connection the browser still has to confirm: which mailbox, and its sealed refresh token. */
export interface PendingConnection {
  kind: MailboxProvider;
  address: string;
  sealed: SealedSecret;
}

function pendingConnection(json: string): PendingConnection | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const v = value as Partial<PendingConnection> | null;
  const sealed = v?.sealed as Partial<SealedSecret> | undefined;
  if (
    (v?.kind !== 'gmail' && v?.kind !== 'graph') ||
    typeof v.address !== 'string' ||
    typeof sealed?.ciphertext !== 'string' ||
    typeof sealed.iv !== 'string' ||
    typeof sealed.tag !== 'string' ||
    typeof sealed.keyVersion !== 'string'
  )
    return undefined;
  return {
    kind: v.kind,
    address: v.address,
    sealed: { ciphertext: sealed.ciphertext, iv: sealed.iv, tag: sealed.tag, keyVersion: sealed.keyVersion },
  };
}

/**
 * Takes (and deletes) a connection waiting for confirmation, by the hash of its token; undefined when there is
 * none, it has expired or it cannot be read. The confirmation arrives from a browser without the add-in's
 * token, so the unguessable token is what ties it to the user who started connecting.
 */
export async function takePendingConnection(
  db: Kysely<Database>,
  handle: string,
): Promise<{ scope: UserScope; connection: PendingConnection } | undefined> {
  const row = await db
    .deleteFrom('oauth_states')
    .where('state', '=', handle)
    .where('provider', 'like', 'confirm:%')
    .returning(['tenant_id', 'user_id', 'pending_connection', 'expires_at'])
    .executeTakeFirst();
  if (!row?.pending_connection || new Date(row.expires_at).getTime() < Date.now()) return undefined;
  const connection = pendingConnection(row.pending_connection);
  return connection ? { scope: { tenantId: row.tenant_id, userId: row.user_id }, connection } : undefined;
}

/** Stores a re-sealed refresh token (rotated by the provider, or sealed again under a new key). */
export async function resealMailboxToken(db: Kysely<Database>, mailboxId: string, sealed: SealedSecret): Promise<void> {
  await db
    .updateTable('mailboxes')
    .set({
      refresh_token_ciphertext: sealed.ciphertext,
      refresh_token_iv: sealed.iv,
      refresh_token_tag: sealed.tag,
      key_version: sealed.keyVersion,
      updated_at: new Date(),
    })
    .where('id', '=', mailboxId)
    .execute();
}

/**
 * Visits every mailbox, one transaction and row lock each, and stores what `reseal` returns for it (a token
 * sealed again under another key); undefined leaves the row as it is. An interrupted run can simply be run
 * again.
 */
export async function resealEveryMailboxToken(
  db: Kysely<Database>,
  reseal: (row: MailboxRow) => SealedSecret | undefined,
): Promise<void> {
  const ids = await db.selectFrom('mailboxes').select('id').orderBy('id').execute();
  for (const { id } of ids) {
    await db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('mailboxes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      const sealed = row ? reseal(row) : undefined;
      if (sealed) await resealMailboxToken(trx, id, sealed);
    });
  }
}
