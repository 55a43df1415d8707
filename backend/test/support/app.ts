import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Storage } from '../../src/storage/database.ts';

/** The real app on a given database, quiet, with the environment the test chooses. */
export async function buildTestApp(
  storage: Storage,
  env: Record<string, string> = {},
  options: Omit<BuildOptions, 'storage'> = {},
): Promise<FastifyInstance> {
  const config = loadConfig({ DATA_DIR: '/nonexistent-steward-test', LOG_LEVEL: 'silent', ...env });
  const app = await buildApp(config, { logger: false, skipMigrations: true, ...options, storage });
  await app.ready();
  return app;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
