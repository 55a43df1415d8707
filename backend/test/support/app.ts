import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { type BuildOptions, buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Storage } from '../../src/storage/database.ts';

/** The real app on a given database, quiet, with the environment the test chooses. */
export async function buildTestApp(
  storage: Storage,
  env: Record<string, string> = {},
  options: Omit<BuildOptions, 'storage'> = {},
): Promise<FastifyInstance> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-test-data-'));
  // One CPU worker thread is enough for a test and halves the start-up cost on a shared machine.
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', CPU_THREADS: '1', ...env });
  const app = await buildApp(config, { logger: false, skipMigrations: true, ...options, storage });
  app.addHook('onClose', async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  await app.ready();
  return app;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * A real app on a fresh database for the tests of one `describe`: opened before them, closed after.
 * Read `ctx.app` and `ctx.storage` inside the tests.
 */
export function useTestApp(
  database: { open(): Promise<Storage> },
  env: Record<string, string> = {},
  options: Omit<BuildOptions, 'storage'> = {},
): { readonly app: FastifyInstance; readonly storage: Storage } {
  let app: FastifyInstance | undefined;
  let storage: Storage | undefined;
  beforeAll(async () => {
    storage = await database.open();
    app = await buildTestApp(storage, env, options);
  });
  afterAll(async () => {
    await app?.close();
    await storage?.close();
  });
  return {
    get app() {
      if (!app) throw new Error('the test app is not open yet');
      return app;
    },
    get storage() {
      if (!storage) throw new Error('the test storage is not open yet');
      return storage;
    },
  };
}
