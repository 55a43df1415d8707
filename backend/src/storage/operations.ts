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

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

/** How to fix a database connection error, from PostgreSQL's SQLSTATE or the socket error; undefined if it is not one. */
export function databaseFix(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  if (code === '28P01' || code === '28000')
    return 'the user or password in DATABASE_URL is wrong: use the ones PostgreSQL has (POSTGRES_USER / POSTGRES_PASSWORD in compose)';
  if (code === '3D000') return 'the database in DATABASE_URL does not exist: create it (createdb) or fix the name';
  if (CONNECTION_CODES.has(code))
    return "PostgreSQL is not reachable at DATABASE_URL's host and port: start it, or fix the host name";
  if (code === '57P03') return 'PostgreSQL is starting up: wait for it (compose waits for its health check)';
  return undefined;
}

/**
 * One clear sentence for a database that cannot be reached at start (`steward serve`, `steward migrate`):
 * where (password hidden), what PostgreSQL said, and the fix. Other errors are returned unchanged.
 */
export function explainStartError(error: unknown, databaseUrl: string | undefined): unknown {
  const fix = databaseFix(error);
  if (!fix) return error;
  let where = 'the database';
  try {
    const url = new URL(databaseUrl ?? '');
    if (url.password) url.password = '***';
    where = url.toString();
  } catch {}
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`cannot use the database at ${where}: ${message} — fix: ${fix}`);
}
