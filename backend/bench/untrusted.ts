/**
 * `npm run bench untrusted`: the inputs issue 12 found quadratic, timed through the code that reads them
 * now (best of three, milliseconds), at two sizes each, so growth can be read off directly.
 */
import { sanitiseModelOutput } from '../src/ai/safety.ts';
import { visibleHtmlText } from '../src/mail/html-text.ts';
import { normaliseMessage } from '../src/mail/normalise.ts';
import { cleanUtterance } from '../src/notes/transcript.ts';
import { parseTimeExpressions } from '../src/scheduling/times.ts';

async function best(run: () => unknown): Promise<number> {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await run();
    min = Math.min(min, performance.now() - start);
  }
  return Math.round(min);
}

const cases: Array<[string, (n: number) => () => unknown, number]> = [
  ['normalise html "<a " × n', (n) => () => normaliseMessage({ id: 'b', html: '<a '.repeat(n) } as never), 155_000],
  ['visible text "<b><i>" × n', (n) => () => visibleHtmlText('<b><i>'.repeat(n)), 40_000],
  ['filler "m" × n', (n) => () => cleanUtterance(`${'m'.repeat(n)}x`), 64_000],
  ['sanitiser "(1-" × n', (n) => () => sanitiseModelOutput('(1-'.repeat(n), { allowedSources: [] }), 16_000],
  ['sanitiser "![" × n', (n) => () => sanitiseModelOutput('!['.repeat(n), { allowedSources: [] }), 24_000],
  [
    'times "between 1 and " × n',
    (n) => () => parseTimeExpressions('between 1 and '.repeat(n), { ref: new Date('2026-03-02T10:00:00Z') }),
    3_400,
  ],
];

for (const [name, make, n] of cases) {
  const half = await best(make(Math.floor(n / 2)));
  const full = await best(make(n));
  console.log(`${name}: n=${n / 2}: ${half} ms, n=${n}: ${full} ms`);
}

// Whole requests through the server (local mode, embedded database): the worst inputs within the 1 MB
// body limit. CPU is the whole process (worker threads included); "loop" is the longest the event loop
// was blocked meanwhile, which is what other requests feel.
const fs = await import('node:fs');
const os = await import('node:os');
const path = await import('node:path');
const { monitorEventLoopDelay } = await import('node:perf_hooks');
const { buildApp } = await import('../src/app.ts');
const { loadConfig } = await import('../src/config.ts');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-bench-untrusted-'));
const app = await buildApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { logger: false });
try {
  const body = (html: string) =>
    JSON.stringify({ message: { id: `w${Math.random()}`, subject: 'x', html, from: 'a@b.example' } });
  const worst: Array<[string, string]> = [
    ['"<a " to 1 MB', body('<a '.repeat(330_000))],
    ['"<b><i>" to 1 MB', body('<b><i>'.repeat(165_000))],
    ['"<a href=x>" to 1 MB', body('<a href=x>'.repeat(95_000))],
    ['transcript "m" to 1.9 M characters', JSON.stringify({ transcript: `A: ${'m'.repeat(1_900_000)}x` })],
  ];
  await app.inject({
    method: 'POST',
    url: '/v1/triage',
    headers: { 'content-type': 'application/json' },
    payload: body('<p>warm</p>'),
  });
  for (const [name, payload] of worst) {
    const url = name.startsWith('transcript') ? '/v1/meetings/notes' : '/v1/triage';
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    delay.disable();
    console.log(
      `request ${name}: ${res.statusCode}, ${Math.round(wall)} ms wall, ${Math.round((used.user + used.system) / 1000)} ms CPU, loop blocked at most ${Math.round(delay.max / 1e6)} ms`,
    );
  }
} finally {
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
