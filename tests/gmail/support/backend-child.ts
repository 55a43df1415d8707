/**
 * Runs the real Steward backend for the Gmail end-to-end tests and the bench, in its own process (the
 * add-on's synchronous UrlFetchApp blocks the test's thread). It also serves the test issuer's public
 * keys as Google's PEM certificate endpoint, so ID tokens minted with a test key verify for real.
 *   env: STEWARD_TEST_CERTS (JSON kid → PEM), GOOGLE_CLIENT_IDS, DATA_DIR, optional DATABASE_URL.
 * Prints {"port":N,"certsUrl":...} once listening on an ephemeral port.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../../backend/src/app.ts';
import { loadConfig } from '../../../backend/src/config.ts';

const certs = process.env.STEWARD_TEST_CERTS ?? '{}';
const certServer = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
  res.end(certs);
});
await new Promise<void>((resolve) => certServer.listen(0, '127.0.0.1', resolve));
const certsUrl = `http://127.0.0.1:${(certServer.address() as AddressInfo).port}/oauth2/v1/certs`;

const config = loadConfig({
  ...process.env,
  GOOGLE_CERTS_URL: certsUrl,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
});
const app = await buildApp(config);
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as AddressInfo).port;
console.log(JSON.stringify({ port, certsUrl, routes: app.services.routes }));

const stop = () => {
  certServer.close();
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
