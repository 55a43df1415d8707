import { type Kysely, sql } from 'kysely';

/**
 * The per-user mail index behind Ask Steward (issue 19): one row per indexed message with a stored,
 * weighted `tsvector` (subject A, sender B, body C in the `english` configuration; the same words unstemmed
 * in `simple` at D) under a GIN index; per-user document frequencies kept by statement triggers, so search
 * ranks only the candidates of the rarest query words; and message chunks with embeddings — `vector` where
 * the database has pgvector (PGlite ships it), `real[]` with exact cosine in SQL where it does not.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const available = await sql<{ n: number }>`
    select count(*)::int as n from pg_available_extensions where name = 'vector'`.execute(db);
  let vector = false;
  if ((available.rows[0]?.n ?? 0) > 0) {
    try {
      await sql`create extension if not exists vector`.execute(db);
      vector = true;
    } catch {
      // Available but not creatable by this role: the real[] fallback serves.
    }
  }

  await sql`
    create table mail_index (
      id bigserial primary key,
      tenant_id uuid not null,
      user_id uuid not null references users(id) on delete cascade,
      mailbox_id uuid references mailboxes(id) on delete cascade,
      message_id text not null,
      thread_id text,
      subject text not null default '',
      sender text not null default '',
      sender_name text not null default '',
      recipients text not null default '',
      sent_at timestamptz,
      from_me boolean not null default false,
      body text not null default '',
      model_allowed boolean not null default true,
      tsv tsvector not null,
      created_at timestamptz not null default now(),
      constraint mail_index_user_message_key unique (user_id, message_id)
    )`.execute(db);
  // The tsvector is read for every candidate ranked: kept in the row (not TOAST) so ranking reads one page per row.
  await sql`alter table mail_index alter column tsv set storage main`.execute(db);
  await sql`create index mail_index_tsv_idx on mail_index using gin (tsv)`.execute(db);
  await sql`create index mail_index_user_time_idx on mail_index (user_id, sent_at desc)`.execute(db);
  await sql`create index mail_index_user_thread_idx on mail_index (user_id, thread_id)`.execute(db);
  await sql`create index mail_index_mailbox_idx on mail_index (mailbox_id)`.execute(db);

  // Document frequency per user and lexeme; the empty lexeme holds the user's document count.
  await sql`
    create table mail_terms (
      tenant_id uuid not null,
      user_id uuid not null references users(id) on delete cascade,
      lexeme text not null,
      df integer not null,
      primary key (user_id, lexeme)
    )`.execute(db);

  await sql`
    create function mail_terms_count() returns trigger language plpgsql as $$
    begin
      insert into mail_terms (tenant_id, user_id, lexeme, df)
        select tenant_id, user_id, lexeme, count(*)::int from (
          select n.tenant_id, n.user_id, l as lexeme from new_rows n, unnest(tsvector_to_array(n.tsv)) l
          union all
          select n.tenant_id, n.user_id, '' from new_rows n
        ) t group by tenant_id, user_id, lexeme order by user_id, lexeme
      on conflict (user_id, lexeme) do update set df = mail_terms.df + excluded.df;
      return null;
    end $$`.execute(db);
  await sql`
    create function mail_terms_forget() returns trigger language plpgsql as $$
    begin
      update mail_terms m set df = greatest(m.df - d.n, 0) from (
        select user_id, lexeme, count(*)::int as n from (
          select o.user_id, l as lexeme from old_rows o, unnest(tsvector_to_array(o.tsv)) l
          union all
          select o.user_id, '' from old_rows o
        ) t group by user_id, lexeme
      ) d where m.user_id = d.user_id and m.lexeme = d.lexeme;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger mail_index_count after insert on mail_index
    referencing new table as new_rows for each statement execute function mail_terms_count()`.execute(db);
  await sql`
    create trigger mail_index_forget after delete on mail_index
    referencing old table as old_rows for each statement execute function mail_terms_forget()`.execute(db);

  await sql`
    create table mail_chunks (
      id bigserial primary key,
      tenant_id uuid not null,
      user_id uuid not null references users(id) on delete cascade,
      entry_id bigint not null references mail_index(id) on delete cascade,
      chunk integer not null,
      text text not null,
      model text not null,
      embedding ${sql.raw(vector ? 'vector' : 'real[]')} not null,
      constraint mail_chunks_entry_chunk_key unique (entry_id, chunk)
    )`.execute(db);
  await sql`create index mail_chunks_user_idx on mail_chunks (user_id, model)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists mail_chunks`.execute(db);
  await sql`drop table if exists mail_terms`.execute(db);
  await sql`drop table if exists mail_index`.execute(db);
  await sql`drop function if exists mail_terms_count()`.execute(db);
  await sql`drop function if exists mail_terms_forget()`.execute(db);
}
