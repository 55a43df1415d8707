/**
 * Evaluation of the local triage engine.
 *
 * 1. Leave-one-corpus-out on the silver labels (src/triage/loco.ts): for each mail source the models are
 *    retrained on every other source with the recipe of `npm run train` and scored on the held-out one.
 *    These are the figures that choose models and thresholds, and the ones the docs report.
 * 2. The older tables on the HELD-OUT hash split of each corpus (src/triage/dev-data.ts), kept for
 *    comparison: in-corpus figures, optimistic about unseen mail.
 *
 * Run: npm run eval -- triage   (TRIAGE_EVAL=loco for part 1 only)
 */
import { writeFileSync } from 'node:fs';
import type { CategoryId } from '@steward/shared';
import { CATEGORY_IDS } from '@steward/shared';
import { normaliseMessage } from '../src/mail/normalise.ts';
import type { NormalisedMessage } from '../src/mail/types.ts';
import {
  ENRON_BROADCAST,
  ENRON_LOGISTICS,
  evalDataDirOrExit,
  loadEnron,
  loadParakweet,
  loadSpamAssassin,
} from '../src/triage/dev-data.ts';
import { triageLocal, triageSignals } from '../src/triage/local.ts';
import {
  confusionRows,
  LOCO_HEADER,
  loadLocoData,
  locoRows,
  type Prediction,
  predict,
  printTable,
} from '../src/triage/loco.ts';
import { defaultTriageModel } from '../src/triage/model-file.ts';
import { hasSilverData } from '../src/triage/silver-data.ts';
import { RECIPE_OPTIONS, trainTriageModels } from '../src/triage/training.ts';

const dataDir = evalDataDirOrExit('triage eval');

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}
function count(predicted: boolean[], actual: boolean[]): Counts {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  predicted.forEach((p, i) => {
    const a = actual[i];
    if (p && a) c.tp++;
    else if (p && !a) c.fp++;
    else if (!p && a) c.fn++;
    else c.tn++;
  });
  return c;
}
function prf(c: Counts) {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
/** Expected calibration error over 10 equal-width bins. */
function ece(probabilities: number[], actual: boolean[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
  probabilities.forEach((p, i) => {
    const bin = bins[Math.min(9, Math.floor(p * 10))]!;
    bin.n++;
    bin.p += p;
    bin.y += actual[i] ? 1 : 0;
  });
  return bins.reduce(
    (sum, b) => sum + (b.n === 0 ? 0 : (b.n / probabilities.length) * Math.abs(b.p / b.n - b.y / b.n)),
    0,
  );
}

const f3 = (x: number) => x.toFixed(3);
const rows: string[][] = [];
function report(task: string, method: string, predicted: boolean[], actual: boolean[], target = '') {
  const c = count(predicted, actual);
  const m = prf(c);
  rows.push([
    task,
    method,
    f3(m.precision),
    f3(m.recall),
    f3(m.f1),
    String(c.tp),
    String(c.fp),
    String(c.fn),
    String(c.tn),
    target,
  ]);
}
function table(header: string[], body: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) console.log(line(r));
}

async function leaveOneCorpusOut(): Promise<void> {
  if (!hasSilverData(dataDir)) {
    console.log(`leave-one-corpus-out skipped: silver labels not found in ${dataDir}/silver`);
    return;
  }
  const data = await loadLocoData(dataDir);
  const { runLoco } = await import('../src/triage/loco.ts');
  const predictions = runLoco(data, (set) => trainTriageModels(set, undefined, RECIPE_OPTIONS));
  console.log(
    `\nLeave-one-corpus-out on the silver labels (${data.rows.length} messages; models retrained without the held-out source)\n`,
  );
  printTable(LOCO_HEADER, locoRows(predictions));
  if (process.env.TRIAGE_LOCO_DUMP) writeFileSync(process.env.TRIAGE_LOCO_DUMP, JSON.stringify(predictions));
  console.log('\nConfusion, pooled held-out predictions (rows: silver label, columns: engine)\n');
  printTable(['silver \\ engine', ...CATEGORY_IDS], confusionRows(predictions));
  const shipped = defaultTriageModel();
  const inCorpus: Prediction[] = data.rows.map((row, i) => predict(shipped, row, data.messages[i]!));
  console.log('\nFor comparison only, the shipped model on the same rows (trained on them: not a result)\n');
  printTable(LOCO_HEADER, locoRows(inCorpus));
}

await leaveOneCorpusOut();
if (process.env.TRIAGE_EVAL === 'loco') process.exit(0);

const ctx = { me: [] as string[] };

// needsReply: Parakweet sentences, each as a one-sentence message.
const parakweet = loadParakweet(dataDir).filter((r) => r.split === 'test');
const pkMessages = await Promise.all(parakweet.map((r, i) => normaliseMessage({ id: `pk${i}`, text: r.sentence })));
const pkActual = parakweet.map((r) => r.label === 1);
const pkSignals = pkMessages.map((m) => triageSignals(m, ctx));
const pkResults = pkMessages.map((m) => triageLocal(m, ctx));
const requestKeywords =
  /\?|^\s*(please|pls|kindly|can you|could you|would you|will you|let me know|send|call|review)\b/i;
report(
  'needsReply (Parakweet)',
  'local engine',
  pkResults.map((r) => r.needsReply),
  pkActual,
  'F1 >= 0.80',
);
report(
  '',
  'baseline: majority (No)',
  pkActual.map(() => false),
  pkActual,
);
report(
  '',
  'baseline: keyword rule',
  parakweet.map((r) => requestKeywords.test(r.sentence)),
  pkActual,
);

// marketing: SpamAssassin spam + hard-ham against easy-ham.
const spamAssassin = loadSpamAssassin(dataDir).filter((r) => r.split === 'test');
const saMessages: NormalisedMessage[] = [];
for (const r of spamAssassin) saMessages.push(await normaliseMessage({ id: r.file, raw: r.raw }));
const saActual = spamAssassin.map((r) => r.marketing === 1);
const saSignals = saMessages.map((m) => triageSignals(m, ctx));
const saResults = saMessages.map((m) => triageLocal(m, ctx));
report(
  'marketing (SpamAssassin)',
  'local engine: category',
  saResults.map((r) => r.category === 'marketing'),
  saActual,
  'F1 >= 0.90',
);
report(
  '',
  'local engine: marketing model',
  saSignals.map((s) => s.pMarketing >= 0.5),
  saActual,
);
report(
  '',
  'baseline: majority (marketing)',
  saActual.map(() => true),
  saActual,
);
report(
  '',
  'baseline: List-Unsubscribe/unsubscribe',
  saMessages.map((m) => m.signals.listUnsubscribe || /unsubscribe/i.test(m.text)),
  saActual,
);

// meetingRequest: Enron 1.4 against the rest.
const enron = loadEnron(dataDir).filter((r) => r.split === 'test');
const enronMessages: NormalisedMessage[] = [];
for (const r of enron) enronMessages.push(await normaliseMessage({ id: r.id, raw: r.raw }));
const enActual = enron.map((r) => r.cats.includes(ENRON_LOGISTICS));
const enSignals = enronMessages.map((m) => triageSignals(m, ctx));
const enResults = enronMessages.map((m) => triageLocal(m, ctx));
report(
  'meetingRequest vs Enron 1.4 (logistics: not the narrow concept the model now learns)',
  'local engine',
  enResults.map((r) => r.meetingRequest),
  enActual,
  'R >= 0.75 at P >= 0.60',
);
report(
  '',
  'meeting model alone (p >= threshold)',
  enSignals.map((s) => s.pMeeting >= (defaultTriageModel().meeting.threshold ?? 0.5)),
  enActual,
);
report(
  '',
  'baseline: majority (no)',
  enActual.map(() => false),
  enActual,
);
report(
  '',
  'baseline: keyword rule',
  enronMessages.map((m) =>
    /\b(meet|meeting|schedule|call|conference|lunch|available|availability)\b/i.test(`${m.subject} ${m.newText}`),
  ),
  enActual,
);

console.log(`\nTriage evaluation on held-out rows (data: ${dataDir})\n`);
table(['task', 'method', 'precision', 'recall', 'F1', 'TP', 'FP', 'FN', 'TN', 'target'], rows);

// Enron newsletters, news and press releases wrongly put in to_respond.
const broadcast = enron
  .map((r, i) => ({ r, result: enResults[i]! }))
  .filter(({ r }) => r.cats.some((c) => ENRON_BROADCAST.includes(c)));
const broadcastToRespond = broadcast.filter(({ result }) => result.category === 'to_respond').length;
const keywordBroadcast = broadcast.filter(({ r }) =>
  requestKeywords.test(enronMessages[enron.indexOf(r)]!.newText),
).length;
console.log('\nEnron news / press releases / newsletters (2.4, 2.7, 2.10) put in to_respond (lower is better)\n');
table(
  ['method', 'messages', 'to_respond', 'share'],
  [
    [
      'local engine',
      String(broadcast.length),
      String(broadcastToRespond),
      f3(broadcastToRespond / Math.max(1, broadcast.length)),
    ],
    [
      'baseline: keyword rule',
      String(broadcast.length),
      String(keywordBroadcast),
      f3(keywordBroadcast / Math.max(1, broadcast.length)),
    ],
  ],
);
const broadcastMeeting = broadcast.filter(({ result }) => result.meetingRequest).length;
console.log('\nThe same messages flagged meetingRequest (lower is better)\n');
table(
  ['method', 'messages', 'meetingRequest', 'share'],
  [
    [
      'local engine',
      String(broadcast.length),
      String(broadcastMeeting),
      f3(broadcastMeeting / Math.max(1, broadcast.length)),
    ],
  ],
);

// Category distribution per data set.
console.log('\nCategory distribution (held-out rows)\n');
const distribution = (results: Array<{ category: CategoryId }>) =>
  CATEGORY_IDS.map((c) => String(results.filter((r) => r.category === c).length));
const saBy = (group: string) => saResults.filter((_, i) => spamAssassin[i]!.group.startsWith(group));
table(
  ['data set', 'n', ...CATEGORY_IDS],
  [
    ['Parakweet sentences', String(pkResults.length), ...distribution(pkResults)],
    ['SpamAssassin spam', String(saBy('spam').length), ...distribution(saBy('spam'))],
    ['SpamAssassin hard-ham', String(saBy('hard-ham').length), ...distribution(saBy('hard-ham'))],
    ['SpamAssassin easy-ham', String(saBy('easy-ham').length), ...distribution(saBy('easy-ham'))],
    ['Enron (all)', String(enResults.length), ...distribution(enResults)],
    [
      'Enron 1.4 logistics',
      String(enResults.filter((_, i) => enActual[i]).length),
      ...distribution(enResults.filter((_, i) => enActual[i])),
    ],
  ],
);

// Calibration.
console.log('\nExpected calibration error (10 bins; target <= 0.08)\n');
const allP = [
  ...pkSignals.map((s) => s.pReply),
  ...saSignals.map((s) => s.pMarketing),
  ...enSignals.map((s) => s.pMeeting),
];
const allY = [...pkActual, ...saActual, ...enActual];
table(
  ['probability', 'rows', 'ECE'],
  [
    [
      'needsReply p (Parakweet)',
      String(pkSignals.length),
      f3(
        ece(
          pkSignals.map((s) => s.pReply),
          pkActual,
        ),
      ),
    ],
    [
      'marketing p (SpamAssassin)',
      String(saSignals.length),
      f3(
        ece(
          saSignals.map((s) => s.pMarketing),
          saActual,
        ),
      ),
    ],
    [
      'meeting p (Enron 1.4)',
      String(enSignals.length),
      f3(
        ece(
          enSignals.map((s) => s.pMeeting),
          enActual,
        ),
      ),
    ],
    ['all three pooled', String(allP.length), f3(ece(allP, allY))],
  ],
);
