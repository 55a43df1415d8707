// `npm run bench sync`: mailbox sync against the local fake Gmail and Graph servers.
//  1. webhook acknowledgement latency at 100 notifications/s (Graph notifications, workers running);
//  2. pipeline throughput end to end (fetch, normalise, local triage, label, draft) in messages/s;
//  3. backfill of 2,000 messages from the fake Gmail server.
// Uses PostgreSQL (pg-boss) from BENCH_DATABASE_URL / DATABASE_URL / TEST_DATABASE_URL when set, else embedded PGlite.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { migrateToLatest, openStorage, type Storage } from '../src/storage/database.ts';
import { connectMailbox, GMAIL_ADDRESS, GRAPH_ADDRESS, startFakes } from '../test/sync/harness.ts';
import { benchDatabaseUrl } from './support/load.ts';

const databaseUrl = benchDatabaseUrl();
const schema = databaseUrl ? `steward_bench_${randomBytes(4).toString('hex')}` : undefined;
const storage: Storage = await openStorage({ databaseUrl, schema, poolSize: 10 });
await migrateToLatest(storage.db, schema);
const fakes = await startFakes();
// Workers start after the first measurement, so acknowledgement is measured for a web-only process
// (SYNC_WORKER=off, the recommended deployment) and again with workers busy in the same process.
const config = loadConfig({
  ...fakes.env,
  LOG_LEVEL: 'silent',
  DATA_DIR: '/nonexistent',
  SYNC_WORKER: 'off',
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
});
const app = await buildApp(config, { storage, logger: false, skipMigrations: true });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const engine = app.sync.queue.engine;
const processed = async (mailboxId: string) =>
  Number(
    (
      await storage.db
        .selectFrom('processed_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('mailbox_id', '=', mailboxId)
        .where('processed_at', 'is not', null)
        .executeTakeFirstOrThrow()
    ).n,
  );
const until = async (check: () => Promise<boolean>, timeoutMs: number) => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
};
const ask = (i: number) => ({
  from: `P${i} <p${i}@partner.example>`,
  subject: `Question ${i}`,
  text: `Hi,\n\nCould you confirm the figures for item ${i} by Friday?\n\nThanks`,
});

try {
  // 1. Webhook acknowledgement at 100 notifications/s, one new message per notification, workers busy.
  const graphBox = await connectMailbox(storage, fakes, 'graph');
  await app.sync.runMailboxSync(graphBox.id);
  await storage.db
    .updateTable('mailboxes')
    .set({ watch_id: 'sub-bench', client_state: 'bench-client-state' })
    .where('id', '=', graphBox.id)
    .execute();
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  console.log(`sync bench on ${storage.describe} (queue: ${engine})`);
  let delivered = 0;
  const measureAck = async (label: string, warmUp = false) => {
    const latencies: number[] = [];
    const started = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < (warmUp ? 100 : seconds * 100); i++) {
      const due = started + i * 10;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const msg = fakes.graph.deliver({ ...ask(delivered++), to: GRAPH_ADDRESS });
      inflight.push(
        (async () => {
          const t0 = performance.now();
          const res = await fetch(`${base}/webhooks/graph`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              value: [
                {
                  subscriptionId: 'sub-bench',
                  clientState: 'bench-client-state',
                  changeType: 'created',
                  resourceData: { id: msg.id },
                },
              ],
            }),
          });
          await res.text();
          if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
          latencies.push(performance.now() - t0);
        })(),
      );
    }
    await Promise.all(inflight);
    if (warmUp) return;
    latencies.sort((x, y) => x - y);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
    console.log(
      `webhook ack @100/s for ${seconds}s, ${label}: n=${latencies.length} p50=${pct(50)} ms p99=${pct(99)} ms max=${latencies.at(-1)!.toFixed(1)} ms (target p99 < 100 ms)`,
    );
  };
  await measureAck('warm-up', true); // JIT, connection pools, first queries
  await measureAck('web-only process (SYNC_WORKER=off)');
  await app.sync.startWorkers();
  await measureAck('workers running in the same process');
  await until(async () => (await processed(graphBox.id)) >= delivered, 300_000);

  // 2. Pipeline throughput: 500 messages waiting, one notification, until all are labelled and drafted.
  const gmailBox = await connectMailbox(storage, fakes, 'gmail');
  await app.sync.runMailboxSync(gmailBox.id);
  const N = Number(process.env.BENCH_PIPELINE_MESSAGES ?? 500);
  for (let i = 0; i < N; i++) fakes.gmail.deliver({ ...ask(i), to: GMAIL_ADDRESS });
  const t1 = performance.now();
  await app.sync.notify(gmailBox.id, 'bench');
  const ok1 = await until(async () => (await processed(gmailBox.id)) >= N, 300_000);
  const pipeSeconds = (performance.now() - t1) / 1000;
  console.log(
    `pipeline: ${N} messages in ${pipeSeconds.toFixed(2)} s = ${(N / pipeSeconds).toFixed(1)} messages/s end to end${ok1 ? '' : ' (TIMED OUT)'} (target >= 50/s)`,
  );

  // 3. Backfill of 2,000 messages.
  const owner = await connectMailbox(storage, fakes, 'gmail', { subject: 'backfill-owner' });
  await storage.db.deleteFrom('mailboxes').where('id', 'in', [gmailBox.id, graphBox.id]).execute();
  fakes.gmail.messages.clear(); // only the backfill's own messages
  const B = 2000;
  for (let i = 0; i < B; i++)
    fakes.gmail.deliver({ ...ask(i), to: GMAIL_ADDRESS, at: new Date(Date.now() - (i + 1) * 300_000) });
  const before = await processed(owner.id);
  const t2 = performance.now();
  await app.sync.afterConnect(owner);
  const ok2 = await until(async () => (await processed(owner.id)) - before >= B, 300_000);
  const backfillSeconds = (performance.now() - t2) / 1000;
  const status = await storage.db
    .selectFrom('sync_status')
    .select(['phase', 'backfill_total'])
    .where('mailbox_id', '=', owner.id)
    .executeTakeFirst();
  console.log(
    `backfill: ${B} messages in ${backfillSeconds.toFixed(2)} s${ok2 ? '' : ' (TIMED OUT)'} (target < 60 s); status ${status?.phase} total=${status?.backfill_total}`,
  );
} finally {
  await app.close();
  await fakes.close();
  await storage.close();
  if (databaseUrl && schema) {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}
