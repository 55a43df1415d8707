import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, loggerOptions, VERSION } from './app.ts';
import { type Config, loadConfig } from './config.ts';
import { startTracing } from './ops/tracing.ts';
import { prettyLogStream } from './pretty-log.ts';

const SHUTDOWN_GRACE_MS = 10_000;

const MANIFEST = path.resolve(import.meta.dirname, '../../manifests/outlook/manifest.xml');

/** Where to go once the server is up: the bound address (the public URL when bound to every interface). */
export function startUrls(app: FastifyInstance, config: Config): Record<string, string> {
  const address = app.server.address() as AddressInfo | null;
  const anyInterface = !address || address.address === '0.0.0.0' || address.address === '::';
  const host = address?.family === 'IPv6' ? `[${address.address}]` : address?.address;
  const base = anyInterface ? config.publicUrl.replace(/\/$/, '') : `http://${host}:${address.port}`;
  const urls: Record<string, string> = { server: base, preview: `${base}/preview`, 'API docs': `${base}/docs` };
  if (fs.existsSync(MANIFEST)) urls.manifest = `${base}/manifests/outlook/manifest.xml`;
  return urls;
}

/** Starts Steward: the only place that listens. Returns the running app. */
export async function startServer(config: Config = loadConfig()): Promise<FastifyInstance> {
  // Tracing starts first so the provider is in place before the first request.
  const tracing = startTracing(config, VERSION);
  // Readable logs for a person at a terminal; JSON lines for files and log collectors.
  const pretty = process.stdout.isTTY === true;
  const logger = loggerOptions(config);
  const app = await buildApp(
    config,
    pretty && logger && typeof logger === 'object' ? { logger: { ...logger, stream: prettyLogStream() } } : {},
  );
  if (tracing) app.addHook('onClose', async () => tracing.shutdown());
  await app.listen({ port: config.port, host: config.host });
  const urls = startUrls(app, config);
  app.log.info({ urls }, `Steward is running at ${urls.server}`);
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
