import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';
import { localDay } from './stats.ts';
import type { UserScope } from './user-scope.ts';

export interface UsageEntry {
  purpose: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  ok: boolean;
}

/** What the language model cost for this user: every call's tokens and latency. */
export function usageStore(db: Kysely<Database>, scope: UserScope) {
  return {
    /** One call, and the dashboard's daily roll-up (the user's day), in one transaction. */
    async record(entry: UsageEntry, at: Date = new Date()): Promise<void> {
      const prompt = Math.max(0, Math.round(entry.promptTokens));
      const completion = Math.max(0, Math.round(entry.completionTokens));
      const user = await db
        .selectFrom('users')
        .select(sql<string | null>`settings->>'timeZone'`.as('zone'))
        .where('id', '=', scope.userId)
        .where('tenant_id', '=', scope.tenantId)
        .executeTakeFirst();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('ai_usage')
          .values({
            tenant_id: scope.tenantId,
            user_id: scope.userId,
            purpose: entry.purpose,
            model: entry.model,
            prompt_tokens: prompt,
            completion_tokens: completion,
            latency_ms: Math.max(0, Math.round(entry.latencyMs)),
            ok: entry.ok,
            created_at: at,
          })
          .execute();
        await trx
          .insertInto('ai_usage_daily')
          .values({
            tenant_id: scope.tenantId,
            user_id: scope.userId,
            day: localDay(at, user?.zone ?? undefined),
            model: entry.model,
            calls: 1,
            prompt_tokens: prompt,
            completion_tokens: completion,
          })
          .onConflict((oc) =>
            oc.columns(['user_id', 'day', 'model']).doUpdateSet({
              calls: sql`ai_usage_daily.calls + 1`,
              prompt_tokens: sql`ai_usage_daily.prompt_tokens + ${prompt}`,
              completion_tokens: sql`ai_usage_daily.completion_tokens + ${completion}`,
            }),
          )
          .execute();
      });
    },

    async tokensSince(since: Date): Promise<number> {
      const row = await db
        .selectFrom('ai_usage')
        .select(sql<string>`coalesce(sum(prompt_tokens + completion_tokens), 0)`.as('total'))
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .where('created_at', '>=', since)
        .executeTakeFirst();
      return Number(row?.total ?? 0);
    },
  };
}
