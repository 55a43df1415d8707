import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { usageStore } from '../storage/usage.ts';
import { BudgetExceeded, type TokenBudget, type UsageEvent, type UsageSink } from './port.ts';

/** Model calls are attributed to users by a key "tenantId:userId"; calls without one are not recorded. */
export function userKeyOf(scope: { tenantId: string; userId: string }): string {
  return `${scope.tenantId}:${scope.userId}`;
}

function scopeOf(userKey: string | undefined): { tenantId: string; userId: string } | undefined {
  const [tenantId, userId] = (userKey ?? '').split(':');
  return tenantId && userId ? { tenantId, userId } : undefined;
}

/** Usage (tokens, latency, outcome) of every model call, kept per user in the database. */
export function createDbUsageSink(db: Kysely<Database>): UsageSink {
  return {
    async record(event: UsageEvent) {
      const scope = scopeOf(event.userKey);
      if (!scope) return;
      await usageStore(db, scope)
        .record({
          purpose: event.purpose,
          model: event.model,
          promptTokens: event.usage.promptTokens,
          completionTokens: event.usage.completionTokens,
          latencyMs: event.latencyMs,
          ok: event.ok,
        })
        .catch(() => {}); // accounting must never fail the user's request (the user may just have been deleted)
    },
  };
}

/** A per-user daily token budget (UTC days) counted from recorded usage. */
export function createDbTokenBudget(
  db: Kysely<Database>,
  dailyLimit: number,
  now: () => Date = () => new Date(),
): TokenBudget {
  return {
    async reserve(userKey: string, tokens: number) {
      const scope = scopeOf(userKey);
      if (!scope) return;
      const today = now();
      const midnight = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
      const used = await usageStore(db, scope).tokensSince(midnight);
      if (used + tokens > dailyLimit) throw new BudgetExceeded(userKey, dailyLimit, used);
    },
  };
}
