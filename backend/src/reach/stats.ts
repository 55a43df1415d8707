/**
 * The inbox dashboard's numbers. Counts are kept as mail is processed and model calls are made
 * (mail_stats_daily: one row per user, day and category; ai_usage_daily: per day and model; reply_events:
 * one row per reply, read from its index), so GET /v1/stats reads a few hundred small rows for two weeks
 * and a few thousand for a year, however many messages the user has. Days are the user's own: a message
 * or model call counts on the day it was in the user's time zone (settings.timeZone) when it was recorded.
 */
import { CATEGORY_IDS, type CategoryId, type InboxStats } from '@steward/shared';
import { type Kysely, type QueryCreator, sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Database, MailboxRow } from '../storage/schema.ts';
import type { UserScope } from '../storage/user-scope.ts';

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The calendar day of `at` in `zone` (YYYY-MM-DD); UTC when the zone is missing or unknown. */
export function localDay(at: Date, zone: string | undefined): string {
  if (!zone || zone === 'UTC') return utcDay(at);
  const local = DateTime.fromJSDate(at, { zone });
  return local.isValid ? (local.toISODate() ?? utcDay(at)) : utcDay(at);
}

function validZone(zone: string | undefined): string {
  return zone && DateTime.local().setZone(zone).isValid ? zone : 'UTC';
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
  await countMessageQuery(db, scope, at, category, counts, zone).execute();
}

/**
 * The statement of `countMessage`, built on `qc` — which may carry a data-modifying WITH, so that the
 * count and another write are one atomic statement (sync/pipeline.ts: the ledger row and its count).
 */
export function countMessageQuery(
  qc: QueryCreator<Database>,
  scope: UserScope,
  at: Date,
  category: CategoryId,
  counts: { messages?: number; drafts?: number } = { messages: 1 },
  zone?: string,
) {
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

/** US dollars per million tokens (input, output) for models with a published price; others cost null. */
export const MODEL_PRICES: Record<string, [number, number]> = {
  'gpt-4o-mini': [0.15, 0.6],
  'gpt-4o': [2.5, 10],
  'gpt-4.1-mini': [0.4, 1.6],
  'gpt-4.1-nano': [0.1, 0.4],
  'gpt-4.1': [2, 8],
  'gpt-5-mini': [0.25, 2],
  'gpt-5-nano': [0.05, 0.4],
  'gpt-5': [1.25, 10],
};

function priceOf(model: string): [number, number] | undefined {
  const name = model.toLowerCase();
  // Dated snapshots ("gpt-4o-mini-2024-07-18") cost what their family costs; the longest name wins.
  const family = Object.keys(MODEL_PRICES)
    .filter((key) => name === key || name.startsWith(`${key}-`))
    .sort((a, b) => b.length - a.length)[0];
  return family ? MODEL_PRICES[family] : undefined;
}

const AGE_BUCKETS = ['<1d', '1-3d', '3-7d', '7-14d', '>14d'];

export async function inboxStats(
  db: Kysely<Database>,
  scope: UserScope,
  options: { days?: number; now?: Date; timeZone?: string } = {},
): Promise<InboxStats> {
  const now = options.now ?? new Date();
  const days = options.days ?? 30;
  const zone = validZone(options.timeZone);
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const first = today.minus({ days: days - 1 });
  const toDay = today.toISODate() as string;
  const fromDay = first.toISODate() as string;
  // The first day's midnight in the user's zone: replies are timed from there.
  const fromDate = first.toJSDate();
  const endDate = today.plus({ days: 1 }).toJSDate();
  const draftCutoff = localDay(new Date(now.getTime() - 7 * 86_400_000), zone);

  // One statement, one round trip and one pooled connection per request: four small index reads whose
  // results come back as JSON (the largest is 8 rows a day; replies come from the index alone).
  const user = scope.userId;
  const tenant = scope.tenantId;
  const row = (
    await sql<{
      daily: Array<{ day: string; category: string; messages: number; drafts: number }> | null;
      replies: { sent: number; drafted: number; median: number | null };
      ageing: Record<string, number>;
      usage: Array<{ model: string; calls: number; prompt: number; completion: number }> | null;
    }>`
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
  const daily = row?.daily ?? [];
  const replies = row?.replies;
  const usage = row?.usage ?? [];

  const byDay = new Map<string, Record<string, number>>();
  for (let d = first; d <= today; d = d.plus({ days: 1 })) {
    byDay.set(d.toISODate() as string, Object.fromEntries(CATEGORY_IDS.map((c) => [c, 0])));
  }
  const totals: Record<string, number> = Object.fromEntries(CATEGORY_IDS.map((c) => [c, 0]));
  let draftsCreated = 0;
  let draftsBeforeCutoff = 0;
  for (const day of daily) {
    const counts = byDay.get(day.day);
    if (counts) counts[day.category] = (counts[day.category] ?? 0) + day.messages;
    totals[day.category] = (totals[day.category] ?? 0) + day.messages;
    draftsCreated += day.drafts;
    if (day.day < draftCutoff) draftsBeforeCutoff += day.drafts;
  }
  const used = Math.min(Number(replies?.drafted ?? 0), draftsCreated);

  let calls = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let cost: number | null = 0;
  for (const row of usage) {
    const prompt = Number(row.prompt);
    const completion = Number(row.completion);
    calls += Number(row.calls);
    promptTokens += prompt;
    completionTokens += completion;
    const price = priceOf(row.model);
    if (!price) cost = null;
    else if (cost !== null) cost += (prompt * price[0] + completion * price[1]) / 1_000_000;
  }

  return {
    from: fromDay,
    to: toDay,
    timeZone: zone,
    perDay: [...byDay.entries()].map(([day, counts]) => ({ day, counts })),
    totals,
    replies: {
      sent: Number(replies?.sent ?? 0),
      medianMinutes: replies?.median == null ? null : Math.round(Number(replies.median) * 10) / 10,
    },
    awaitingReply: AGE_BUCKETS.map((bucket) => ({ bucket, threads: Number(row?.ageing?.[bucket] ?? 0) })),
    drafts: { created: draftsCreated, used, discarded: Math.max(0, draftsBeforeCutoff - used) },
    model: {
      calls,
      promptTokens,
      completionTokens,
      costUsd: cost === null ? null : Math.round(cost * 10_000) / 10_000,
    },
  };
}

/**
 * The dashboard's answers, kept per user and range for `ttlMs` (default a minute: the charts are by day and
 * the ageing by day too, so a minute-old answer shows the same picture). Concurrent requests for the same
 * answer share one query, so ten open panes of one user cost one statement a minute.
 */
export function createStatsCache<T = InboxStats>(
  options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
) {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: T; expires: number }>();
  const pending = new Map<string, Promise<T>>();
  return {
    async get(key: { userId: string; days: number }, compute: () => Promise<T>): Promise<T> {
      const id = `${key.userId}|${key.days}`;
      const hit = entries.get(id);
      if (hit && hit.expires > now()) return hit.value;
      const running = pending.get(id);
      if (running) return running;
      const work = compute()
        .then((value) => {
          if (ttlMs > 0) {
            entries.delete(id);
            if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
            entries.set(id, { value, expires: now() + ttlMs });
          }
          return value;
        })
        .finally(() => pending.delete(id));
      pending.set(id, work);
      return work;
    },
    /** Forgets a user's answers (their time zone changed, or they asked for fresh numbers). */
    forget(userId: string): void {
      for (const id of entries.keys()) if (id.startsWith(`${userId}|`)) entries.delete(id);
    },
  };
}

export type StatsCache = ReturnType<typeof createStatsCache<string>>;
