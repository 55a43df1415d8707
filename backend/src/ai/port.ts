/**
 * The language-model port. Every model call in Steward (triage, drafts, notes, voice) goes through a
 * `LanguageModel`, so engines are swappable and the safety pipeline (./safety.ts) sits in one place.
 */

export interface ModelMessage {
  role: 'user' | 'assistant';
  content: string;
}

export type ModelPurpose = 'triage' | 'draft' | 'notes' | 'voice';

export interface ModelRequest {
  purpose: ModelPurpose;
  /** Whose budget and usage this call counts against (tenant + user key). */
  userKey?: string;
  /** Static instructions first, so provider prompt caching works. */
  system: string;
  /** Untrusted content already spotlighted (see `spotlight` in ./safety.ts). */
  messages: ModelMessage[];
  /** When present the answer must be JSON matching this schema; it is checked before it is returned. */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

export interface ModelUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens?: number;
}

export interface ModelResponse {
  text: string;
  /** The parsed and schema-checked answer, when `jsonSchema` was requested. */
  json?: unknown;
  usage: ModelUsage;
  latencyMs: number;
  model: string;
}

export interface LanguageModel {
  readonly name: string;
  complete(req: ModelRequest): Promise<ModelResponse>;
  stream(req: ModelRequest): AsyncIterable<string>;
}

export interface UsageEvent {
  userKey?: string;
  purpose: string;
  model: string;
  usage: ModelUsage;
  latencyMs: number;
  ok: boolean;
  error?: string;
}

export interface UsageSink {
  record(e: UsageEvent): void | Promise<void>;
}

export interface TokenBudget {
  /** Claims `tokens` for `userKey` before a call; throws `BudgetExceeded` when the limit would be passed. */
  reserve(userKey: string, tokens: number): Promise<void>;
  /** Replaces the reservation with what the call really used (optional: budgets may just keep the estimate). */
  commit?(userKey: string, used: number): Promise<void>;
}

/** The model could not produce a usable answer (after retries). `retryable` says whether trying later may help. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    message: string,
    readonly kind: 'timeout' | 'rate_limited' | 'server' | 'client' | 'invalid_output' | 'network' | 'aborted',
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The user's daily token budget is spent; the caller should fall back to the local engine. */
export class BudgetExceeded extends Error {
  override readonly name = 'BudgetExceeded';
  constructor(
    readonly userKey: string,
    readonly limit: number,
    readonly used: number,
  ) {
    super(`daily language-model token budget of ${limit} tokens is spent`);
  }
}

/** The circuit breaker is open: the model failed repeatedly and is not being called for a while. */
export class ModelUnavailable extends Error {
  override readonly name = 'ModelUnavailable';
  constructor(message = 'language model unavailable (circuit open)') {
    super(message);
  }
}
