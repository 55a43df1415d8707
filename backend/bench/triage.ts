/**
 * Local triage engine throughput: parse (normaliseMessage) + classify (triageLocal), one thread, on the
 * raw emails of the development corpus (Enron + SpamAssassin). Run: npx tsx backend/bench/triage.ts
 */
import { normaliseMessage } from '../src/mail/normalise.ts';
import { evalDataDir, hasEvalData, loadEnron, loadSpamAssassin } from '../src/triage/dev-data.ts';
import { triageLocal } from '../src/triage/local.ts';
import { defaultTriageModel } from '../src/triage/model-file.ts';

const dataDir = evalDataDir();
if (!dataDir || !hasEvalData(dataDir)) {
  console.log(`triage bench skipped: ${dataDir ? `data not found in ${dataDir}` : 'STEWARD_EVAL_DATA is not set'}`);
  process.exit(0);
}
const corpus = [
  ...loadEnron(dataDir).map((r) => ({ id: r.id, raw: r.raw })),
  ...loadSpamAssassin(dataDir).map((r) => ({ id: r.file, raw: r.raw })),
];
const bytes = corpus.reduce((sum, m) => sum + m.raw.length, 0);
defaultTriageModel(); // load the model file outside the timed runs

async function pass() {
  let parse = 0,
    classify = 0;
  const cpuStart = process.cpuUsage();
  for (const message of corpus) {
    const t0 = performance.now();
    const normalised = await normaliseMessage(message);
    const t1 = performance.now();
    triageLocal(normalised, { me: [] });
    classify += performance.now() - t1;
    parse += t1 - t0;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { parse, classify, cpu: (cpu.user + cpu.system) / 1000 };
}

await pass(); // warm-up (JIT)
const runs: Array<{ parse: number; classify: number; cpu: number }> = [];
for (let i = 0; i < 3; i++) runs.push(await pass());
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const parseMs = median(runs.map((r) => r.parse));
const classifyMs = median(runs.map((r) => r.classify));
const totalMs = median(runs.map((r) => r.parse + r.classify));

console.log(
  `Local triage engine, single thread, ${corpus.length} raw messages (${(bytes / 1024 / 1024).toFixed(1)} MB), median of 3 runs\n`,
);
const rows = [
  ['parse (normaliseMessage)', parseMs],
  ['classify (triageLocal)', classifyMs],
  ['parse + classify', totalMs],
] as const;
console.log(`${'stage'.padEnd(26)}  ${'total ms'.padStart(9)}  ${'ms/msg'.padStart(7)}  ${'msgs/s'.padStart(8)}`);
for (const [stage, ms] of rows) {
  console.log(
    `${stage.padEnd(26)}  ${ms.toFixed(0).padStart(9)}  ${(ms / corpus.length).toFixed(3).padStart(7)}  ${(corpus.length / (ms / 1000)).toFixed(0).padStart(8)}`,
  );
}
const cpuMs = median(runs.map((r) => r.cpu));
console.log(
  `${'parse + classify, CPU time'.padEnd(26)}  ${cpuMs.toFixed(0).padStart(9)}  ${(cpuMs / corpus.length).toFixed(3).padStart(7)}  ${(corpus.length / (cpuMs / 1000)).toFixed(0).padStart(8)}`,
);
console.log(
  `\nload average while measuring: ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )} on ${(await import('node:os')).availableParallelism()} cores (wall-clock rows suffer from other processes; the CPU-time row less so)`,
);
console.log('target: >= 2000 msgs/s parse + classify');
