import { describe, expect, it } from 'vitest';
import { createCircuitBreaker, fallbackReason, guardModel, withFallback } from '../../src/ai/breaker.ts';
import { BudgetExceeded, type LanguageModel, ModelError, ModelUnavailable } from '../../src/ai/port.ts';

const failing = () => Promise.reject(new ModelError('the model endpoint answered 500', 'server', 500));
const succeeding = () => Promise.resolve('model answer');

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('circuit breaker', () => {
  it('opens after the failure threshold and stops calling the model', async () => {
    const time = clock();
    const breaker = createCircuitBreaker({ failureThreshold: 3, coolDownMs: 1_000, now: time.now });
    let calls = 0;
    const task = () => {
      calls++;
      return failing();
    };
    for (let i = 0; i < 3; i++) await expect(breaker.run(task)).rejects.toBeInstanceOf(ModelError);
    expect(breaker.state).toBe('open');
    await expect(breaker.run(task)).rejects.toBeInstanceOf(ModelUnavailable);
    expect(calls).toBe(3);
  });

  it('a success resets the count of consecutive failures', async () => {
    const breaker = createCircuitBreaker({ failureThreshold: 2 });
    await breaker.run(failing).catch(() => {});
    await breaker.run(succeeding);
    await breaker.run(failing).catch(() => {});
    expect(breaker.state).toBe('closed');
  });

  it('after the cool-down lets one trial through: success closes, failure reopens', async () => {
    const time = clock();
    const breaker = createCircuitBreaker({ failureThreshold: 1, coolDownMs: 1_000, now: time.now });
    await breaker.run(failing).catch(() => {});
    time.advance(999);
    expect(breaker.state).toBe('open');
    time.advance(1);
    expect(breaker.state).toBe('half-open');
    await breaker.run(failing).catch(() => {});
    expect(breaker.state).toBe('open');
    time.advance(1_000);
    await expect(breaker.run(succeeding)).resolves.toBe('model answer');
    expect(breaker.state).toBe('closed');
  });

  it('half-open admits a single trial at a time', async () => {
    const time = clock();
    const breaker = createCircuitBreaker({ failureThreshold: 1, coolDownMs: 10, now: time.now });
    await breaker.run(failing).catch(() => {});
    time.advance(10);
    let release!: (v: string) => void;
    const trial = breaker.run(() => new Promise<string>((r) => (release = r)));
    await expect(breaker.run(succeeding)).rejects.toBeInstanceOf(ModelUnavailable);
    release('ok');
    await expect(trial).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('a spent budget or a cancelled call does not count against the model', async () => {
    const breaker = createCircuitBreaker({ failureThreshold: 1 });
    await breaker.run(() => Promise.reject(new BudgetExceeded('u', 10, 10))).catch(() => {});
    await breaker.run(() => Promise.reject(new ModelError('cancelled', 'aborted'))).catch(() => {});
    expect(breaker.state).toBe('closed');
  });
});

describe('withFallback', () => {
  it('falls back to the local engine and says why', async () => {
    const breaker = createCircuitBreaker({ failureThreshold: 2 });
    const classify = withFallback(
      breaker,
      async (text: string) => ({ engine: 'model', text, reasons: [] as string[] }),
      (reason, _error, text: string) => ({ engine: 'local', text, reasons: [reason] }),
    );
    expect(await classify('hi')).toEqual({ engine: 'model', text: 'hi', reasons: [] });

    const broken = withFallback(
      breaker,
      (_text: string) => failing(),
      (reason, _error, text: string) => ({ engine: 'local', text, reasons: [reason] }),
    );
    expect(await broken('a')).toEqual({
      engine: 'local',
      text: 'a',
      reasons: ['language model failed; used the local engine'],
    });
    await broken('b');
    expect(breaker.state).toBe('open');
    // Open circuit: even the healthy function is not called.
    expect(await withFallback(breaker, succeeding, (reason) => reason)()).toBe(
      'language model unavailable; used the local engine',
    );
  });

  it('names the cause in words', () => {
    expect(fallbackReason(new ModelError('t', 'timeout'))).toBe(
      'language model did not answer in time; used the local engine',
    );
    expect(fallbackReason(new ModelError('bad', 'invalid_output'))).toBe(
      'language model gave an unusable answer; used the local engine',
    );
    expect(fallbackReason(new BudgetExceeded('u', 1, 1))).toBe(
      "today's language-model budget is spent; used the local engine",
    );
  });

  it('does not hide a cancelled call behind the fallback', async () => {
    const run = withFallback(
      createCircuitBreaker(),
      () => Promise.reject(new ModelError('x', 'aborted')),
      () => 'local',
    );
    await expect(run()).rejects.toMatchObject({ kind: 'aborted' });
  });
});

describe('guardModel', () => {
  it('routes complete and the start of stream through the breaker', async () => {
    let calls = 0;
    const flaky: LanguageModel = {
      name: 'flaky',
      complete: () => {
        calls++;
        return failing();
      },
      stream: () => ({
        [Symbol.asyncIterator]: () => ({
          next: () => {
            calls++;
            return Promise.reject(new ModelError('down', 'server'));
          },
        }),
      }),
    };
    const breaker = createCircuitBreaker({ failureThreshold: 2 });
    const guarded = guardModel(flaky, breaker);
    const req = { purpose: 'draft' as const, system: 's', messages: [] };
    await guarded.complete(req).catch(() => {});
    await (async () => {
      for await (const _ of guarded.stream(req)) void _;
    })().catch(() => {});
    expect(breaker.state).toBe('open');
    await expect(guarded.complete(req)).rejects.toBeInstanceOf(ModelUnavailable);
    expect(calls).toBe(2);
  });
});
