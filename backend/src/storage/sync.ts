/**
 * The rows mail sync works on by mailbox id (the worker and the webhooks act for whichever user owns the
 * mailbox, so these are the sync subsystem's own unscoped queries): mailboxes, cursors, watches, sync status
 * and the follow-ups that are due. Routes reach a user's mailboxes through `mailboxStore` instead.
 */
import { type Kysely, sql } from 'kysely';
import type { Database, MailboxRow } from './schema.ts';

/** Columns of sync_status to set (phase, backfill counts and times, last sync, last error). */
export type SyncStatusValues = Record<string, unknown>;

export function syncStore(db: Kysely<Database>) {
  return {
    async mailbox(id: string): Promise<MailboxRow | undefined> {
      return db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Active mailboxes of a Gmail address (a Pub/Sub push names only the address). */
    async activeGmailMailboxIds(address: string): Promise<string[]> {
      const rows = await db
        .selectFrom('mailboxes')
        .select('id')
        .where('provider', '=', 'gmail')
        .where('address', '=', address)
        .where('status', '=', 'active')
        .execute();
      return rows.map((r) => r.id);
    },

    /** The mailboxes behind Graph subscription ids, with what verifies their notifications. */
    async mailboxesByWatch(watchIds: string[]) {
      return db
        .selectFrom('mailboxes')
        .select(['id', 'watch_id', 'client_state', 'status'])
        .where('watch_id', 'in', watchIds)
        .execute();
    },

    /** Active mailboxes and when their watches expire (the safety net). */
    async activeMailboxes() {
      return db.selectFrom('mailboxes').select(['id', 'watch_expires_at']).where('status', '=', 'active').execute();
    },

    /** Marks the mailbox as needing re-authorisation, if it is active. */
    async markNeedsReauth(id: string, reason: string): Promise<void> {
      await db
        .updateTable('mailboxes')
        .set({ status: 'needs_reauth', status_reason: reason, updated_at: new Date() })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .execute();
    },

    /** Sets the cursor only when there is none yet (a concurrent first sync may have set it). */
    async setCursorIfUnset(id: string, cursor: string): Promise<void> {
      await db.updateTable('mailboxes').set({ cursor }).where('id', '=', id).where('cursor', 'is', null).execute();
    },

    async setCursor(id: string, cursor: string): Promise<void> {
      await db.updateTable('mailboxes').set({ cursor }).where('id', '=', id).execute();
    },

    /** Compare-and-set: a slower concurrent run cannot move the cursor back. */
    async moveCursor(id: string, from: string, to: string): Promise<void> {
      await db.updateTable('mailboxes').set({ cursor: to }).where('id', '=', id).where('cursor', '=', from).execute();
    },

    /** moveCursor and touchStatus in one statement (a data-modifying WITH): the end of every delta sync. */
    async moveCursorAndTouch(mailbox: MailboxRow, from: string, to: string, values: SyncStatusValues): Promise<void> {
      await db
        .with('moved', (qc) =>
          qc.updateTable('mailboxes').set({ cursor: to }).where('id', '=', mailbox.id).where('cursor', '=', from),
        )
        .insertInto('sync_status')
        .values({ tenant_id: mailbox.tenant_id, user_id: mailbox.user_id, mailbox_id: mailbox.id, ...values })
        .onConflict((oc) => oc.column('mailbox_id').doUpdateSet(values))
        .execute();
    },

    async saveWatch(id: string, watch: { id: string; expiresAt: Date; clientState: string }): Promise<void> {
      await db
        .updateTable('mailboxes')
        .set({
          watch_id: watch.id,
          watch_expires_at: watch.expiresAt,
          client_state: watch.clientState,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
    },

    async touchStatus(mailbox: MailboxRow, values: SyncStatusValues): Promise<void> {
      await db
        .insertInto('sync_status')
        .values({ tenant_id: mailbox.tenant_id, user_id: mailbox.user_id, mailbox_id: mailbox.id, ...values })
        .onConflict((oc) => oc.column('mailbox_id').doUpdateSet(values))
        .execute();
    },

    /** During a backfill: how many messages it has and how many of them are processed; undefined when live. */
    async backfillProgress(mailboxId: string): Promise<{ total: number; done: number } | undefined> {
      const status = await db
        .selectFrom('sync_status')
        .select(['phase', 'backfill_total'])
        .where('mailbox_id', '=', mailboxId)
        .executeTakeFirst();
      if (status?.phase !== 'backfill') return undefined;
      const done = await db
        .selectFrom('processed_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('mailbox_id', '=', mailboxId)
        .where('source', '=', 'backfill')
        .where('processed_at', 'is not', null)
        .executeTakeFirstOrThrow();
      return { total: status.backfill_total, done: Number(done.n) };
    },

    /** The follow-up a just-processed message of the user's started, if any. */
    async followUpOf(mailboxId: string, messageId: string) {
      return db
        .selectFrom('thread_states')
        .select(['thread_id', 'follow_up_due_at', 'last_message_id'])
        .where('mailbox_id', '=', mailboxId)
        .where('last_message_id', '=', messageId)
        .where('follow_up_due_at', 'is not', null)
        .executeTakeFirst();
    },

    /** Follow-ups that are due and not yet done, on active mailboxes (at most `limit`). */
    async dueFollowUps(now: Date, limit = 500) {
      return db
        .selectFrom('thread_states as t')
        .innerJoin('mailboxes as m', 'm.id', 't.mailbox_id')
        .select(['t.mailbox_id', 't.thread_id', 't.last_message_id'])
        .where('m.status', '=', 'active')
        .where('t.state', '=', 'awaiting_reply')
        .where('t.follow_up_due_at', 'is not', null)
        .where('t.follow_up_due_at', '<=', now)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('processed_messages as p')
                .select('p.mailbox_id')
                .whereRef('p.mailbox_id', '=', 't.mailbox_id')
                .where('p.provider_message_id', '=', sql<string>`'followup:' || t.last_message_id`)
                .where('p.processed_at', 'is not', null),
            ),
          ),
        )
        .limit(limit)
        .execute();
    },
  };
}
