import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type StorageKind = 'pglite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  kind: StorageKind;
  /** The PostgreSQL schema this storage is confined to, when not the default. */
  schema?: string;
  /** A human description for logs, never containing a password. */
  describe: string;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** postgres:// URL; absent means embedded PGlite. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; absent (with no URL) means in memory. */
  dataDir?: string;
  /** PostgreSQL schema to use (tests isolate themselves this way); created when missing. */
  schema?: string;
  poolSize?: number;
}

// PostgreSQL's bigint arrives as a string by default; our bigint ids stay strings, counts are cast in SQL.
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

export async function openStorage(options: StorageOptions): Promise<Storage> {
  if (options.databaseUrl) {
    if (options.schema) {
      const admin = new pg.Client({ connectionString: options.databaseUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema.replace(/"/g, '')}"`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 20,
      ...(options.schema ? { options: `-c search_path="${options.schema.replace(/"/g, '')}",public` } : {}),
    });
    // An idle client that errors (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'postgres',
      schema: options.schema,
      describe: redactUrl(options.databaseUrl),
      close: () => db.destroy(),
    };
  }
  let dir: string | undefined;
  if (options.dataDir) {
    dir = path.join(options.dataDir, 'pglite');
    fs.mkdirSync(dir, { recursive: true });
  }
  // pgvector ships with PGlite; the mail index keeps message-chunk embeddings in it (migration 0005).
  const pglite = dir ? new PGlite(dir, { extensions: { vector } }) : new PGlite({ extensions: { vector } });
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    describe: dir ? `embedded PostgreSQL (PGlite) in ${dir}` : 'embedded PostgreSQL (PGlite) in memory',
    close: () => db.destroy(),
  };
}

export interface MigrationOutcome {
  applied: string[];
}

/** Brings the schema up to date; safe to run at every start and from `steward migrate`. */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<MigrationOutcome> {
  // With a schema, the bookkeeping table lives there too; otherwise Kysely could find another schema's.
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const message = (error as Error).message ?? String(error);
    throw new Error(
      failed ? `Migration ${failed.migrationName} failed: ${message}` : `Migrations could not run: ${message}`,
      { cause: error },
    );
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** One round trip to the database; throws what the driver throws when it cannot be reached. */
export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

export async function isReachable(db: Kysely<Database>): Promise<boolean> {
  try {
    await ping(db);
    return true;
  } catch {
    return false;
  }
}
