/**
 * The inbox dashboard's numbers. Counts are kept as mail is processed (mail_stats_daily: one row per user,
 * day and category; reply_events: one row per reply), so GET /v1/stats reads at most a few thousand small
 * rows through primary keys and partial indexes however many messages the user has.
 */
import { CATEGORY_IDS, type CategoryId, type InboxStats } from '@steward/shared';
import { type Kysely, sql } from 'kysely';
import type { Database, MailboxRow } from '../storage/schema.ts';
import type { UserScope } from '../storage/user-scope.ts';

const DAY_MS = 86_400_000;

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** One more message in its category on its day; `drafted` when a draft was left for it. */
export async function countMessage(
  db: Kysely<Database>,
  scope: UserScope,
  at: Date,
  category: CategoryId,
  counts: { messages?: number; drafts?: number } = { messages: 1 },
): Promise<void> {
  const messages = counts.messages ?? 0;
  const drafts = counts.drafts ?? 0;
  await db
    .insertInto('mail_stats_daily')
    .values({
      tenant_id: scope.tenantId,
      user_id: scope.userId,
      day: utcDay(at),
      category,
      messages,
      drafts_created: drafts,
    })
    .onConflict((oc) =>
      oc.columns(['user_id', 'day', 'category']).doUpdateSet({
        messages: sql`mail_stats_daily.messages + ${messages}`,
        drafts_created: sql`mail_stats_daily.drafts_created + ${drafts}`,
      }),
    )
    .execute();
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
  options: { days?: number; now?: Date } = {},
): Promise<InboxStats> {
  const now = options.now ?? new Date();
  const days = options.days ?? 30;
  const toDay = utcDay(now);
  const fromDate = new Date(Date.parse(`${toDay}T00:00:00Z`) - (days - 1) * DAY_MS);
  const fromDay = utcDay(fromDate);
  const draftCutoff = utcDay(new Date(now.getTime() - 7 * DAY_MS));

  // One statement, one round trip and one pooled connection per request: four small index reads whose
  // results come back as JSON (the largest is 8 rows a day).
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
        where user_id = ${user} and tenant_id = ${tenant} and replied_at >= ${fromDate}) as replies,
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
         select model, count(*) as calls, coalesce(sum(prompt_tokens), 0) as prompt,
                coalesce(sum(completion_tokens), 0) as completion
           from ai_usage
          where user_id = ${user} and created_at >= ${fromDate} and tenant_id = ${tenant}
          group by model) u) as usage
  `.execute(db)
  ).rows[0];
  const daily = row?.daily ?? [];
  const replies = row?.replies;
  const usage = row?.usage ?? [];

  const byDay = new Map<string, Record<string, number>>();
  for (let t = fromDate.getTime(); t <= Date.parse(`${toDay}T00:00:00Z`); t += DAY_MS) {
    byDay.set(utcDay(new Date(t)), Object.fromEntries(CATEGORY_IDS.map((c) => [c, 0])));
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
