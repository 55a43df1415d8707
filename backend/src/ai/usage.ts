import { BudgetExceeded, type ModelRequest, type TokenBudget, type UsageEvent, type UsageSink } from './port.ts';

/** Keeps usage events in memory (tests, the CLI, and single-process servers without a database). */
export function createMemoryUsageSink(): UsageSink & {
  readonly events: readonly UsageEvent[];
  totalTokens(userKey?: string): number;
} {
  const events: UsageEvent[] = [];
  return {
    events,
    record(e) {
      events.push(e);
    },
    totalTokens(userKey) {
      return events
        .filter((e) => userKey === undefined || e.userKey === userKey)
        .reduce((sum, e) => sum + e.usage.promptTokens + e.usage.completionTokens, 0);
    },
  };
}

interface DayLedger {
  day: string;
  used: number;
  /** Estimates of calls still in flight, oldest first; `commit` settles the oldest. */
  pending: number[];
}

/**
 * A per-user daily token limit held in memory. `reserve` counts the estimate of a call in flight so that
 * parallel calls cannot overspend together; `commit` replaces the oldest estimate by what was really used.
 * Days are UTC days of `now()`.
 */
export function createMemoryTokenBudget(opts: {
  dailyLimit: number;
  /** Per-user limits that override `dailyLimit`. */
  limits?: Record<string, number>;
  now?: () => number;
}): TokenBudget & { usedToday(userKey: string): number } {
  const now = opts.now ?? Date.now;
  const ledgers = new Map<string, DayLedger>();
  const today = () => new Date(now()).toISOString().slice(0, 10);
  const ledgerOf = (userKey: string): DayLedger => {
    const day = today();
    let ledger = ledgers.get(userKey);
    if (!ledger || ledger.day !== day) {
      ledger = { day, used: 0, pending: [] };
      ledgers.set(userKey, ledger);
    }
    return ledger;
  };
  const limitOf = (userKey: string) => opts.limits?.[userKey] ?? opts.dailyLimit;

  return {
    async reserve(userKey, tokens) {
      const ledger = ledgerOf(userKey);
      const limit = limitOf(userKey);
      const committed = ledger.used + ledger.pending.reduce((a, b) => a + b, 0);
      if (committed + tokens > limit) throw new BudgetExceeded(userKey, limit, committed);
      ledger.pending.push(tokens);
    },
    async commit(userKey, used) {
      const ledger = ledgerOf(userKey);
      ledger.pending.shift();
      ledger.used += Math.max(0, used);
    },
    usedToday(userKey) {
      return ledgerOf(userKey).used;
    },
  };
}

/** A cheap upper estimate of a request's tokens (about four characters a token, plus the answer allowance). */
export function estimateRequestTokens(req: ModelRequest, defaultMaxTokens: number): number {
  const chars = req.system.length + req.messages.reduce((n, m) => n + m.content.length, 0);
  return Math.ceil(chars / 4) + (req.maxTokens ?? defaultMaxTokens);
}
