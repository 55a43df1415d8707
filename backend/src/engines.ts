import type { Draft, TriageResult } from '@steward/shared';
import type { Kysely } from 'kysely';
import { createCircuitBreaker, fallbackReason } from './ai/breaker.ts';
import { createDbTokenBudget, createDbUsageSink } from './ai/db-usage.ts';
import { createOpenAiModel } from './ai/openai.ts';
import type { LanguageModel } from './ai/port.ts';
import { createMemoryTokenBudget, createMemoryUsageSink } from './ai/usage.ts';
import type { Config } from './config.ts';
import type { CpuPool } from './cpu/pool.ts';
import { draftReplyLocal, type LocalDraftInput } from './drafting/local.ts';
import { type DraftStreamEvent, draftReplyWithModel, streamDraft } from './drafting/model.ts';
import type { NormalisedMessage } from './mail/types.ts';
import { observeUsage, recordBreakerState } from './ops/metrics.ts';
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

export interface DraftOutcome {
  draft: Draft;
  engine: 'local' | 'openai';
  /** Why the local engine answered although a model is configured. */
  fallback?: string;
}

export interface DraftCall extends LocalDraftInput {
  /** The user's own sent mail, for few-shot examples. */
  sent?: NormalisedMessage[];
  /** What the tenant's CRM says about the sender (reach/crm.ts), as facts the draft may cite. */
  facts?: string[];
}

/** The AI engines chosen by AI_PROVIDER. The local engine is always there: it is the fallback. */
export interface Engines {
  provider: 'local' | 'openai';
  /** The language model, when one is configured (already budgeted and accounted). */
  model?: LanguageModel;
  triage(msg: NormalisedMessage, ctx: TriageContext, options?: EngineCallOptions): Promise<TriageResult>;
  draft(input: DraftCall, options?: EngineCallOptions): Promise<DraftOutcome>;
  /** Text deltas, then the final draft; falls back to the local engine like `draft`. */
  streamDraft(input: DraftCall, options?: EngineCallOptions): AsyncIterable<DraftStreamEvent>;
}

const localDraft = (input: DraftCall): DraftOutcome => ({ draft: draftReplyLocal(input), engine: 'local' });

async function* streamLocal(outcome: DraftOutcome): AsyncIterable<DraftStreamEvent> {
  for (const line of outcome.draft.text.split(/(?<=\n)/)) yield { type: 'delta', text: line };
  yield { type: 'draft', draft: outcome.draft };
}

/** With a database, model usage and the daily budget are kept there; without one (the CLI), in memory. */
export function createEngines(config: Config, db?: Kysely<Database>, options: { cpu?: CpuPool } = {}): Engines {
  if (config.aiProvider !== 'openai') {
    const { cpu } = options;
    return {
      provider: 'local',
      // In the server the local engine runs in a worker thread under a time budget (cpu/pool.ts).
      triage: async (msg, ctx) => (cpu ? cpu.triage({ message: msg, context: ctx }) : triageLocal(msg, ctx)),
      draft: async (input) => localDraft(input),
      streamDraft: (input) => streamLocal(localDraft(input)),
    };
  }
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
  // One breaker per model: when it fails for triage it is failing for drafts too.
  const breaker = createCircuitBreaker({ onStateChange: recordBreakerState });
  recordBreakerState(breaker.state);
  const modelTriage = createModelTriage(model, triageLocal, { breaker });
  const modelInput = (input: DraftCall, options: EngineCallOptions) => ({
    ...input,
    model,
    ...(options.userKey ? { userKey: options.userKey } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
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
    async draft(input, options = {}) {
      if (options.modelAllowed === false) return localDraft(input);
      try {
        const draft = await breaker.run(() => draftReplyWithModel(modelInput(input, options)));
        return { draft, engine: 'openai' };
      } catch (error) {
        return { ...localDraft(input), fallback: fallbackReason(error) };
      }
    },
    async *streamDraft(input, options = {}) {
      if (options.modelAllowed === false) {
        yield* streamLocal(localDraft(input));
        return;
      }
      // The breaker sees the whole stream as one call; events are passed on as they arrive.
      const queue: DraftStreamEvent[] = [];
      let wake: (() => void) | undefined;
      let finished = false;
      let failed = false;
      breaker
        .run(async () => {
          for await (const event of streamDraft(modelInput(input, options))) {
            queue.push(event);
            wake?.();
          }
        })
        .catch(() => {
          failed = true;
        })
        .finally(() => {
          finished = true;
          wake?.();
        });
      let started = false;
      while (true) {
        const next = queue.shift();
        if (next) {
          started = true;
          yield next;
          continue;
        }
        if (finished) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      if (failed) {
        if (started) yield { type: 'draft', draft: localDraft(input).draft };
        else yield* streamLocal(localDraft(input));
      }
    },
  };
}
