import { type Kysely, sql } from 'kysely';
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
 * dead letters. It runs through Kysely, so it works on PGlite (single process) and on PostgreSQL alike.
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

  async function claim(name: string, limit: number): Promise<Job[]> {
    const rows = await sql<{ id: string; name: string; data: Record<string, unknown>; retry_count: number }>`
      update jobs set state = 'active', lease_until = now() + ${`${leaseMs} milliseconds`}::interval,
        retry_count = case when state = 'active' then retry_count + 1 else retry_count end
      where id in (
        select id from jobs
        where name = ${name}
          and ((state = 'created' and start_after <= now()) or (state = 'active' and lease_until < now()))
        order by start_after, id
        limit ${limit}
        for update skip locked
      )
      returning id, name, data, retry_count`.execute(db);
    return rows.rows.map((r) => ({ id: String(r.id), name: r.name, data: r.data, retryCount: r.retry_count }));
  }

  async function complete(id: string): Promise<void> {
    await db
      .updateTable('jobs')
      .set({ state: 'completed', completed_at: new Date(), lease_until: null })
      .where('id', '=', id)
      .execute();
  }

  async function reschedule(job: Job, delayMs: number, counts: boolean, error: unknown): Promise<void> {
    const row = await db
      .selectFrom('jobs')
      .select(['retry_count', 'retry_limit', 'retry_delay_ms'])
      .where('id', '=', job.id)
      .executeTakeFirst();
    if (!row) return;
    if (counts && row.retry_count >= row.retry_limit) {
      await db
        .updateTable('jobs')
        .set({ state: 'failed', completed_at: new Date(), lease_until: null, last_error: describeJobError(error) })
        .where('id', '=', job.id)
        .execute();
      return;
    }
    const delay = counts ? backoffMs(row.retry_delay_ms, row.retry_count) : delayMs;
    try {
      await db
        .updateTable('jobs')
        .set({
          state: 'created',
          retry_count: counts ? row.retry_count + 1 : row.retry_count,
          start_after: new Date(Date.now() + delay),
          lease_until: null,
          last_error: describeJobError(error),
        })
        .where('id', '=', job.id)
        .execute();
    } catch (e) {
      // A twin with the same singleton key is already waiting: it does this work, so this one is done.
      if ((e as { code?: string }).code === '23505') await complete(job.id);
      else throw e;
    }
  }

  async function cleanup(): Promise<void> {
    if (Date.now() - lastCleanup < 60_000) return;
    lastCleanup = Date.now();
    await db
      .deleteFrom('jobs')
      .where('state', '=', 'completed')
      .where('completed_at', '<', new Date(Date.now() - keepCompletedMs))
      .execute();
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
      const row = await db
        .insertInto('jobs')
        .values({
          name,
          data: JSON.stringify(data),
          singleton_key: opts.singletonKey ?? null,
          retry_limit: opts.retryLimit ?? DEFAULT_RETRY_LIMIT,
          retry_delay_ms: opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
          start_after: new Date(Date.now() + (opts.startAfterMs ?? 0)),
        })
        .onConflict((oc) =>
          oc
            .columns(['name', 'singleton_key'])
            .where('state', '=', 'created')
            .where('singleton_key', 'is not', null)
            .doNothing(),
        )
        .returning('id')
        .executeTakeFirst();
      if (row && !opts.startAfterMs) wake();
      return row ? String(row.id) : null;
    },
    async work<T>(name: string, handler: JobHandler<T>, opts: WorkOptions = {}) {
      loops.push(loop(name, handler as JobHandler, Math.max(1, opts.concurrency ?? 1)));
    },
    async deadLetters(limit = 100): Promise<DeadJob[]> {
      const rows = await db
        .selectFrom('jobs')
        .select(['id', 'name', 'data', 'retry_count', 'last_error', 'completed_at'])
        .where('state', '=', 'failed')
        .orderBy('completed_at', 'desc')
        .limit(limit)
        .execute();
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
