import { type Kysely, sql } from 'kysely';

/** Tables for triage (cache, corrections, rules, personal model), voice profiles, meeting notes and AI usage. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const owned = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('tenant_id', 'uuid', (c) => c.notNull())
      .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'));

  await owned('triage_results')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('engine', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('triage_results_pkey', ['user_id', 'message_id'])
    .execute();

  await owned('triage_feedback')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('previous_category', 'text')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('sender', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('triage_feedback_user_idx')
    .on('triage_feedback')
    .columns(['user_id', 'created_at'])
    .execute();

  await owned('triage_rules')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('triage_rules_pkey', ['user_id', 'kind', 'value'])
    .execute();

  await owned('personal_models')
    .addColumn('model', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('personal_models_pkey', ['user_id'])
    .execute();

  await owned('voice_profiles')
    .addColumn('profile', 'jsonb', (c) => c.notNull())
    .addColumn('examples', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('voice_profiles_pkey', ['user_id'])
    .execute();

  await owned('meeting_notes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('title', 'text')
    .addColumn('meeting_date', 'timestamptz')
    .addColumn('notes', 'jsonb', (c) => c.notNull())
    .addColumn('transcript_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('meeting_notes_user_idx')
    .on('meeting_notes')
    .columns(['user_id', 'created_at'])
    .execute();

  await owned('ai_usage')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('prompt_tokens', 'integer', (c) => c.notNull())
    .addColumn('completion_tokens', 'integer', (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('ok', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('ai_usage_user_idx').on('ai_usage').columns(['user_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'ai_usage',
    'meeting_notes',
    'voice_profiles',
    'personal_models',
    'triage_rules',
    'triage_feedback',
    'triage_results',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
