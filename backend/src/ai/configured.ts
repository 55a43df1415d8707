/**
 * The language model AI_PROVIDER configures, for every feature service (triage, drafting, notes, Ask):
 * already budgeted and accounted, with one circuit breaker, since a model failing for triage is failing
 * for drafts too. With `local` there is no model: each service runs its local engine, which is also every
 * service's fallback.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import { observeUsage, recordBreakerState } from '../ops/metrics.ts';
import type { Database } from '../storage/schema.ts';
import { type CircuitBreaker, createCircuitBreaker } from './breaker.ts';
import { createDbTokenBudget, createDbUsageSink } from './db-usage.ts';
import { createOpenAiModel } from './openai.ts';
import type { LanguageModel } from './port.ts';
import { createMemoryTokenBudget, createMemoryUsageSink } from './usage.ts';

export type ConfiguredAi =
  | { provider: 'local'; model?: undefined; breaker?: undefined }
  | { provider: 'openai'; model: LanguageModel; breaker: CircuitBreaker };

/** With a database, model usage and the daily budget are kept there; without one (the CLI), in memory. */
export function configureAi(config: Config, db?: Kysely<Database>): ConfiguredAi {
  if (config.aiProvider !== 'openai') return { provider: 'local' };
  const model = createOpenAiModel(
    {
      baseURL: config.openai.baseUrl ?? 'https://api.openai.com/v1',
      apiKey: config.openai.apiKey,
      model: config.openai.model,
      timeoutMs: config.openai.timeoutMs,
    },
    db
      ? { usage: observeUsage(createDbUsageSink(db)), budget: createDbTokenBudget(db, config.openai.dailyTokenBudget) }
      : {
          usage: createMemoryUsageSink(),
          budget: createMemoryTokenBudget({ dailyLimit: config.openai.dailyTokenBudget }),
        },
  );
  const breaker = createCircuitBreaker({ onStateChange: recordBreakerState });
  recordBreakerState(breaker.state);
  return { provider: 'openai', model, breaker };
}
