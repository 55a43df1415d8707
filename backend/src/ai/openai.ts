import OpenAI from 'openai';
import { Compile } from 'typebox/compile';
import {
  type LanguageModel,
  ModelError,
  type ModelRequest,
  type ModelResponse,
  type ModelUsage,
  type TokenBudget,
  type UsageSink,
} from './port.ts';
import { estimateRequestTokens } from './usage.ts';

export interface OpenAiModelConfig {
  /** e.g. https://api.openai.com/v1, http://localhost:11434/v1 (Ollama), a vLLM or llama.cpp server. */
  baseURL: string;
  apiKey?: string;
  model: string;
  /** Per attempt, covering the whole answer. Default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt for transient failures (timeouts, 408/409/429/5xx, network). Default 2. */
  maxRetries?: number;
  /** First backoff step; doubles each retry, with full jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest single wait, also the longest Retry-After we are willing to honour. Default 20 s. */
  maxDelayMs?: number;
  /** Answer allowance when a request sets no maxTokens. Default 1024. */
  defaultMaxTokens?: number;
  /**
   * Ask the provider for strict structured outputs. OpenAI enforces the schema; most compatible servers
   * ignore the flag. We check every answer ourselves either way. Default true.
   */
  strictSchemas?: boolean;
}

export interface OpenAiModelDeps {
  usage?: UsageSink;
  budget?: TokenBudget;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Extra fetch options or a custom fetch (proxies, tests). */
  fetch?: typeof fetch;
}

/** Invalid structured output is retried this many times, on top of the transient-failure retries. */
const INVALID_OUTPUT_RETRIES = 1;

export function createOpenAiModel(cfg: OpenAiModelConfig, deps: OpenAiModelDeps = {}): LanguageModel {
  const timeoutMs = cfg.timeoutMs ?? 30_000;
  const maxRetries = cfg.maxRetries ?? 2;
  const baseDelayMs = cfg.baseDelayMs ?? 500;
  const maxDelayMs = cfg.maxDelayMs ?? 20_000;
  const defaultMaxTokens = cfg.defaultMaxTokens ?? 1024;
  const strict = cfg.strictSchemas ?? true;
  const sleep = deps.sleep ?? abortableSleep;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;

  const client = new OpenAI({
    baseURL: cfg.baseURL,
    // Local servers (Ollama, llama.cpp) need no key, but the SDK insists on one.
    apiKey: cfg.apiKey || 'not-needed',
    maxRetries: 0, // we retry ourselves, with jitter, Retry-After and a schema check
    timeout: timeoutMs * 2, // ours fires first; this is only a backstop
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const validators = new Map<string, ReturnType<typeof Compile>>();
  const validatorFor = (schema: Record<string, unknown>) => {
    const key = JSON.stringify(schema);
    let validator = validators.get(key);
    if (!validator) {
      validator = Compile(schema as never);
      validators.set(key, validator);
    }
    return validator;
  };

  const chatParams = (req: ModelRequest) => ({
    model: cfg.model,
    messages: [
      { role: 'system' as const, content: req.system },
      ...req.messages.map((m) => ({ role: m.role, content: m.content })),
    ],
    max_tokens: req.maxTokens ?? defaultMaxTokens,
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.jsonSchema
      ? {
          response_format: {
            type: 'json_schema' as const,
            json_schema: { name: req.jsonSchema.name, schema: req.jsonSchema.schema, strict },
          },
        }
      : {}),
  });

  /** Waits before retry number `retry` (1-based), honouring Retry-After when the server sent one. */
  const backoff = async (retry: number, error: ModelError & { retryAfterMs?: number }, signal?: AbortSignal) => {
    // Waiting less than the server asked only earns another refusal; fail now and let the breaker decide.
    if ((error.retryAfterMs ?? 0) > maxDelayMs) throw error;
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
    const jittered = exponential / 2 + random() * (exponential / 2);
    const wait = Math.max(jittered, error.retryAfterMs ?? 0);
    await sleep(wait, signal);
  };

  /** Reserves budget, then accounts every attempt's tokens; `end` commits the budget and records usage once. */
  async function beginCall(req: ModelRequest) {
    if (deps.budget && req.userKey) {
      await deps.budget.reserve(req.userKey, estimateRequestTokens(req, defaultMaxTokens));
    }
    const started = now();
    const usage: ModelUsage = { promptTokens: 0, completionTokens: 0 };
    let ended = false;
    return {
      total: (): ModelUsage => ({ ...usage }),
      addUsage(u: ModelUsage) {
        usage.promptTokens += u.promptTokens;
        usage.completionTokens += u.completionTokens;
        if (u.cachedTokens) usage.cachedTokens = (usage.cachedTokens ?? 0) + u.cachedTokens;
      },
      async end(error?: unknown) {
        if (ended) return;
        ended = true;
        if (deps.budget?.commit && req.userKey) {
          await deps.budget.commit(req.userKey, usage.promptTokens + usage.completionTokens);
        }
        await deps.usage?.record({
          ...(req.userKey ? { userKey: req.userKey } : {}),
          purpose: req.purpose,
          model: cfg.model,
          usage: { ...usage },
          latencyMs: now() - started,
          ok: error === undefined,
          ...(error !== undefined ? { error: error instanceof Error ? error.message : String(error) } : {}),
        });
      },
    };
  }

  async function complete(req: ModelRequest): Promise<ModelResponse> {
    const call = await beginCall(req);
    try {
      const response = await completeWithRetries(req, call);
      await call.end();
      return response;
    } catch (err) {
      await call.end(err);
      throw err;
    }
  }

  async function completeWithRetries(
    req: ModelRequest,
    call: { addUsage(u: ModelUsage): void; total(): ModelUsage },
  ): Promise<ModelResponse> {
    const started = now();
    let transientRetries = 0;
    let invalidRetries = 0;
    for (;;) {
      try {
        const { text, usage, model } = await attemptCompletion(req);
        call.addUsage(usage);
        const json = req.jsonSchema ? parseAndCheck(text, req.jsonSchema.schema) : undefined;
        return {
          text,
          ...(req.jsonSchema ? { json } : {}),
          usage: call.total(), // every attempt of this call, failed ones included: they were paid for
          latencyMs: now() - started,
          model,
        };
      } catch (err) {
        const error = toModelError(err);
        if (error.kind === 'invalid_output' && invalidRetries < INVALID_OUTPUT_RETRIES) {
          invalidRetries++;
          continue;
        }
        if (!isTransient(error) || transientRetries >= maxRetries || isAborted(req.signal)) throw error;
        transientRetries++;
        await backoff(transientRetries, error, req.signal);
      }
    }
  }

  async function attemptCompletion(req: ModelRequest) {
    return withAttemptTimeout(req.signal, async (signal) => {
      const completion = await client.chat.completions.create(chatParams(req), { signal });
      const choice = completion.choices?.[0];
      const text = choice?.message?.content ?? '';
      if (choice?.finish_reason === 'length' && req.jsonSchema) {
        throw new ModelError('the answer was cut off at the token limit', 'invalid_output');
      }
      return {
        text,
        usage: usageOf(completion.usage),
        model: completion.model || cfg.model,
      };
    });
  }

  function parseAndCheck(text: string, schema: Record<string, unknown>): unknown {
    let value: unknown;
    try {
      value = JSON.parse(stripCodeFence(text));
    } catch (cause) {
      throw new ModelError('the model answered with malformed JSON', 'invalid_output', undefined, { cause });
    }
    const validator = validatorFor(schema);
    if (!validator.Check(value)) {
      const first = [...validator.Errors(value)][0];
      const where = first ? ` (${first.instancePath || '/'} ${first.message})` : '';
      throw new ModelError(`the model's answer does not match the schema${where}`, 'invalid_output');
    }
    return value;
  }

  async function* stream(req: ModelRequest): AsyncIterable<string> {
    const call = await beginCall(req);
    let streamedChars = 0;
    let sawUsage = false;
    let transientRetries = 0;
    try {
      // Once text has reached the caller an attempt cannot be repeated, so only connecting is retried.
      for (;;) {
        const controller = new AbortController();
        const onAbort = () => controller.abort(req.signal?.reason);
        req.signal?.addEventListener('abort', onAbort, { once: true });
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          controller.abort(new Error('timeout'));
        }, timeoutMs);
        try {
          const response = await client.chat.completions.create(
            { ...chatParams(req), stream: true, stream_options: { include_usage: true } },
            { signal: controller.signal },
          );
          for await (const chunk of response) {
            if (chunk.usage) {
              call.addUsage(usageOf(chunk.usage));
              sawUsage = true;
            }
            const delta = chunk.choices?.[0]?.delta?.content;
            if (delta) {
              streamedChars += delta.length;
              timer.refresh(); // the timeout limits silence, not the length of a long answer
              yield delta;
            }
          }
          break;
        } catch (err) {
          const error = timedOut ? new ModelError(`no answer within ${timeoutMs} ms`, 'timeout') : toModelError(err);
          if (streamedChars > 0 || !isTransient(error) || transientRetries >= maxRetries || isAborted(req.signal)) {
            throw error;
          }
          transientRetries++;
          await backoff(transientRetries, error, req.signal);
        } finally {
          clearTimeout(timer);
          req.signal?.removeEventListener('abort', onAbort);
        }
      }
      if (!sawUsage)
        call.addUsage({ promptTokens: estimateRequestTokens(req, 0), completionTokens: Math.ceil(streamedChars / 4) });
      await call.end();
    } catch (err) {
      await call.end(err);
      throw err;
    } finally {
      // The caller stopped reading early: still account for what was used.
      await call.end();
    }
  }

  async function withAttemptTimeout<T>(
    outer: AbortSignal | undefined,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (outer?.aborted) throw new ModelError('the request was cancelled', 'aborted');
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, timeoutMs);
    try {
      return await run(controller.signal);
    } catch (err) {
      if (timedOut) throw new ModelError(`no answer within ${timeoutMs} ms`, 'timeout', undefined, { cause: err });
      throw err;
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }

  return { name: `openai:${cfg.model}`, complete, stream };
}

function usageOf(u: OpenAI.CompletionUsage | null | undefined): ModelUsage {
  const cached = u?.prompt_tokens_details?.cached_tokens;
  return {
    promptTokens: u?.prompt_tokens ?? 0,
    completionTokens: u?.completion_tokens ?? 0,
    ...(cached ? { cachedTokens: cached } : {}),
  };
}

/** Some compatible servers wrap JSON in a Markdown code fence even when asked for JSON. */
function stripCodeFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  return fenced?.[1] ?? text;
}

type RetryableModelError = ModelError & { retryAfterMs?: number };

function toModelError(err: unknown): RetryableModelError {
  if (err instanceof ModelError) return err;
  if (err instanceof OpenAI.APIUserAbortError)
    return new ModelError('the request was cancelled', 'aborted', undefined, { cause: err });
  if (err instanceof OpenAI.APIConnectionTimeoutError)
    return new ModelError('the model did not answer in time', 'timeout', undefined, { cause: err });
  if (err instanceof OpenAI.APIConnectionError)
    return new ModelError(`cannot reach the model: ${err.message}`, 'network', undefined, { cause: err });
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const status = err.status;
    const kind =
      status === 429 ? 'rate_limited' : status >= 500 || status === 408 || status === 409 ? 'server' : 'client';
    const error: RetryableModelError = new ModelError(`the model endpoint answered ${status}`, kind, status, {
      cause: err,
    });
    const retryAfterMs = parseRetryAfter(err.headers);
    if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
    return error;
  }
  if (err instanceof SyntaxError)
    return new ModelError('the model answered with malformed JSON', 'invalid_output', undefined, { cause: err });
  return new ModelError(err instanceof Error ? err.message : String(err), 'network', undefined, { cause: err });
}

function isTransient(error: ModelError): boolean {
  return (
    error.kind === 'timeout' || error.kind === 'rate_limited' || error.kind === 'server' || error.kind === 'network'
  );
}

function isAborted(signal: AbortSignal | undefined) {
  return signal?.aborted === true;
}

/** `retry-after-ms` (OpenAI), or `Retry-After` in seconds or as an HTTP date. */
export function parseRetryAfter(headers: Headers | undefined, nowMs = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ModelError('the request was cancelled', 'aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ModelError('the request was cancelled', 'aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The engine's configuration from the environment, or undefined when not configured. */
export function openAiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OpenAiModelConfig | undefined {
  const baseURL = env.OPENAI_BASE_URL || (env.OPENAI_API_KEY ? 'https://api.openai.com/v1' : undefined);
  if (!baseURL || !env.OPENAI_MODEL) return undefined;
  return { baseURL, model: env.OPENAI_MODEL, ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}) };
}
