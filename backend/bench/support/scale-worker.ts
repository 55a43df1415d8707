// One Steward worker process for `npm run bench -- scale`: the same sync service `steward serve` runs with
// SYNC_WORKER=on, on the PostgreSQL schema and fake providers the parent names. Prints "ready" when its
// workers are started; SIGTERM stops them (jobs in hand finish) and exits 0.

import { configureAi } from '../../src/ai/configured.ts';
import { loadConfig } from '../../src/config.ts';
import { openStorage } from '../../src/storage/database.ts';
import { createSyncService } from '../../src/sync/service.ts';

const config = loadConfig(process.env);
const storage = await openStorage({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  schema: process.env.SCALE_SCHEMA || undefined,
  poolSize: 8,
});
const service = createSyncService({ config, storage, ai: configureAi(config, storage.db) });
await service.startWorkers({ concurrency: Number(process.env.SCALE_CONCURRENCY ?? 16) });
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void service
    .stop()
    .then(() => storage.close())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
});
