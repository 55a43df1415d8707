/**
 * The per-user model: one-click corrections remembered as small feature sets. A new message that looks
 * enough like a corrected one (same kind of sender, same template words) takes the corrected category.
 * JSON-serialisable and bounded: at most MAX_EXAMPLES corrections of at most MAX_FEATURES numbers each.
 */
import type { CategoryId } from '@steward/shared';
import { isCategoryId } from '@steward/shared';
import { domainOf } from '../mail/addresses.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import { hashFeature, tokenize } from './features.ts';

export interface PersonalExample {
  /** Hashed features of the corrected message, sorted ascending. */
  f: number[];
  c: CategoryId;
}

export interface PersonalModel {
  version: 1;
  examples: PersonalExample[];
}

export const MAX_EXAMPLES = 200;
export const MAX_FEATURES = 48;
/** Jaccard similarity from which a correction applies to a new message. */
export const SIMILARITY_THRESHOLD = 0.45;

const STOP_WORDS = new Set([
  'the',
  'a',
  'an',
  'and',
  'or',
  'to',
  'of',
  'in',
  'on',
  'for',
  'is',
  'are',
  'be',
  'it',
  'this',
  'that',
  'you',
  'your',
  'we',
  'i',
  'at',
  'with',
  'from',
  'by',
  'as',
  'have',
  'has',
  'was',
  'will',
  'if',
  'can',
  'our',
  'me',
  'my',
  'hi',
  'hello',
  'dear',
  're',
  'fw',
  'fwd',
  '0',
  '00',
  '000',
]);

/** What identifies "messages like this one": the sender's domain, template words of subject and body, header shape. */
export function personalFeatures(msg: NormalisedMessage): number[] {
  const features = new Set<string>();
  const domain = domainOf(msg.from?.address ?? '');
  if (domain) {
    features.add(`d:${domain}`);
    features.add(`d2:${domain.split('.').slice(-2).join('.')}`);
  }
  if (msg.signals.listId) features.add(`l:${msg.signals.listId.toLowerCase()}`);
  if (msg.signals.listUnsubscribe) features.add('h:unsub');
  if (msg.signals.bulkMailer) features.add(`h:${msg.signals.bulkMailer}`);
  for (const token of tokenize(msg.subject, 30)) if (!STOP_WORDS.has(token)) features.add(`s:${token}`);
  for (const token of tokenize(msg.newText || msg.text, 200)) {
    if (features.size >= MAX_FEATURES) break;
    if (!STOP_WORDS.has(token) && token.length > 2) features.add(`w:${token}`);
  }
  return [...new Set([...features].slice(0, MAX_FEATURES).map(hashFeature))].sort((a, b) => a - b);
}

function jaccard(a: readonly number[], b: readonly number[]): number {
  let i = 0,
    j = 0,
    shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  const union = a.length + b.length - shared;
  return union === 0 ? 0 : shared / union;
}

/** Remembers that `msg` belongs in `category`. Returns a new model; the input is not changed. */
export function learnCorrection(
  personal: PersonalModel | undefined,
  msg: NormalisedMessage,
  category: CategoryId,
): PersonalModel {
  const features = personalFeatures(msg);
  // A correction of (almost) the same message replaces the earlier one instead of piling up.
  const kept = (personal?.examples ?? []).filter((e) => jaccard(e.f, features) < 0.9);
  const examples = [...kept, { f: features, c: category }].slice(-MAX_EXAMPLES);
  return { version: 1, examples };
}

export interface PersonalMatch {
  category: CategoryId;
  similarity: number;
}

/** The corrected category of the most similar remembered messages, when similar enough. */
export function personalCategory(
  personal: PersonalModel | undefined,
  msg: NormalisedMessage,
): PersonalMatch | undefined {
  if (!personal || !Array.isArray(personal.examples) || personal.examples.length === 0) return undefined;
  const features = personalFeatures(msg);
  const votes = new Map<CategoryId, number>();
  let best: PersonalMatch | undefined;
  for (const example of personal.examples) {
    if (!isCategoryId(example.c) || !Array.isArray(example.f)) continue;
    const similarity = jaccard(example.f, features);
    if (similarity < SIMILARITY_THRESHOLD) continue;
    votes.set(example.c, (votes.get(example.c) ?? 0) + similarity);
    if (!best || similarity > best.similarity) best = { category: example.c, similarity };
  }
  if (!best) return undefined;
  const [category] = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]!;
  return { category, similarity: best.similarity };
}
