import type { TriageResult } from '@steward/shared';
import type { Kysely } from 'kysely';
import { createDbTokenBudget, createDbUsageSink } from './ai/db-usage.ts';
import { createOpenAiModel } from './ai/openai.ts';
import type { LanguageModel } from './ai/port.ts';
import type { Config } from './config.ts';
import type { NormalisedMessage } from './mail/types.ts';
import type { Database } from './storage/schema.ts';
import { type TriageContext, triageLocal } from './triage/local.ts';
import { createModelTriage } from './triage/model.ts';

export interface EngineCallOptions {
  /** "tenantId:userId", for usage accounting and the token budget. */
  userKey?: string;
  /** False when the user's never-send-to-the-model lists cover this message. */
  modelAllowed?: boolean;
  signal?: AbortSignal;
}

/** The AI engines chosen by AI_PROVIDER. The local engine is always there: it is the fallback. */
export interface Engines {
  provider: 'local' | 'openai';
  /** The language model, when one is configured (already budgeted and accounted). */
  model?: LanguageModel;
  triage(msg: NormalisedMessage, ctx: TriageContext, options?: EngineCallOptions): Promise<TriageResult>;
}

export function createEngines(config: Config, db: Kysely<Database>): Engines {
  if (config.aiProvider !== 'openai') {
    return { provider: 'local', triage: async (msg, ctx) => triageLocal(msg, ctx) };
  }
  const model = createOpenAiModel(
    {
      baseURL: config.openai.baseUrl ?? 'https://api.openai.com/v1',
      apiKey: config.openai.apiKey,
      model: config.openai.model,
      timeoutMs: config.openai.timeoutMs,
    },
    { usage: createDbUsageSink(db), budget: createDbTokenBudget(db, config.openai.dailyTokenBudget) },
  );
  const modelTriage = createModelTriage(model, triageLocal);
  return {
    provider: 'openai',
    model,
    triage: (msg, ctx, options = {}) =>
      modelTriage(msg, {
        ...ctx,
        ...(options.userKey ? { userKey: options.userKey } : {}),
        ...(options.modelAllowed === false ? { modelAllowed: false } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }),
  };
}
