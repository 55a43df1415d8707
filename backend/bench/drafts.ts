/**
 * Local drafting latency per message (target p99 < 20 ms): messages from Enron (in STEWARD_EVAL_DATA) when
 * set, else a built-in set; each is normalised first, so only drafting is timed.
 * Run: npx tsx backend/bench/drafts.ts
 */
import { defaultSettings, type EmailMessage } from '@steward/shared';
import { draftReplyLocal } from '../src/drafting/local.ts';
import { learnVoice } from '../src/drafting/voice.ts';
import { normaliseMessage } from '../src/mail/normalise.ts';
import type { NormalisedMessage } from '../src/mail/types.ts';
import { evalDataDir, hasEvalData, loadEnron } from '../src/triage/dev-data.ts';

const BUILT_IN: EmailMessage[] = [
  {
    id: 'q',
    from: 'Ann Lee <ann@example.com>',
    subject: 'Pricing',
    date: '2026-03-02T09:15:00Z',
    text: 'Hi,\n\nWhat is the price for 200 seats? Could you send me the contract by Friday?\n\nThanks,\nAnn',
  },
  {
    id: 's',
    from: 'Dana Fox <dana@example.com>',
    subject: 'Sync',
    date: '2026-03-02T09:15:00Z',
    text: 'Could we set up a call next week, Tue or Wed afternoon? I am in New York (ET).',
  },
  {
    id: 'i',
    from: 'Raj Patel <raj@example.com>',
    subject: 'Panel',
    date: '2026-03-02T09:15:00Z',
    text: 'Would you like to join our panel on Thursday at 3pm?',
  },
  {
    id: 'a',
    from: 'Li Wei <li@example.com>',
    subject: 'Update',
    date: '2026-03-02T09:15:00Z',
    text: 'The crew starts next week. Please find attached the plan.',
  },
];

const dataDir = evalDataDir();
const withData = dataDir !== undefined && hasEvalData(dataDir);
const source = withData ? `Enron (${dataDir})` : 'built-in messages';
const inputs: EmailMessage[] = withData
  ? loadEnron(dataDir).map((r) => ({ id: r.id, raw: r.raw }))
  : Array.from({ length: 250 }, (_, i) => ({ ...BUILT_IN[i % BUILT_IN.length]!, id: String(i) }));
const messages: NormalisedMessage[] = [];
for (const input of inputs) messages.push(await normaliseMessage(input));

const voice = learnVoice(messages.filter((m) => m.from?.address === 'j.kaminski@enron.com'));
const settings = { ...defaultSettings(), timeZone: 'America/Chicago' };
// Drafts are written shortly after a message arrives: "next Tuesday" must resolve to the future.
const nowFor = (m: NormalisedMessage) =>
  new Date((m.date?.getTime() ?? Date.parse('2001-06-01T15:00:00Z')) + 3_600_000);

for (const m of messages.slice(0, 50)) draftReplyLocal({ message: m, voice, settings, now: nowFor(m) }); // warm-up

// Wall time, and this process's CPU time: on a shared, loaded machine the second is the drafting cost.
const wall: number[] = [];
const cpu: number[] = [];
let scheduled = 0;
for (let round = 0; round < 3; round++) {
  for (const m of messages) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    const draft = draftReplyLocal({ message: m, voice, settings, now: nowFor(m) });
    wall.push(performance.now() - start);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000);
    if (round === 0 && draft.proposedTimes.length) scheduled++;
  }
}
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(2);
};
console.log(`source: ${source}; ${messages.length} messages x 3 rounds; ${scheduled} with proposed times`);
console.log(
  `${'ms per draft'.padEnd(14)} ${'p50'.padStart(8)} ${'p90'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`,
);
for (const [name, values] of [
  ['wall', wall],
  ['cpu', cpu],
] as const) {
  console.log(`${name.padEnd(14)} ${[0.5, 0.9, 0.99, 1].map((q) => quantile(values, q).padStart(8)).join(' ')}`);
}
console.log('target: p99 < 20 ms');
