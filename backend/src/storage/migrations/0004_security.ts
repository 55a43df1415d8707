import type { Kysely } from 'kysely';

/**
 * A mailbox consented to by an account that is not provably the Steward user who started connecting it
 * waits for a confirmation in that browser (OAuth login CSRF, issue 12): the sealed token and address are
 * kept with the one-time confirmation handle in `oauth_states` until then (ten minutes at most).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oauth_states').addColumn('pending_connection', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oauth_states').dropColumn('pending_connection').execute();
}
