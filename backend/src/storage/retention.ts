/**
 * Retention: the rows the pipeline keeps for its own bookkeeping grow with every message (a ledger row, a
 * thread state, an audit entry, alerts sent), so a daily job deletes those older than RETENTION_DAYS
 * (AUDIT_RETENTION_DAYS for the audit log). What a user made or asked to keep — notes, settings, rules,
 * the Ask index, the daily statistics and model usage — is not touched here.
 *
 * The exactly-once ledger is what stops a replayed notification or a backfill from labelling and drafting
 * a message twice, so a ledger row outlives every way its message can be listed again: notifications and
 * deltas only list what is new since the cursor, and a backfill lists the last `backfillDays` (up to 365)
 * of the user's settings. A processed row therefore goes only once it is older than both RETENTION_DAYS
 * and that user's backfill window (plus a day). Thread states go with their last message; a follow-up
 * that is still due keeps its thread, and it is pruned no later than the follow-up's own ledger row.
 *
 * Deletes run in batches (each its own statement), so a large first prune never holds long locks.
 */
import { defaultSettings } from '@steward/shared';
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

export interface RetentionPolicy {
  /** Ledger, thread states, failed and completed table-queue jobs, alert log, CRM cache; 0 keeps them. */
  days: number;
  /** The audit log; 0 keeps it. */
  auditDays: number;
}

export type PruneCounts = Record<
  'processed_messages' | 'thread_states' | 'jobs' | 'oauth_states' | 'alert_log' | 'crm_cache' | 'audit_log',
  number
>;

const DAY_MS = 86_400_000;

export async function pruneOldRows(
  db: Kysely<Database>,
  policy: RetentionPolicy,
  options: { now?: Date; batchSize?: number } = {},
): Promise<PruneCounts> {
  const now = options.now ?? new Date();
  const batch = Math.max(1, options.batchSize ?? 5_000);
  const counts: PruneCounts = {
    processed_messages: 0,
    thread_states: 0,
    jobs: 0,
    oauth_states: 0,
    alert_log: 0,
    crm_cache: 0,
    audit_log: 0,
  };
  /** Runs one batched delete until a batch comes back short; returns the rows deleted. */
  const drain = async (statement: () => Promise<{ numAffectedRows?: bigint }>): Promise<number> => {
    let total = 0;
    for (;;) {
      const n = Number((await statement()).numAffectedRows ?? 0n);
      total += n;
      if (n < batch) return total;
    }
  };
  const at = now.toISOString();

  // Handshakes that expired can never complete (they last minutes), whatever the retention.
  counts.oauth_states = await drain(() =>
    sql`delete from oauth_states where state in (
          select state from oauth_states where expires_at < ${at}::timestamptz limit ${batch})`.execute(db),
  );

  if (policy.days > 0) {
    const cutoff = new Date(now.getTime() - policy.days * DAY_MS).toISOString();
    // Thread states first: a follow-up's ledger row is pruned no earlier than its thread (see above).
    counts.thread_states = await drain(() =>
      sql`delete from thread_states where (mailbox_id, thread_id) in (
            select mailbox_id, thread_id from thread_states
             where last_message_at < ${cutoff}::timestamptz
               and (follow_up_due_at is null or follow_up_due_at < ${cutoff}::timestamptz)
             limit ${batch})`.execute(db),
    );
    const defaultBackfill = defaultSettings().backfillDays;
    counts.processed_messages = await drain(() =>
      sql`delete from processed_messages where (mailbox_id, provider_message_id) in (
            select p.mailbox_id, p.provider_message_id
              from processed_messages p join users u on u.id = p.user_id
             where p.processed_at is not null
               and p.processed_at < ${cutoff}::timestamptz
               and p.processed_at < ${at}::timestamptz - make_interval(days => case
                     when jsonb_typeof(u.settings->'backfillDays') = 'number'
                     then (u.settings->>'backfillDays')::numeric::int else ${defaultBackfill}::int end + 1)
             limit ${batch})`.execute(db),
    );
    counts.jobs = await drain(() =>
      sql`delete from jobs where id in (
            select id from jobs where state in ('failed', 'completed') and completed_at < ${cutoff}::timestamptz
             limit ${batch})`.execute(db),
    );
    counts.alert_log = await drain(() =>
      sql`delete from alert_log where (channel_id, message_key) in (
            select channel_id, message_key from alert_log where created_at < ${cutoff}::timestamptz limit ${batch})`.execute(
        db,
      ),
    );
    counts.crm_cache = await drain(() =>
      sql`delete from crm_cache where (tenant_id, sender) in (
            select tenant_id, sender from crm_cache where fetched_at < ${cutoff}::timestamptz limit ${batch})`.execute(
        db,
      ),
    );
  }

  if (policy.auditDays > 0) {
    const cutoff = new Date(now.getTime() - policy.auditDays * DAY_MS).toISOString();
    counts.audit_log = await drain(() =>
      sql`delete from audit_log where id in (
            select id from audit_log where created_at < ${cutoff}::timestamptz limit ${batch})`.execute(db),
    );
  }
  return counts;
}
