// `npm run bench` (foundation part): an authenticated GET /v1/me (token verified, one indexed query) next to
// a bare hello-world route of the same server, 50 connections each.
// Uses PostgreSQL from BENCH_DATABASE_URL / DATABASE_URL / TEST_DATABASE_URL when set, else embedded PGlite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDatabaseUrl, load, startBenchServer, table } from './support/load.ts';

const databaseUrl = benchDatabaseUrl();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-bench-'));
const server = await startBenchServer({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir });
try {
  const duration = Number(process.env.BENCH_SECONDS ?? 10);
  // Warm up: JWKS fetch, user creation, JIT.
  await load({ url: `${server.url}/v1/me`, headers: { authorization: `Bearer ${server.token}` }, durationSeconds: 2 });
  const hello = await load({ url: `${server.url}/hello`, durationSeconds: duration });
  const me = await load({
    url: `${server.url}/v1/me`,
    headers: { authorization: `Bearer ${server.token}` },
    durationSeconds: duration,
  });
  const message = (n: number) =>
    JSON.stringify({
      message: {
        id: `bench-${n}`,
        from: 'Ann Lee <ann@partner.example>',
        to: ['ann.me@contoso.example'],
        subject: 'Q2 budget approval',
        date: '2026-03-02T09:15:00Z',
        text: `Hi,\n\nCould you approve the Q2 budget by Friday? The finance team needs it before the board meeting (ref ${n}).\n\nThanks,\nAnn`,
      },
    });
  const triage = await load({
    url: `${server.url}/v1/triage`,
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    bodyFor: message,
    durationSeconds: duration,
  });
  const reopen = await load({
    url: `${server.url}/v1/triage`,
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: message(0),
    durationSeconds: duration,
  });
  console.log(`\nHTTP foundation — storage: ${server.storage}, 50 connections, ${duration}s each\n`);
  console.log(
    table([
      {
        route: 'GET /hello (bare)',
        'req/s': hello.requestsPerSecond,
        'p50 ms': hello.p50,
        'p99 ms': hello.p99,
        errors: hello.errors + hello.non2xx,
      },
      {
        route: 'GET /v1/me (auth + query)',
        'req/s': me.requestsPerSecond,
        'p50 ms': me.p50,
        'p99 ms': me.p99,
        errors: me.errors + me.non2xx,
      },
      {
        route: 'POST /v1/triage (a new message each)',
        'req/s': triage.requestsPerSecond,
        'p50 ms': triage.p50,
        'p99 ms': triage.p99,
        errors: triage.errors + triage.non2xx,
      },
      {
        route: 'POST /v1/triage (reopened: cached)',
        'req/s': reopen.requestsPerSecond,
        'p50 ms': reopen.p50,
        'p99 ms': reopen.p99,
        errors: reopen.errors + reopen.non2xx,
      },
    ]),
  );
  const ratio = me.requestsPerSecond / hello.requestsPerSecond;
  console.log(
    `\nratio /v1/me ÷ /hello: ${(ratio * 100).toFixed(1)}%  (target ≥ 25%)   /v1/me p99: ${me.p99} ms (target < 20 ms)`,
  );
  console.log(`POST /v1/triage p99: ${triage.p99} ms (target < 30 ms)`);
} finally {
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
