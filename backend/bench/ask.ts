// `npm run bench -- ask`: the mail index at 100,000 messages for one user (issue 19).
//  1. indexing throughput (batches of 500, as backfill writes them), messages/s;
//  2. search latency p50/p95/p99 over 300 questions built from indexed messages (words from the subject and
//     body mixed with common words, as people ask), after a warm-up;
//  3. the vector side: nearest chunks by cosine, pgvector (PGlite) or exact cosine over real[] (PostgreSQL
//     without pgvector), at 10,000 chunks of 384 dimensions.
// PostgreSQL from BENCH_DATABASE_URL / DATABASE_URL / TEST_DATABASE_URL; PGlite always (ASK_BENCH_PGLITE=0 skips it).
// ASK_BENCH_MESSAGES changes the size (default 100000; e.g. 2000 for a quick PGlite-only check with no database URL set). The corpus is synthetic, seeded, Zipf-distributed words.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest, openStorage, type Storage } from '../src/storage/database.ts';
import { embeddingKind, type IndexInput, mailIndexStore } from '../src/storage/mail-index.ts';
import { resolveUser } from '../src/storage/users.ts';
import { benchDatabaseUrl, table } from './support/load.ts';

const MESSAGES = Number(process.env.ASK_BENCH_MESSAGES ?? 100_000);
const BATCH = 500;
const QUERIES = 300;
const CHUNKS = 10_000;
const DIMS = 384;

// A seeded generator, so every run indexes the same corpus.
let seed = 19;
const random = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

const COMMON =
  'the a to of and in for on is that this we be with you it have are will please at as by our from can meeting would your or if not thanks all know let me review price contract deal gas power week friday monday report call schedule budget update'.split(
    ' ',
  );
const SYLLABLES = 'ka ri to me sa lo ne vi du pa che mor len tas qui bel gar fen sol win'.split(' ');
const VOCABULARY = [
  ...COMMON,
  ...Array.from({ length: 40_000 }, (_, i) => {
    let w = '';
    let n = i + 7;
    do {
      w += SYLLABLES[n % SYLLABLES.length];
      n = Math.floor(n / SYLLABLES.length);
    } while (n > 0);
    return w;
  }),
];
// Zipf (s = 1) by inverse CDF over the cumulative harmonic weights.
const cumulative: number[] = [];
let total = 0;
for (let i = 0; i < VOCABULARY.length; i++) {
  total += 1 / (i + 1);
  cumulative.push(total);
}
function word(): string {
  const x = random() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo] ?? 'the';
}
const words = (n: number) => Array.from({ length: n }, word);

function message(i: number): IndexInput {
  const person = Math.floor(random() * 2000);
  const sentences = Array.from(
    { length: 4 + Math.floor(random() * 8) },
    () => `${words(8 + Math.floor(random() * 12)).join(' ')}.`,
  );
  return {
    messageId: `m${i}`,
    threadId: `t${Math.floor(i / 3)}`,
    subject: words(3 + Math.floor(random() * 5)).join(' '),
    from: { name: `Person ${person}`, address: `p${person}@example.com` },
    to: [{ address: 'me@example.com' }],
    date: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
    newText: sentences.join(' '),
    quoted: i % 3 ? 'On an earlier day someone wrote: earlier text of the thread' : '',
    signature: `Person ${person}\nExample Corp`,
  };
}

const corpus: IndexInput[] = Array.from({ length: MESSAGES }, (_, i) => message(i));
const questions = Array.from({ length: QUERIES }, () => {
  const target = corpus[Math.floor(random() * corpus.length)]!;
  const subject = target.subject.split(' ').slice(0, 2);
  const body = target.newText.replace(/\./g, '').split(' ');
  const picked = Array.from({ length: 3 }, () => body[Math.floor(random() * body.length)] ?? '');
  return `what did they say about ${[...subject, ...picked].join(' ')}?`;
});

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

async function measure(name: string, storage: Storage): Promise<Record<string, string | number>> {
  const user = await resolveUser(storage.db, { provider: 'local', tenantExternalId: 'bench', subject: name });
  const store = mailIndexStore(storage.db, { tenantId: user.tenant_id, userId: user.id });
  const started = performance.now();
  for (let i = 0; i < corpus.length; i += BATCH) await store.index(corpus.slice(i, i + BATCH));
  const indexSeconds = (performance.now() - started) / 1000;
  await storage.db.executeQuery({ sql: 'analyze', parameters: [], query: { kind: 'RawNode' } } as never);

  for (const q of questions.slice(0, 30)) await store.search({ text: q });
  const times: number[] = [];
  let found = 0;
  for (const q of questions) {
    const t = performance.now();
    const hits = await store.search({ text: q, limit: 10 });
    times.push(performance.now() - t);
    if (hits.length > 0) found++;
  }
  times.sort((a, b) => a - b);

  // Vector side: CHUNKS chunks with random unit vectors on the first rows.
  const rows = await store.get({ entryIds: [] });
  void rows;
  const ids = (await store.search({ text: questions[0]!, limit: 1 }))[0]?.id;
  let vectorP99 = Number.NaN;
  let chunkCount = 0;
  if (ids) {
    const first = Number(ids);
    const entryIds = Array.from({ length: CHUNKS }, (_, i) => String(((first + i) % MESSAGES) + 1));
    const owned = new Set((await store.get({ entryIds })).map((m) => m.id));
    const chunks = [...owned].slice(0, CHUNKS).map((entryId) => ({
      entryId,
      chunk: 0,
      text: 'x',
      embedding: Array.from({ length: DIMS }, () => random() - 0.5),
    }));
    chunkCount = chunks.length;
    for (let i = 0; i < chunks.length; i += 200) await store.addChunks('bench', chunks.slice(i, i + 200));
    const vt: number[] = [];
    for (let i = 0; i < 20; i++) {
      const q = Array.from({ length: DIMS }, () => random() - 0.5);
      const t = performance.now();
      await store.nearest('bench', q, 50);
      vt.push(performance.now() - t);
    }
    vt.sort((a, b) => a - b);
    vectorP99 = percentile(vt, 99);
  }

  return {
    database: name,
    messages: MESSAGES,
    'index msg/s': Math.round(MESSAGES / indexSeconds),
    'search p50 ms': Number(percentile(times, 50).toFixed(1)),
    'search p95 ms': Number(percentile(times, 95).toFixed(1)),
    'search p99 ms': Number(percentile(times, 99).toFixed(1)),
    'questions with hits': `${found}/${questions.length}`,
    // Fewer chunks than CHUNKS when ASK_BENCH_MESSAGES is smaller (one chunk per message).
    'nearest-chunk p99 ms': `${vectorP99.toFixed(0)} over ${chunkCount} (${await embeddingKind(storage.db)})`,
  };
}

const results: Array<Record<string, string | number>> = [];
const url = benchDatabaseUrl();
if (url) {
  const schema = `steward_bench_${randomBytes(4).toString('hex')}`;
  const storage = await openStorage({ databaseUrl: url, schema, poolSize: 4 });
  try {
    await migrateToLatest(storage.db, schema);
    results.push(await measure('postgres', storage));
  } finally {
    await storage.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  }
} else {
  console.log('No BENCH_DATABASE_URL / DATABASE_URL / TEST_DATABASE_URL: PostgreSQL figures skipped.');
}
if (process.env.ASK_BENCH_PGLITE !== '0') {
  const storage = await openStorage({});
  try {
    await migrateToLatest(storage.db);
    results.push(await measure('pglite', storage));
  } finally {
    await storage.close();
  }
}
console.log(table(results));
console.log('Targets on PostgreSQL: search p99 < 50 ms, indexing ≥ 500 messages/s.');
