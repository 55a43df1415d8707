import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';
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
    async record(entry: UsageEntry): Promise<void> {
      await db
        .insertInto('ai_usage')
        .values({
          tenant_id: scope.tenantId,
          user_id: scope.userId,
          purpose: entry.purpose,
          model: entry.model,
          prompt_tokens: Math.max(0, Math.round(entry.promptTokens)),
          completion_tokens: Math.max(0, Math.round(entry.completionTokens)),
          latency_ms: Math.max(0, Math.round(entry.latencyMs)),
          ok: entry.ok,
        })
        .execute();
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
