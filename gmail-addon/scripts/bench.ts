/**
 * Prints the numbers the Gmail add-on is judged by (nothing here asserts):
 *  - the backend round trip for the message card (POST /v1/triage from UrlFetchApp, real backend with the
 *    local engine and embedded PostgreSQL, identity token verified), p50/p95 over cold opens;
 *  - the whole contextual trigger (Gmail read + round trip + card), cold and from the user cache;
 *  - the size of dist/Code.js, raw and gzipped.
 *   npx tsx gmail-addon/scripts/bench.ts [--runs 200]
 */
import { gzipSync } from 'node:zlib';
import { buildAddOn, gmailUser, startBackend } from '../../tests/gmail/support/harness.ts';
import { visibleText } from '../test/fakes/index.ts';
import { MAILBOX, OWNER } from '../test/fixtures.ts';
import { argValue } from './manifest.ts';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function line(name: string, values: number[]): string {
  const f = (n: number) => n.toFixed(1).padStart(7);
  return `${name.padEnd(40)} p50 ${f(percentile(values, 50))} ms   p95 ${f(percentile(values, 95))} ms   max ${f(Math.max(...values))} ms   (n=${values.length})`;
}

const runs = Number(argValue(process.argv.slice(2), '--runs') ?? 200);
const [backend, built] = await Promise.all([startBackend(), buildAddOn()]);
// A fresh message id per open, so the backend's own result cache never answers: every round trip triages.
const total = runs + 10;
const mailbox = Array.from({ length: total }, (_, i) => {
  const m = MAILBOX[i % MAILBOX.length] as (typeof MAILBOX)[number];
  return { ...m, id: `${m.id}-${i}`, threadId: `${m.threadId}-${Math.floor(i / MAILBOX.length)}` };
});
const user = gmailUser(built, backend, { email: OWNER, sub: '110000000000000000001', name: 'Sam Example' }, mailbox);
const onGmailMessage = user.fn('onGmailMessage');

try {
  const code = Buffer.from(built.code);
  console.log(
    `dist/Code.js: ${code.length} bytes (${(code.length / 1024).toFixed(1)} KiB), gzip ${gzipSync(code).length} bytes`,
  );

  const cold: number[] = [];
  const roundTrip: number[] = [];
  const cached: number[] = [];
  const statuses = new Map<number | string, number>();
  for (let i = 0; i < total; i++) {
    const message = mailbox[i];
    if (!message) continue;
    user.world.CacheService.user.store.clear();
    const before = user.world.UrlFetchApp.requests.length;
    let t = performance.now();
    const card = onGmailMessage(user.world.event(message.id));
    const coldMs = performance.now() - t;
    const triage = user.world.UrlFetchApp.requests.slice(before).find((r) => r.url.endsWith('/v1/triage'));
    t = performance.now();
    onGmailMessage(user.world.event(message.id));
    const cachedMs = performance.now() - t;
    if (i < 10) continue; // warm-up: JIT, connection pool, the backend's first queries
    statuses.set(
      triage?.status ?? triage?.error ?? 'none',
      (statuses.get(triage?.status ?? triage?.error ?? 'none') ?? 0) + 1,
    );
    cold.push(coldMs);
    cached.push(cachedMs);
    if (triage) roundTrip.push(triage.ms);
    if (i === 10 && visibleText(card).includes('couldn’t finish'))
      console.log('note: the card is the error card:', visibleText(card).split('\n').slice(2, 4).join(' / '));
  }
  console.log(`POST /v1/triage answers: ${[...statuses].map(([s, n]) => `${s} ×${n}`).join(', ')}`);
  console.log(line('backend round trip (POST /v1/triage)', roundTrip));
  console.log(line('message card, cold (Gmail + backend)', cold));
  console.log(line('message card, from the user cache', cached));
} finally {
  await user.world.close();
  await backend.stop();
  built.cleanup();
}
