import { type Kysely, sql } from 'kysely';

/**
 * Reach and context (issue 20): bulk senders with their List-Unsubscribe header, the dashboard's daily
 * aggregates (kept as mail is processed, so the stats route reads a few hundred rows, never every message),
 * reply times, alert channels with sealed webhook URLs or bot tokens and their delivery log, and the
 * tenant's CRM connection (sealed token) with a per-sender cache.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const owned = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('tenant_id', 'uuid', (c) => c.notNull())
      .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'));

  await owned('senders')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_seen', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen', 'timestamptz', (c) => c.notNull())
    .addColumn('list_unsubscribe', 'text')
    .addColumn('list_unsubscribe_post', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('last_message_id', 'text')
    .addColumn('mailbox_id', 'uuid', (c) => c.references('mailboxes.id').onDelete('set null'))
    .addColumn('unsubscribed_at', 'timestamptz')
    .addColumn('unsubscribe_method', 'text')
    .addUniqueConstraint('senders_user_address_key', ['user_id', 'address'])
    .execute();
  await sql`create index senders_category_idx on senders (tenant_id, user_id, category, last_seen desc)`.execute(db);

  // Mail per category per day, one row per user, day and category, incremented once per processed message.
  await owned('mail_stats_daily')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('messages', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('drafts_created', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('mail_stats_daily_pkey', ['user_id', 'day', 'category'])
    .execute();

  // One row per reply the user sent to someone who wrote last; minutes from their message to the reply.
  await owned('reply_events')
    .addColumn('mailbox_id', 'uuid', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'text', (c) => c.notNull())
    .addColumn('replied_at', 'timestamptz', (c) => c.notNull())
    .addColumn('minutes', 'double precision', (c) => c.notNull())
    .addColumn('drafted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('reply_events_pkey', ['mailbox_id', 'message_id'])
    .execute();
  await sql`create index reply_events_user_idx on reply_events (user_id, replied_at)`.execute(db);

  // The ageing query reads only waiting threads.
  await sql`create index thread_states_awaiting_idx on thread_states (user_id, last_message_at) where state = 'awaiting_reply'`.execute(
    db,
  );
  await sql`create index processed_messages_drafts_idx on processed_messages (user_id, created_at) where draft_id is not null`.execute(
    db,
  );

  await owned('alert_channels')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('slack', 'teams')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
    .addColumn('secret_iv', 'text', (c) => c.notNull())
    .addColumn('secret_tag', 'text', (c) => c.notNull())
    .addColumn('key_version', 'text', (c) => c.notNull())
    .addColumn('rules', 'jsonb', (c) => c.notNull())
    .addColumn('quiet_hours', 'jsonb')
    .addColumn('max_per_hour', 'integer', (c) => c.notNull().defaultTo(10))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('alert_channels_user_idx')
    .on('alert_channels')
    .columns(['tenant_id', 'user_id'])
    .execute();

  await owned('alert_log')
    .addColumn('channel_id', 'uuid', (c) => c.notNull().references('alert_channels.id').onDelete('cascade'))
    .addColumn('message_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('notice', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addPrimaryKeyConstraint('alert_log_pkey', ['channel_id', 'message_key'])
    .execute();
  await sql`create index alert_log_sent_idx on alert_log (channel_id, sent_at) where sent_at is not null`.execute(db);
  await sql`create index alert_log_held_idx on alert_log (channel_id, created_at) where status = 'held'`.execute(db);

  await db.schema
    .createTable('crm_connections')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull().check(sql`provider in ('hubspot', 'salesforce')`))
    .addColumn('instance_url', 'text')
    .addColumn('token_ciphertext', 'text', (c) => c.notNull())
    .addColumn('token_iv', 'text', (c) => c.notNull())
    .addColumn('token_tag', 'text', (c) => c.notNull())
    .addColumn('key_version', 'text', (c) => c.notNull())
    .addColumn('ttl_minutes', 'integer', (c) => c.notNull().defaultTo(60))
    .addColumn('connected_by', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('crm_cache')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('context', 'jsonb')
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('crm_cache_pkey', ['tenant_id', 'sender'])
    .execute();

  // Existing mail counts for the dashboard: the ledger's categories by the day they were seen.
  await sql`
    insert into mail_stats_daily (tenant_id, user_id, day, category, messages, drafts_created)
    select tenant_id, user_id, (created_at at time zone 'UTC')::date, category, count(*)::int,
           count(draft_id)::int
    from processed_messages
    where category is not null and provider_message_id not like 'followup:%'
    group by tenant_id, user_id, (created_at at time zone 'UTC')::date, category
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'crm_cache',
    'crm_connections',
    'alert_log',
    'alert_channels',
    'reply_events',
    'mail_stats_daily',
    'senders',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop index if exists processed_messages_drafts_idx`.execute(db);
  await sql`drop index if exists thread_states_awaiting_idx`.execute(db);
}
