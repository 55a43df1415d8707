import { type Kysely, sql } from 'kysely';

/**
 * Mailbox sync: connected mailboxes (refresh tokens encrypted), the exactly-once ledger of processed
 * messages, thread state, backfill progress, pending OAuth handshakes, and the table job queue used when
 * pg-boss cannot run (embedded PGlite).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const owned = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('tenant_id', 'uuid', (c) => c.notNull())
      .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'));

  await owned('mailboxes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('provider', 'text', (c) => c.notNull().check(sql`provider in ('gmail', 'graph')`))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('refresh_token_ciphertext', 'text', (c) => c.notNull())
    .addColumn('refresh_token_iv', 'text', (c) => c.notNull())
    .addColumn('refresh_token_tag', 'text', (c) => c.notNull())
    .addColumn('key_version', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('active').check(sql`status in ('active', 'needs_reauth', 'disconnected')`),
    )
    .addColumn('status_reason', 'text')
    .addColumn('cursor', 'text')
    .addColumn('watch_id', 'text')
    .addColumn('watch_expires_at', 'timestamptz')
    .addColumn('client_state', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('mailboxes_user_address_key', ['user_id', 'provider', 'address'])
    .execute();
  await db.schema.createIndex('mailboxes_address_idx').on('mailboxes').columns(['provider', 'address']).execute();
  await db.schema.createIndex('mailboxes_watch_idx').on('mailboxes').column('watch_id').execute();

  await owned('processed_messages')
    .addColumn('mailbox_id', 'uuid', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
    .addColumn('provider_message_id', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'text')
    .addColumn('thread_version', 'text')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('push'))
    .addColumn('category', 'text')
    .addColumn('label_applied', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('draft_pending', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('draft_id', 'text')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('lease_token', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('processed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The exactly-once guarantee: one ledger row per message, whoever (process, retry, replay) gets there.
    .addPrimaryKeyConstraint('processed_messages_pkey', ['mailbox_id', 'provider_message_id'])
    .execute();

  await owned('thread_states')
    .addColumn('mailbox_id', 'uuid', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
    .addColumn('thread_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('last_message_id', 'text', (c) => c.notNull())
    .addColumn('last_from_me', 'boolean', (c) => c.notNull())
    .addColumn('last_message_at', 'timestamptz', (c) => c.notNull())
    .addColumn('follow_up_due_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('thread_states_pkey', ['mailbox_id', 'thread_id'])
    .execute();

  await owned('sync_status')
    .addColumn('mailbox_id', 'uuid', (c) => c.primaryKey().references('mailboxes.id').onDelete('cascade'))
    .addColumn('phase', 'text', (c) => c.notNull().defaultTo('idle'))
    .addColumn('backfill_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('backfill_started_at', 'timestamptz')
    .addColumn('backfill_finished_at', 'timestamptz')
    .addColumn('last_sync_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .execute();

  await owned('oauth_states')
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('created'))
    .addColumn('singleton_key', 'text')
    .addColumn('retry_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retry_limit', 'integer', (c) => c.notNull())
    .addColumn('retry_delay_ms', 'integer', (c) => c.notNull())
    .addColumn('start_after', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await sql`create index jobs_fetch_idx on jobs (name, start_after) where state = 'created'`.execute(db);
  // At most one waiting job per key: replayed notifications coalesce instead of piling up.
  await sql`create unique index jobs_singleton_idx on jobs (name, singleton_key) where state = 'created' and singleton_key is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['jobs', 'oauth_states', 'sync_status', 'thread_states', 'processed_messages', 'mailboxes']) {
    await db.schema.dropTable(table).execute();
  }
}
