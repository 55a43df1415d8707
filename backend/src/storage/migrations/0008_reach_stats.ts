import { type Kysely, sql } from 'kysely';

/**
 * The dashboard over a year without reading every model call: model calls, tokens per user, day and model
 * (`ai_usage_daily`, kept as calls are recorded, days in the user's time zone), and the reply times read
 * from the index alone (`minutes` and `drafted` carried in it). Existing calls are rolled up by UTC day.
 * CRM connections made through OAuth keep their refresh token (`auth = 'oauth'`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ai_usage_daily')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('prompt_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('completion_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('ai_usage_daily_pkey', ['user_id', 'day', 'model'])
    .execute();
  await sql`
    insert into ai_usage_daily (tenant_id, user_id, day, model, calls, prompt_tokens, completion_tokens)
    select tenant_id, user_id, (created_at at time zone 'UTC')::date, model, count(*)::int,
           coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0)
    from ai_usage
    group by tenant_id, user_id, (created_at at time zone 'UTC')::date, model
  `.execute(db);

  await db.schema
    .alterTable('crm_connections')
    .addColumn('auth', 'text', (c) => c.notNull().defaultTo('token').check(sql`auth in ('token', 'oauth')`))
    .execute();

  await sql`drop index if exists reply_events_user_idx`.execute(db);
  await sql`create index reply_events_user_idx on reply_events (user_id, replied_at) include (tenant_id, minutes, drafted)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('crm_connections').dropColumn('auth').execute();
  await db.schema.dropTable('ai_usage_daily').execute();
  await sql`drop index if exists reply_events_user_idx`.execute(db);
  await sql`create index reply_events_user_idx on reply_events (user_id, replied_at)`.execute(db);
}
