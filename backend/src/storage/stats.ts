/**
 * The dashboard's counts (reach/stats.ts reads them): mail_stats_daily (one row per user, day and
 * category), reply_events (one row per reply) and the four small reads behind GET /v1/stats. Days are the
 * user's own: a message counts on the day it was in the user's time zone when it was recorded.
 */
import type { CategoryId } from '@steward/shared';
import { type Kysely, type QueryCreator, sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Database, MailboxRow } from './schema.ts';
import type { UserScope } from './user-scope.ts';

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The calendar day of `at` in `zone` (YYYY-MM-DD); UTC when the zone is missing or unknown. */
export function localDay(at: Date, zone: string | undefined): string {
  if (!zone || zone === 'UTC') return utcDay(at);
  const local = DateTime.fromJSDate(at, { zone });
  return local.isValid ? (local.toISODate() ?? utcDay(at)) : utcDay(at);
}

/** What a message adds to its day's count. */
export interface MessageCount {
  scope: UserScope;
  at: Date;
  category: CategoryId;
  counts?: { messages?: number; drafts?: number };
  zone?: string | undefined;
}

/** One more message in its category on its day; `drafted` when a draft was left for it. */
export async function countMessage(
  db: Kysely<Database>,
  scope: UserScope,
  at: Date,
  category: CategoryId,
  counts: { messages?: number; drafts?: number } = { messages: 1 },
  zone?: string,
): Promise<void> {
  await countMessageQuery(db, { scope, at, category, counts, zone }).execute();
}

/**
 * The statement of `countMessage`, built on `qc` — which may carry a data-modifying WITH, so that the
 * count and another write are one atomic statement (ledgerStore.recordAndCount: the ledger row and its count).
 */
export function countMessageQuery(qc: QueryCreator<Database>, count: MessageCount) {
  const { scope, at, category, zone } = count;
  const counts = count.counts ?? { messages: 1 };
  const messages = counts.messages ?? 0;
  const drafts = counts.drafts ?? 0;
  return qc
    .insertInto('mail_stats_daily')
    .values({
      tenant_id: scope.tenantId,
      user_id: scope.userId,
      day: localDay(at, zone),
      category,
      messages,
      drafts_created: drafts,
    })
    .onConflict((oc) =>
      oc.columns(['user_id', 'day', 'category']).doUpdateSet({
        messages: sql`mail_stats_daily.messages + ${messages}`,
        drafts_created: sql`mail_stats_daily.drafts_created + ${drafts}`,
      }),
    );
}

/**
 * The user's own message in a thread: when the other side wrote last, this is a reply, and the minutes
 * since their message are recorded once per message (retries add nothing).
 */
export async function recordReplyIfAny(
  db: Kysely<Database>,
  mailbox: MailboxRow,
  threadId: string,
  messageId: string,
  at: Date,
): Promise<void> {
  const state = await db
    .selectFrom('thread_states')
    .select(['last_from_me', 'last_message_at'])
    .where('mailbox_id', '=', mailbox.id)
    .where('thread_id', '=', threadId)
    .executeTakeFirst();
  if (!state || state.last_from_me) return;
  const since = new Date(state.last_message_at).getTime();
  if (since > at.getTime()) return;
  const drafted = await db
    .selectFrom('processed_messages')
    .select('provider_message_id')
    .where('mailbox_id', '=', mailbox.id)
    .where('thread_id', '=', threadId)
    .where('draft_id', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  await db
    .insertInto('reply_events')
    .values({
      tenant_id: mailbox.tenant_id,
      user_id: mailbox.user_id,
      mailbox_id: mailbox.id,
      message_id: messageId,
      thread_id: threadId,
      replied_at: at,
      minutes: (at.getTime() - since) / 60_000,
      drafted: drafted !== undefined,
    })
    .onConflict((oc) => oc.columns(['mailbox_id', 'message_id']).doNothing())
    .execute();
}

/** The range the dashboard reads: days (YYYY-MM-DD, the user's) and the instants they begin and end. */
export interface StatsRange {
  fromDay: string;
  toDay: string;
  /** The first day's midnight in the user's zone: replies are timed from there. */
  fromDate: Date;
  endDate: Date;
  /** Threads awaiting a reply are aged from this instant. */
  now: Date;
}

/** The raw numbers of one range, before reach/stats.ts shapes them into InboxStats. */
export interface StatsRows {
  daily: Array<{ day: string; category: string; messages: number; drafts: number }> | null;
  replies: { sent: number; drafted: number; median: number | null };
  ageing: Record<string, number>;
  usage: Array<{ model: string; calls: number; prompt: number; completion: number }> | null;
}

/**
 * One statement, one round trip and one pooled connection per request: four small index reads whose
 * results come back as JSON (the largest is 8 rows a day; replies come from the index alone).
 */
export async function readStats(
  db: Kysely<Database>,
  scope: UserScope,
  range: StatsRange,
): Promise<StatsRows | undefined> {
  const user = scope.userId;
  const tenant = scope.tenantId;
  const { fromDay, toDay, fromDate, endDate, now } = range;
  return (
    await sql<StatsRows>`
    select
      (select json_agg(json_build_object('day', to_char(day, 'YYYY-MM-DD'), 'category', category,
                                         'messages', messages, 'drafts', drafts_created))
         from mail_stats_daily
        where user_id = ${user} and tenant_id = ${tenant} and day >= ${fromDay}::date and day <= ${toDay}::date) as daily,
      (select json_build_object('sent', count(*), 'drafted', count(*) filter (where drafted),
                                'median', percentile_cont(0.5) within group (order by minutes))
         from reply_events
        where user_id = ${user} and tenant_id = ${tenant} and replied_at >= ${fromDate}
          and replied_at < ${endDate}) as replies,
      (select json_build_object(
                '<1d', count(*) filter (where last_message_at > ${now}::timestamptz - interval '1 day'),
                '1-3d', count(*) filter (where last_message_at <= ${now}::timestamptz - interval '1 day'
                                           and last_message_at > ${now}::timestamptz - interval '3 days'),
                '3-7d', count(*) filter (where last_message_at <= ${now}::timestamptz - interval '3 days'
                                           and last_message_at > ${now}::timestamptz - interval '7 days'),
                '7-14d', count(*) filter (where last_message_at <= ${now}::timestamptz - interval '7 days'
                                            and last_message_at > ${now}::timestamptz - interval '14 days'),
                '>14d', count(*) filter (where last_message_at <= ${now}::timestamptz - interval '14 days'))
         from thread_states
        where user_id = ${user} and state = 'awaiting_reply' and tenant_id = ${tenant}) as ageing,
      (select json_agg(u) from (
         select model, sum(calls) as calls, sum(prompt_tokens) as prompt, sum(completion_tokens) as completion
           from ai_usage_daily
          where user_id = ${user} and tenant_id = ${tenant} and day >= ${fromDay}::date and day <= ${toDay}::date
          group by model) u) as usage
  `.execute(db)
  ).rows[0];
}
