import { afterEach, describe, expect, it } from 'vitest';
import {
  createOpenAiModel,
  type OpenAiModelConfig,
  openAiConfigFromEnv,
  parseRetryAfter,
} from '../../src/ai/openai.ts';
import { BudgetExceeded, ModelError, type ModelRequest } from '../../src/ai/port.ts';
import { createMemoryTokenBudget, createMemoryUsageSink } from '../../src/ai/usage.ts';
import { type FakeHandler, type FakeOpenAi, reply, script, startFakeOpenAi } from '../support/fake-openai.ts';

const answerSchema = {
  type: 'object',
  required: ['answer', 'score'],
  additionalProperties: false,
  properties: { answer: { type: 'string' }, score: { type: 'number', minimum: 0, maximum: 1 } },
};

const textRequest: ModelRequest = {
  purpose: 'draft',
  userKey: 'tenant-1:alice',
  system: 'You write short replies.',
  messages: [{ role: 'user', content: 'Say hello.' }],
};
const jsonRequest: ModelRequest = {
  ...textRequest,
  purpose: 'triage',
  jsonSchema: { name: 'answer', schema: answerSchema },
};

let fake: FakeOpenAi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function engine(
  handler: FakeHandler,
  cfg: Partial<OpenAiModelConfig> = {},
  extra: Parameters<typeof createOpenAiModel>[1] = {},
) {
  fake = await startFakeOpenAi(handler);
  const waits: number[] = [];
  const usage = createMemoryUsageSink();
  const model = createOpenAiModel(
    {
      baseURL: fake.url,
      model: 'fake-model',
      timeoutMs: 2_000,
      maxRetries: 2,
      baseDelayMs: 100,
      maxDelayMs: 5_000,
      ...cfg,
    },
    {
      usage,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
      ...extra,
    },
  );
  return { model, waits, usage, fake };
}

describe('OpenAI-compatible engine', () => {
  it('sends the static system prompt first and returns the text with its token usage', async () => {
    const { model, usage, fake } = await engine(
      script([reply.text('Hello Bob.', { prompt: 42, completion: 4, cached: 32 })]),
    );
    const res = await model.complete(textRequest);
    expect(res.text).toBe('Hello Bob.');
    expect(res.usage).toEqual({ promptTokens: 42, completionTokens: 4, cachedTokens: 32 });
    expect(res.model).toBe('fake-model');
    expect(fake.requests[0]?.body.messages?.[0]).toEqual({ role: 'system', content: 'You write short replies.' });
    expect(fake.requests[0]?.body.response_format).toBeUndefined();
    expect(usage.events).toEqual([
      expect.objectContaining({
        userKey: 'tenant-1:alice',
        purpose: 'draft',
        model: 'fake-model',
        ok: true,
        usage: { promptTokens: 42, completionTokens: 4, cachedTokens: 32 },
      }),
    ]);
    expect(usage.events[0]?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('asks for a JSON schema and returns the parsed, checked answer', async () => {
    const { model, fake } = await engine(script([reply.json({ answer: 'yes', score: 0.7 })]));
    const res = await model.complete(jsonRequest);
    expect(res.json).toEqual({ answer: 'yes', score: 0.7 });
    expect(fake.requests[0]?.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema: answerSchema, strict: true },
    });
  });

  it('accepts JSON wrapped in a Markdown code fence, as some local servers send it', async () => {
    const { model } = await engine(script([reply.text('```json\n{"answer":"ok","score":1}\n```')]));
    expect((await model.complete(jsonRequest)).json).toEqual({ answer: 'ok', score: 1 });
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    const { model, waits, fake } = await engine(
      script([reply.status(429, { retryAfter: '3' }), reply.text('after the wait')]),
    );
    const res = await model.complete(textRequest);
    expect(res.text).toBe('after the wait');
    expect(fake.requests).toHaveLength(2);
    expect(waits).toEqual([3_000]);
  });

  it('gives up at once when Retry-After asks for longer than it is willing to wait', async () => {
    const { model, waits, fake } = await engine(
      script([reply.status(429, { retryAfter: '120' }), reply.text('never')]),
      { maxDelayMs: 5_000 },
    );
    await expect(model.complete(textRequest)).rejects.toMatchObject({ kind: 'rate_limited', status: 429 });
    expect(fake.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('honours Retry-After on 503 too', async () => {
    const { model, waits } = await engine(script([reply.status(503, { retryAfter: '2' }), reply.text('ok')]));
    await model.complete(textRequest);
    expect(waits).toEqual([2_000]);
  });

  it('backs off exponentially with jitter on repeated 500s and gives up after maxRetries', async () => {
    const { model, waits, fake, usage } = await engine(
      script([reply.status(500)]),
      { maxRetries: 3, baseDelayMs: 100 },
      { random: () => 1 },
    );
    const err = await model.complete(textRequest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).kind).toBe('server');
    expect((err as ModelError).status).toBe(500);
    expect(fake.requests).toHaveLength(4);
    expect(waits).toEqual([100, 200, 400]);
    expect(usage.events).toEqual([expect.objectContaining({ ok: false, error: expect.stringContaining('500') })]);
  });

  it('jitter draws each wait between half and all of the exponential step', async () => {
    const { model, waits } = await engine(
      script([reply.status(500), reply.status(500), reply.text('ok')]),
      { baseDelayMs: 1_000 },
      { random: () => 0 },
    );
    await model.complete(textRequest);
    expect(waits).toEqual([500, 1_000]);
  });

  it('does not retry a 400 or a 401', async () => {
    for (const status of [400, 401]) {
      const { model, fake } = await engine(script([reply.status(status), reply.text('never')]));
      await expect(model.complete(textRequest)).rejects.toMatchObject({ kind: 'client', status });
      expect(fake.requests).toHaveLength(1);
      await fake.close();
    }
  });

  it('retries 408 and 409', async () => {
    const { model, fake } = await engine(script([reply.status(408), reply.status(409), reply.text('third time')]));
    expect((await model.complete(textRequest)).text).toBe('third time');
    expect(fake.requests).toHaveLength(3);
  });

  it('times out a request that hangs, and retries it', async () => {
    const { model, fake } = await engine(script([reply.hang(), reply.text('second attempt')]), { timeoutMs: 150 });
    expect((await model.complete(textRequest)).text).toBe('second attempt');
    expect(fake.requests).toHaveLength(2);
  });

  it('reports a timeout when every attempt hangs', async () => {
    const { model, fake } = await engine(script([reply.hang()]), { timeoutMs: 100, maxRetries: 1 });
    await expect(model.complete(textRequest)).rejects.toMatchObject({ kind: 'timeout' });
    expect(fake.requests).toHaveLength(2);
  });

  it('retries malformed JSON once, then succeeds', async () => {
    const { model, fake } = await engine(script([reply.malformedJson(), reply.json({ answer: 'fixed', score: 0 })]));
    expect((await model.complete(jsonRequest)).json).toEqual({ answer: 'fixed', score: 0 });
    expect(fake.requests).toHaveLength(2);
  });

  it('fails after malformed JSON twice, counting the tokens of both attempts', async () => {
    const { model, fake, usage } = await engine(script([reply.text('not json at all', { prompt: 10, completion: 5 })]));
    await expect(model.complete(jsonRequest)).rejects.toMatchObject({
      kind: 'invalid_output',
      message: expect.stringContaining('malformed JSON'),
    });
    expect(fake.requests).toHaveLength(2);
    expect(usage.events[0]).toMatchObject({ ok: false, usage: { promptTokens: 20, completionTokens: 10 } });
  });

  it('treats an answer that violates the schema as a failed attempt', async () => {
    const violating = reply.json({ answer: 'yes', score: 7, extra: true });
    const { model, fake } = await engine(script([violating, violating]));
    await expect(model.complete(jsonRequest)).rejects.toMatchObject({
      kind: 'invalid_output',
      message: expect.stringContaining('schema'),
    });
    expect(fake.requests).toHaveLength(2);
  });

  it('recovers when the retry after a schema violation is valid', async () => {
    const { model } = await engine(script([reply.json({ answer: 3 }), reply.json({ answer: 'three', score: 0.3 })]));
    expect((await model.complete(jsonRequest)).json).toEqual({ answer: 'three', score: 0.3 });
  });

  it('refuses a call that would pass the daily token budget, without contacting the model', async () => {
    const budget = createMemoryTokenBudget({ dailyLimit: 50 });
    const { model, fake } = await engine(script([reply.text('too expensive')]), {}, { budget });
    const err = await model.complete({ ...textRequest, maxTokens: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceeded);
    expect(fake.requests).toHaveLength(0);
  });

  it('charges what the call really used to the user budget', async () => {
    const budget = createMemoryTokenBudget({ dailyLimit: 10_000 });
    const { model } = await engine(script([reply.text('fine', { prompt: 30, completion: 12 })]), {}, { budget });
    await model.complete({ ...textRequest, maxTokens: 100 });
    expect(budget.usedToday('tenant-1:alice')).toBe(42);
    expect(budget.usedToday('tenant-1:bob')).toBe(0);
  });

  it('streams the answer chunk by chunk and records usage at the end', async () => {
    const { model, usage } = await engine(
      script([reply.text('Hello there, Bob. See you Friday.', { prompt: 20, completion: 9 })]),
    );
    const pieces: string[] = [];
    for await (const piece of model.stream(textRequest)) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join('')).toBe('Hello there, Bob. See you Friday.');
    expect(usage.events).toEqual([
      expect.objectContaining({ ok: true, usage: { promptTokens: 20, completionTokens: 9 } }),
    ]);
  });

  it('retries a stream that fails before the first chunk', async () => {
    const { model, waits } = await engine(script([reply.status(429, { retryAfter: '1' }), reply.text('streamed')]));
    let text = '';
    for await (const piece of model.stream(textRequest)) text += piece;
    expect(text).toBe('streamed');
    expect(waits).toEqual([1_000]);
  });

  it('stops when the caller aborts', async () => {
    const { model } = await engine(script([reply.hang()]), { timeoutMs: 5_000 });
    const controller = new AbortController();
    const pending = model.complete({ ...textRequest, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '7' }))).toBe(7_000);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(
      parseRetryAfter(
        new Headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:10 GMT' }),
        Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'),
      ),
    ).toBe(10_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });
});

describe('openAiConfigFromEnv', () => {
  it('needs a model and an endpoint (or a key for the default endpoint)', () => {
    expect(openAiConfigFromEnv({ OPENAI_MODEL: 'llama3', OPENAI_BASE_URL: 'http://localhost:11434/v1' })).toEqual({
      baseURL: 'http://localhost:11434/v1',
      model: 'llama3',
    });
    expect(openAiConfigFromEnv({ OPENAI_MODEL: 'gpt-4o-mini', OPENAI_API_KEY: 'sk-x' })).toEqual({
      baseURL: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      apiKey: 'sk-x',
    });
    expect(openAiConfigFromEnv({ OPENAI_BASE_URL: 'http://localhost:11434/v1' })).toBeUndefined();
  });
});
