/**
 * Feature extraction shared by training (backend/scripts/train-triage.ts) and inference, so the two can
 * never disagree. Features are strings hashed into a fixed number of buckets (the "hashing trick").
 */
import type { NormalisedMessage } from '../mail/types.ts';

/** FNV-1a, 32 bit. */
export function hashFeature(feature: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < feature.length; i++) {
    hash ^= feature.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’]*|[?!$€£%]/gu;

/** Lower-cased words; digits collapsed so "10:30" and "11:15" look alike; "?", "!", "$" kept as tokens. */
export function tokenize(text: string, maxTokens = 400): string[] {
  const tokens: string[] = [];
  WORD.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = WORD.exec(text)) !== null && tokens.length < maxTokens) {
    tokens.push(match[0].toLowerCase().replace(/\d/g, '0').replace(/’/g, "'"));
  }
  return tokens;
}

/** Word unigrams and bigrams (with sentence boundary markers) under a prefix. */
export function wordFeatures(text: string, prefix: string, out: string[], maxTokens = 400): void {
  const tokens = tokenize(text, maxTokens);
  let previous = '<s>';
  for (const token of tokens) {
    out.push(prefix + token);
    out.push(`${prefix}${previous}_${token}`);
    previous = token;
  }
  if (tokens.length > 0) out.push(`${prefix}${previous}_</s>`);
}

/** Character 3- and 4-grams inside word boundaries: robust to typos and inflection on short texts. */
export function charFeatures(text: string, prefix: string, out: string[], maxChars = 600): void {
  const padded = ` ${text.slice(0, maxChars).toLowerCase().replace(/\d/g, '0').replace(/\s+/g, ' ')} `;
  for (let n = 3; n <= 4; n++) {
    for (let i = 0; i + n <= padded.length; i++) out.push(prefix + padded.slice(i, i + n));
  }
}

const WEEKDAY = /\b(mon|tue|wed|thu|fri|sat|sun)(day|s|\.|\b)|\b(tomorrow|tonight|next week|this week|today)\b/i;
const CLOCK = /\b\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b/i;
const DEADLINE = /\b(by|before|until|no later than|due)\s+(mon|tue|wed|thu|fri|sat|sun|tomorrow|tonight|today|eod|end of|the end|noon|\d)/i;

/** A bucketed count: "3" → "2-3", so that the model sees order of magnitude, not exact values. */
function bucket(count: number): string {
  if (count === 0) return '0';
  if (count === 1) return '1';
  if (count <= 3) return '2-3';
  if (count <= 10) return '4-10';
  if (count <= 30) return '11-30';
  return '31+';
}

/** Features from headers and structure (never from sender identity, which would not generalise). */
export function headerFeatures(msg: NormalisedMessage, out: string[]): void {
  const s = msg.signals;
  if (s.listUnsubscribe) out.push('h:list-unsubscribe');
  if (s.listId) out.push('h:list-id');
  if (s.precedence) out.push(`h:precedence=${s.precedence}`);
  if (s.autoSubmitted) out.push('h:auto-submitted');
  if (s.bulkMailer) out.push('h:bulk-mailer', `h:mailer=${s.bulkMailer}`);
  if (s.noReplySender) out.push('h:no-reply');
  if (s.replyToDiffers) out.push('h:reply-to-differs');
  if (s.inReplyTo || s.references.length > 0) out.push('h:is-reply');
  if (/^\s*(re|aw|sv|antw)\s*:/i.test(msg.subject)) out.push('h:subject-re');
  if (/^\s*(fw|fwd|wg)\s*:/i.test(msg.subject)) out.push('h:subject-fwd');
  if (msg.html !== undefined) out.push('h:html');
  if (msg.html !== undefined && !msg.headers['content-type']?.includes('alternative') && msg.text.length > 0) out.push('h:has-html-body');
  out.push(`h:links=${bucket(msg.linkCount ?? 0)}`, `h:images=${bucket(msg.imageCount ?? 0)}`);
  out.push(`h:to=${bucket(msg.to.length)}`, `h:cc=${bucket(msg.cc.length)}`);
  if (msg.to.length === 0) out.push('h:no-to');
  if (msg.quoted) out.push('h:has-quote');
  if (!msg.newText.trim()) out.push('h:no-new-text');
  const subjectLetters = msg.subject.replace(/[^\p{L}]/gu, '');
  if (subjectLetters.length >= 8 && subjectLetters === subjectLetters.toUpperCase()) out.push('h:subject-caps');
  if (/[!$%]/.test(msg.subject)) out.push('h:subject-punct');
  if (/\bunsubscribe\b|opt[- ]?out|email preferences|manage (your )?subscription/i.test(msg.text.slice(-3000))) out.push('h:unsubscribe-text');
  out.push(`h:newtext-len=${bucket(Math.round(msg.newText.length / 200))}`);
}

/** Cues about times and deadlines, shared by the request and meeting models. */
export function timeCueFeatures(text: string, out: string[]): void {
  if (WEEKDAY.test(text)) out.push('t:weekday');
  if (CLOCK.test(text)) out.push('t:clock');
  if (DEADLINE.test(text)) out.push('t:deadline');
  if (text.includes('?')) out.push('t:question');
}

export function hasDeadline(text: string): boolean {
  return DEADLINE.test(text);
}

/** Sentences of a text: split on end punctuation and blank lines; bullet lines count as sentences. */
export function splitSentences(text: string, maxSentences = 40): string[] {
  const sentences: string[] = [];
  for (const paragraph of text.split(/\n\s*\n|\n(?=\s*[-*•]\s)/)) {
    const flat = paragraph.replace(/\s+/g, ' ').trim();
    if (!flat) continue;
    for (const piece of flat.split(/(?<=[.!?])\s+(?=[\p{Lu}\d"(])/u)) {
      const sentence = piece.trim();
      if (sentence.length >= 2) sentences.push(sentence.slice(0, 400));
      if (sentences.length >= maxSentences) return sentences;
    }
  }
  return sentences;
}

/** Features of one sentence for the request ("asks the reader to do something") model. */
export function sentenceFeatures(sentence: string): string[] {
  // Word n-grams alone beat word + character n-grams in 5-fold cross-validation on the training rows.
  const out: string[] = [];
  wordFeatures(sentence, 'w:', out, 80);
  timeCueFeatures(sentence, out);
  return out;
}

/** The text a message-level model reads: subject and what the sender wrote now (bounded). */
export function messageText(msg: NormalisedMessage, maxChars = 4000): string {
  const body = msg.newText.trim() ? msg.newText : msg.text;
  return `${msg.subject}\n${body.slice(0, maxChars)}`;
}

export function marketingFeatures(msg: NormalisedMessage): string[] {
  const out: string[] = [];
  wordFeatures(msg.subject, 's:', out, 30);
  wordFeatures(msg.text.slice(0, 4000), 'w:', out, 500);
  headerFeatures(msg, out);
  return out;
}

export function meetingFeatures(msg: NormalisedMessage): string[] {
  const out: string[] = [];
  const text = messageText(msg, 3000);
  wordFeatures(msg.subject, 's:', out, 30);
  wordFeatures(text, 'w:', out, 400);
  timeCueFeatures(text, out);
  headerFeatures(msg, out);
  return out;
}
