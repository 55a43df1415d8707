/**
 * A Steward worker process for the crash test: opens the database named by the environment, starts the sync
 * workers and, when asked, enqueues a backfill. The parent kills it with SIGKILL and starts it again.
 */

import { configureAi } from '../../src/ai/configured.ts';
import { loadConfig } from '../../src/config.ts';
import { createTableQueue } from '../../src/jobs/table-queue.ts';
import { openStorage } from '../../src/storage/database.ts';
import { createSyncService } from '../../src/sync/service.ts';

const config = loadConfig(process.env);
const storage = await openStorage({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  schema: process.env.CHILD_SCHEMA || undefined,
  poolSize: 4,
});
const leaseMs = Number(process.env.CHILD_LEASE_MS ?? 1500);
const service = createSyncService({
  config,
  storage,
  ai: configureAi(config, storage.db),
  queue: createTableQueue(storage.db, { pollIntervalMs: 20, leaseMs }),
  leaseMs,
});
await service.startWorkers({ concurrency: 4 });
if (process.env.CHILD_BACKFILL) {
  const mailbox = await storage.db
    .selectFrom('mailboxes')
    .selectAll()
    .where('id', '=', process.env.CHILD_BACKFILL)
    .executeTakeFirstOrThrow();
  await service.afterConnect(mailbox);
}
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void service
    .stop()
    .then(() => storage.close())
    .then(() => process.exit(0));
});
