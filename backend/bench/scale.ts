// `npm run bench -- scale`: does Steward scale by adding worker processes on one PostgreSQL?
// The fake Microsoft Graph and Gmail servers hold BENCH_SCALE_MAILBOXES mailboxes (1,000), taken in turn
// from BENCH_SCALE_PROVIDERS (graph,gmail: half Microsoft 365 with its own subscription each, half Gmail
// announced by verified Pub/Sub pushes). For 1, 2 and 4 worker processes in turn (BENCH_SCALE_WORKERS), a stream of
// BENCH_SCALE_MESSAGES new messages (1,000) arrives at BENCH_SCALE_RATE notifications/s (100), spread over
// the mailboxes; a web-only process (SYNC_WORKER=off, its own process) acknowledges each webhook and the workers
// fetch, triage, label and draft. Reported per worker count: pipeline messages/s (first notification to
// last message processed), webhook acknowledgement p50/p99, and exactly-once: every message has one ledger
// row marked processed, one category and one draft in its thread (none lost, none doubled).
// SYNC_MAILBOX_CONCURRENCY in the environment reaches the workers.
// Needs PostgreSQL (BENCH_DATABASE_URL, DATABASE_URL or TEST_DATABASE_URL): PGlite cannot be shared by processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';
import { configureAi } from '../src/ai/configured.ts';
import { loadConfig } from '../src/config.ts';
import { migrateToLatest, openStorage } from '../src/storage/database.ts';
import { createSyncService } from '../src/sync/service.ts';
import { startTestIdp } from '../test/support/idp.ts';
import { connectMailbox, startFakes } from '../test/sync/harness.ts';
import { benchDatabaseUrl, table } from './support/load.ts';

const databaseUrl = benchDatabaseUrl();
if (!databaseUrl) {
  console.log(
    'scale: skipped — needs PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL); embedded PGlite cannot be shared by processes',
  );
  process.exit(0);
}
const MAILBOXES = Number(process.env.BENCH_SCALE_MAILBOXES ?? 1000);
const MESSAGES = Number(process.env.BENCH_SCALE_MESSAGES ?? 1000);
const RATE = Number(process.env.BENCH_SCALE_RATE ?? 100);
const WORKER_COUNTS = (process.env.BENCH_SCALE_WORKERS ?? '1,2,4').split(',').map(Number);
const PROVIDERS = (process.env.BENCH_SCALE_PROVIDERS ?? 'graph,gmail')
  .split(',')
  .map((p) => p.trim())
  .filter((p): p is 'graph' | 'gmail' => p === 'graph' || p === 'gmail');
const PUSH_ACCOUNT = 'gmail-push@steward-bench.iam.gserviceaccount.com';
const TIMEOUT_MS = 600_000;

const schema = `steward_scale_${randomBytes(4).toString('hex')}`;
const storage = await openStorage({ databaseUrl, schema, poolSize: 10 });
await migrateToLatest(storage.db, schema);
const fakes = await startFakes();
// Gmail pushes carry a Google-signed OIDC token: a local signing key stands in for Google's.
const idp = await startTestIdp();
const env = {
  ...idp.env,
  ...fakes.env,
  GMAIL_PUSH_SERVICE_ACCOUNT: PUSH_ACCOUNT,
  LOG_LEVEL: 'silent',
  DATA_DIR: '/nonexistent-steward-bench',
  DATABASE_URL: databaseUrl,
  JOB_QUEUE: 'pg-boss',
  CPU_THREADS: '1',
};
// This process only sets up (starting cursors) and generates load; it runs no worker.
const config = loadConfig({ ...env, SYNC_WORKER: 'off' });
const setup = createSyncService({ config, storage, ai: configureAi(config, storage.db) });
await setup.start();
const children = new Set<ChildProcess>();

/** Starts a support script in its own process; resolves with it and its first line of output. */
function startChild(script: string, extra: Record<string, string>): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'support', script)], {
    env: { ...process.env, ...env, SCALE_SCHEMA: schema, ...extra },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, line }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}
const startWorker = async () => (await startChild('scale-worker.ts', { SYNC_WORKER: 'on' })).child;
const web = await startChild('scale-web.ts', { SYNC_WORKER: 'off' });
const base = web.line.trim();
const pushToken = await idp.googleToken({
  aud: `${fakes.env.PUBLIC_URL}/webhooks/gmail`,
  email: PUSH_ACCOUNT,
  email_verified: true,
});

type Box = { provider: 'graph' | 'gmail'; id: string; address: string; subscription: string; clientState: string };
/** One provider notification for the mailbox, as the provider sends it; resolves with the HTTP status. */
async function announce(box: Box, messageId?: string): Promise<number> {
  const res =
    box.provider === 'graph'
      ? await fetch(`${base}/webhooks/graph`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            value: [
              {
                subscriptionId: box.subscription,
                clientState: box.clientState,
                changeType: messageId ? 'created' : 'updated',
                ...(messageId ? { resourceData: { id: messageId } } : {}),
              },
            ],
          }),
        })
      : await fetch(`${base}/webhooks/gmail`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${pushToken}` },
          body: JSON.stringify({
            message: {
              data: Buffer.from(JSON.stringify({ emailAddress: box.address, historyId: '1' })).toString('base64'),
              messageId: `push-${messageId ?? 'warm'}`,
            },
            subscription: 'projects/steward-bench/subscriptions/gmail-push',
          }),
        });
  await res.text();
  return res.status;
}

function stopWorker(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** CPU seconds a process has used so far (user + system), from /proc; 0 where /proc is not there. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

try {
  console.log(
    `scale bench on ${storage.describe} (pg-boss): ${MAILBOXES} mailboxes (${PROVIDERS.join(' and ')} in turn), ${MESSAGES} messages per run at ${RATE}/s, workers ${WORKER_COUNTS.join(', ')}`,
  );
  const started = performance.now();
  const boxes: Box[] = [];
  await pool(
    Array.from({ length: MAILBOXES }, (_, i) => i),
    8,
    async (i) => {
      const provider = PROVIDERS[i % PROVIDERS.length]!;
      const address = provider === 'graph' ? `user${i}@contoso.example` : `user${i}@gmail.example`;
      const row = await connectMailbox(storage, fakes, provider, { address, subject: `scale-${i}` });
      const subscription = `sub-${i}`;
      const clientState = `cs-${randomBytes(8).toString('hex')}`;
      if (provider === 'graph')
        await storage.db
          .updateTable('mailboxes')
          .set({ watch_id: subscription, client_state: clientState })
          .where('id', '=', row.id)
          .execute();
      await setup.runMailboxSync(row.id); // the starting cursor (delta link, history id)
      boxes[i] = { provider, id: row.id, address, subscription, clientState };
    },
  );
  console.log(`${MAILBOXES} mailboxes connected in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // Warm-up: JIT, connection pools and pg-boss in the web process (the notifications find nothing new).
  for (let i = 0; i < 100; i++) await announce(boxes[i % MAILBOXES]!);

  const rows: Array<Record<string, string | number>> = [];
  let sent = 0;
  let baseline = 0;
  for (const workers of WORKER_COUNTS) {
    const running = await Promise.all(Array.from({ length: workers }, () => startWorker()));
    const round: Array<{ box: Box; mailboxId: string; id: string; thread: string }> = [];
    const latencies: number[] = [];
    const graphLatencies: number[] = [];
    const gmailLatencies: number[] = [];
    let ackErrors = 0;
    const cpu0 = {
      workers: running.reduce((n, c) => n + cpuSeconds(c.pid), 0),
      web: cpuSeconds(web.child.pid),
      bench: process.cpuUsage(),
    };
    const t0 = performance.now();
    const acks: Promise<void>[] = [];
    for (let j = 0; j < MESSAGES; j++) {
      const wait = t0 + (j * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const box = boxes[(sent + j) % MAILBOXES]!;
      const spec = {
        from: `Partner ${j} <p${j}@partner.example>`,
        to: box.address,
        owner: box.address,
        subject: `Figures ${sent + j}`,
        text: `Hi,\n\nCould you confirm the figures for item ${sent + j} by Friday?\n\nThanks`,
      };
      const msg =
        box.provider === 'graph'
          ? (({ id, conversationId }) => ({ id, thread: conversationId }))(fakes.graph.deliver(spec))
          : (({ id, threadId }) => ({ id, thread: threadId }))(fakes.gmail.deliver(spec));
      round.push({ box, mailboxId: box.id, id: msg.id, thread: msg.thread });
      acks.push(
        (async () => {
          const t = performance.now();
          const status = await announce(box, msg.id);
          if (status !== 202) throw new Error(`webhook answered ${status}`);
          const ms = performance.now() - t;
          latencies.push(ms);
          (box.provider === 'graph' ? graphLatencies : gmailLatencies).push(ms);
        })().catch(() => {
          ackErrors++;
        }),
      );
    }
    await Promise.all(acks);
    sent += MESSAGES;

    const ids = round.map((m) => m.id);
    const processedCount = async () =>
      Number(
        (
          await storage.db
            .selectFrom('processed_messages')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('provider_message_id', 'in', ids)
            .where('processed_at', 'is not', null)
            .executeTakeFirstOrThrow()
        ).n,
      );
    let processed = 0;
    const deadline = Date.now() + TIMEOUT_MS;
    while (Date.now() < deadline) {
      processed = await processedCount();
      if (processed >= MESSAGES) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t0) / 1000;
    // Where the CPU went, per message: the workers, the web process, and this process (fake providers
    // and load generator). PostgreSQL's share is not counted.
    const benchCpu = process.cpuUsage(cpu0.bench);
    const cpuPerMessage = {
      workers: ((running.reduce((n, c) => n + cpuSeconds(c.pid), 0) - cpu0.workers) * 1000) / MESSAGES,
      web: ((cpuSeconds(web.child.pid) - cpu0.web) * 1000) / MESSAGES,
      bench: (benchCpu.user + benchCpu.system) / 1000 / MESSAGES,
    };
    await Promise.all(running.map(stopWorker));

    // Exactly once: one ledger row per message, processed; one category; one draft in its thread.
    const ledger = await storage.db
      .selectFrom('processed_messages')
      .select(['mailbox_id', 'provider_message_id', 'processed_at'])
      .where('provider_message_id', 'in', ids)
      .execute();
    const perMessage = new Map<string, number>();
    for (const r of ledger) perMessage.set(r.provider_message_id, (perMessage.get(r.provider_message_id) ?? 0) + 1);
    const drafts = new Map<string, number>();
    for (const m of fakes.graph.messages.values())
      if (m.isDraft) drafts.set(m.conversationId, (drafts.get(m.conversationId) ?? 0) + 1);
    for (const d of fakes.gmail.drafts.values())
      drafts.set(d.message.threadId, (drafts.get(d.message.threadId) ?? 0) + 1);
    const SYSTEM_LABELS = new Set(['INBOX', 'SENT', 'DRAFT', 'UNREAD']);
    const categoriesOf = (m: (typeof round)[number]) =>
      m.box.provider === 'graph'
        ? (fakes.graph.messages.get(m.id)?.categories.length ?? 0)
        : (fakes.gmail.messages.get(m.id)?.labelIds.filter((l) => !SYSTEM_LABELS.has(l)).length ?? 0);
    let lost = 0;
    let doubled = 0;
    for (const m of round) {
      const rowsFor = perMessage.get(m.id) ?? 0;
      const draftsFor = drafts.get(m.thread) ?? 0;
      const categories = categoriesOf(m);
      if (rowsFor === 0 || draftsFor === 0 || categories === 0) lost++;
      if (rowsFor > 1 || draftsFor > 1 || categories > 1) doubled++;
    }
    const wrongMailbox = ledger.filter(
      (r) => round.find((m) => m.id === r.provider_message_id)?.mailboxId !== r.mailbox_id,
    ).length;

    latencies.sort((a, b) => a - b);
    graphLatencies.sort((a, b) => a - b);
    gmailLatencies.sort((a, b) => a - b);
    const p99Of = (list: number[]) => (list.length ? Number(percentile(list, 99).toFixed(1)) : '-');
    const rate = processed / seconds;
    if (workers === WORKER_COUNTS[0]) baseline = rate / workers;
    rows.push({
      workers,
      messages: MESSAGES,
      processed,
      seconds: Number(seconds.toFixed(1)),
      'messages/s': Number(rate.toFixed(1)),
      'vs 1 worker': baseline ? `${(rate / baseline).toFixed(2)}x` : '-',
      'ack p50 ms': Number(percentile(latencies, 50).toFixed(1)),
      'ack p99 ms': Number(percentile(latencies, 99).toFixed(1)),
      'graph p99': p99Of(graphLatencies),
      'gmail p99': p99Of(gmailLatencies),
      'p99 < 100 ms': percentile(latencies, 99) < 100 ? 'met' : 'missed',
      'ack errors': ackErrors,
      'cpu ms/msg worker/web/fakes': `${cpuPerMessage.workers.toFixed(1)}/${cpuPerMessage.web.toFixed(1)}/${cpuPerMessage.bench.toFixed(1)}`,
      lost,
      doubled,
      'wrong mailbox': wrongMailbox,
    });
    console.log(
      `${workers} worker(s): ${processed}/${MESSAGES} processed in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} messages/s; ack p99 ${percentile(latencies, 99).toFixed(1)} ms; lost ${lost}, doubled ${doubled}`,
    );
  }
  console.log(`\n${table(rows)}`);
  console.log(
    'target: 2 workers >= 1.7x one worker; no message lost or doubled; webhook ack p99 < 100 ms (the load generator, PostgreSQL, the web process and the workers share this machine)',
  );
  const two = rows.find((r) => r.workers === 2);
  const one = rows.find((r) => r.workers === 1);
  if (one && two)
    console.log(
      `2 workers vs 1: ${(Number(two['messages/s']) / Number(one['messages/s'])).toFixed(2)}x (target >= 1.7x: ${Number(two['messages/s']) >= 1.7 * Number(one['messages/s']) ? 'met' : 'missed'})`,
    );
  const [load1, load5] = os.loadavg();
  console.log(
    `machine: ${os.cpus().length} cores, load average ${load1!.toFixed(1)} (1 min) ${load5!.toFixed(1)} (5 min) at the end`,
  );
} finally {
  await Promise.all([...children].map(stopWorker));
  await setup.stop();
  await fakes.close();
  await idp.close();
  await storage.close();
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
