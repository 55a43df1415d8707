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

const AGE_BUCKETS: Array<[string, number, number]> = [
  ['<1d', 0, 1],
  ['1-3d', 1, 3],
  ['3-7d', 3, 7],
  ['7-14d', 7, 14],
  ['>14d', 14, Number.POSITIVE_INFINITY],
];

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

  const [daily, replies, awaiting, usage] = await Promise.all([
    db
      .selectFrom('mail_stats_daily')
      .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'category', 'messages', 'drafts_created'])
      .where('user_id', '=', scope.userId)
      .where('tenant_id', '=', scope.tenantId)
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .execute(),
    db
      .selectFrom('reply_events')
      .select([
        sql<number>`count(*)::int`.as('sent'),
        sql<number>`count(*) filter (where drafted)::int`.as('drafted'),
        sql<number | null>`percentile_cont(0.5) within group (order by minutes)`.as('median'),
      ])
      .where('user_id', '=', scope.userId)
      .where('tenant_id', '=', scope.tenantId)
      .where('replied_at', '>=', fromDate)
      .executeTakeFirst(),
    db
      .selectFrom('thread_states')
      .select([
        sql<number>`floor(extract(epoch from (${now}::timestamptz - last_message_at)) / 86400)::int`.as('age'),
        sql<number>`count(*)::int`.as('threads'),
      ])
      .where('user_id', '=', scope.userId)
      .where('state', '=', 'awaiting_reply')
      .where('tenant_id', '=', scope.tenantId)
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom('ai_usage')
      .select([
        'model',
        sql<number>`count(*)::int`.as('calls'),
        sql<number>`coalesce(sum(prompt_tokens), 0)::bigint`.as('prompt'),
        sql<number>`coalesce(sum(completion_tokens), 0)::bigint`.as('completion'),
      ])
      .where('user_id', '=', scope.userId)
      .where('created_at', '>=', fromDate)
      .where('tenant_id', '=', scope.tenantId)
      .groupBy('model')
      .execute(),
  ]);

  const byDay = new Map<string, Record<string, number>>();
  for (let t = fromDate.getTime(); t <= Date.parse(`${toDay}T00:00:00Z`); t += DAY_MS) {
    byDay.set(utcDay(new Date(t)), Object.fromEntries(CATEGORY_IDS.map((c) => [c, 0])));
  }
  const totals: Record<string, number> = Object.fromEntries(CATEGORY_IDS.map((c) => [c, 0]));
  let draftsCreated = 0;
  let draftsBeforeCutoff = 0;
  for (const row of daily) {
    const counts = byDay.get(row.day);
    if (counts) counts[row.category] = (counts[row.category] ?? 0) + row.messages;
    totals[row.category] = (totals[row.category] ?? 0) + row.messages;
    draftsCreated += row.drafts_created;
    if (row.day < draftCutoff) draftsBeforeCutoff += row.drafts_created;
  }
  const used = Math.min(replies?.drafted ?? 0, draftsCreated);

  let calls = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let cost: number | null = 0;
  for (const row of usage) {
    const prompt = Number(row.prompt);
    const completion = Number(row.completion);
    calls += row.calls;
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
      sent: replies?.sent ?? 0,
      medianMinutes: replies?.median == null ? null : Math.round(Number(replies.median) * 10) / 10,
    },
    awaitingReply: AGE_BUCKETS.map(([bucket, lo, hi]) => ({
      bucket,
      threads: awaiting.filter((r) => (r.age >= lo || lo === 0) && r.age < hi).reduce((sum, r) => sum + r.threads, 0),
    })),
    drafts: { created: draftsCreated, used, discarded: Math.max(0, draftsBeforeCutoff - used) },
    model: {
      calls,
      promptTokens,
      completionTokens,
      costUsd: cost === null ? null : Math.round(cost * 10_000) / 10_000,
    },
  };
}
