/**
 * The sync pipeline's ledger (processed_messages: one row per mailbox message, leased by one worker at a
 * time, each side effect recorded as it happens) and the thread states it keeps (thread_states: the newest
 * message of each thread, and when a follow-up is due).
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, type QueryCreator, sql, type Updateable } from 'kysely';
import type { Database, MailboxRow, ProcessedMessagesTable } from './schema.ts';
import { type SenderSighting, senderUpsert } from './senders.ts';
import { countMessageQuery, type MessageCount } from './stats.ts';

export type LedgerRow = {
  lease_token: string | null;
  category: string | null;
  label_applied: boolean;
  draft_pending: boolean;
  draft_id: string | null;
  processed_at: Date | null;
  lease_until: Date | null;
};

export type LedgerValues = Partial<
  Pick<
    Updateable<ProcessedMessagesTable>,
    | 'thread_id'
    | 'thread_version'
    | 'category'
    | 'label_applied'
    | 'draft_pending'
    | 'draft_id'
    | 'processed_at'
    | 'lease_until'
  >
>;

export type LeaseClaim =
  | { kind: 'leased'; row: LedgerRow }
  | { kind: 'processed' }
  /** Another worker holds it until then. */
  | { kind: 'held'; leaseUntil: Date | null };

/**
 * The update that writes `values` and extends the lease, only while `hold.token` holds the lease and the
 * message is not processed: the one definition of "this worker still holds the message".
 */
function heldUpdate(
  qb: QueryCreator<Database>,
  mailboxId: string,
  providerMessageId: string,
  hold: { token: string | null; leaseMs: number },
  values: LedgerValues,
) {
  return qb
    .updateTable('processed_messages')
    .set({ lease_until: sql`now() + ${`${hold.leaseMs} milliseconds`}::interval`, ...values })
    .where('mailbox_id', '=', mailboxId)
    .where('provider_message_id', '=', providerMessageId)
    .where('lease_token', '=', hold.token ?? '')
    .where('processed_at', 'is', null);
}

export function ledgerStore(db: Kysely<Database>) {
  /** Extends the lease (and records `values`) only while `token` holds it and the message is not processed. */
  const holdLease = async (
    mailboxId: string,
    providerMessageId: string,
    token: string | null,
    leaseMs: number,
    values: LedgerValues,
  ): Promise<boolean> => {
    const held = await heldUpdate(db, mailboxId, providerMessageId, { token, leaseMs }, values).executeTakeFirst();
    return Number(held.numUpdatedRows) > 0;
  };
  return {
    /** Creates the message's row if needed and leases it for `leaseMs`, unless it is processed or leased. */
    async lease(mailbox: MailboxRow, providerMessageId: string, source: string, leaseMs: number): Promise<LeaseClaim> {
      // One statement in the usual cases: a new row is created leased; an existing one is leased when it is
      // neither processed nor held (the WHERE of ON CONFLICT); otherwise nothing is returned.
      const leased = await db
        .insertInto('processed_messages')
        .values({
          tenant_id: mailbox.tenant_id,
          user_id: mailbox.user_id,
          mailbox_id: mailbox.id,
          provider_message_id: providerMessageId,
          source,
          lease_until: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
          lease_token: randomUUID(),
          attempts: 1,
        })
        .onConflict((oc) =>
          oc
            .columns(['mailbox_id', 'provider_message_id'])
            .doUpdateSet({
              lease_until: (eb) => eb.ref('excluded.lease_until'),
              lease_token: (eb) => eb.ref('excluded.lease_token'),
              attempts: sql`processed_messages.attempts + 1`,
            })
            .where(sql<boolean>`processed_messages.processed_at is null`)
            .where(sql<boolean>`(processed_messages.lease_until is null or processed_messages.lease_until < now())`),
        )
        .returning([
          'lease_token',
          'category',
          'label_applied',
          'draft_pending',
          'draft_id',
          'processed_at',
          'lease_until',
        ])
        .executeTakeFirst();
      if (leased) return { kind: 'leased', row: leased };
      const row = await db
        .selectFrom('processed_messages')
        .select(['processed_at', 'lease_until'])
        .where('mailbox_id', '=', mailbox.id)
        .where('provider_message_id', '=', providerMessageId)
        .executeTakeFirst();
      if (!row || row.processed_at) return { kind: 'processed' };
      return { kind: 'held', leaseUntil: row.lease_until ? new Date(row.lease_until) : null };
    },

    /** Extends the lease when `token` still holds it; false when it passed to another worker. */
    async extendLease(mailboxId: string, providerMessageId: string, token: string | null, leaseMs: number) {
      return holdLease(mailboxId, providerMessageId, token, leaseMs, {});
    },

    /**
     * Records `values` on the message's row and adds it to the dashboard's count as one statement — a
     * data-modifying WITH — so both are written or neither, without a transaction's extra round trips.
     * With `hold`, the row is written (and its lease extended) only while that lease token still holds it and
     * the message is not processed, as `recordHeld`; the answer says whether it was (always true without).
     */
    async recordAndCount(
      mailboxId: string,
      providerMessageId: string,
      values: LedgerValues,
      count: MessageCount,
      /** The sender's row (storage/senders.ts), written in the same statement. */
      sender?: SenderSighting,
      hold?: { token: string | null; leaseMs: number },
    ): Promise<boolean> {
      const withUpdate = db.with('ledger_update', (qb) =>
        (hold
          ? heldUpdate(qb, mailboxId, providerMessageId, hold, values)
          : qb
              .updateTable('processed_messages')
              .set(values)
              .where('mailbox_id', '=', mailboxId)
              .where('provider_message_id', '=', providerMessageId)
        ).returning('provider_message_id'),
      );
      const query = sender ? withUpdate.with('also_write', () => senderUpsert(db, count.scope, sender)) : withUpdate;
      const row = await countMessageQuery(query as unknown as QueryCreator<Database>, count)
        .returning(sql<number>`(select count(*) from ledger_update)::int`.as('written'))
        .executeTakeFirst();
      return !hold || Number(row?.written ?? 0) > 0;
    },

    async record(mailboxId: string, providerMessageId: string, values: LedgerValues): Promise<void> {
      await db
        .updateTable('processed_messages')
        .set(values)
        .where('mailbox_id', '=', mailboxId)
        .where('provider_message_id', '=', providerMessageId)
        .execute();
    },

    /**
     * Records `values` and extends the lease in one statement, only while `token` still holds the lease (and
     * the message is not processed); false when the lease passed to another worker.
     */
    async recordHeld(
      mailboxId: string,
      providerMessageId: string,
      token: string | null,
      leaseMs: number,
      values: LedgerValues,
    ): Promise<boolean> {
      return holdLease(mailboxId, providerMessageId, token, leaseMs, values);
    },

    async threadState(mailboxId: string, threadId: string) {
      return db
        .selectFrom('thread_states')
        .selectAll()
        .where('mailbox_id', '=', mailboxId)
        .where('thread_id', '=', threadId)
        .executeTakeFirst();
    },

    /** Thread state follows the newest message only: an older message processed late changes nothing. */
    async saveThreadState(mailbox: MailboxRow, next: ThreadStateValues): Promise<void> {
      await threadStateQuery(db, mailbox, next).execute();
    },

    /**
     * The pipeline's last write, one statement: marks the message processed (only while `token` still holds
     * its lease), saves the thread state and, when the lease was held, writes the audit entry. False when the
     * lease passed to another worker (nothing processed, nothing audited).
     */
    async finish(
      mailbox: MailboxRow,
      providerMessageId: string,
      token: string | null,
      next: {
        ledger?: LedgerValues;
        threadState: ThreadStateValues;
        audit: { action: string; detail: Record<string, unknown> };
      },
    ): Promise<boolean> {
      const withDone = db.with('done', (qc) =>
        qc
          .updateTable('processed_messages')
          .set({ ...next.ledger, processed_at: new Date(), lease_until: null })
          .where('mailbox_id', '=', mailbox.id)
          .where('provider_message_id', '=', providerMessageId)
          .where('lease_token', '=', token ?? '')
          .where('processed_at', 'is', null)
          .returning(['tenant_id', 'user_id']),
      );
      const withState = withDone.with('thread_state', (qc) =>
        threadStateQuery(qc as unknown as QueryCreator<Database>, mailbox, next.threadState),
      );
      const detail = JSON.stringify(next.audit.detail);
      const audited = await withState
        .insertInto('audit_log')
        .columns(['tenant_id', 'user_id', 'action', 'detail'])
        .expression((eb) =>
          eb
            .selectFrom('done')
            .select([
              'done.tenant_id',
              'done.user_id',
              sql<string>`${next.audit.action}::text`.as('action'),
              sql<string>`${detail}::jsonb`.as('detail'),
            ]),
        )
        .returning('id')
        .executeTakeFirst();
      return audited !== undefined;
    },
  };
}

export type ThreadStateValues = {
  threadId: string;
  messageId: string;
  fromMe: boolean;
  state: string;
  at: Date;
  followUpDueAt: Date | null;
};

function threadStateQuery(qc: QueryCreator<Database>, mailbox: MailboxRow, next: ThreadStateValues) {
  const values = {
    state: next.state,
    last_message_id: next.messageId,
    last_from_me: next.fromMe,
    last_message_at: next.at,
    follow_up_due_at: next.followUpDueAt,
    updated_at: new Date(),
  };
  return qc
    .insertInto('thread_states')
    .values({
      tenant_id: mailbox.tenant_id,
      user_id: mailbox.user_id,
      mailbox_id: mailbox.id,
      thread_id: next.threadId,
      ...values,
    })
    .onConflict((oc) =>
      oc.columns(['mailbox_id', 'thread_id']).doUpdateSet(values).where('thread_states.last_message_at', '<=', next.at),
    );
}
