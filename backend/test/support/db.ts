import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest, openStorage, type Storage } from '../../src/storage/database.ts';

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  open(): Promise<Storage>;
}

/**
 * The databases every storage and route test runs on: embedded PGlite always, and the real PostgreSQL
 * server too when TEST_DATABASE_URL is set. Each open() gets a fresh, migrated database (on PostgreSQL a
 * private schema, dropped on close), so test files never see each other's rows.
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [
    {
      name: 'pglite',
      async open() {
        const storage = await openStorage({});
        await migrateToLatest(storage.db);
        return storage;
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    list.push({
      name: 'postgres',
      async open() {
        const schema = `steward_test_${randomBytes(6).toString('hex')}`;
        const storage = await openStorage({ databaseUrl: url, schema, poolSize: 4 });
        await migrateToLatest(storage.db, schema);
        return {
          ...storage,
          async close() {
            await storage.close();
            const admin = new pg.Client({ connectionString: url });
            await admin.connect();
            try {
              await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
            } finally {
              await admin.end();
            }
          },
        };
      },
    });
  }
  return list;
}
