// A Steward server for benchmarks, in its own process so the load generator does not share its event loop.
// Prints one JSON line {url, token} on stdout when ready.
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { startTestIdp } from '../../test/support/idp.ts';

const idp = await startTestIdp();
const config = loadConfig({ ...process.env, ...idp.env, LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '1000000', PORT: '0' });
const app = await buildApp(config, { logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const token = await idp.entraToken();
process.stdout.write(
  `${JSON.stringify({ url: `http://127.0.0.1:${port}`, token, storage: app.services.storage.kind })}\n`,
);
process.on('SIGTERM', async () => {
  await app.close();
  await idp.close();
  process.exit(0);
});
