import { type Kysely, sql } from 'kysely';

/**
 * The morning briefing left as a draft to self (issue 19): one row per user holding the last local day a
 * draft was claimed for and the draft's id once the provider made it. Claiming the day is one conditional
 * upsert, so two workers, a replayed job or a restart cannot make a second draft the same day; the table
 * never grows past one row per user. Rows go with the user (delete-my-data) and the mailbox (disconnect).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('briefing_drafts')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('mailbox_id', 'uuid', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('draft_id', 'text')
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('briefing_drafts').execute();
}
