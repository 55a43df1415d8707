/**
 * Trains the local triage models from the data in STEWARD_EVAL_DATA and writes backend/models/triage-model.json.
 * Reproducible: fixed seed, fixed hash split (see src/triage/dev-data.ts): rows in the test split are
 * never read here. Run: npx tsx backend/scripts/train-triage.ts
 */
import { writeFileSync } from 'node:fs';
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
import { marketingFeatures, meetingFeatures, sentenceFeatures } from '../src/triage/features.ts';
import {
  calibrate,
  fitIsotonic,
  fitPlatt,
  type LinearModel,
  rawScore,
  serialiseLinearModel,
  type TrainingExample,
  type TrainingOptions,
  trainLogistic,
} from '../src/triage/linear-model.ts';
import { analyseRequests, requestTextOf } from '../src/triage/local.ts';
import { DEFAULT_MODEL_PATH, type TriageModelFile } from '../src/triage/model-file.ts';

const SEED = 20260302;
const BUCKETS = 1 << 18;

const dataDir = evalDataDirOrExit('nothing trained');

const explainable = (f: string) => /^[ws]:[\p{L}$!%][\p{L}']*$/u.test(f) || f.startsWith('h:');

const FOLDS = 5;

/**
 * Trains on every non-test row and calibrates on out-of-fold scores: each row is scored by a model that
 * did not see it (5 folds), Platt is fitted on those scores. Uses the train and calibration splits
 * together, which matters for the small Enron set; the test split stays untouched.
 */
function train(
  name: string,
  examples: TrainingExample[],
  options: Omit<TrainingOptions, 'buckets' | 'seed'>,
  { pickThreshold = false, isotonic = false }: { pickThreshold?: boolean; isotonic?: boolean } = {},
): LinearModel {
  const outOfFold: number[] = new Array(examples.length);
  for (let fold = 0; fold < FOLDS; fold++) {
    const foldModel = trainLogistic(
      examples.filter((_, i) => i % FOLDS !== fold),
      { ...options, buckets: BUCKETS, seed: SEED + fold },
    );
    examples.forEach((e, i) => {
      if (i % FOLDS === fold) outOfFold[i] = rawScore(foldModel, e.features);
    });
  }
  const labels = examples.map((e) => e.label);
  const platt = fitPlatt(outOfFold, labels);
  const model: LinearModel = {
    ...trainLogistic(examples, { ...options, buckets: BUCKETS, seed: SEED, explainable }),
    platt,
  };
  if (isotonic) model.isotonic = fitIsotonic(outOfFold, labels);
  const calibrated = outOfFold.map((s) => calibrate(model, s));
  if (pickThreshold) model.threshold = recallFavouringThreshold(calibrated, labels);
  const positives = labels.filter((y) => y === 1).length;
  console.log(
    `${name.padEnd(10)} rows ${String(examples.length).padStart(5)} (${positives} positive)  platt a=${platt.a.toFixed(3)} b=${platt.b.toFixed(3)}${model.isotonic ? `  isotonic ${model.isotonic.x.length} steps` : ''}${model.threshold !== undefined ? `  threshold ${model.threshold}` : ''}`,
  );
  return model;
}

/**
 * The threshold with the highest out-of-fold recall whose out-of-fold precision is at least 0.60. In
 * nested cross-validation on non-test rows a 0.60 floor gave precision 0.64 / recall 0.79 on the outer
 * folds, about the same distance above both targets (P >= 0.60, R >= 0.75); 0.62 gave 0.68 / 0.77.
 */
const PRECISION_FLOOR = 0.6;

function recallFavouringThreshold(probabilities: number[], labels: (0 | 1)[]): number {
  let best = { threshold: 0.5, recall: -1 };
  for (let t = 0.05; t < 0.95; t += 0.01) {
    let tp = 0,
      fp = 0,
      fn = 0;
    probabilities.forEach((p, i) => {
      if (p >= t && labels[i] === 1) tp++;
      else if (p >= t) fp++;
      else if (labels[i] === 1) fn++;
    });
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp / Math.max(1, tp + fn);
    if (precision >= PRECISION_FLOOR && recall > best.recall) best = { threshold: Math.round(t * 100) / 100, recall };
  }
  return best.threshold;
}

async function normaliseAll(rows: Array<{ id: string; raw: string }>): Promise<NormalisedMessage[]> {
  const out: NormalisedMessage[] = [];
  for (const row of rows) out.push(await normaliseMessage({ id: row.id, raw: row.raw }));
  return out;
}

// Requests: Parakweet sentences.
const parakweet = loadParakweet(dataDir).filter((r) => r.split !== 'test');
const sentenceExample = (r: { sentence: string; label: 0 | 1 }): TrainingExample => ({
  features: sentenceFeatures(r.sentence),
  label: r.label,
});
// Hyper-parameters chosen by 5-fold cross-validation on non-test rows.
const request = train('request', parakweet.map(sentenceExample), { epochs: 10, learningRate: 0.1, l2: 1e-4 });

// Marketing: SpamAssassin spam + hard-ham against easy-ham; Enron business mail as further negatives.
const spamAssassin = loadSpamAssassin(dataDir).filter((r) => r.split !== 'test');
const enron = loadEnron(dataDir).filter((r) => r.split !== 'test');
const saMessages = await normaliseAll(spamAssassin.map((r) => ({ id: r.file, raw: r.raw })));
const enronMessages = await normaliseAll(enron.map((r) => ({ id: r.id, raw: r.raw })));

function marketingExamples(): TrainingExample[] {
  const examples: TrainingExample[] = [];
  spamAssassin.forEach((row, i) => {
    examples.push({ features: marketingFeatures(saMessages[i]!), label: row.marketing });
  });
  enron.forEach((row, i) => {
    // Enron news, press releases and newsletters are neither clearly marketing nor clearly not: left out.
    if (!row.cats.some((c) => ENRON_BROADCAST.includes(c)))
      examples.push({ features: marketingFeatures(enronMessages[i]!), label: 0 });
  });
  return examples;
}
const marketing = train('marketing', marketingExamples(), { epochs: 8, learningRate: 0.05, l2: 1e-5 });

// Meeting and logistics: Enron 1.4 against the rest. The request model just trained gives the
// "asks something" feature, exactly as the engine computes it at inference time.
function meetingExamples(): TrainingExample[] {
  const examples: TrainingExample[] = [];
  enron.forEach((row, i) => {
    const msg = enronMessages[i]!;
    const asks = analyseRequests({ request }, requestTextOf(msg)).probability;
    examples.push({ features: meetingFeatures(msg, asks), label: row.cats.includes(ENRON_LOGISTICS) ? 1 : 0 });
  });
  return examples;
}
// Chosen by nested 5-fold cross-validation on non-test rows: a smaller learning rate and ignoring
// buckets seen in a single row beat the marketing settings on this small set, and isotonic calibration
// of the out-of-fold scores halved the expected calibration error of Platt scaling (0.058 → 0.024).
const meeting = train(
  'meeting',
  meetingExamples(),
  { epochs: 8, learningRate: 0.02, l2: 1e-5, minDocumentFrequency: 2 },
  { pickThreshold: true, isotonic: true },
);

const file: TriageModelFile = {
  format: 'steward-triage-model',
  version: 1,
  trainedAt: new Date(0).toISOString(), // fixed so that retraining gives a byte-identical file
  training: {
    script: 'backend/scripts/train-triage.ts',
    seed: SEED,
    buckets: BUCKETS,
    split: 'FNV-1a("steward-split-v1:" + key) % 100: 0-74 train+calibration, 75-99 test (never used here)',
    calibration:
      'Platt scaling (request, marketing) or isotonic regression (meeting) on 5-fold out-of-fold scores of the train+calibration rows',
    keys: { parakweet: 'sentence', spamassassin: 'file', enron: 'id' },
    data: {
      request: 'parakweet/Ask0729-fixed.txt (Yes = asks the reader to do something)',
      marketing: 'spamassassin spam + hard-ham = 1, easy-ham = 0; enron (without 2.4/2.7/2.10) = 0',
      meeting:
        'enron-berkeley 1.4 = 1, rest = 0; decision threshold = highest out-of-fold recall at precision >= 0.60; ignores buckets seen in fewer than 2 rows',
    },
  },
  models: {
    request: serialiseLinearModel(request),
    marketing: serialiseLinearModel(marketing),
    meeting: serialiseLinearModel(meeting),
  },
};
const json = JSON.stringify(file);
writeFileSync(DEFAULT_MODEL_PATH, json);
console.log(`wrote ${DEFAULT_MODEL_PATH} (${(json.length / 1024 / 1024).toFixed(2)} MB)`);
