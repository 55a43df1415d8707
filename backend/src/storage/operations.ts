import { Migrator, sql } from 'kysely';
import type { Storage } from './database.ts';
import { migrationProvider } from './migrations/index.ts';

/** What an operator asks the database: migrations, queue depth, sync lag, the database's clock. */

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

/** Which of Steward's migrations this database has and which it still needs (`steward migrate` applies them). */
export async function migrationStatus(storage: Storage): Promise<MigrationStatus> {
  const migrator = new Migrator({
    db: storage.db,
    provider: migrationProvider,
    ...(storage.schema ? { migrationTableSchema: storage.schema } : {}),
  });
  const all = await migrator.getMigrations();
  return {
    applied: all.filter((m) => m.executedAt !== undefined).map((m) => m.name),
    pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}

export interface QueueCount {
  state: string;
  count: number;
}

/**
 * Jobs per state in the queue this deployment uses: the `jobs` table (embedded, or JOB_QUEUE=table) or
 * pg-boss's `job` table. A queue whose tables do not exist yet (no worker has started) has no jobs.
 */
export async function queueCounts(storage: Storage, engine: 'pg-boss' | 'table'): Promise<QueueCount[]> {
  try {
    const table = engine === 'table' ? sql`jobs` : sql`${sql.id((storage.schema ?? 'pgboss').replace(/"/g, ''))}.job`;
    const { rows } = await sql<{ state: string; n: string | number }>`
      select state::text as state, count(*) as n from ${table} group by state`.execute(storage.db);
    return rows.map((r) => ({ state: r.state, count: Number(r.n) }));
  } catch {
    return [];
  }
}

export interface SyncLag {
  provider: string;
  /** Seconds since the least recently synced active mailbox of this provider was synced. */
  lagSeconds: number;
}

export async function syncLag(storage: Storage): Promise<SyncLag[]> {
  const { rows } = await sql<{ provider: string; lag: string | number | null }>`
    select m.provider as provider,
           max(extract(epoch from (now() - coalesce(s.last_sync_at, m.created_at)))) as lag
    from mailboxes m left join sync_status s on s.mailbox_id = m.id
    where m.status = 'active'
    group by m.provider`.execute(storage.db);
  return rows.map((r) => ({ provider: r.provider, lagSeconds: Math.max(0, Number(r.lag ?? 0)) }));
}

export async function mailboxCounts(
  storage: Storage,
): Promise<Array<{ provider: string; status: string; count: number }>> {
  const rows = await storage.db
    .selectFrom('mailboxes')
    .select(['provider', 'status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['provider', 'status'])
    .execute();
  return rows.map((r) => ({ provider: r.provider, status: r.status, count: Number(r.n) }));
}

/** The database server's clock, to compare with ours. */
export async function databaseNow(storage: Storage): Promise<Date> {
  const { rows } = await sql<{ now: Date | string }>`select now() as now`.execute(storage.db);
  return new Date(rows[0]!.now);
}
