/**
 * The pg-boss queue (PostgreSQL deployments). The one place outside storage/ that sends SQL text, on
 * purpose: everything here runs against pg-boss's own schema (its job table, a notify trigger on it, and
 * LISTEN on a dedicated pg connection), which is pg-boss's private layout rather than a table of Steward's
 * Database (storage/schema.ts) — so it goes through pg-boss's own client, never through Kysely or a store.
 * Steward's own tables are only reached through storage/ (the import-graph test checks it).
 */
import pg from 'pg';
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
  /** How often an idle queue looks for work when job notifications are not available (default 0.5 s). */
  pollingIntervalSeconds?: number;
  /**
   * How often an idle queue looks anyway while job notifications arrive (default 15 s): a safety net for a
   * notification lost with a dropped connection.
   */
  fallbackPollingSeconds?: number;
  poolSize?: number;
}

/**
 * Job notifications: a statement trigger on pg-boss's job table sends, for every insert (a new job, a retry
 * — pg-boss retries by re-inserting — or a delayed job), one NOTIFY per queue with how many milliseconds
 * until its earliest job is due. Idle loops sleep until then instead of polling; the trigger costs the
 * sender no round trip. Installed once per schema, under an advisory lock (processes start together).
 */
function notifySetupSql(schema: string, channel: string): string {
  const s = `"${schema.replace(/"/g, '')}"`;
  const ch = channel.replace(/'/g, "''");
  return `
    BEGIN;
    SELECT pg_advisory_xact_lock(hashtext('steward_notify_jobs:' || '${s.replace(/'/g, "''")}'));
    CREATE OR REPLACE FUNCTION ${s}.steward_notify_jobs() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM pg_notify('${ch}', n.name || ' ' || greatest(0, ceil(extract(epoch from (n.due - now())) * 1000))::bigint)
      FROM (SELECT name, min(start_after) AS due FROM new_rows WHERE state < 'active' GROUP BY name) n;
      RETURN NULL;
    END $fn$;
    DO $do$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'steward_notify_jobs' AND tgrelid = '${s}.job'::regclass) THEN
        CREATE TRIGGER steward_notify_jobs AFTER INSERT ON ${s}.job REFERENCING NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION ${s}.steward_notify_jobs();
      END IF;
    END $do$;
    COMMIT;`;
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
  const pollingIntervalMs = (options.pollingIntervalSeconds ?? 0.5) * 1000;
  const fallbackPollingMs = (options.fallbackPollingSeconds ?? 15) * 1000;
  const channel = `steward_jobs_${schema}`.slice(0, 63);
  let started: Promise<void> | undefined;
  let stopping = false;
  const loops: Promise<void>[] = [];
  const running = new Set<Promise<void>>();
  /** Idle loops by queue name, woken at once by a send from this process or a job notification. */
  const wakers = new Map<string, Set<() => void>>();
  /** Wake-ups per queue so far: a loop that was fetching when one came goes round again instead of sleeping. */
  const wakeCount = new Map<string, number>();
  const wake = (name: string) => {
    wakeCount.set(name, (wakeCount.get(name) ?? 0) + 1);
    for (const w of wakers.get(name) ?? []) w();
  };

  /** The connection that LISTENs for job notifications; while it is down, idle loops poll every interval. */
  let listener: pg.Client | undefined;
  let listening = false;
  let reconnect: NodeJS.Timeout | undefined;
  /** Per queue, the timer for its earliest delayed job this process heard of. */
  const dueTimers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  function onNotification(payload: string | undefined) {
    const [name, delay] = (payload ?? '').split(' ');
    if (!name || !wakers.has(name)) return;
    const ms = Number(delay) || 0;
    if (ms <= 5) return wake(name);
    if (ms >= fallbackPollingMs) return; // the fallback poll is sooner
    const at = Date.now() + ms;
    const current = dueTimers.get(name);
    if (current && current.at <= at) return;
    if (current) clearTimeout(current.timer);
    const timer = setTimeout(() => {
      dueTimers.delete(name);
      wake(name);
    }, ms);
    timer.unref();
    dueTimers.set(name, { at, timer });
  }
  /** False when the trigger could not be installed (no right to create it): idle loops poll as before. */
  let notifications = true;
  async function listen(): Promise<void> {
    if (stopping || listener || !notifications) return;
    const client = new pg.Client({ connectionString: options.connectionString });
    listener = client;
    const lost = () => {
      if (listener !== client) return;
      listener = undefined;
      listening = false;
      void client.end().catch(() => {});
      if (!stopping && notifications) {
        reconnect = setTimeout(() => void listen(), 2_000);
        reconnect.unref();
      }
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => onNotification(n.payload));
    try {
      await client.connect();
    } catch {
      return lost();
    }
    try {
      await client.query(notifySetupSql(schema, channel));
      await client.query(`LISTEN "${channel.replace(/"/g, '')}"`);
    } catch {
      notifications = false;
      return lost();
    }
    listening = true;
    // Jobs may have arrived while nobody listened.
    for (const name of wakers.keys()) wake(name);
  }

  /** Completions are written together: every job that finished in the same turn, one statement per queue. */
  const finished = new Map<string, string[]>();
  let flushing: Promise<void> | undefined;
  function complete(name: string, id: string): Promise<void> {
    const ids = finished.get(name) ?? [];
    ids.push(id);
    finished.set(name, ids);
    flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const batches = [...finished];
      finished.clear();
      flushing = undefined;
      await Promise.all(batches.map(([queue, list]) => boss.complete(queue, list)));
    });
    return flushing;
  }

  async function runJob(name: string, handler: JobHandler, job: PgBoss.JobWithMetadata<object>): Promise<void> {
    try {
      await handler({
        id: job.id,
        name: job.name,
        data: job.data as Record<string, unknown>,
        retryCount: job.retryCount,
      });
      await complete(name, job.id);
    } catch (error) {
      if (error instanceof RetryLaterError) {
        // Not an attempt: the same work again later, and this job is done.
        await boss.send(name, job.data, {
          startAfter: Math.max(1, Math.ceil(error.delayMs / 1000)),
          retryBackoff: true,
        });
        await complete(name, job.id);
        return;
      }
      // Fails this job alone (retried with backoff).
      await boss.fail(name, job.id, { name: (error as Error).name, message: describeJobError(error) });
    }
  }

  /**
   * Keeps up to `concurrency` jobs of the queue running: a freed slot is filled at once (no waiting for the
   * rest of a batch, no polling interval while there is work), and an idle loop looks again every polling
   * interval or as soon as this process sends a job. pg-boss's own \`work\` fetches one batch per
   * interval and waits for the whole batch, which capped a process at concurrency × 2 fetchers / 0.5 s —
   * about 8 mailbox syncs a second with the default concurrency of 2 — however idle its CPU was.
   */
  async function workLoop(name: string, handler: JobHandler, concurrency: number): Promise<void> {
    const inflight = new Set<Promise<void>>();
    const idle = new Set<() => void>();
    wakers.set(name, idle);
    while (!stopping) {
      const seen = wakeCount.get(name) ?? 0;
      const free = concurrency - inflight.size;
      let fetched = 0;
      if (free > 0) {
        try {
          const jobs = await boss.fetch<object>(name, { batchSize: free, includeMetadata: true });
          fetched = jobs.length;
          for (const job of jobs) {
            const run: Promise<void> = runJob(name, handler, job)
              .catch(() => {}) // the database went away mid-job: pg-boss's expiry hands it out again
              .finally(() => {
                inflight.delete(run);
                running.delete(run);
              });
            inflight.add(run);
            running.add(run);
          }
        } catch {
          // the database is restarting or closing: look again after the interval
        }
      }
      if (stopping) break;
      if (fetched > 0 && fetched === free) {
        // Every slot is taken and more may be waiting: go on as soon as one frees (after this turn, so
        // slots that free together are filled by one fetch).
        await Promise.race(inflight);
        await new Promise((r) => setImmediate(r));
        continue;
      }
      // Woken while fetching: look again now.
      if ((wakeCount.get(name) ?? 0) !== seen) continue;
      // The queue is empty for now (or the slots are full): a notification, a local send, a freed slot, or
      // the polling interval (long while notifications arrive).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, listening ? fallbackPollingMs : pollingIntervalMs);
        function done() {
          clearTimeout(timer);
          idle.delete(done);
          resolve();
        }
        idle.add(done);
        if (inflight.size >= concurrency) void Promise.race(inflight).then(done);
      });
    }
  }

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
      const id = await boss.send(name, data, {
        ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
        ...(opts.startAfterMs ? { startAfter: Math.max(1, Math.ceil(opts.startAfterMs / 1000)) } : {}),
        retryLimit: opts.retryLimit ?? DEFAULT_RETRY_LIMIT,
        retryDelay: Math.max(1, Math.ceil((opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS) / 1000)),
        retryBackoff: true,
      });
      if (id && !opts.startAfterMs) wake(name);
      return id;
    },
    async work<T>(name: string, handler: JobHandler<T>, opts: WorkOptions = {}) {
      loops.push(workLoop(name, handler as JobHandler, Math.max(1, opts.concurrency ?? 1)));
      // Only processes that work listen (a web process only sends).
      await listen();
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
      // No new jobs; the ones in hand finish (bounded), then the connections go.
      stopping = true;
      if (reconnect) clearTimeout(reconnect);
      for (const { timer } of dueTimers.values()) clearTimeout(timer);
      dueTimers.clear();
      const client = listener;
      listener = undefined;
      listening = false;
      await client?.end().catch(() => {});
      for (const name of wakers.keys()) wake(name);
      await Promise.all(loops.splice(0));
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, 10_000).unref())]);
      await flushing?.catch(() => {});
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      stopping = false;
      wakers.clear();
      wakeCount.clear();
    },
  };
}
