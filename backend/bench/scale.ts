// `npm run bench -- scale`: does Steward scale by adding worker processes on one PostgreSQL?
// The fake Microsoft Graph and Gmail servers hold BENCH_SCALE_MAILBOXES mailboxes (1,000), taken in turn
// from BENCH_SCALE_PROVIDERS (graph,gmail: half Microsoft 365 with its own subscription each, half Gmail
// announced by verified Pub/Sub pushes). For 1, 2 and 4 worker processes in turn (BENCH_SCALE_WORKERS), a stream of
// BENCH_SCALE_MESSAGES new messages (1,000) arrives at BENCH_SCALE_RATE notifications/s (250), spread over
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
import { sql } from 'kysely';
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
// The offered load must exceed what the workers can do, or the run measures the arrival rate: the pipeline
// rate (first notification to last message processed) cannot pass RATE, so at 100/s a worker count that
// already did 55 messages/s could never show 1.7x.
const RATE = Number(process.env.BENCH_SCALE_RATE ?? 250);
const WORKER_COUNTS = (process.env.BENCH_SCALE_WORKERS ?? '1,2,4').split(',').map(Number);
const PROVIDERS = (process.env.BENCH_SCALE_PROVIDERS ?? 'graph,gmail')
  .split(',')
  .map((p) => p.trim())
  .filter((p): p is 'graph' | 'gmail' => p === 'graph' || p === 'gmail');
const PUSH_ACCOUNT = 'gmail-push@steward-bench.iam.gserviceaccount.com';
const TIMEOUT_MS = 600_000;
/** Seconds the fresh workers are watched with nothing to do, and messages through them before the measured run. */
const IDLE_SECONDS = Number(process.env.BENCH_SCALE_IDLE_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_SCALE_WARMUP ?? 200); // per worker

const schema = `steward_scale_${randomBytes(4).toString('hex')}`;
// Every connection of the benchmark's processes carries this name, so PostgreSQL's CPU for them can be told
// from other clients of the same server (pg_stat_activity → the backend's /proc entry).
const applicationName = `${schema}`;
const benchUrl = (() => {
  const u = new URL(databaseUrl);
  u.searchParams.set('application_name', applicationName);
  return u.toString();
})();
// Whatever was started, last first, then the schema: run on success, on any failure (setup included) and on
// Ctrl-C, so an early failure does not leave a schema (or a child process) behind.
const teardown: Array<() => Promise<unknown>> = [];
let tornDown: Promise<void> | undefined;
function tearDown(): Promise<void> {
  tornDown ??= (async () => {
    for (const step of teardown.reverse()) await step().catch(() => {});
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  })();
  return tornDown;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void tearDown().finally(() => process.exit(130)));
/** A setup step: on failure everything before it is torn down (and the schema dropped) before the error goes on. */
async function setUp<T>(start: () => Promise<T>, stop?: (value: T) => Promise<unknown>): Promise<T> {
  try {
    const value = await start();
    if (stop) teardown.push(() => stop(value));
    return value;
  } catch (error) {
    await tearDown().catch(() => {});
    throw error;
  }
}
const storage = await setUp(
  () => openStorage({ databaseUrl, schema, poolSize: 10 }),
  (s) => s.close(),
);
await setUp(() => migrateToLatest(storage.db, schema));
const fakes = await setUp(startFakes, (f) => f.close());
// Gmail pushes carry a Google-signed OIDC token: a local signing key stands in for Google's.
const idp = await setUp(startTestIdp, (i) => i.close());
const env = {
  ...idp.env,
  ...fakes.env,
  GMAIL_PUSH_SERVICE_ACCOUNT: PUSH_ACCOUNT,
  LOG_LEVEL: 'silent',
  DATA_DIR: '/nonexistent-steward-bench',
  DATABASE_URL: benchUrl,
  JOB_QUEUE: 'pg-boss',
  CPU_THREADS: '1',
};
// This process only sets up (starting cursors) and generates load; it runs no worker.
const setup = await setUp(
  async () => {
    const config = loadConfig({ ...env, DATABASE_URL: databaseUrl, SYNC_WORKER: 'off' });
    const service = createSyncService({ config, storage, ai: configureAi(config, storage.db) });
    await service.start();
    return service;
  },
  (service) => service.stop(),
);
const children = new Set<ChildProcess>();
teardown.push(() => Promise.all([...children].map(stopWorker)));

/** Starts a support script in its own process; resolves with it and its first line of output. */
function startChild(script: string, extra: Record<string, string>): Promise<{ child: ChildProcess; line: string }> {
  // BENCH_SCALE_CPU_PROF=dir: each process writes a V8 CPU profile there when it exits (open in Chrome's DevTools).
  const prof = process.env.BENCH_SCALE_CPU_PROF
    ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SCALE_CPU_PROF]
    : [];
  const child = spawn(
    process.execPath,
    [...prof, '--import', 'tsx', path.join(import.meta.dirname, 'support', script)],
    {
      env: { ...process.env, ...env, SCALE_SCHEMA: schema, ...extra },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, line }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}
const startWorker = async () => (await startChild('scale-worker.ts', { SYNC_WORKER: 'on' })).child;
const web = await setUp(() => startChild('scale-web.ts', { SYNC_WORKER: 'off' }));
const base = web.line.trim();
const pushToken = await setUp(() =>
  idp.googleToken({
    aud: `${fakes.env.PUBLIC_URL}/webhooks/gmail`,
    email: PUSH_ACCOUNT,
    email_verified: true,
  }),
);

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

type WorkerReport = { cpuMs: number; statements: Record<string, number>; statementMs: Record<string, number> };
/** Asks a worker for its CPU time and SQL statements since its "mark" (support/scale-worker.ts). */
function reportOf(child: ChildProcess): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const onExit = () => reject(new Error('worker exited before it reported'));
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as WorkerReport);
    });
    child.once('exit', onExit);
    child.send('report');
  });
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

/**
 * CPU milliseconds PostgreSQL spent on this benchmark's connections: the backends named `applicationName`,
 * read from /proc. A backend that ends keeps its last sampled figure, so sample at least every few seconds.
 */
const pgCpu = (() => {
  const seen = new Map<number, number>();
  return {
    async sample(): Promise<number> {
      const { rows } = await sql<{ pid: number }>`
        select pid from pg_stat_activity where application_name = ${applicationName}`.execute(storage.db);
      for (const { pid } of rows) {
        const ms = cpuSeconds(pid) * 1000;
        if (ms > 0) seen.set(pid, ms);
      }
      return [...seen.values()].reduce((a, b) => a + b, 0);
    },
  };
})();

async function processedCount(round: Array<{ id: string }>): Promise<number> {
  if (round.length === 0) return 0;
  const row = await storage.db
    .selectFrom('processed_messages')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(
      'provider_message_id',
      'in',
      round.map((m) => m.id),
    )
    .where('processed_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
  let baselineCapacity = 0;
  type Delivered = { box: Box; mailboxId: string; id: string; thread: string };
  /** Delivers `count` new messages at RATE/s, each announced by its webhook; resolves when all are processed. */
  async function deliver(count: number, onTick?: (round: Delivered[], t0: number) => void) {
    const round: Delivered[] = [];
    const latencies: number[] = [];
    const graphLatencies: number[] = [];
    const gmailLatencies: number[] = [];
    let ackErrors = 0;
    const t0 = performance.now();
    const acks: Promise<void>[] = [];
    for (let j = 0; j < count; j++) {
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
      onTick?.(round, t0);
    }
    await Promise.all(acks);
    sent += count;
    let processed = 0;
    const deadline = Date.now() + TIMEOUT_MS;
    while (Date.now() < deadline) {
      processed = await processedCount(round);
      if (processed >= count) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t0) / 1000;
    for (const list of [latencies, graphLatencies, gmailLatencies]) list.sort((a, b) => a - b);
    return { round, latencies, graphLatencies, gmailLatencies, ackErrors, processed, seconds };
  }

  for (const workers of WORKER_COUNTS) {
    const running = await Promise.all(Array.from({ length: workers }, () => startWorker()));
    // Warm-up: JIT, token caches and connection pools of the fresh worker processes, not measured (a
    // worker process runs for days; its first few hundred messages cost it more).
    if (WARMUP > 0) await deliver(WARMUP * workers);
    // Idle: what the workers cost with nothing to do (queue polling, pg-boss's upkeep), once the warm-up's
    // last jobs are done.
    await new Promise((r) => setTimeout(r, 1000));
    const pg0 = await pgCpu.sample();
    for (const c of running) c.send('mark');
    const idleT0 = performance.now();
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const idleReports = await Promise.all(running.map(reportOf));
    const idleSeconds = (performance.now() - idleT0) / 1000;
    const idlePg = (await pgCpu.sample()) - pg0;
    const idleStatements = idleReports.reduce((n, r) => n + Object.values(r.statements).reduce((a, b) => a + b, 0), 0);
    console.log(
      `${workers} worker(s) idle for ${idleSeconds.toFixed(1)} s: ${(idleReports.reduce((n, r) => n + r.cpuMs, 0) / idleSeconds / workers).toFixed(1)} ms CPU/s and ${(idleStatements / idleSeconds / workers).toFixed(1)} SQL statements/s per worker; PostgreSQL ${(idlePg / idleSeconds).toFixed(1)} ms CPU/s`,
    );

    for (const c of running) c.send('mark');
    const cpu0 = {
      workers: running.reduce((n, c) => n + cpuSeconds(c.pid), 0),
      web: cpuSeconds(web.child.pid),
      bench: process.cpuUsage(),
      pg: await pgCpu.sample(),
      refreshes: fakes.oauth.refreshScopes.length,
      calls: fakes.graph.requests.length + fakes.gmail.requests.length,
    };
    // BENCH_SCALE_DETAIL: every second, the messages processed so far and the workers' CPU since the mark.
    const timeline: Array<{ s: number; processed: number; cpuMs: number }> = [];
    let sampling = Boolean(process.env.BENCH_SCALE_DETAIL);
    let sampler: Promise<void> | undefined;
    const result = await deliver(MESSAGES, (round, t0) => {
      sampler ??= (async () => {
        while (sampling) {
          await new Promise((r) => setTimeout(r, 1000));
          if (!sampling) break;
          const [n, reports] = await Promise.all([processedCount(round), Promise.all(running.map(reportOf))]);
          timeline.push({
            s: (performance.now() - t0) / 1000,
            processed: n,
            cpuMs: reports.reduce((a, r) => a + r.cpuMs, 0),
          });
        }
      })();
    });
    sampling = false;
    await sampler;
    const { round, latencies, graphLatencies, gmailLatencies, ackErrors, processed, seconds } = result;
    // Where the CPU went, per message: the workers, the web process, PostgreSQL (the backends serving
    // this benchmark's connections) and this process (fake providers and load generator).
    const benchCpu = process.cpuUsage(cpu0.bench);
    const cpuPerMessage = {
      workers: ((running.reduce((n, c) => n + cpuSeconds(c.pid), 0) - cpu0.workers) * 1000) / MESSAGES,
      web: ((cpuSeconds(web.child.pid) - cpu0.web) * 1000) / MESSAGES,
      pg: ((await pgCpu.sample()) - cpu0.pg) / MESSAGES,
      bench: (benchCpu.user + benchCpu.system) / 1000 / MESSAGES,
    };
    const reports = await Promise.all(running.map(reportOf));
    const refreshes = fakes.oauth.refreshScopes.length - cpu0.refreshes;
    const providerCalls = (fakes.graph.requests.length + fakes.gmail.requests.length - cpu0.calls) / MESSAGES;
    if (timeline.length) {
      let last = { processed: 0, cpuMs: 0 };
      const steps = timeline.map((p) => {
        const perMessage =
          p.processed > last.processed ? ((p.cpuMs - last.cpuMs) / (p.processed - last.processed)).toFixed(1) : '-';
        const step = `${p.s.toFixed(0)}s ${p.processed} (${perMessage} ms/msg)`;
        last = p;
        return step;
      });
      console.log(`  timeline (processed, worker CPU per message in that second): ${steps.join('; ')}`);
    }
    await Promise.all(running.map(stopWorker));
    const statements = new Map<string, number>();
    for (const r of reports)
      for (const [shape, n] of Object.entries(r.statements)) statements.set(shape, (statements.get(shape) ?? 0) + n);
    const totalStatements = [...statements.values()].reduce((a, b) => a + b, 0);
    const perWorkerCpu = reports.map((r) => (r.cpuMs / MESSAGES).toFixed(1)).join(' + ');
    console.log(
      `${workers} worker(s): CPU ms/message by worker ${perWorkerCpu}; ${(totalStatements / MESSAGES).toFixed(1)} SQL statements/message; ${providerCalls.toFixed(1)} provider calls/message; ${refreshes} token refreshes`,
    );
    if (process.env.BENCH_SCALE_DETAIL) {
      // Per statement shape: how many per message, and the time from sending it to its answer (PostgreSQL's
      // execution plus the round trip and any wait for a core), in ms per message.
      const statementMs = new Map<string, number>();
      for (const r of reports)
        for (const [shape, ms] of Object.entries(r.statementMs))
          statementMs.set(shape, (statementMs.get(shape) ?? 0) + ms);
      for (const [shape, n] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 30))
        console.log(
          `  ${(n / MESSAGES).toFixed(2).padStart(6)}/msg ${((statementMs.get(shape) ?? 0) / MESSAGES).toFixed(2).padStart(6)} ms/msg  ${shape}`,
        );
    }

    // Exactly once: one ledger row per message, processed; one category; one draft in its thread.
    const ids = round.map((m) => m.id);
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
    const categoriesOf = (m: Delivered) =>
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

    const p99Of = (list: number[]) => (list.length ? Number(percentile(list, 99).toFixed(1)) : '-');
    const rate = processed / seconds;
    // What the workers could do if each had a core of its own: messages per CPU-second of worker time.
    const capacity = (1000 / cpuPerMessage.workers) * workers;
    if (workers === WORKER_COUNTS[0]) {
      baseline = rate / workers;
      baselineCapacity = capacity / workers;
    }
    // All of it on this machine's cores: the rate at which the whole setup would use every core.
    const machineCeiling =
      (os.cpus().length * 1000) / (cpuPerMessage.workers + cpuPerMessage.web + cpuPerMessage.pg + cpuPerMessage.bench);
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
      'ack errors': ackErrors,
      'cpu ms/msg worker/web/pg/fakes': [
        cpuPerMessage.workers,
        cpuPerMessage.web,
        cpuPerMessage.pg,
        cpuPerMessage.bench,
      ]
        .map((v) => v.toFixed(1))
        .join('/'),
      'sql/msg': Number((totalStatements / MESSAGES).toFixed(1)),
      'core-per-worker msg/s': `${capacity.toFixed(0)} (${baselineCapacity ? (capacity / baselineCapacity).toFixed(2) : '-'}x)`,
      '2-core ceiling msg/s': Number(machineCeiling.toFixed(0)),
      lost,
      doubled,
      'wrong mailbox': wrongMailbox,
    });
    console.log(
      `${workers} worker(s): ${processed}/${MESSAGES} processed in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} messages/s; ack p99 ${percentile(latencies, 99).toFixed(1)} ms; lost ${lost}, doubled ${doubled}`,
    );
    if (rate > 0.8 * RATE)
      console.log(
        `  note: ${rate.toFixed(1)} messages/s is close to the offered ${RATE}/s — the arrival rate, not the workers, set it (raise BENCH_SCALE_RATE)`,
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
  await tearDown();
}
