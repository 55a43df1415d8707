import {
  BudgetExceeded,
  type LanguageModel,
  ModelError,
  type ModelRequest,
  type ModelResponse,
  ModelUnavailable,
} from './port.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreaker {
  readonly state: BreakerState;
  /** Runs `task` unless the circuit is open (then throws `ModelUnavailable` without calling it). */
  run<T>(task: () => Promise<T>): Promise<T>;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through. Default 30 s. */
  coolDownMs?: number;
  now?: () => number;
  /** Which errors count against the model. Default: every error except a cancelled call or a spent budget. */
  isFailure?: (error: unknown) => boolean;
  onStateChange?: (state: BreakerState) => void;
}

/** Errors that say nothing about the model's health. */
export function countsAsModelFailure(error: unknown): boolean {
  if (error instanceof BudgetExceeded) return false;
  if (error instanceof ModelError && error.kind === 'aborted') return false;
  return true;
}

export function createCircuitBreaker(opts: CircuitBreakerOptions = {}): CircuitBreaker {
  const failureThreshold = opts.failureThreshold ?? 5;
  const coolDownMs = opts.coolDownMs ?? 30_000;
  const now = opts.now ?? Date.now;
  const isFailure = opts.isFailure ?? countsAsModelFailure;
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let trialInFlight = false;

  const moveTo = (next: BreakerState) => {
    if (next === state) return;
    state = next;
    opts.onStateChange?.(next);
  };

  return {
    get state() {
      if (state === 'open' && now() - openedAt >= coolDownMs) moveTo('half-open');
      return state;
    },
    async run(task) {
      const current = this.state;
      if (current === 'open') throw new ModelUnavailable();
      const isTrial = current === 'half-open';
      if (isTrial) {
        // Only one trial at a time: a recovering endpoint should not meet the whole backlog at once.
        if (trialInFlight) throw new ModelUnavailable('language model unavailable (recovering)');
        trialInFlight = true;
      }
      try {
        const result = await task();
        failures = 0;
        moveTo('closed');
        return result;
      } catch (err) {
        if (isFailure(err)) {
          failures++;
          if (isTrial || failures >= failureThreshold) {
            openedAt = now();
            moveTo('open');
          }
        }
        throw err;
      } finally {
        if (isTrial) trialInFlight = false;
      }
    },
  };
}

/** A `LanguageModel` whose calls go through a breaker (drafts and notes use it; triage uses `withFallback`). */
export function guardModel(model: LanguageModel, breaker: CircuitBreaker): LanguageModel {
  return {
    name: model.name,
    complete: (req: ModelRequest): Promise<ModelResponse> => breaker.run(() => model.complete(req)),
    async *stream(req: ModelRequest) {
      // Only the start is guarded: a stream that breaks midway has already shown text to the user.
      const iterator = model.stream(req)[Symbol.asyncIterator]();
      const first = await breaker.run(() => iterator.next());
      if (first.done) return;
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };
}

/** Why the primary engine was not used, in words for `reasons`. */
export function fallbackReason(error: unknown): string {
  if (error instanceof BudgetExceeded) return "today's language-model budget is spent; used the local engine";
  if (error instanceof ModelUnavailable) return 'language model unavailable; used the local engine';
  if (error instanceof ModelError) {
    const why =
      error.kind === 'timeout'
        ? 'did not answer in time'
        : error.kind === 'invalid_output'
          ? 'gave an unusable answer'
          : error.kind === 'rate_limited'
            ? 'is rate-limited'
            : 'failed';
    return `language model ${why}; used the local engine`;
  }
  return 'language model unavailable; used the local engine';
}

/**
 * Runs `primary` through the breaker; when it fails or the circuit is open, runs `fallback` with the
 * reason to show the user. A cancelled call is not hidden behind a fallback: it is rethrown.
 */
export function withFallback<A extends unknown[], T>(
  breaker: CircuitBreaker,
  primary: (...args: A) => Promise<T>,
  fallback: (reason: string, error: unknown, ...args: A) => T | Promise<T>,
): (...args: A) => Promise<T> {
  return async (...args: A) => {
    try {
      return await breaker.run(() => primary(...args));
    } catch (err) {
      if (err instanceof ModelError && err.kind === 'aborted') throw err;
      return fallback(fallbackReason(err), err, ...args);
    }
  };
}
