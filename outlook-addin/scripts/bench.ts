// Prints the task pane's numbers: initial JS gzipped, and pane load → category shown in headless Chromium
// against the real backend (PGlite, local engine), each run in a fresh browser context (cold cache) with a
// message the backend has not seen (no triage cache).
// Usage: npx tsx outlook-addin/scripts/bench.ts [--runs 15]
import { parseArgs } from 'node:util';
import {
  installFakeOfficeHost,
  launchBrowser,
  OUTLOOK_MESSAGES,
  servePaneFromDist,
  startBackend,
} from '../../tests/outlook/harness.ts';
import { build } from './build.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Math.max(1, Number(values.runs));
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const report = await build();
console.log(
  `initial JS (taskpane.js + static chunks): ${kb(report.initialGzip)} gzipped, ${kb(report.initial.reduce((s, f) => s + f.bytes, 0))} minified (target ≤ 200 KB gzipped)`,
);
console.log(`lazy chunks: ${report.lazy.map((f) => `${f.file} ${kb(f.gzip)}`).join(', ')}`);

const [backend, browser] = await Promise.all([startBackend(), launchBrowser()]);
try {
  const samples: { navigation: number; script: number }[] = [];
  for (let run = 0; run < runs + 1; run++) {
    const context = await browser.newContext({ viewport: { width: 360, height: 900 } });
    const page = await context.newPage();
    if (!backend.servesPane) await servePaneFromDist(page, backend.origin);
    const base = OUTLOOK_MESSAGES[0];
    if (!base) throw new Error('no sample message');
    await installFakeOfficeHost(page, { messages: [{ ...base, itemId: `bench-${Date.now()}-${run}` }], selected: 0 });
    await page.goto(`${backend.origin}/addin/taskpane.html`);
    await page.getByTestId('category').waitFor();
    const timing = await page.evaluate(() => {
      const shown = performance.getEntriesByName('steward:category-shown')[0]?.startTime ?? Number.NaN;
      const start = performance.getEntriesByName('steward:pane-start')[0]?.startTime ?? Number.NaN;
      return { navigation: shown, script: shown - start };
    });
    // The first run warms the backend (JIT, model files); it is not counted.
    if (run > 0) samples.push(timing);
    await context.close();
  }
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    return `median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, max ${at(1).toFixed(0)} ms`;
  };
  console.log(
    `pane load → category shown (from navigation start), ${runs} cold runs: ${stats(samples.map((s) => s.navigation))} (target ≤ 1000 ms)`,
  );
  console.log(`  of which after the pane script started: ${stats(samples.map((s) => s.script))}`);
  console.log(
    `  pane served by ${backend.servesPane ? 'the backend' : 'the harness (backend does not serve /addin/ yet)'}`,
  );
} finally {
  await browser.close();
  await backend.close();
}
