/**
 * How the local triage models are trained, as one function of the training rows, so that
 * `npm run train` (all development data) and the leave-one-corpus-out evaluation (every source but
 * one) use exactly the same recipe. Dev tooling.
 */
import type { NormalisedMessage } from '../mail/types.ts';
import { marketingFeatures, meetingFeatures, sentenceFeatures } from './features.ts';
import {
  calibrate,
  fitIsotonic,
  fitPlatt,
  type Isotonic,
  type LinearModel,
  rawScore,
  type TrainingExample,
  type TrainingOptions,
  trainLogistic,
} from './linear-model.ts';
import { analyseRequests, requestTextOf, triageSignals } from './local.ts';
import type { TriageModel } from './model-file.ts';
import type { SilverLabel, SilverRow } from './silver-data.ts';

export const SEED = 20260302;
export const BUCKETS = 1 << 18;
const FOLDS = 5;

export interface LabelledSentence {
  sentence: string;
  label: 0 | 1;
}

export interface LabelledMail {
  msg: NormalisedMessage;
  row: Pick<SilverRow, 'source' | 'fromMe' | 'key' | 'me'> & { label: SilverLabel };
}

export interface TrainingSet {
  sentences: LabelledSentence[];
  mail: LabelledMail[];
}

const explainable = (f: string) => /^[ws]:[\p{L}$!%][\p{L}']*$/u.test(f) || f.startsWith('h:');

export type TrainLog = (line: string) => void;

/**
 * Trains on every row and calibrates on out-of-fold scores: each row is scored by a model that did not
 * see it (5 folds), Platt (or isotonic) is fitted on those scores.
 */
function train(
  name: string,
  examples: TrainingExample[],
  options: Omit<TrainingOptions, 'buckets' | 'seed'>,
  { pickThreshold = false, isotonic = false }: { pickThreshold?: boolean; isotonic?: boolean },
  log: TrainLog,
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
  log(
    `${name.padEnd(10)} rows ${String(examples.length).padStart(5)} (${positives} positive)  platt a=${platt.a.toFixed(3)} b=${platt.b.toFixed(3)}${model.isotonic ? `  isotonic ${model.isotonic.x.length} steps` : ''}${model.threshold !== undefined ? `  threshold ${model.threshold}` : ''}`,
  );
  return model;
}

/** The threshold with the highest out-of-fold recall whose out-of-fold precision is at least 0.60. */
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

/** Every source weighs the same in total, so that the largest corpus does not define the concept. */
function balanceBySource(mail: readonly LabelledMail[], examples: TrainingExample[]): TrainingExample[] {
  const counts = new Map<string, number>();
  for (const m of mail) counts.set(m.row.source, (counts.get(m.row.source) ?? 0) + 1);
  const mean = mail.length / Math.max(1, counts.size);
  return examples.map((e, i) => ({ ...e, weight: mean / counts.get(mail[i]!.row.source)! }));
}

export const RECIPE_DESCRIPTION = {
  request: 'parakweet/Ask0729-fixed.txt (Yes = asks the reader to do something)',
  marketing: 'silver category = marketing against every other category',
  meeting:
    'silver meetingRequest (narrow: asks to meet, call or pick a time) on received mail; decision threshold = highest out-of-fold recall at precision >= 0.60; ignores buckets seen in fewer than 2 rows',
  calibration:
    'Platt scaling (request, marketing) or isotonic regression (meeting) on 5-fold out-of-fold scores of the training rows',
};

/** The three models from Parakweet sentences and silver-labelled mail. */
export interface RecipeOptions {
  /** Weigh every source the same in the message-level models. */
  balanceSources?: boolean;
  /**
   * Calibrate the reply score on leave-one-source-out predictions within the training set: each source
   * of the training set is triaged by models trained on the others, and an isotonic map from the raw
   * reply score to the silver needsReply is fitted on those predictions (received mail only).
   */
  calibrateReply?: boolean;
}

/** The reply calibration: isotonic on raw reply scores of each training source from models trained without it. */
function replyCalibration(set: TrainingSet, options: RecipeOptions, log: TrainLog): Isotonic | undefined {
  const sources = [...new Set(set.mail.map((m) => m.row.source))];
  if (sources.length < 2) return undefined;
  const scores: number[] = [];
  const labels: (0 | 1)[] = [];
  for (const held of sources) {
    const model = trainTriageModels(
      { sentences: set.sentences, mail: set.mail.filter((m) => m.row.source !== held) },
      () => {},
      { ...options, calibrateReply: false },
    );
    for (const m of set.mail) {
      if (m.row.source !== held || m.row.fromMe) continue;
      scores.push(triageSignals(m.msg, { me: m.row.me, model }).pReply);
      labels.push(m.row.label.needsReply ? 1 : 0);
    }
  }
  const iso = fitIsotonic(scores, labels);
  log(`reply      calibration on ${scores.length} held-out-source rows, isotonic ${iso.x.length} steps`);
  return iso;
}

/** The options `npm run train` uses, chosen on leave-one-corpus-out scores. */
export const RECIPE_OPTIONS: RecipeOptions = { calibrateReply: true, balanceSources: true };

export function trainTriageModels(
  set: TrainingSet,
  log: TrainLog = () => {},
  options: RecipeOptions = {},
): TriageModel {
  const balance = (mail: readonly LabelledMail[], examples: TrainingExample[]) =>
    options.balanceSources ? balanceBySource(mail, examples) : examples;
  const request = train(
    'request',
    set.sentences.map((r) => ({ features: sentenceFeatures(r.sentence), label: r.label })),
    { epochs: 10, learningRate: 0.1, l2: 1e-4 },
    {},
    log,
  );
  const marketing = train(
    'marketing',
    balance(
      set.mail,
      set.mail.map((m) => ({
        features: marketingFeatures(m.msg),
        label: m.row.label.category === 'marketing' ? 1 : 0,
      })),
    ),
    { epochs: 8, learningRate: 0.05, l2: 1e-5 },
    {},
    log,
  );
  // The owner's own mail is left out: its meeting label is inconsistent (silver README).
  const received = set.mail.filter((m) => !m.row.fromMe);
  const meeting = train(
    'meeting',
    received.map((m) => ({
      features: meetingFeatures(m.msg, analyseRequests({ request }, requestTextOf(m.msg)).probability),
      label: m.row.label.meetingRequest ? 1 : 0,
    })),
    { epochs: 8, learningRate: 0.02, l2: 1e-5, minDocumentFrequency: 2 },
    { pickThreshold: true, isotonic: true },
    log,
  );
  const model: TriageModel = { request, marketing, meeting };
  if (options.calibrateReply) {
    const reply = replyCalibration(set, options, log);
    if (reply) model.reply = reply;
  }
  return model;
}
