import { type Kysely, sql } from 'kysely';

/**
 * Mail index speed and ranking (issue 19):
 * - an index on (user_id, sender), so indexing a batch finds which senders are known (their signature
 *   already indexed) with one index probe per sender instead of reading every row of the user;
 * - the word-count triggers also keep each user's total tsvector length (distinct lexemes per message) under
 *   the lexeme ' ' (a space: the text parser never makes a lexeme with one), so search normalises a message's
 *   length by the user's true average (BM25) without reading the table;
 * - `mail_terms` pages half full (fillfactor 50): every batch indexed adds to the counts of thousands of
 *   words, and free room in the page lets PostgreSQL update a count in place (a HOT update) instead of
 *   writing a new entry into the primary key index each time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index mail_index_user_sender_idx on mail_index (user_id, sender)`.execute(db);
  await sql`alter table mail_terms set (fillfactor = 50)`.execute(db);
  await sql`
    create or replace function mail_terms_count() returns trigger language plpgsql as $$
    begin
      insert into mail_terms (tenant_id, user_id, lexeme, df)
        select tenant_id, user_id, lexeme, sum(w)::int from (
          select n.tenant_id, n.user_id, l as lexeme, 1 as w from new_rows n, unnest(tsvector_to_array(n.tsv)) l
          union all
          select n.tenant_id, n.user_id, '', 1 from new_rows n
          union all
          select n.tenant_id, n.user_id, ' ', length(n.tsv) from new_rows n
        ) t group by tenant_id, user_id, lexeme order by user_id, lexeme
      on conflict (user_id, lexeme) do update set df = mail_terms.df + excluded.df;
      return null;
    end $$`.execute(db);
  await sql`
    create or replace function mail_terms_forget() returns trigger language plpgsql as $$
    begin
      update mail_terms m set df = greatest(m.df - d.n, 0) from (
        select user_id, lexeme, sum(w)::int as n from (
          select o.user_id, l as lexeme, 1 as w from old_rows o, unnest(tsvector_to_array(o.tsv)) l
          union all
          select o.user_id, '', 1 from old_rows o
          union all
          select o.user_id, ' ', length(o.tsv) from old_rows o
        ) t group by user_id, lexeme
      ) d where m.user_id = d.user_id and m.lexeme = d.lexeme;
      return null;
    end $$`.execute(db);
  await sql`
    insert into mail_terms (tenant_id, user_id, lexeme, df)
      select tenant_id, user_id, ' ', sum(length(tsv))::int from mail_index group by tenant_id, user_id
    on conflict (user_id, lexeme) do update set df = excluded.df`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from mail_terms where lexeme = ' '`.execute(db);
  await sql`alter table mail_terms reset (fillfactor)`.execute(db);
  await sql`drop index if exists mail_index_user_sender_idx`.execute(db);
  await sql`
    create or replace function mail_terms_count() returns trigger language plpgsql as $$
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
    create or replace function mail_terms_forget() returns trigger language plpgsql as $$
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
}
