import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';
import type { UserScope } from './user-scope.ts';

/**
 * The per-user mail index (Ask Steward). Text search is PostgreSQL full text: a stored, weighted tsvector
 * under a GIN index. Ranking is BM25 and bounded: per-user document frequencies and total length (kept by
 * triggers, migrations 0005 and 0009) give each query word an idf and each message a length norm, candidates
 * come only from the rarest words (at most CANDIDATE_CAP rows), and only those candidates are scored. Embeddings of message chunks, when a model is
 * configured, live in `mail_chunks` (pgvector where the database has it, exact cosine over real[] otherwise).
 */

/** One message as the index takes it. Only `newText` is searchable body; quoted history is added once per thread. */
export interface IndexInput {
  messageId: string;
  threadId?: string;
  mailboxId?: string;
  subject: string;
  from?: { name?: string; address: string };
  to?: { name?: string; address: string }[];
  cc?: { name?: string; address: string }[];
  date?: Date;
  newText: string;
  quoted?: string;
  signature?: string;
  fromMe?: boolean;
  /** False when the user's never-send-to-model lists cover it: no embedding, never in a model prompt. */
  modelAllowed?: boolean;
}

export interface IndexedMessage {
  id: string;
  messageId: string;
  threadId: string | null;
  mailboxId: string | null;
  subject: string;
  sender: string;
  senderName: string;
  recipients: string;
  sentAt: Date | null;
  fromMe: boolean;
  body: string;
  modelAllowed: boolean;
}

export interface SearchHit extends IndexedMessage {
  score: number;
}

export interface SearchQuery {
  text: string;
  limit?: number;
  after?: Date;
  before?: Date;
  threadId?: string;
}

/** Candidate rows scored per query at most; bounds search time whatever the mailbox size. */
export const CANDIDATE_CAP = 1000;
/** Query words scored at most (the highest idf ones); a 10 KB question costs the same as a long one. */
export const MAX_QUERY_TERMS = 16;
/** Longest body indexed and kept, in characters. */
export const MAX_BODY_CHARS = 20_000;
const MAX_QUERY_CHARS = 2_000;
/** BM25 parameters (Robertson and Zaragoza 2009; the usual defaults, also the evaluation's baseline). */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
/** ζ(2) = π²/6: PostgreSQL's ts_rank sums 1/i² over a word's positions and divides by it. */
const ZETA2 = Math.PI ** 2 / 6;

/**
 * One query word's BM25 part: idf · tf·(k1 + 1) / (tf + k), with k = k1·(1 − b + b·length/average) computed
 * per candidate as `m.k`. PostgreSQL has no term-frequency function, but ts_rank of a single word with
 * weights 1 and normalisation 0 is H(tf)/ζ(2) with H(tf) = Σ 1/i² for i ≤ tf ≈ ζ(2) − 1/(tf + ½), so
 * 1/(ζ(2)·(1 − rank)) − 1/ζ(2) is tf to within 0.11 (0 when the word is absent). Written so ts_rank appears
 * once (read once per row), as (k1 + 1)·(1 − k/(tf + k)).
 */
function bm25Term(idf: number, lexeme: string) {
  const rank = sql`ts_rank('{1,1,1,1}'::float4[], m.tsv, ${tsLiteral(lexeme)}::tsquery, 0)`;
  return sql`${idf * (BM25_K1 + 1)}::float8 * (1 - m.k / (1 / (${ZETA2}::float8 * (1 - ${rank})) - ${1 / ZETA2}::float8 + m.k))`;
}

const clip = (s: string | undefined, n: number) => (s ?? '').slice(0, n);
const people = (list: { name?: string; address: string }[] | undefined) =>
  (list ?? []).map((m) => (m.name ? `${m.name} <${m.address}>` : m.address)).join(', ');

/** A lexeme as a tsquery literal: quoted, quotes doubled and backslashes escaped, so it is never parsed as syntax. */
export function tsLiteral(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** True when the question uses web-search syntax (a quoted phrase, -exclusion, or): then it is also a filter. */
export function hasSearchSyntax(text: string): boolean {
  return /"[^"]+"/.test(text) || /(^|\s)-\p{L}/u.test(text) || /\sor\s/i.test(text);
}

interface Row {
  id: string;
  message_id: string;
  thread_id: string | null;
  mailbox_id: string | null;
  subject: string;
  sender: string;
  sender_name: string;
  recipients: string;
  sent_at: Date | string | null;
  from_me: boolean;
  body: string;
  model_allowed: boolean;
  score?: number | string;
}

const COLUMNS = sql.raw(
  'm.id::text as id, m.message_id, m.thread_id, m.mailbox_id::text as mailbox_id, m.subject, m.sender, m.sender_name, m.recipients, m.sent_at, m.from_me, m.body, m.model_allowed',
);

function toMessage(row: Row): IndexedMessage {
  return {
    id: String(row.id),
    messageId: row.message_id,
    threadId: row.thread_id,
    mailboxId: row.mailbox_id,
    subject: row.subject,
    sender: row.sender,
    senderName: row.sender_name,
    recipients: row.recipients,
    sentAt: row.sent_at === null ? null : new Date(row.sent_at),
    fromMe: row.from_me,
    body: row.body,
    modelAllowed: row.model_allowed,
  };
}

const embeddingKinds = new WeakMap<object, Promise<'vector' | 'real[]'>>();

/** Whether this database stores embeddings as pgvector `vector` or as `real[]` (decided by migration 0005). */
export function embeddingKind(db: Kysely<Database>): Promise<'vector' | 'real[]'> {
  let kind = embeddingKinds.get(db);
  if (!kind) {
    kind = sql<{ t: string }>`
      select format_type(a.atttypid, a.atttypmod) as t from pg_attribute a
      where a.attrelid = 'mail_chunks'::regclass and a.attname = 'embedding'`
      .execute(db)
      .then((r) => (r.rows[0]?.t === 'vector' ? 'vector' : 'real[]'));
    embeddingKinds.set(db, kind);
  }
  return kind;
}

function vectorLiteral(v: readonly number[], kind: 'vector' | 'real[]'): string {
  const parts = v.map((x) => (Number.isFinite(x) ? x : 0).toString());
  return kind === 'vector' ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}

/** Unit length, so a dot product is the cosine. */
export function normalise(v: readonly number[]): number[] {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

export interface ChunkInput {
  entryId: string;
  chunk: number;
  text: string;
  embedding: number[];
}

export type MailIndexStore = ReturnType<typeof mailIndexStore>;

export function mailIndexStore(db: Kysely<Database>, scope: UserScope) {
  const { tenantId, userId } = scope;
  const mine = sql`m.tenant_id = ${tenantId} and m.user_id = ${userId}`;

  return {
    scope,

    /**
     * Indexes messages not indexed yet (a message already there is left as it is: mail does not change).
     * Quoted history is indexed only with the first message of a thread the index sees, and a signature
     * only with a sender's first message, so neither is indexed again with every reply.
     * Returns the new rows' ids by message id.
     */
    async index(items: readonly IndexInput[]): Promise<Map<string, string>> {
      const seen = new Set<string>();
      const unique = items.filter((i) => i.messageId && !seen.has(i.messageId) && seen.add(i.messageId));
      if (unique.length === 0) return new Map();
      const threads = [...new Set(unique.map((i) => i.threadId).filter((t): t is string => !!t))];
      const senders = [...new Set(unique.map((i) => i.from?.address).filter((s): s is string => !!s))];
      // One index probe per thread and per sender (mail_index_user_thread_idx, mail_index_user_sender_idx).
      const known = await sql<{ kind: string; value: string }>`
        select 't' as kind, t.value from unnest(${threads}::text[]) as t(value)
          where exists (select 1 from mail_index m where ${mine} and m.thread_id = t.value)
        union all
        select 's', s.value from unnest(${senders}::text[]) as s(value)
          where exists (select 1 from mail_index m where ${mine} and m.sender = s.value)`.execute(db);
      const knownThreads = new Set(known.rows.filter((r) => r.kind === 't').map((r) => r.value));
      const knownSenders = new Set(known.rows.filter((r) => r.kind === 's').map((r) => r.value));
      const ordered = [...unique].sort((a, b) => (a.date?.getTime() ?? 0) - (b.date?.getTime() ?? 0));
      const cols = {
        mailbox: [] as (string | null)[],
        message: [] as string[],
        thread: [] as (string | null)[],
        subject: [] as string[],
        sender: [] as string[],
        senderName: [] as string[],
        recipients: [] as string[],
        sentAt: [] as (string | null)[],
        fromMe: [] as boolean[],
        body: [] as string[],
        extra: [] as string[],
        modelAllowed: [] as boolean[],
      };
      for (const item of ordered) {
        let extra = '';
        if (item.threadId && !knownThreads.has(item.threadId)) {
          knownThreads.add(item.threadId);
          extra += clip(item.quoted, MAX_BODY_CHARS);
        }
        const sender = item.from?.address ?? '';
        if (sender && !knownSenders.has(sender)) {
          knownSenders.add(sender);
          extra += `\n${clip(item.signature, 2000)}`;
        }
        cols.mailbox.push(item.mailboxId ?? null);
        cols.message.push(clip(item.messageId, 1024));
        cols.thread.push(item.threadId ? clip(item.threadId, 1024) : null);
        cols.subject.push(clip(item.subject, 1000));
        cols.sender.push(clip(sender, 320));
        cols.senderName.push(clip(item.from?.name, 200));
        cols.recipients.push(clip(people([...(item.to ?? []), ...(item.cc ?? [])]), 4000));
        cols.sentAt.push(item.date && !Number.isNaN(item.date.getTime()) ? item.date.toISOString() : null);
        cols.fromMe.push(item.fromMe ?? false);
        cols.body.push(clip(item.newText, MAX_BODY_CHARS));
        cols.extra.push(extra.trim());
        cols.modelAllowed.push(item.modelAllowed ?? true);
      }
      const { rows } = await sql<{ id: string; message_id: string }>`
        insert into mail_index (tenant_id, user_id, mailbox_id, message_id, thread_id, subject, sender, sender_name,
          recipients, sent_at, from_me, body, model_allowed, tsv)
        select ${tenantId}, ${userId}, v.mailbox_id, v.message_id, v.thread_id, v.subject, v.sender, v.sender_name,
          v.recipients, v.sent_at, v.from_me, v.body, v.model_allowed,
          setweight(to_tsvector('english', v.subject), 'A') || setweight(to_tsvector('simple', v.subject), 'A')
          || setweight(to_tsvector('simple', v.sender_name || ' ' || v.sender), 'B')
          || setweight(to_tsvector('english', v.body || ' ' || v.extra), 'C')
          || setweight(to_tsvector('simple', v.body || ' ' || v.extra), 'D')
        from unnest(${cols.mailbox}::uuid[], ${cols.message}::text[], ${cols.thread}::text[], ${cols.subject}::text[],
          ${cols.sender}::text[], ${cols.senderName}::text[], ${cols.recipients}::text[], ${cols.sentAt}::timestamptz[],
          ${cols.fromMe}::boolean[], ${cols.body}::text[], ${cols.extra}::text[], ${cols.modelAllowed}::boolean[])
          as v(mailbox_id, message_id, thread_id, subject, sender, sender_name, recipients, sent_at, from_me, body,
               extra, model_allowed)
        on conflict (user_id, message_id) do nothing
        returning id::text as id, message_id`.execute(db);
      return new Map(rows.map((r) => [r.message_id, String(r.id)]));
    },

    /** Stores chunk embeddings for rows of this user (ids from `index`); vectors are normalised here. */
    async addChunks(model: string, chunks: readonly ChunkInput[]): Promise<void> {
      if (chunks.length === 0) return;
      const kind = await embeddingKind(db);
      const cast = sql.raw(kind === 'vector' ? 'vector' : 'real[]');
      const values = chunks.map(
        (c) =>
          sql`(${c.entryId}::bigint, ${c.chunk}::int, ${c.text}, ${vectorLiteral(normalise(c.embedding), kind)}::text)`,
      );
      await sql`
        insert into mail_chunks (tenant_id, user_id, entry_id, chunk, text, model, embedding)
        select ${tenantId}, ${userId}, v.entry_id, v.chunk, v.text, ${model}, v.embedding::${cast}
        from (values ${sql.join(values)}) as v(entry_id, chunk, text, embedding)
        join mail_index m on m.id = v.entry_id and ${mine}
        on conflict (entry_id, chunk) do nothing`.execute(db);
    },

    /** Entry ids nearest to the query embedding (cosine), best first, one per message. */
    async nearest(model: string, embedding: readonly number[], limit = 50, filter: Omit<SearchQuery, 'text'> = {}) {
      const kind = await embeddingKind(db);
      const q = vectorLiteral(normalise(embedding), kind);
      const similarity =
        kind === 'vector'
          ? sql`1 - (c.embedding <=> ${q}::vector)`
          : sql`(select sum(a * b) from unnest(c.embedding, ${q}::real[]) as x(a, b))`;
      const { rows } = await sql<{ entry_id: string; sim: number }>`
        select c.entry_id::text as entry_id, max(s.sim) as sim from mail_chunks c
        join mail_index m on m.id = c.entry_id
        cross join lateral (select ${similarity} as sim) s
        where c.tenant_id = ${tenantId} and c.user_id = ${userId} and c.model = ${model} and ${mine}
          ${filter.after ? sql`and m.sent_at >= ${filter.after.toISOString()}` : sql``}
          ${filter.before ? sql`and m.sent_at < ${filter.before.toISOString()}` : sql``}
          ${filter.threadId ? sql`and m.thread_id = ${filter.threadId}` : sql``}
        group by c.entry_id order by sim desc limit ${limit}`.execute(db);
      return rows.map((r) => ({ id: String(r.entry_id), similarity: Number(r.sim) }));
    },

    /** Messages whose chunks have no embedding for this model yet (backfill of embeddings). */
    async withoutChunks(model: string, limit = 100): Promise<IndexedMessage[]> {
      const { rows } = await sql<Row>`
        select ${COLUMNS} from mail_index m
        where ${mine} and m.model_allowed
          and not exists (select 1 from mail_chunks c where c.entry_id = m.id and c.model = ${model})
        order by m.id limit ${limit}`.execute(db);
      return rows.map(toMessage);
    },

    /** Full-text search, best first (BM25, see `bm25Term`). Never throws on what the user typed: words are taken as data. */
    async search(query: SearchQuery): Promise<SearchHit[]> {
      const text = query.text.slice(0, MAX_QUERY_CHARS);
      const limit = Math.max(1, Math.min(query.limit ?? 10, 100));
      // The question's words in both configurations (stems, and the words as written: names, senders), with
      // their document frequencies; '' holds the user's message count and ' ' their summed message lengths.
      const stats = await sql<{ lexeme: string; df: number; n: number; total: number }>`
        select l.lexeme, coalesce(t.df, 0)::int as df,
          coalesce((select d.df from mail_terms d where d.user_id = ${userId} and d.lexeme = ''), 0)::int as n,
          coalesce((select d.df from mail_terms d where d.user_id = ${userId} and d.lexeme = ' '), 0)::int as total
        from (select distinct unnest(tsvector_to_array(to_tsvector('english', ${text}) || to_tsvector('simple', ${text}))) as lexeme) l
        left join mail_terms t on t.user_id = ${userId} and t.lexeme = l.lexeme`.execute(db);
      const n = stats.rows[0]?.n ?? 0;
      const total = stats.rows[0]?.total ?? 0;
      const terms = stats.rows
        .filter((r) => r.df > 0 && r.lexeme.length <= 200)
        .map((r) => ({ lexeme: r.lexeme, df: r.df, idf: Math.log(1 + (n - r.df + 0.5) / (r.df + 0.5)) }))
        .sort((a, b) => a.df - b.df || a.lexeme.localeCompare(b.lexeme))
        .slice(0, MAX_QUERY_TERMS);
      if (terms.length === 0 || n === 0) return [];
      // Candidates: the rarest words until their postings would pass the cap (always at least one word).
      const generators: string[] = [];
      let postings = 0;
      for (const t of terms) {
        if (generators.length > 0 && postings + t.df > CANDIDATE_CAP) break;
        generators.push(tsLiteral(t.lexeme));
        postings += t.df;
      }
      const syntax = hasSearchSyntax(text)
        ? sql`and (m.tsv @@ websearch_to_tsquery('english', ${text}) or m.tsv @@ websearch_to_tsquery('simple', ${text}))`
        : sql``;
      // Length normalisation by the user's average message length; without it (no totals yet) none.
      const avgLength = total > 0 ? total / n : 0;
      const lengthTerm =
        avgLength > 0
          ? sql`${BM25_K1 * (1 - BM25_B)}::float8 + ${(BM25_K1 * BM25_B) / avgLength}::float8 * length(m.tsv)`
          : sql`${BM25_K1}::float8`;
      const score = sql.join(
        terms.map((t) => bm25Term(t.idf, t.lexeme)),
        sql` + `,
      );
      // Scored and cut to the page inside the candidates; only the page's rows are read in full.
      const { rows } = await sql<Row>`
        select ${COLUMNS}, c.score from (
          select m.id, m.sent_at, ${score} as score from (
            select m.id, m.sent_at, m.tsv, ${lengthTerm} as k
            from mail_index m
            where ${mine} and m.tsv @@ ${generators.join(' | ')}::tsquery
              ${query.after ? sql`and m.sent_at >= ${query.after.toISOString()}` : sql``}
              ${query.before ? sql`and m.sent_at < ${query.before.toISOString()}` : sql``}
              ${query.threadId ? sql`and m.thread_id = ${query.threadId}` : sql``}
              ${syntax}
            limit ${CANDIDATE_CAP}
          ) m
          order by score desc, m.sent_at desc nulls last, m.id desc
          limit ${limit}
        ) c join mail_index m on m.id = c.id
        order by c.score desc, m.sent_at desc nulls last, m.id desc`.execute(db);
      return rows.map((r) => ({ ...toMessage(r), score: Number(r.score ?? 0) }));
    },

    /** Rows by index id or message id, this user's only. */
    async get(ids: { entryIds?: readonly string[]; messageIds?: readonly string[] }): Promise<IndexedMessage[]> {
      const entryIds = [...(ids.entryIds ?? [])].filter((id) => /^\d{1,18}$/.test(id));
      const messageIds = [...(ids.messageIds ?? [])];
      if (entryIds.length === 0 && messageIds.length === 0) return [];
      const { rows } = await sql<Row>`
        select ${COLUMNS} from mail_index m
        where ${mine} and (m.id = any(${entryIds}::bigint[]) or m.message_id = any(${messageIds}::text[]))`.execute(db);
      return rows.map(toMessage);
    },

    /** A thread's messages, oldest first. */
    async thread(threadId: string, limit = 200): Promise<IndexedMessage[]> {
      const { rows } = await sql<Row>`
        select ${COLUMNS} from mail_index m where ${mine} and m.thread_id = ${threadId}
        order by m.sent_at asc nulls first, m.id asc limit ${limit}`.execute(db);
      return rows.map(toMessage);
    },

    /** Messages in a time window, newest first (briefing). */
    async between(after: Date, before: Date, limit = 500): Promise<IndexedMessage[]> {
      const { rows } = await sql<Row>`
        select ${COLUMNS} from mail_index m
        where ${mine} and m.sent_at >= ${after.toISOString()} and m.sent_at < ${before.toISOString()}
        order by m.sent_at desc limit ${limit}`.execute(db);
      return rows.map(toMessage);
    },

    async count(): Promise<number> {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from mail_index m where ${mine}`.execute(db);
      return rows[0]?.n ?? 0;
    },

    /** Disconnecting a mailbox removes what it indexed. */
    async removeMailbox(mailboxId: string): Promise<number> {
      const { rows } = await sql<{ n: number }>`
        with gone as (delete from mail_index m where ${mine} and m.mailbox_id = ${mailboxId} returning 1)
        select count(*)::int as n from gone`.execute(db);
      return rows[0]?.n ?? 0;
    },

    /** Turning the index off removes all of it. */
    async removeAll(): Promise<number> {
      const { rows } = await sql<{ n: number }>`
        with gone as (delete from mail_index m where ${mine} returning 1)
        select count(*)::int as n from gone`.execute(db);
      await sql`delete from mail_terms where tenant_id = ${tenantId} and user_id = ${userId}`.execute(db);
      return rows[0]?.n ?? 0;
    },
  };
}
