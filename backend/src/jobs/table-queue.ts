import type { Kysely } from 'kysely';
import { jobsTable } from '../storage/jobs-table.ts';
import type { Database } from '../storage/schema.ts';
import {
  backoffMs,
  DEFAULT_RETRY_DELAY_MS,
  DEFAULT_RETRY_LIMIT,
  type DeadJob,
  describeJobError,
  type Job,
  type JobHandler,
  type JobOptions,
  type Queue,
  RetryLaterError,
  type WorkOptions,
} from './queue.ts';

export interface TableQueueOptions {
  /** How often an idle worker looks for due jobs (a send in this process wakes it at once). */
  pollIntervalMs?: number;
  /** A claimed job whose worker died becomes claimable again after this long. */
  leaseMs?: number;
  /** Completed jobs are deleted after this long. */
  keepCompletedMs?: number;
}

/**
 * The table queue: rows in `jobs`, claimed with `FOR UPDATE SKIP LOCKED`, a lease so a job whose process
 * died (SIGKILL) is picked up again, retries with exponential backoff and jitter, and failed jobs kept as
 * dead letters. Its statements are in storage/jobs-table.ts (plain SQL through Kysely), so it works on PGlite
 * (single process) and on PostgreSQL alike.
 */
export function createTableQueue(db: Kysely<Database>, options: TableQueueOptions = {}): Queue {
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const keepCompletedMs = options.keepCompletedMs ?? 24 * 3600_000;
  let stopped = false;
  const wakers = new Set<() => void>();
  const running = new Set<Promise<void>>();
  const loops: Promise<void>[] = [];
  let lastCleanup = 0;
  const table = jobsTable(db);

  async function claim(name: string, limit: number): Promise<Job[]> {
    return table.claim(name, limit, leaseMs);
  }

  async function complete(id: string): Promise<void> {
    await table.complete(id);
  }

  async function reschedule(job: Job, delayMs: number, counts: boolean, error: unknown): Promise<void> {
    const row = await table.retryState(job.id);
    if (!row) return;
    if (counts && row.retry_count >= row.retry_limit) {
      await table.fail(job.id, describeJobError(error));
      return;
    }
    const delay = counts ? backoffMs(row.retry_delay_ms, row.retry_count) : delayMs;
    try {
      await table.retryLater(
        job.id,
        counts ? row.retry_count + 1 : row.retry_count,
        new Date(Date.now() + delay),
        describeJobError(error),
      );
    } catch (e) {
      // A twin with the same singleton key is already waiting: it does this work, so this one is done.
      if ((e as { code?: string }).code === '23505') await complete(job.id);
      else throw e;
    }
  }

  async function cleanup(): Promise<void> {
    if (Date.now() - lastCleanup < 60_000) return;
    lastCleanup = Date.now();
    await table.deleteCompletedBefore(new Date(Date.now() - keepCompletedMs));
  }

  async function loop(name: string, handler: JobHandler, concurrency: number): Promise<void> {
    const inflight = new Set<Promise<void>>();
    while (!stopped) {
      let jobs: Job[] = [];
      const free = concurrency - inflight.size;
      if (free > 0) {
        try {
          jobs = await claim(name, free);
          await cleanup();
        } catch {
          jobs = []; // the database is restarting or closing; try again after the interval
        }
      }
      for (const job of jobs) {
        const run = (async () => {
          try {
            await handler(job);
            await complete(job.id);
          } catch (error) {
            if (error instanceof RetryLaterError) await reschedule(job, error.delayMs, false, error);
            else await reschedule(job, 0, true, error);
          }
        })().catch(() => {});
        inflight.add(run);
        running.add(run);
        void run.finally(() => {
          inflight.delete(run);
          running.delete(run);
          wake();
        });
      }
      if (jobs.length === 0 || inflight.size >= concurrency) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, pollIntervalMs);
          function done() {
            clearTimeout(timer);
            wakers.delete(done);
            resolve();
          }
          wakers.add(done);
        });
      }
    }
    await Promise.allSettled([...inflight]);
  }

  function wake() {
    for (const w of [...wakers]) w();
  }

  return {
    engine: 'table',
    async start() {
      stopped = false;
    },
    async send(name: string, data: Record<string, unknown>, opts: JobOptions = {}) {
      const id = await table.insert({
        name,
        data,
        singletonKey: opts.singletonKey ?? null,
        retryLimit: opts.retryLimit ?? DEFAULT_RETRY_LIMIT,
        retryDelayMs: opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
        startAfter: new Date(Date.now() + (opts.startAfterMs ?? 0)),
      });
      if (id && !opts.startAfterMs) wake();
      return id ?? null;
    },
    async work<T>(name: string, handler: JobHandler<T>, opts: WorkOptions = {}) {
      loops.push(loop(name, handler as JobHandler, Math.max(1, opts.concurrency ?? 1)));
    },
    async deadLetters(limit = 100): Promise<DeadJob[]> {
      const rows = await table.failed(limit);
      return rows.map((r) => ({
        id: String(r.id),
        name: r.name,
        data: r.data,
        attempts: r.retry_count + 1,
        error: r.last_error,
        failedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null,
      }));
    },
    async stop() {
      stopped = true;
      wake();
      await Promise.allSettled(loops);
      await Promise.allSettled([...running]);
    },
  };
}
