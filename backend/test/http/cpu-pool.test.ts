/**
 * Issue 12: CPU work on untrusted input runs in worker threads under a time budget. A task over budget is
 * answered 422 and its thread is replaced; the event loop stays free meanwhile.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { BudgetExceededError, createCpuPool } from '../../src/cpu/pool.ts';
import { useTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';

describe('the CPU pool', () => {
  const pool = createCpuPool({ threads: 1, budgetMs: 1500 });
  afterAll(() => pool.close());

  it('stops a task at its budget with a 422, keeps the event loop free, and serves the next task', async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    await pool.spin(0); // the thread is up
    delay.enable();
    const error = await pool.spin(60_000).catch((e: unknown) => e);
    delay.disable();
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).statusCode).toBe(422);
    expect((error as BudgetExceededError).code).toBe('too_complex');
    // The main thread was never blocked by the runaway task (generous: a busy machine adds its own delay).
    expect(delay.max / 1e6).toBeLessThan(1000);
    // A fresh thread serves the next task.
    expect(await pool.spin(1)).toBeGreaterThan(0);
  });

  it('reads a message in a worker thread with the same result as in process', async () => {
    const message = await pool.normalise({
      id: 'w1',
      from: { name: 'Dana', address: 'dana@partner.example' },
      subject: 'Budget',
      html: '<p>Could you <a href="https://x.example">approve</a> it?</p><img src="a.png">',
    } as never);
    expect(message.text).toContain('Could you approve it?');
    expect(message.linkCount).toBe(1);
    expect(message.imageCount).toBe(1);
    expect(message.from?.address).toBe('dana@partner.example');
  });
});

for (const database of testDatabases()) {
  describe(`a message too costly to read [${database.name}]`, () => {
    const ctx = useTestApp(database, { CPU_BUDGET_MS: '1500' });
    it('is answered per item in a batch with too_complex; the other items are triaged', async () => {
      // A message that keeps its thread busy past the budget (as a pathological input would), through the
      // real pool: the route must answer for it alone, and the thread must be replaced for the next one.
      const cpu = ctx.app.services.cpu;
      const normalise = cpu.normalise.bind(cpu);
      cpu.normalise = async (message) => {
        if (message.id.startsWith('heavy')) await cpu.spin(60_000);
        return normalise(message);
      };
      try {
        const res = await ctx.app.inject({
          method: 'POST',
          url: '/v1/triage',
          payload: {
            messages: [
              { id: 'ok-1', subject: 'Lunch?', text: 'Are you free for lunch on Friday?', from: 'a@b.example' },
              { id: 'heavy', subject: 'Newsletter', text: 'x', from: 'news@b.example' },
              { id: 'ok-2', subject: 'Report', text: 'Here is the report you asked for.', from: 'c@b.example' },
            ],
          },
        });
        expect(res.statusCode, res.body).toBe(200);
        const results = res.json().results as Array<{ id: string; error?: { code: string }; category?: string }>;
        expect(results.map((r) => [r.id, r.error?.code ?? 'ok'])).toEqual([
          ['ok-1', 'ok'],
          ['heavy', 'too_complex'],
          ['ok-2', 'ok'],
        ]);
        const single = await ctx.app.inject({
          method: 'POST',
          url: '/v1/triage',
          payload: { message: { id: 'heavy-2', subject: 'N', text: 'x', from: 'news@b.example' } },
        });
        expect(single.statusCode).toBe(422);
        expect(single.json().error.code).toBe('too_complex');
      } finally {
        cpu.normalise = normalise;
      }
    });
  });
}
