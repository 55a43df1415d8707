/**
 * The user's senders (reach/senders.ts keeps the unsubscribe logic): one row per sender address, updated
 * by every processed message — count, first and last seen, and the newest message's category, name and
 * List-Unsubscribe header.
 */
import type { CategoryId } from '@steward/shared';
import { type Kysely, type QueryCreator, sql } from 'kysely';
import type { Database } from './schema.ts';
import type { UserScope } from './user-scope.ts';

/** What one message tells about its sender. */
export interface SenderSighting {
  address: string;
  name: string | null;
  category: CategoryId;
  at: Date;
  listUnsubscribe: string | null;
  listUnsubscribePost: boolean;
  messageId: string;
  mailboxId: string | null;
}

export type SenderRow = {
  id: string;
  address: string;
  name: string | null;
  category: CategoryId;
  message_count: number;
  first_seen: Date;
  last_seen: Date;
  list_unsubscribe: string | null;
  list_unsubscribe_post: boolean;
  unsubscribed_at: Date | null;
};

const SENDER_COLUMNS = [
  'id',
  'address',
  'name',
  'category',
  'message_count',
  'first_seen',
  'last_seen',
  'list_unsubscribe',
  'list_unsubscribe_post',
  'unsubscribed_at',
] as const;

/** The category column holds the CategoryId it was written with (`record`). */
const typed = <T extends { category: string }>(row: T) => row as T & { category: CategoryId };

/**
 * The sender's upsert (idempotent per message id: the same message seen twice counts once), built on `qc` so
 * it can be one part of another statement (a data-modifying WITH: ledgerStore.recordAndCount).
 */
export function senderUpsert(qc: QueryCreator<Database>, scope: UserScope, seen: SenderSighting) {
  return qc
    .insertInto('senders')
    .values({
      tenant_id: scope.tenantId,
      user_id: scope.userId,
      address: seen.address,
      name: seen.name,
      category: seen.category,
      message_count: 1,
      first_seen: seen.at,
      last_seen: seen.at,
      list_unsubscribe: seen.listUnsubscribe,
      list_unsubscribe_post: seen.listUnsubscribePost,
      last_message_id: seen.messageId,
      mailbox_id: seen.mailboxId,
    })
    .onConflict((oc) =>
      oc.columns(['user_id', 'address']).doUpdateSet({
        message_count: sql`senders.message_count + case when senders.last_message_id is distinct from excluded.last_message_id then 1 else 0 end`,
        first_seen: sql`least(senders.first_seen, excluded.first_seen)`,
        // The newest message decides category, name and header.
        last_seen: sql`greatest(senders.last_seen, excluded.last_seen)`,
        category: sql`case when excluded.last_seen >= senders.last_seen then excluded.category else senders.category end`,
        name: sql`case when excluded.last_seen >= senders.last_seen then coalesce(excluded.name, senders.name) else senders.name end`,
        list_unsubscribe: sql`case when excluded.last_seen >= senders.last_seen then excluded.list_unsubscribe else senders.list_unsubscribe end`,
        list_unsubscribe_post: sql`case when excluded.last_seen >= senders.last_seen then excluded.list_unsubscribe_post else senders.list_unsubscribe_post end`,
        last_message_id: sql`excluded.last_message_id`,
        mailbox_id: sql`coalesce(excluded.mailbox_id, senders.mailbox_id)`,
      }),
    );
}

export function senderStore(db: Kysely<Database>, scope: UserScope) {
  return {
    /** Idempotent per message id: the same message seen twice counts once. */
    async record(seen: SenderSighting): Promise<void> {
      await senderUpsert(db, scope, seen).execute();
    },

    /** The newest senders first, optionally of one category. */
    async list(options: { category?: CategoryId; limit?: number } = {}): Promise<SenderRow[]> {
      let query = db
        .selectFrom('senders')
        .select(SENDER_COLUMNS)
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId);
      if (options.category) query = query.where('category', '=', options.category);
      const rows = await query
        .orderBy('last_seen', 'desc')
        .limit(options.limit ?? 100)
        .execute();
      return rows.map(typed);
    },

    /** One of the user's senders, with where its latest message is; undefined when not theirs. */
    async get(id: string) {
      const row = await db
        .selectFrom('senders')
        .select([...SENDER_COLUMNS, 'last_message_id', 'mailbox_id'])
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? typed(row) : undefined;
    },

    async markUnsubscribed(id: string, method: string, at: Date = new Date()): Promise<void> {
      await db
        .updateTable('senders')
        .set({ unsubscribed_at: at, unsubscribe_method: method })
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .where('id', '=', id)
        .execute();
    },
  };
}
