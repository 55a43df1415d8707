/**
 * The development data sets (the folder STEWARD_EVAL_DATA names; docs/evaluation.md lists them), loaded for training and evaluation with
 * one fixed, written-down split so that evaluation rows are never trained on. Dev tooling: reads files.
 *
 * Split: a row's key (Parakweet: the sentence; SpamAssassin: the file name; Enron: the id) is hashed with
 * FNV-1a; bucket = hash % 100. Buckets 0–59 train, 60–74 calibration, 75–99 test (held out). Training
 * uses train + calibration (Platt fitted on 5-fold out-of-fold scores); evaluation only test.
 * Hashing the sentence keeps duplicate sentences in one split.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { hashFeature } from './features.ts';

export type Split = 'train' | 'calibration' | 'test';

export function splitOf(key: string): Split {
  const bucket = hashFeature(`steward-split-v1:${key}`) % 100;
  return bucket < 60 ? 'train' : bucket < 75 ? 'calibration' : 'test';
}

export const EVAL_DATA_UNSET =
  'STEWARD_EVAL_DATA is not set: point it at the folder holding the evaluation data sets (docs/evaluation.md lists them).';

/** The evaluation data folder STEWARD_EVAL_DATA names, or undefined when it is not set (the data is never in the repository). */
export function evalDataDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.STEWARD_EVAL_DATA ? resolve(env.STEWARD_EVAL_DATA) : undefined;
}

/** The files training and the triage and drafts evaluations read. */
export const TRIAGE_DATA_FILES = [
  'parakweet/Ask0729-fixed.txt',
  'spamassassin/spamassassin_sample.jsonl.gz',
  'enron-berkeley/enron_with_categories.dev.jsonl.gz',
];

/** The evaluation data folder, or a clear error when STEWARD_EVAL_DATA is not set or lacks one of `files`. */
export function requireEvalDataDir(files: string[] = TRIAGE_DATA_FILES, env: NodeJS.ProcessEnv = process.env): string {
  const dir = evalDataDir(env);
  if (!dir) throw new Error(EVAL_DATA_UNSET);
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  if (missing.length)
    throw new Error(`STEWARD_EVAL_DATA=${dir} lacks ${missing.join(', ')} (docs/evaluation.md lists the data sets).`);
  return dir;
}

/** For scripts: the evaluation data folder, or the reason it is missing on stderr and exit code 1. */
export function evalDataDirOrExit(what: string, files?: string[]): string {
  try {
    return requireEvalDataDir(files);
  } catch (error) {
    console.error(`${what}: ${(error as Error).message}`);
    process.exit(1);
  }
}

export function hasEvalData(dir: string): boolean {
  return TRIAGE_DATA_FILES.every((f) => existsSync(join(dir, f)));
}

function gzipLines(path: string): string[] {
  return gunzipSync(readFileSync(path))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim());
}

export interface SentenceRow {
  sentence: string;
  label: 0 | 1;
  split: Split;
}
export interface SpamAssassinRow {
  file: string;
  group: string;
  label: 'spam' | 'ham';
  raw: string;
  marketing: 0 | 1;
  split: Split;
}
export interface EnronRow {
  id: string;
  raw: string;
  cats: string[];
  split: Split;
}

export function loadParakweet(dir: string): SentenceRow[] {
  const rows: SentenceRow[] = [];
  for (const line of readFileSync(join(dir, 'parakweet/Ask0729-fixed.txt'), 'utf8').split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const label = line.slice(0, tab).trim();
    const sentence = line.slice(tab + 1).trim();
    if (!sentence || (label !== 'Yes' && label !== 'No')) continue;
    rows.push({ sentence, label: label === 'Yes' ? 1 : 0, split: splitOf(sentence) });
  }
  return rows;
}

export function loadSpamAssassin(dir: string): SpamAssassinRow[] {
  return gzipLines(join(dir, 'spamassassin/spamassassin_sample.jsonl.gz')).map((line) => {
    const row = JSON.parse(line) as { group: string; label: 'spam' | 'ham'; file: string; text: string };
    const marketing = row.label === 'spam' || row.group.startsWith('hard-ham') ? 1 : 0;
    return { file: row.file, group: row.group, label: row.label, raw: row.text, marketing, split: splitOf(row.file) };
  });
}

export function loadEnron(dir: string): EnronRow[] {
  return gzipLines(join(dir, 'enron-berkeley/enron_with_categories.dev.jsonl.gz')).map((line) => {
    const row = JSON.parse(line) as { id: number | string; raw: string; cats: Array<[number, number, number]> };
    const id = String(row.id);
    return { id, raw: row.raw, cats: row.cats.map(([top, sub]) => `${top}.${sub}`), split: splitOf(id) };
  });
}

/** Enron genres that are not personal mail: news articles, press releases, newsletters. */
export const ENRON_BROADCAST = ['2.4', '2.7', '2.10'];
export const ENRON_LOGISTICS = '1.4';
