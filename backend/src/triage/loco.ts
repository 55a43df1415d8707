/**
 * Leave-one-corpus-out (LOCO) evaluation of the local triage engine on the silver labels: for each mail
 * source, the models are trained on every other source (plus Parakweet) with the same recipe as
 * `npm run train`, and the held-out source is triaged with them. Figures pooled over the held-out
 * predictions of all folds predict what happens on mail of a kind the models have never seen; figures
 * on a split of a corpus the models were trained on do not. Dev tooling.
 */
import type { CategoryId } from '@steward/shared';
import { CATEGORY_IDS } from '@steward/shared';
import { normaliseMessage } from '../mail/normalise.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import { loadParakweet } from './dev-data.ts';
import { triageLocal, triageSignals } from './local.ts';
import type { TriageModel } from './model-file.ts';
import { loadSilver, MAIL_SOURCES, type MailSource, type SilverLabel, type SilverRow } from './silver-data.ts';
import type { LabelledMail, LabelledSentence, TrainingSet } from './training.ts';

export interface LocoData {
  rows: SilverRow[];
  messages: NormalisedMessage[];
  sentences: LabelledSentence[];
}

export async function loadLocoData(dir: string): Promise<LocoData> {
  const rows = loadSilver(dir);
  const messages: NormalisedMessage[] = [];
  for (const row of rows) messages.push(await normaliseMessage(row.message));
  const sentences = loadParakweet(dir).map((r) => ({ sentence: r.sentence, label: r.label }));
  return { rows, messages, sentences };
}

export interface Prediction {
  key: string;
  source: MailSource;
  fromMe: boolean;
  gold: SilverLabel;
  category: CategoryId;
  needsReply: boolean;
  meetingRequest: boolean;
  /** The engine's calibrated needsReply probability (pNeedsReply). */
  pReply: number;
  confidence: number;
  /** Raw scores, for reading errors: the strongest request sentence, pReply before calibration, pMeeting. */
  raw: { request: number; reply: number; meeting: number };
  /** The engine's first reason, for reading errors. */
  reason: string;
}

export type Recipe = (set: TrainingSet) => TriageModel;

export function labelledMail(data: LocoData, keep: (row: SilverRow) => boolean): LabelledMail[] {
  const out: LabelledMail[] = [];
  data.rows.forEach((row, i) => {
    if (keep(row)) out.push({ msg: data.messages[i]!, row });
  });
  return out;
}

export function predict(model: TriageModel, row: SilverRow, msg: NormalisedMessage): Prediction {
  const ctx = { me: row.me, model };
  const result = triageLocal(msg, ctx);
  const signals = triageSignals(msg, ctx);
  return {
    key: row.key,
    source: row.source,
    fromMe: row.fromMe,
    gold: row.label,
    category: result.category as CategoryId,
    needsReply: result.needsReply,
    meetingRequest: result.meetingRequest,
    pReply: signals.pNeedsReply,
    confidence: result.confidence,
    raw: { request: signals.request.probability, reply: signals.pReply, meeting: signals.pMeeting },
    reason: result.reasons[0] ?? '',
  };
}

/** Held-out predictions of every mail source, each from models trained on the other sources. */
export function runLoco(data: LocoData, recipe: Recipe, sources: readonly MailSource[] = MAIL_SOURCES): Prediction[] {
  const predictions: Prediction[] = [];
  for (const held of sources) {
    const model = recipe({ sentences: data.sentences, mail: labelledMail(data, (r) => r.source !== held) });
    data.rows.forEach((row, i) => {
      if (row.source === held) predictions.push(predict(model, row, data.messages[i]!));
    });
  }
  return predictions;
}

// ---------------------------------------------------------------------------------------------------
// Measures.

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export function prf(predicted: readonly boolean[], actual: readonly boolean[]): Prf {
  let tp = 0,
    fp = 0,
    fn = 0;
  predicted.forEach((p, i) => {
    if (p && actual[i]) tp++;
    else if (p) fp++;
    else if (actual[i]) fn++;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support: tp + fn };
}

/** Expected calibration error over 10 equal-width bins. */
export function ece(probabilities: readonly number[], actual: readonly boolean[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
  probabilities.forEach((p, i) => {
    const bin = bins[Math.min(9, Math.floor(p * 10))]!;
    bin.n++;
    bin.p += p;
    bin.y += actual[i] ? 1 : 0;
  });
  const n = Math.max(1, probabilities.length);
  return bins.reduce((sum, b) => sum + (b.n === 0 ? 0 : (b.n / n) * Math.abs(b.p / b.n - b.y / b.n)), 0);
}

export interface Measures {
  n: number;
  accuracy: number;
  /** Mean F1 over the categories that occur in the gold labels of these rows. */
  macroF1: number;
  perCategory: Record<CategoryId, Prf>;
  needsReply: Prf;
  needsReplyEce: number;
  /** On received mail only (the owner's own mail has inconsistent meeting labels). */
  meetingRequest: Prf;
}

export function measure(predictions: readonly Prediction[]): Measures {
  const perCategory = {} as Record<CategoryId, Prf>;
  for (const c of CATEGORY_IDS) {
    perCategory[c as CategoryId] = prf(
      predictions.map((p) => p.category === c),
      predictions.map((p) => p.gold.category === c),
    );
  }
  const present = CATEGORY_IDS.filter((c) => perCategory[c as CategoryId].support > 0);
  const received = predictions.filter((p) => !p.fromMe);
  return {
    n: predictions.length,
    accuracy: predictions.filter((p) => p.category === p.gold.category).length / Math.max(1, predictions.length),
    macroF1: present.reduce((s, c) => s + perCategory[c as CategoryId].f1, 0) / Math.max(1, present.length),
    perCategory,
    needsReply: prf(
      predictions.map((p) => p.needsReply),
      predictions.map((p) => p.gold.needsReply),
    ),
    needsReplyEce: ece(
      predictions.map((p) => p.pReply),
      predictions.map((p) => p.gold.needsReply),
    ),
    meetingRequest: prf(
      received.map((p) => p.meetingRequest),
      received.map((p) => p.gold.meetingRequest),
    ),
  };
}

// ---------------------------------------------------------------------------------------------------
// Report.

const f3 = (x: number) => x.toFixed(3);

export function printTable(header: string[], body: string[][], out: (line: string) => void = console.log): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i < 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  out(line(header));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) out(line(r));
}

function row(name: string, m: Measures): string[] {
  const c = m.perCategory;
  return [
    name,
    String(m.n),
    f3(m.accuracy),
    f3(m.macroF1),
    f3(c.to_respond.precision),
    f3(c.to_respond.recall),
    f3(c.actioned.recall),
    f3(m.needsReply.f1),
    `${f3(m.meetingRequest.precision)} / ${f3(m.meetingRequest.recall)}`,
    f3(m.needsReplyEce),
    `${c.notification.recall.toFixed(2)} ${c.comment.recall.toFixed(2)} ${c.meeting_update.recall.toFixed(2)}`,
  ];
}

export const LOCO_HEADER = [
  'held-out source',
  'n',
  'accuracy',
  'macro-F1',
  'to_resp P',
  'to_resp R',
  'actioned R',
  'needsReply F1',
  'meeting P / R',
  'needsReply ECE',
  'notif/comment/mtg R',
];

/** Per-source rows, the pooled row and the mean over sources. */
export function locoRows(predictions: readonly Prediction[]): string[][] {
  const sources = MAIL_SOURCES.filter((s) => predictions.some((p) => p.source === s));
  const per = sources.map((s) => measure(predictions.filter((p) => p.source === s)));
  const pooled = measure(predictions);
  const mean = (f: (m: Measures) => number) => f3(per.reduce((sum, m) => sum + f(m), 0) / Math.max(1, per.length));
  return [
    ...sources.map((s, i) => row(s, per[i]!)),
    row('pooled', pooled),
    [
      'mean of sources',
      '',
      mean((m) => m.accuracy),
      mean((m) => m.macroF1),
      '',
      '',
      '',
      mean((m) => m.needsReply.f1),
      '',
      mean((m) => m.needsReplyEce),
      '',
    ],
  ];
}

export function confusionRows(predictions: readonly Prediction[]): string[][] {
  return CATEGORY_IDS.map((gold) => [
    gold,
    ...CATEGORY_IDS.map((p) => String(predictions.filter((x) => x.gold.category === gold && x.category === p).length)),
  ]);
}
