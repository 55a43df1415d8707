/**
 * The inbox dashboard's numbers. Counts are kept as mail is processed and model calls are made
 * (mail_stats_daily: one row per user, day and category; ai_usage_daily: per day and model; reply_events:
 * one row per reply, read from its index), so GET /v1/stats reads a few hundred small rows for two weeks
 * and a few thousand for a year, however many messages the user has. Days are the user's own: a message
 * or model call counts on the day it was in the user's time zone (settings.timeZone) when it was recorded.
 */
import { CATEGORY_IDS, type InboxStats } from '@steward/shared';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../storage/schema.ts';
import { localDay, readStats } from '../storage/stats.ts';
import type { UserScope } from '../storage/user-scope.ts';

function validZone(zone: string | undefined): string {
  return zone && DateTime.local().setZone(zone).isValid ? zone : 'UTC';
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
  const fromDate = first.toJSDate();
  const endDate = today.plus({ days: 1 }).toJSDate();
  const draftCutoff = localDay(new Date(now.getTime() - 7 * 86_400_000), zone);

  const row = await readStats(db, scope, { fromDay, toDay, fromDate, endDate, now });
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
