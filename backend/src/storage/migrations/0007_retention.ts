import { type Kysely, sql } from 'kysely';

/**
 * Retention (storage/retention.ts): the daily prune finds old rows through an index instead of reading
 * the whole table — processed ledger rows by when they were processed, audit entries by when written.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index processed_messages_processed_idx on processed_messages (processed_at) where processed_at is not null`.execute(
    db,
  );
  await sql`create index audit_log_created_idx on audit_log (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists audit_log_created_idx`.execute(db);
  await sql`drop index if exists processed_messages_processed_idx`.execute(db);
}
