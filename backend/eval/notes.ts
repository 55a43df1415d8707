/**
 * Meeting-notes summary quality on QMSum (35 test meetings: AMI, ICSI, parliament).
 * ROUGE-1/2/L F1 of the local engine's summary against general_query_list[0].answer, beside a lead-N
 * and a random-turns baseline given the same word budget. Run: npx tsx backend/eval/notes.ts
 * Data: $STEWARD_EVAL_DATA/qmsum/qmsum_all_test.jsonl.gz (default ../shared/data from the repo root).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { makeNotesLocal } from '../src/notes/local.ts';
import { type RougeScore, rougeL, rougeN } from '../src/notes/rouge.ts';
import { sentencesOfTurns, tidySentence, words } from '../src/notes/text.ts';
import { parseTranscript, type Turn } from '../src/notes/transcript.ts';

interface QmsumMeeting {
  meeting_id?: string;
  meeting_transcripts: { speaker: string; content: string }[];
  general_query_list: { query: string; answer: string }[];
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = resolve(repoRoot, process.env.STEWARD_EVAL_DATA ?? '../shared/data');
const file = resolve(dataDir, 'qmsum/qmsum_all_test.jsonl.gz');
const RANDOM_SEED = 20240601;

function main(): void {
  if (!existsSync(file)) {
    console.log(`notes eval skipped: ${file} not found (set STEWARD_EVAL_DATA to the data folder).`);
    return;
  }
  const meetings = gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as QmsumMeeting);

  const systems = ['local', 'lead-N', 'random turns'] as const;
  const totals = new Map(systems.map((name) => [name, { r1: 0, r2: 0, rl: 0, words: 0 }]));
  const random = seededRandom(RANDOM_SEED);
  let counted = 0;
  for (const meeting of meetings) {
    const reference = meeting.general_query_list[0]?.answer;
    if (!reference) continue;
    const parsed = parseTranscript(JSON.stringify(meeting.meeting_transcripts), { format: 'json' });
    if (!parsed.ok) {
      console.log(`skipping ${meeting.meeting_id ?? '?'}: ${parsed.error.message}`);
      continue;
    }
    const local = makeNotesLocal(parsed.turns, {}).summary.join('\n');
    // Baselines get the local summary's length, so ROUGE compares content, not verbosity.
    const budget = words(local).length;
    const outputs = {
      local,
      'lead-N': firstWords(leadSentences(parsed.turns, budget), budget),
      'random turns': firstWords(randomTurns(parsed.turns, budget, random), budget),
    };
    for (const name of systems) {
      const summary = outputs[name];
      const total = totals.get(name);
      if (!total) continue;
      total.r1 += f1(rougeN(summary, reference, 1));
      total.r2 += f1(rougeN(summary, reference, 2));
      total.rl += f1(rougeL(summary, reference));
      total.words += words(summary).length;
    }
    counted++;
  }

  console.log(`QMSum test, ${counted} meetings, whole-meeting summaries; ROUGE F1 x100, no stemming`);
  console.log('system         ROUGE-1  ROUGE-2  ROUGE-L  avg words');
  for (const name of systems) {
    const t = totals.get(name);
    if (!t) continue;
    const row = [t.r1, t.r2, t.rl].map((v) => ((100 * v) / counted).toFixed(2).padStart(7));
    console.log(`${name.padEnd(14)} ${row.join('  ')}  ${(t.words / counted).toFixed(0).padStart(9)}`);
  }
}

/** Cuts a baseline to exactly the local summary's word count (its last sentence may overshoot). */
function firstWords(text: string, count: number): string {
  const kept: string[] = [];
  let seen = 0;
  for (const line of text.split('\n')) {
    const tokens: string[] = [];
    for (const token of line.split(/\s+/)) {
      const size = words(token).length;
      if (seen + size > count) {
        seen = count;
        break;
      }
      tokens.push(token);
      seen += size;
    }
    if (tokens.length > 0) kept.push(tokens.join(' '));
    if (seen >= count) break;
  }
  return kept.join('\n');
}

function f1(score: RougeScore): number {
  return score.f1;
}

/** Lead-N: the meeting's first sentences that are at least 7 words long, up to the word budget. */
function leadSentences(turns: Turn[], budget: number): string {
  const picked: string[] = [];
  let count = 0;
  for (const sentence of sentencesOfTurns(turns)) {
    if (count >= budget) break;
    const text = tidySentence(sentence.text);
    const length = words(text).length;
    if (length < 7) continue;
    picked.push(text);
    count += length;
  }
  return picked.join('\n');
}

/** Whole turns of at least 7 words, drawn at random (fixed seed), up to the word budget. */
function randomTurns(turns: Turn[], budget: number, random: () => number): string {
  const pool = turns.filter((turn) => words(turn.text).length >= 7);
  const picked: string[] = [];
  let count = 0;
  while (count < budget && pool.length > 0) {
    const [turn] = pool.splice(Math.floor(random() * pool.length), 1);
    if (!turn) break;
    picked.push(turn.text);
    count += words(turn.text).length;
  }
  return picked.join('\n');
}

/** mulberry32: a tiny deterministic generator so the random baseline is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

main();
