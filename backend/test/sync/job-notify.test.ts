import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPgBossQueue } from '../../src/jobs/pg-boss-queue.ts';
import type { Queue } from '../../src/jobs/queue.ts';

// Idle queue loops sleep until PostgreSQL notifies them of a job (pg-boss-queue.ts) instead of polling every
// half second. Both intervals are an hour here, so only a notification can wake the worker.
const url = process.env.TEST_DATABASE_URL;
describe.skipIf(!url)('job notifications between processes (PostgreSQL)', () => {
  const schema = `steward_notify_${randomBytes(4).toString('hex')}`;
  const queues = [{ name: 'now' }, { name: 'later' }, { name: 'flaky' }];
  let sender: Queue;
  let worker: Queue;

  beforeAll(async () => {
    const make = () =>
      createPgBossQueue({
        connectionString: url!,
        schema,
        queues,
        pollingIntervalSeconds: 3600,
        fallbackPollingSeconds: 3600,
        poolSize: 2,
      });
    sender = make();
    worker = make();
    await sender.start();
    await worker.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await sender?.stop();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('a job sent by another process wakes the idle worker, a delayed one when it is due, a retry too', async () => {
    const seen: string[] = [];
    let flakyAttempts = 0;
    await worker.work('now', async (job) => void seen.push(`now:${String(job.data.n)}`));
    await worker.work('later', async () => void seen.push('later'));
    await worker.work('flaky', async () => {
      flakyAttempts++;
      if (flakyAttempts === 1) throw new Error('first attempt fails');
      seen.push('flaky');
    });
    // Let the worker's loops go idle first (their first fetch finds nothing).
    await new Promise((r) => setTimeout(r, 300));

    await sender.send('now', { n: 1 });
    await vi.waitFor(() => expect(seen).toContain('now:1'), { timeout: 20_000, interval: 20 });
    await sender.send('now', { n: 2 });
    await vi.waitFor(() => expect(seen).toContain('now:2'), { timeout: 20_000, interval: 20 });

    await sender.send('later', {}, { startAfterMs: 1_000 });
    // pg-boss retries by inserting the job again with a later start: that notifies too.
    await sender.send('flaky', {}, { retryDelayMs: 1_000 });
    await vi.waitFor(() => expect(seen).toEqual(expect.arrayContaining(['later', 'flaky'])), {
      timeout: 30_000,
      interval: 50,
    });
    expect(flakyAttempts).toBe(2);
  });
});
