// The web-only process (SYNC_WORKER=off) for `npm run bench -- scale`, in its own process so the load
// generator and the fake providers do not share its event loop. Prints its URL when listening.
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openStorage } from '../../src/storage/database.ts';

const config = loadConfig({ ...process.env, SYNC_WORKER: 'off' });
const storage = await openStorage({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  schema: process.env.SCALE_SCHEMA || undefined,
  poolSize: 10,
});
const app = await buildApp(config, { storage, logger: false, skipMigrations: true });
await app.sync.start();
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}\n`);
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => storage.close())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
});
