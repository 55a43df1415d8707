/**
 * The `jobs` table behind the table queue (jobs/table-queue.ts keeps the loop, retries and backoff): rows
 * claimed with `FOR UPDATE SKIP LOCKED` and a lease, so a job whose process died is picked up again; failed
 * jobs kept as dead letters; completed ones deleted after a while. Plain SQL through Kysely, so it works on
 * PGlite and PostgreSQL alike.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

export interface ClaimedJob {
  id: string;
  name: string;
  data: Record<string, unknown>;
  retryCount: number;
}

export interface NewJob {
  name: string;
  data: Record<string, unknown>;
  singletonKey: string | null;
  retryLimit: number;
  retryDelayMs: number;
  startAfter: Date;
}

export function jobsTable(db: Kysely<Database>) {
  return {
    /** Claims up to `limit` due jobs of `name` (new and due, or active with a lapsed lease) for `leaseMs`. */
    async claim(name: string, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
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
    },

    async complete(id: string): Promise<void> {
      await db
        .updateTable('jobs')
        .set({ state: 'completed', completed_at: new Date(), lease_until: null })
        .where('id', '=', id)
        .execute();
    },

    /** How often the job was tried, may be tried, and its base delay; undefined when it is gone. */
    async retryState(id: string) {
      return db
        .selectFrom('jobs')
        .select(['retry_count', 'retry_limit', 'retry_delay_ms'])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** A dead letter: failed for good, with the last error. */
    async fail(id: string, error: string): Promise<void> {
      await db
        .updateTable('jobs')
        .set({ state: 'failed', completed_at: new Date(), lease_until: null, last_error: error })
        .where('id', '=', id)
        .execute();
    },

    /**
     * Back to waiting until `startAfter`. Throws a unique violation (23505) when a twin with the same
     * singleton key is already waiting.
     */
    async retryLater(id: string, retryCount: number, startAfter: Date, error: string): Promise<void> {
      await db
        .updateTable('jobs')
        .set({
          state: 'created',
          retry_count: retryCount,
          start_after: startAfter,
          lease_until: null,
          last_error: error,
        })
        .where('id', '=', id)
        .execute();
    },

    async deleteCompletedBefore(before: Date): Promise<void> {
      await db.deleteFrom('jobs').where('state', '=', 'completed').where('completed_at', '<', before).execute();
    },

    /** The new job's id, or undefined when a job with the same singleton key is already waiting. */
    async insert(job: NewJob): Promise<string | undefined> {
      const row = await db
        .insertInto('jobs')
        .values({
          name: job.name,
          data: JSON.stringify(job.data),
          singleton_key: job.singletonKey,
          retry_limit: job.retryLimit,
          retry_delay_ms: job.retryDelayMs,
          start_after: job.startAfter,
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
      return row ? String(row.id) : undefined;
    },

    /** The newest failed jobs first. */
    async failed(limit: number) {
      return db
        .selectFrom('jobs')
        .select(['id', 'name', 'data', 'retry_count', 'last_error', 'completed_at'])
        .where('state', '=', 'failed')
        .orderBy('completed_at', 'desc')
        .limit(limit)
        .execute();
    },
  };
}
