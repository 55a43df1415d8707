import PgBoss from 'pg-boss';
import {
  DEFAULT_RETRY_DELAY_MS,
  DEFAULT_RETRY_LIMIT,
  type DeadJob,
  describeJobError,
  type JobHandler,
  type JobOptions,
  type Queue,
  RetryLaterError,
  type WorkOptions,
} from './queue.ts';

export interface PgBossQueueOptions {
  connectionString: string;
  /** PostgreSQL schema for pg-boss's tables (default "pgboss"). */
  schema?: string;
  /** The queues this process sends to or works on; created at start. */
  queues: Array<{ name: string; coalesce?: boolean }>;
  pollingIntervalSeconds?: number;
  poolSize?: number;
}

/**
 * The queue on pg-boss (PostgreSQL server mode). pg-boss does the claiming (SKIP LOCKED), expiry of jobs
 * whose process died, retries with exponential backoff and jitter (`retryBackoff`), and keeps failed jobs;
 * any number of Steward processes share it. Coalescing queues use the "stately" policy: at most one
 * waiting and one running job per singleton key.
 */
export function createPgBossQueue(options: PgBossQueueOptions): Queue {
  const schema = options.schema ?? 'pgboss';
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema,
    max: options.poolSize ?? 6,
    retryLimit: DEFAULT_RETRY_LIMIT,
    retryDelay: Math.ceil(DEFAULT_RETRY_DELAY_MS / 1000),
    retryBackoff: true,
    expireInSeconds: 5 * 60,
  });
  // pg-boss reports background errors (a lost connection) as events; without a listener they would crash.
  boss.on('error', () => {});
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 0.5;
  let started: Promise<void> | undefined;

  async function ensureQueues() {
    for (const q of options.queues) {
      const existing = await boss.getQueue(q.name);
      if (!existing) {
        try {
          await boss.createQueue(q.name, {
            name: q.name,
            policy: q.coalesce ? 'stately' : 'standard',
            retryLimit: DEFAULT_RETRY_LIMIT,
            retryBackoff: true,
          });
        } catch (error) {
          // Another process created it between our check and our create.
          if (!(await boss.getQueue(q.name))) throw error;
        }
      }
    }
  }

  return {
    engine: 'pg-boss',
    async start() {
      started ??= (async () => {
        await boss.start();
        await ensureQueues();
      })();
      return started;
    },
    async send(name, data, opts: JobOptions = {}) {
      return boss.send(name, data, {
        ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
        ...(opts.startAfterMs ? { startAfter: Math.max(1, Math.ceil(opts.startAfterMs / 1000)) } : {}),
        retryLimit: opts.retryLimit ?? DEFAULT_RETRY_LIMIT,
        retryDelay: Math.max(1, Math.ceil((opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS) / 1000)),
        retryBackoff: true,
      });
    },
    async work<T>(name: string, handler: JobHandler<T>, opts: WorkOptions = {}) {
      // A pg-boss worker fetches at most one batch per polling interval, so jobs are fetched in batches of
      // `concurrency` and run concurrently; two workers keep one batch fetching while the other runs.
      const concurrency = Math.max(1, opts.concurrency ?? 1);
      const workers = concurrency > 1 ? 2 : 1;
      for (let i = 0; i < workers; i++) {
        await boss.work<T>(
          name,
          { batchSize: concurrency, pollingIntervalSeconds, includeMetadata: true },
          async (jobs) => {
            await Promise.all(
              jobs.map(async (job) => {
                try {
                  await handler({ id: job.id, name: job.name, data: job.data, retryCount: job.retryCount });
                } catch (error) {
                  if (error instanceof RetryLaterError) {
                    // Not an attempt: the same work again later, and this job is done.
                    await boss.send(name, job.data as object, {
                      startAfter: Math.max(1, Math.ceil(error.delayMs / 1000)),
                      retryBackoff: true,
                    });
                    return;
                  }
                  // Fails this job alone (retried with backoff); the batch's other jobs complete normally.
                  await boss.fail(name, job.id, { name: (error as Error).name, message: describeJobError(error) });
                }
              }),
            );
          },
        );
      }
    },
    async deadLetters(limit = 100): Promise<DeadJob[]> {
      const db = (boss as unknown as { getDb(): unknown }).getDb() as {
        executeSql(text: string, values: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
      };
      const { rows } = await db.executeSql(
        `select id, name, data, retry_count, output, completed_on from "${schema.replace(/"/g, '')}".job
         where state = 'failed' order by completed_on desc nulls last limit $1`,
        [limit],
      );
      return rows.map((r) => {
        const output = r.output as { message?: string; name?: string } | null;
        return {
          id: String(r.id),
          name: String(r.name),
          data: (r.data ?? {}) as Record<string, unknown>,
          attempts: Number(r.retry_count) + 1,
          error: output?.message ? `${output.name ?? 'Error'}: ${output.message}`.slice(0, 500) : null,
          failedAt: r.completed_on ? new Date(r.completed_on as string).toISOString() : null,
        };
      });
    },
    async stop() {
      if (!started) return;
      await started.catch(() => {});
      started = undefined;
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
