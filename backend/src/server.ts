import type { FastifyInstance } from 'fastify';
import { buildApp, VERSION } from './app.ts';
import { type Config, loadConfig } from './config.ts';
import { startTracing } from './ops/tracing.ts';

const SHUTDOWN_GRACE_MS = 10_000;

/** Starts Steward: the only place that listens. Returns the running app. */
export async function startServer(config: Config = loadConfig()): Promise<FastifyInstance> {
  // Tracing starts first so the provider is in place before the first request.
  const tracing = startTracing(config, VERSION);
  const app = await buildApp(config);
  if (tracing) app.addHook('onClose', async () => tracing.shutdown());
  await app.listen({ port: config.port, host: config.host });
  const storage = app.services.storage.describe;
  app.log.info(`storage: ${storage}; AI engine: ${config.aiProvider}`);
  if (config.localMode) {
    app.log.warn(
      `local mode: no identity provider is configured (MICROSOFT_CLIENT_ID / GOOGLE_CLIENT_IDS), so every request is the one local user and the server listens on ${config.host} only`,
    );
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal} received; finishing in-flight requests`);
    const force = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return app;
}
