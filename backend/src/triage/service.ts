/**
 * Triage as every caller runs it (HTTP, CLI, mail sync): the user's thresholds, sender rules and personal
 * model around the engine AI_PROVIDER chose, with the never-send-to-the-model lists applied.
 */
import type { CategoryId, TriageResult } from '@steward/shared';
import type { ConfiguredAi } from '../ai/configured.ts';
import { mayShareWithModel } from '../ai/privacy.ts';
import type { CpuPool } from '../cpu/pool.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import type { ModelContext } from '../model-context.ts';
import { type TriageContext, triageLocal } from './local.ts';
import { createModelTriage } from './model.ts';

/** The part of a user's context triage reads (the HTTP route reads it in the same query as its cache). */
export type TriageUserContext = Pick<ModelContext, 'settings' | 'rules' | 'personal' | 'userKey'>;

export interface TriageOptions {
  /** The user's own addresses. */
  me: string[];
  /** Earlier messages of the thread, oldest first. */
  thread?: NormalisedMessage[];
  /** Provider labels of the message (the never-send-to-the-model lists may name them). */
  labels?: string[];
  signal?: AbortSignal;
}

export interface TriageService {
  readonly provider: ConfiguredAi['provider'];
  triage(ctx: TriageUserContext, message: NormalisedMessage, options: TriageOptions): Promise<TriageResult>;
}

export interface TriageServiceDeps {
  ai: ConfiguredAi;
  /** Where the local engine runs in the server: a worker thread under a time budget (cpu/pool.ts). */
  cpu?: Pick<CpuPool, 'triage'>;
}

export function createTriageService(deps: TriageServiceDeps): TriageService {
  const { ai, cpu } = deps;
  const local = async (message: NormalisedMessage, context: TriageContext) =>
    cpu ? cpu.triage({ message, context }) : triageLocal(message, context);
  // With a model, its answer is combined with the local engine's, which also answers when the model fails.
  const withModel = ai.model ? createModelTriage(ai.model, triageLocal, { breaker: ai.breaker }) : undefined;
  return {
    provider: ai.provider,
    triage(ctx, message, options) {
      const context: TriageContext = {
        me: options.me,
        ...(options.thread ? { thread: options.thread } : {}),
        thresholds: { reply: ctx.settings.replyThreshold, marketing: ctx.settings.marketingThreshold },
        rules: ctx.rules,
        personal: ctx.personal,
      };
      if (!withModel) return local(message, context);
      const modelAllowed = mayShareWithModel(message, ctx.settings.neverSendToModel, options.labels);
      return withModel(message, {
        ...context,
        ...(ctx.userKey ? { userKey: ctx.userKey } : {}),
        ...(modelAllowed === false ? { modelAllowed: false } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    },
  };
}

/**
 * A result after the user filed the message under `category` ("fix category"): the user's choice, certain,
 * with the reason in their words. `label` is the category's display name in the user's settings.
 * `POST /v1/triage/feedback` returns it, so no client re-implements this rule.
 */
export function correctedTriage(result: TriageResult, category: CategoryId, label: string): TriageResult {
  return {
    ...result,
    category,
    needsReply: category === 'to_respond' ? true : result.needsReply && category !== 'actioned',
    confidence: 1,
    reasons: [`you filed this message as ${label}`],
  };
}
