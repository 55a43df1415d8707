/**
 * Could a learned turn classifier find meeting items better than the local engine's rules? A diagnostic,
 * not part of the engine: a logistic regression per kind (decision / action item / open question) over cue
 * features of each speaker turn (words and word pairs, modal and first-person-future cues, "let's / agreed /
 * go with", question marks, the next and previous turns' openings, position in the meeting, whether the one
 * running the meeting says it, what the rules found there), trained on the annotated meetings' turns (a turn
 * is positive when it covers a line a gold item rests on).
 *
 * Two ways to use it: alone (turns scored above a threshold, at most one per two turns), or added to the
 * rules (the rules' items plus classifier turns away from them). The configuration per kind (use, threshold,
 * feature set, weight of positives) is chosen by leave-one-meeting-out F1 over the eight development meetings
 * only; the rules alone are a candidate too. Then, once: trained on the development meetings, scored on the
 * held-back ones. Last, as a learning-curve diagnostic (not used to choose anything): leave one meeting out
 * over all fourteen, so each held-back meeting is scored by a model that saw the other thirteen.
 *
 * Run: npm run eval -- notes-classifier. Data: $STEWARD_EVAL_DATA/qmsum/qmsum_all_test.jsonl.gz.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { MeetingNotes } from '@steward/shared';
import { makeNotesLocal } from '../src/notes/local.ts';
import { parseTranscript, type Turn } from '../src/notes/transcript.ts';
import { evalDataDirOrExit } from '../src/triage/dev-data.ts';
import { type LinearModel, rawScore, sigmoid, trainLogistic } from '../src/triage/linear-model.ts';
import {
  type GoldMeeting,
  KINDS,
  type Kind,
  linesOf,
  match,
  type Predicted,
  predictedItems,
  type QmsumMeeting,
} from './support/notes-match.ts';
import { type ItemTurnFeatures, turnFeatures } from './support/notes-turn-features.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = evalDataDirOrExit('notes-classifier eval', ['qmsum/qmsum_all_test.jsonl.gz']);
const gold: GoldMeeting[] = JSON.parse(readFileSync(resolve(here, 'annotations/notes-qmsum-items.json'), 'utf8'));
const corpus = gunzipSync(readFileSync(resolve(dataDir, 'qmsum/qmsum_all_test.jsonl.gz')))
  .toString('utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as QmsumMeeting);

interface Meeting {
  gold: GoldMeeting;
  source: QmsumMeeting;
  turns: Turn[];
  notes: MeetingNotes;
  features: ItemTurnFeatures[];
  /** Cue features only: no words, word pairs or turn openings (fewer parameters for a small training set). */
  cueFeatures: string[][];
  labels: Record<Kind, (0 | 1)[]>;
}

const LEXICAL = /^(?:w|b|s|n|p):/;

function load(g: GoldMeeting): Meeting | null {
  const source = corpus.find((m) => m.meeting_id === g.meeting);
  if (!source) return null;
  const entries = source.meeting_transcripts.map((t, i) => ({ speaker: t.speaker, text: t.content, start: i, end: i }));
  const parsed = parseTranscript(JSON.stringify(entries), { format: 'json' });
  if (!parsed.ok) return null;
  const turns = parsed.turns;
  const notes = makeNotesLocal(turns, {});
  const features = turnFeatures(turns, notes);
  const labels = {} as Record<Kind, (0 | 1)[]>;
  for (const kind of KINDS) {
    const goldLines = new Set(g[kind].flatMap((item) => item.turns));
    labels[kind] = turns.map((_, i) => (linesOf(turns, [i]).some((l) => goldLines.has(l)) ? 1 : 0));
  }
  return {
    gold: g,
    source,
    turns,
    notes,
    features,
    cueFeatures: features.map((f) => f.features.filter((x) => !LEXICAL.test(x))),
    labels,
  };
}

interface Config {
  use: 'rules' | 'classifier' | 'rules + classifier';
  threshold: number;
  cuesOnly: boolean;
  positiveWeight: number;
}

const GAP = 2;

function featuresOf(m: Meeting, i: number, config: Config): string[] {
  return config.cuesOnly ? (m.cueFeatures[i] ?? []) : (m.features[i]?.features ?? []);
}

function train(meetings: readonly Meeting[], kind: Kind, config: Config): LinearModel {
  const examples = meetings.flatMap((m) =>
    m.features.map((_, i) => {
      const label = m.labels[kind][i] ?? 0;
      return { features: featuresOf(m, i, config), label, weight: label ? config.positiveWeight : 1 };
    }),
  );
  return trainLogistic(examples, { buckets: 1 << 16, epochs: 5, learningRate: 0.1, l2: 1e-3, seed: 7 });
}

function predict(m: Meeting, kind: Kind, config: Config, model: LinearModel | null): Predicted[] {
  const rules = predictedItems(m.notes, m.turns, kind);
  if (config.use === 'rules' || !model) return rules;
  const scored = m.features
    .map((_, i) => ({ i, p: sigmoid(rawScore(model, featuresOf(m, i, config))) }))
    .filter((x) => x.p >= config.threshold)
    .sort((a, b) => b.p - a.p);
  const ruleTurns =
    config.use === 'rules + classifier'
      ? (kind === 'actionItems' ? m.notes.actionItems : m.notes[kind]).flatMap((x) => x.sourceTurns ?? [])
      : [];
  const chosen: number[] = [];
  for (const { i } of scored) {
    if (chosen.some((j) => Math.abs(j - i) <= GAP) || ruleTurns.some((j) => Math.abs(j - i) <= GAP)) continue;
    chosen.push(i);
  }
  const added = chosen.map((i) => ({
    lines: linesOf(m.turns, [i]),
    owner: m.features[i]?.owner ?? '',
    text: m.features[i]?.text[kind] ?? '',
  }));
  return config.use === 'rules + classifier' ? [...rules, ...added] : added;
}

interface Counts {
  tp: number;
  predicted: number;
  gold: number;
}

/** Scores `test`; with `leaveOut`, each test meeting by a model trained on `trainSet` without it. */
function score(trainSet: readonly Meeting[], test: readonly Meeting[], kind: Kind, config: Config, leaveOut: boolean) {
  const counts: Counts = { tp: 0, predicted: 0, gold: 0 };
  const shared = leaveOut || config.use === 'rules' ? null : train(trainSet, kind, config);
  for (const m of test) {
    const model =
      config.use === 'rules'
        ? null
        : (shared ??
          train(
            trainSet.filter((x) => x !== m),
            kind,
            config,
          ));
    const predicted = predict(m, kind, config, model);
    counts.tp += match(m.source, m.gold[kind], predicted, kind).tp;
    counts.predicted += predicted.length;
    counts.gold += m.gold[kind].length;
  }
  return counts;
}

const precision = (c: Counts) => (c.predicted ? c.tp / c.predicted : 0);
const recall = (c: Counts) => (c.gold ? c.tp / c.gold : 0);
const f1 = (c: Counts) => {
  const p = precision(c);
  const r = recall(c);
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
};
const show = (c: Counts) => `${precision(c).toFixed(2)} / ${recall(c).toFixed(2)} (${c.tp}/${c.predicted}/${c.gold})`;
const describe = (c: Config) =>
  c.use === 'rules'
    ? 'rules'
    : `${c.use}, p >= ${c.threshold}, ${c.cuesOnly ? 'cue features' : 'all features'}, positives x${c.positiveWeight}`;

function main(): void {
  const meetings = gold.map(load).filter((m): m is Meeting => m !== null);
  const dev = meetings.filter((m) => m.gold.split === 'dev');
  const held = meetings.filter((m) => m.gold.split === 'heldback');
  const grid: Config[] = [{ use: 'rules', threshold: 1, cuesOnly: false, positiveWeight: 1 }];
  for (const use of ['classifier', 'rules + classifier'] as const)
    for (const threshold of [0.3, 0.5, 0.7])
      for (const cuesOnly of [false, true])
        for (const positiveWeight of [1, 3]) grid.push({ use, threshold, cuesOnly, positiveWeight });
  console.log('Turn classifier for meeting items; P / R (tp/predicted/gold); the scorer of `npm run eval -- notes`');
  console.log(`${dev.length} development meetings, ${held.length} held back\n`);
  for (const kind of KINDS) {
    let best: { config: Config; counts: Counts } | null = null;
    for (const config of grid) {
      const counts = score(dev, dev, kind, config, true);
      if (!best || f1(counts) > f1(best.counts)) best = { config, counts };
    }
    if (!best) continue;
    const bestClassifier = grid
      .filter((c) => c.use !== 'rules')
      .map((config) => ({ config, counts: score(dev, dev, kind, config, true) }))
      .reduce((a, b) => (f1(b.counts) > f1(a.counts) ? b : a));
    const alone = grid
      .filter((c) => c.use === 'classifier')
      .map((config) => ({ config, counts: score(dev, dev, kind, config, true) }))
      .reduce((a, b) => (f1(b.counts) > f1(a.counts) ? b : a));
    const rules = grid[0] as Config;
    console.log(`${kind}`);
    console.log(`  rules                      dev ${show(score(dev, dev, kind, rules, false))}`);
    console.log(`                             held-back ${show(score(dev, held, kind, rules, false))}`);
    console.log(`  best classifier use by development leave-one-meeting-out F1: ${describe(bestClassifier.config)}`);
    console.log(`                             dev (leave one meeting out) ${show(bestClassifier.counts)}`);
    console.log(
      `                             held-back (trained on dev) ${show(score(dev, held, kind, bestClassifier.config, false))}`,
    );
    console.log(
      `                             held-back (leave one out of 14; diagnostic) ${show(score(meetings, held, kind, bestClassifier.config, true))}`,
    );
    console.log(`  best classifier alone: ${describe(alone.config)}`);
    console.log(`                             dev (leave one meeting out) ${show(alone.counts)}`);
    console.log(`  chosen (rules a candidate too): ${describe(best.config)}\n`);
  }
}

main();
