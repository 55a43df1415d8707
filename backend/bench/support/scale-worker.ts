// One Steward worker process for `npm run bench -- scale`: the same sync service `steward serve` runs with
// SYNC_WORKER=on, on the PostgreSQL schema and fake providers the parent names. Prints "ready" when its
// workers are started; SIGTERM stops them (jobs in hand finish) and exits 0.
// Over the IPC channel the parent sends "mark" (start counting) and "report": the answer is this process's
// CPU time (process.cpuUsage) and its SQL statements (count per statement shape, both connection pools:
// Steward's and pg-boss's) since the mark, so the bench can say where the CPU and round trips went.
import pg from 'pg';
import { configureAi } from '../../src/ai/configured.ts';
import { loadConfig } from '../../src/config.ts';
import { openStorage } from '../../src/storage/database.ts';
import { createSyncService } from '../../src/sync/service.ts';

/** Statement shape → count; the text up to its first 90 characters, whitespace folded. */
const statements = new Map<string, number>();
/** Statement shape → milliseconds from sending it to its answer (PostgreSQL's time plus the round trip). */
const statementMs = new Map<string, number>();
const originalQuery = pg.Client.prototype.query;
type QueryFn = (this: pg.Client, ...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: QueryFn }).query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0];
  const text =
    typeof first === 'string'
      ? first
      : first && typeof first === 'object' && 'text' in first
        ? String((first as { text: unknown }).text)
        : '?';
  const shape = text.replace(/\s+/g, ' ').trim().slice(0, 90);
  statements.set(shape, (statements.get(shape) ?? 0) + 1);
  const t0 = performance.now();
  const done = () => statementMs.set(shape, (statementMs.get(shape) ?? 0) + performance.now() - t0);
  const last = args[args.length - 1];
  if (typeof last === 'function')
    args[args.length - 1] = (...results: unknown[]) => {
      done();
      return (last as (...a: unknown[]) => unknown)(...results);
    };
  const result = (originalQuery as unknown as QueryFn).apply(this, args);
  if (result && typeof (result as Promise<unknown>).then === 'function')
    (result as Promise<unknown>).then(done, () => {});
  return result;
};

const config = loadConfig(process.env);
const storage = await openStorage({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  schema: process.env.SCALE_SCHEMA || undefined,
  poolSize: 8,
});
const service = createSyncService({ config, storage, ai: configureAi(config, storage.db) });
await service.startWorkers({ concurrency: Number(process.env.SCALE_CONCURRENCY ?? 16) });

let cpuMark = process.cpuUsage();
process.on('message', (message) => {
  if (message === 'mark') {
    cpuMark = process.cpuUsage();
    statements.clear();
    statementMs.clear();
  } else if (message === 'report') {
    const cpu = process.cpuUsage(cpuMark);
    process.send?.({
      cpuMs: (cpu.user + cpu.system) / 1000,
      statements: Object.fromEntries(statements),
      statementMs: Object.fromEntries(statementMs),
    });
  }
});
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
