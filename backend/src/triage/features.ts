/**
 * Feature extraction shared by training (backend/scripts/train-triage.ts) and inference, so the two can
 * never disagree. Features are names hashed into a fixed number of buckets (the "hashing trick").
 *
 * Every extractor writes into a `FeatureSink`. Two sinks exist: `NameSink` collects the feature names
 * (training, explanations, tests) and `HashSink` collects only their FNV-1a hashes, computed straight
 * from the characters of the text without building a string per feature (inference: this is the hot
 * path of the local engine). Both give the same hashes; a property test checks it.
 */
import type { NormalisedMessage } from '../mail/types.ts';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnvString(state: number, text: string): number {
  let hash = state;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash;
}

/** FNV-1a, 32 bit. */
export function hashFeature(feature: string): number {
  return fnvString(FNV_OFFSET, feature) >>> 0;
}

// ---------------------------------------------------------------------------------------------------
// Tokens. A token is /[\p{L}\p{N}][\p{L}\p{N}'’]*|[?!$€£%]/u, lower-cased, ASCII digits → "0", ’ → '.

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’]*|[?!$€£%]/gu;
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

/** Lower-cased words; digits collapsed so "10:30" and "11:15" look alike; "?", "!", "$" kept as tokens. */
export function tokenize(text: string, maxTokens = 400): string[] {
  const tokens: string[] = [];
  WORD.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = WORD.exec(text)) !== null && tokens.length < maxTokens) {
    tokens.push(normaliseToken(match[0]));
  }
  return tokens;
}

function normaliseToken(token: string): string {
  return token.toLowerCase().replace(/\d/g, '0').replace(/’/g, "'");
}

/** Character classes of BMP code units: 0 unknown yet, 1 letter/number, 2 symbol token, 3 apostrophe, 4 other. */
const CHAR_CLASS = new Uint8Array(65536);
const ASTRAL_WORD = new Map<number, boolean>();
const WORD_CHAR = 1,
  SYMBOL = 2,
  APOSTROPHE = 3,
  OTHER = 4;

function classOf(code: number): number {
  let c = CHAR_CLASS[code]!;
  if (c === 0) {
    const char = String.fromCharCode(code);
    if ('?!$€£%'.includes(char)) c = SYMBOL;
    else if (char === "'" || char === '’') c = APOSTROPHE;
    else if (code >= 0xd800 && code <= 0xdfff)
      c = OTHER; // surrogates: handled as pairs by the scanner
    else c = LETTER_OR_NUMBER.test(char) ? WORD_CHAR : OTHER;
    CHAR_CLASS[code] = c;
  }
  return c;
}

/** Whether the (possibly astral) code point at `i` is a letter or number; returns its length in code units, or 0. */
function wordCharAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code < 0xd800 || code > 0xdbff) return classOf(code) === WORD_CHAR ? 1 : 0;
  const low = text.charCodeAt(i + 1);
  if (!(low >= 0xdc00 && low <= 0xdfff)) return 0;
  const point = (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  let isWord = ASTRAL_WORD.get(point);
  if (isWord === undefined) {
    isWord = LETTER_OR_NUMBER.test(String.fromCodePoint(point));
    ASTRAL_WORD.set(point, isWord);
  }
  return isWord ? 2 : 0;
}

// ---------------------------------------------------------------------------------------------------
// Sinks.

export interface FeatureSink {
  /** One feature by name. */
  add(feature: string): void;
  /** Word unigrams (and bigrams, with sentence boundary markers) of `text` under a prefix. */
  words(text: string, prefix: string, maxTokens: number, bigrams: boolean): void;
}

/** Collects feature names, in order, with repeats (a model counts each distinct feature once). */
export class NameSink implements FeatureSink {
  readonly names: string[] = [];
  add(feature: string): void {
    this.names.push(feature);
  }
  words(text: string, prefix: string, maxTokens: number, bigrams: boolean): void {
    const tokens = tokenize(text, maxTokens);
    let previous = '<s>';
    for (const token of tokens) {
      this.names.push(prefix + token);
      if (bigrams) this.names.push(`${prefix}${previous}_${token}`);
      previous = token;
    }
    if (bigrams && tokens.length > 0) this.names.push(`${prefix}${previous}_</s>`);
  }
}

const UNDERSCORE = 95;

/**
 * Collects the distinct hashes of the features added, in first-seen order, without building feature
 * strings. Reusable: `reset()` between messages.
 */
export class HashSink implements FeatureSink {
  hashes = new Uint32Array(2048);
  length = 0;
  /** Open addressing, two words a slot (generation stamp, hash) so that a probe touches one cache line. */
  private table = new Uint32Array(2 * 4096);
  private mask = 4096 - 1;
  private generation = 1;

  reset(): this {
    this.length = 0;
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.table.fill(0);
      this.generation = 1;
    }
    return this;
  }

  /** Adds a hash unless already present (a feature counts once, however often it appears). */
  addHash(hash: number): void {
    const h = hash >>> 0;
    const table = this.table;
    const mask = this.mask;
    const generation = this.generation;
    // Fibonacci hashing spreads FNV values over the table.
    let slot = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
    while (table[2 * slot] === generation) {
      if (table[2 * slot + 1] === h) return;
      slot = (slot + 1) & mask;
    }
    table[2 * slot] = generation;
    table[2 * slot + 1] = h;
    if (this.length === this.hashes.length) {
      const next = new Uint32Array(this.hashes.length * 2);
      next.set(this.hashes);
      this.hashes = next;
    }
    this.hashes[this.length++] = h;
    if (this.length * 2 > this.mask + 1) this.grow();
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    this.table = new Uint32Array(2 * size);
    this.mask = size - 1;
    this.generation = 1;
    const mask = this.mask;
    for (let i = 0; i < this.length; i++) {
      const h = this.hashes[i]!;
      let slot = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
      while (this.table[2 * slot] === 1) slot = (slot + 1) & mask;
      this.table[2 * slot] = 1;
      this.table[2 * slot + 1] = h;
    }
  }

  add(feature: string): void {
    this.addHash(fnvString(FNV_OFFSET, feature));
  }

  /**
   * The tokens of `text` exactly as `tokenize` finds them, hashed while they are scanned: each token's
   * normalised characters feed its unigram hash and its bigram hash (from the previous token's state) in
   * the same loop, so no token is stored or read twice and no string is built for an ASCII word.
   */
  words(text: string, prefix: string, maxTokens: number, bigrams: boolean, record?: TokenRecord): number {
    const prefixState = prefixStateOf(prefix);
    let previousState = fnvString(prefixState, '<s>_');
    let count = 0;
    let i = 0;
    const length = text.length;
    while (i < length && count < maxTokens) {
      const code = text.charCodeAt(i);
      const cls = code < 0xd800 || code > 0xdfff ? classOf(code) : 0;
      if (cls === SYMBOL) {
        const unigram = Math.imul(prefixState ^ code, FNV_PRIME);
        if (record) record.push(unigram, i, i + 1);
        this.addHash(unigram);
        if (bigrams) {
          this.addHash(Math.imul(previousState ^ code, FNV_PRIME));
          previousState = Math.imul(unigram ^ UNDERSCORE, FNV_PRIME);
        }
        count++;
        i++;
        continue;
      }
      const first = cls === WORD_CHAR ? 1 : cls === 0 ? wordCharAt(text, i) : 0;
      if (first === 0) {
        i++;
        continue;
      }
      const start = i;
      let unigram = prefixState;
      let bigram = previousState;
      let ascii = code < 128;
      if (ascii) {
        // ASCII so far: hash as we go; a later non-ASCII character restarts the token on the slow path.
        let c = code >= 65 && code <= 90 ? code + 32 : code >= 48 && code <= 57 ? 48 : code;
        unigram = Math.imul(unigram ^ c, FNV_PRIME);
        bigram = Math.imul(bigram ^ c, FNV_PRIME);
        i++;
        while (i < length) {
          c = text.charCodeAt(i);
          if (c < 128) {
            const nextClass = CHAR_CLASS[c] || classOf(c);
            if (nextClass !== WORD_CHAR && nextClass !== APOSTROPHE) break;
            if (c >= 65 && c <= 90) c += 32;
            else if (c >= 48 && c <= 57) c = 48;
            unigram = Math.imul(unigram ^ c, FNV_PRIME);
            bigram = Math.imul(bigram ^ c, FNV_PRIME);
            i++;
          } else {
            ascii = false;
            break;
          }
        }
      } else {
        i += first;
      }
      if (!ascii) {
        // Finish finding the token's end, then hash its normalised form.
        while (i < length) {
          const next = text.charCodeAt(i);
          if (next < 0xd800 || next > 0xdfff) {
            const nextClass = classOf(next);
            if (nextClass !== WORD_CHAR && nextClass !== APOSTROPHE) break;
            i++;
          } else {
            const step = wordCharAt(text, i);
            if (step === 0) break;
            i += step;
          }
        }
        const normal = normaliseToken(text.slice(start, i));
        unigram = fnvString(prefixState, normal);
        bigram = fnvString(previousState, normal);
      }
      if (record) record.push(unigram, start, i);
      this.addHash(unigram);
      if (bigrams) {
        this.addHash(bigram);
        // The state after "<prefix><token>_" starts the next bigram.
        previousState = Math.imul(unigram ^ UNDERSCORE, FNV_PRIME);
      }
      count++;
    }
    if (bigrams && count > 0) this.addHash(fnvString(previousState, '</s>'));
    return count;
  }
}

/** Tokens seen by a `HashSink.words` call, to be reused: unigram hash, start and end, three numbers each. */
export class TokenRecord {
  values = new Int32Array(3 * 512);
  length = 0;
  /** The text, the prefix and the token limit of the call that filled it. */
  text = '';
  prefix = '';
  maxTokens = 0;

  reset(text: string, prefix: string, maxTokens: number): this {
    this.length = 0;
    this.text = text;
    this.prefix = prefix;
    this.maxTokens = maxTokens;
    return this;
  }

  push(hash: number, start: number, end: number): void {
    if (this.length + 3 > this.values.length) {
      const next = new Int32Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = hash;
    this.values[this.length++] = start;
    this.values[this.length++] = end;
  }

  get tokens(): number {
    return this.length / 3;
  }
}

const prefixStates = new Map<string, number>();

/** The FNV state after a feature prefix ("w:", "s:"), computed once per prefix. */
function prefixStateOf(prefix: string): number {
  let state = prefixStates.get(prefix);
  if (state === undefined) {
    state = fnvString(FNV_OFFSET, prefix);
    prefixStates.set(prefix, state);
  }
  return state;
}

/** Word unigrams and bigrams (with sentence boundary markers) under a prefix, as names. */
export function wordFeatures(text: string, prefix: string, out: string[], maxTokens = 400): void {
  const sink = new NameSink();
  sink.words(text, prefix, maxTokens, true);
  out.push(...sink.names);
}

// ---------------------------------------------------------------------------------------------------
// Cues.

const WEEKDAY = /\b(mon|tue|wed|thu|fri|sat|sun)(day|s|\.|\b)|\b(tomorrow|tonight|next week|this week|today)\b/i;
const CLOCK = /\b\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b/i;
const DEADLINE =
  /\b(by|before|until|no later than|due)\s+(mon|tue|wed|thu|fri|sat|sun|tomorrow|tonight|today|eod|end of|the end|noon|\d)/i;

/** A bucketed count: "3" → "2-3", so that the model sees order of magnitude, not exact values. */
function bucket(count: number): string {
  if (count === 0) return '0';
  if (count === 1) return '1';
  if (count <= 3) return '2-3';
  if (count <= 10) return '4-10';
  if (count <= 30) return '11-30';
  return '31+';
}

const SUBJECT_RE = /^\s*(re|aw|sv|antw)\s*:/i;
const SUBJECT_FWD = /^\s*(fw|fwd|wg)\s*:/i;
const UNSUBSCRIBE_TEXT = /\bunsubscribe\b|opt[- ]?out|email preferences|manage (your )?subscription/i;
const NOT_LETTERS = /[^\p{L}]/gu;

/** Features from headers and structure (never from sender identity, which would not generalise). */
export function headerFeatures(
  msg: NormalisedMessage,
  out: FeatureSink,
  { recipients = true }: { recipients?: boolean } = {},
): void {
  const s = msg.signals;
  if (s.listUnsubscribe) out.add('h:list-unsubscribe');
  if (s.listId) out.add('h:list-id');
  if (s.precedence) out.add(`h:precedence=${s.precedence}`);
  if (s.autoSubmitted) out.add('h:auto-submitted');
  if (s.bulkMailer) {
    out.add('h:bulk-mailer');
    out.add(`h:mailer=${s.bulkMailer}`);
  }
  if (s.noReplySender) out.add('h:no-reply');
  if (s.replyToDiffers) out.add('h:reply-to-differs');
  if (s.inReplyTo || s.references.length > 0) out.add('h:is-reply');
  if (SUBJECT_RE.test(msg.subject)) out.add('h:subject-re');
  if (SUBJECT_FWD.test(msg.subject)) out.add('h:subject-fwd');
  if (msg.html !== undefined) out.add('h:html');
  if (msg.html !== undefined && !msg.headers['content-type']?.includes('alternative') && msg.text.length > 0)
    out.add('h:has-html-body');
  out.add(`h:links=${bucket(msg.linkCount ?? 0)}`);
  out.add(`h:images=${bucket(msg.imageCount ?? 0)}`);
  if (recipients) {
    out.add(`h:to=${bucket(msg.to.length)}`);
    out.add(`h:cc=${bucket(msg.cc.length)}`);
    if (msg.to.length === 0) out.add('h:no-to');
  }
  if (msg.quoted) out.add('h:has-quote');
  if (!msg.newText.trim()) out.add('h:no-new-text');
  const subjectLetters = msg.subject.replace(NOT_LETTERS, '');
  if (subjectLetters.length >= 8 && subjectLetters === subjectLetters.toUpperCase()) out.add('h:subject-caps');
  if (/[!$%]/.test(msg.subject)) out.add('h:subject-punct');
  if (UNSUBSCRIBE_TEXT.test(msg.text.length > 3000 ? msg.text.slice(-3000) : msg.text)) out.add('h:unsubscribe-text');
  out.add(`h:newtext-len=${bucket(Math.round(msg.newText.length / 200))}`);
}

/** Cues about times and deadlines, shared by the request and meeting models. */
export function timeCueFeatures(text: string, out: FeatureSink): void {
  if (WEEKDAY.test(text)) out.add('t:weekday');
  if (CLOCK.test(text)) out.add('t:clock');
  if (DEADLINE.test(text)) out.add('t:deadline');
  if (text.includes('?')) out.add('t:question');
}

export function hasDeadline(text: string): boolean {
  return DEADLINE.test(text);
}

/** Classes of BMP code units for splitSentences: 0 unknown yet, 1 whitespace (`\s`), 2 upper-case letter (`\p{Lu}`), 3 other. */
const SENTENCE_CLASS = new Uint8Array(65536);
const SPACE = 1,
  UPPER = 2;
const WHITESPACE = /^\s$/;
const UPPER_CASE = /^\p{Lu}$/u;

function sentenceClassOf(code: number): number {
  let c = SENTENCE_CLASS[code]!;
  if (c === 0) {
    const char = String.fromCharCode(code);
    c = WHITESPACE.test(char) ? SPACE : UPPER_CASE.test(char) ? UPPER : 3;
    SENTENCE_CLASS[code] = c;
  }
  return c;
}

function isSpace(code: number): boolean {
  return code === 32 || (code < 128 ? code >= 9 && code <= 13 : sentenceClassOf(code) === SPACE);
}

/** Whether a sentence may start at `i`: an upper-case letter (astral ones too), an ASCII digit, `"` or `(`. */
function startsSentence(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if ((code >= 48 && code <= 57) || code === 34 || code === 40) return true;
  if (code >= 0xd800 && code <= 0xdbff) {
    const point = text.codePointAt(i)!;
    return point > 0xffff && UPPER_CASE.test(String.fromCodePoint(point));
  }
  return sentenceClassOf(code) === UPPER;
}

const SPACES = /\s+/g;

/**
 * Sentences of a text: split on end punctuation and blank lines; bullet lines count as sentences.
 * Paragraphs are found one at a time, so a long text is not split further than `maxSentences` needs.
 *
 * Defined by regular expressions (a paragraph ends at `/\n\s*\n|\n(?=\s*[-*•]\s)/`; its whitespace runs
 * become one space, it is trimmed and split at `/(?<=[.!?])\s+(?=[\p{Lu}\d"(])/u`; each piece, trimmed, is
 * a sentence when 2 characters or longer, cut at 400), but computed in one scan of the characters that
 * builds only the sentences: every reader of a message's sentences calls it (a test checks the two agree).
 */
export function splitSentences(text: string, maxSentences = 40): string[] {
  const sentences: string[] = [];
  const length = text.length;
  let start = 0;
  while (start < length) {
    // The paragraph's end (`end`) and where the next one starts (`next`).
    let end = length;
    let next = length;
    for (let i = text.indexOf('\n', start); i !== -1; i = text.indexOf('\n', i + 1)) {
      let j = i + 1;
      let lastBreak = -1;
      while (j < length && isSpace(text.charCodeAt(j))) {
        if (text.charCodeAt(j) === 10) lastBreak = j;
        j++;
      }
      if (lastBreak !== -1) {
        end = i;
        next = lastBreak + 1;
        break;
      }
      const bullet = text.charCodeAt(j);
      if ((bullet === 45 || bullet === 42 || bullet === 0x2022) && j + 1 < length && isSpace(text.charCodeAt(j + 1))) {
        end = i;
        next = i + 1;
        break;
      }
    }
    if (addSentences(text, start, end, sentences, maxSentences)) return sentences;
    start = next;
    if (end === length) break;
  }
  return sentences;
}

/** The sentences of the paragraph text[from, to) into `out`; true once `out` holds `max`. */
function addSentences(text: string, from: number, to: number, out: string[], max: number): boolean {
  let i = from;
  while (i < to && isSpace(text.charCodeAt(i))) i++;
  let pieceStart = i;
  /** Whether the piece has whitespace other than single spaces (then it is collapsed). */
  let irregular = false;
  while (i < to) {
    const code = text.charCodeAt(i);
    if (!isSpace(code)) {
      i++;
      continue;
    }
    const runStart = i;
    i++;
    while (i < to && isSpace(text.charCodeAt(i))) i++;
    if (i === to) break; // trailing whitespace
    const before = text.charCodeAt(runStart - 1);
    if ((before === 46 || before === 33 || before === 63) && startsSentence(text, i)) {
      if (pushSentence(text, pieceStart, runStart, irregular, out) && out.length >= max) return true;
      pieceStart = i;
      irregular = false;
    } else if (code !== 32 || i - runStart > 1) irregular = true;
  }
  let pieceEnd = i;
  while (pieceEnd > pieceStart && isSpace(text.charCodeAt(pieceEnd - 1))) pieceEnd--;
  if (pieceEnd > pieceStart && pushSentence(text, pieceStart, pieceEnd, irregular, out) && out.length >= max)
    return true;
  return false;
}

function pushSentence(text: string, from: number, to: number, irregular: boolean, out: string[]): boolean {
  let sentence = text.slice(from, to);
  if (irregular) sentence = sentence.replace(SPACES, ' ');
  if (sentence.length < 2) return false;
  out.push(sentence.length > 400 ? sentence.slice(0, 400) : sentence);
  return true;
}

/**
 * The text with every line break that a writer made on purpose turned into a paragraph break, for
 * quoting: a notification's heading ("… mentioned you in a comment in the following document", "Q3 plan")
 * is not part of the question on the next line. A break is a wrap, not on purpose, when the next line
 * goes on in lower case or its first word would not have fit on the line within the paragraph's longest
 * line (what a greedy wrapper does).
 */
export function separateLines(text: string): string {
  return text
    .split(PARAGRAPH_LINES)
    .map((paragraph) => {
      const lines = paragraph.split('\n');
      if (lines.length < 2) return paragraph;
      const longest = longestLine(lines);
      let out = lines[0] ?? '';
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i] ?? '';
        out += brokenOnPurpose(lines[i - 1] ?? '', line, longest) ? `\n\n${line}` : `\n${line}`;
      }
      return out;
    })
    .join('\n\n');
}

/**
 * Whether separateLines(text) turns any line break into a paragraph break. When it does not, it changes
 * only the blank lines between paragraphs, and the text has the same sentences (splitSentences) as before.
 */
export function separatesLines(text: string): boolean {
  if (!text.includes('\n')) return false;
  for (const paragraph of text.split(PARAGRAPH_LINES)) {
    if (!paragraph.includes('\n')) continue;
    const lines = paragraph.split('\n');
    const longest = longestLine(lines);
    for (let i = 1; i < lines.length; i++)
      if (brokenOnPurpose(lines[i - 1] ?? '', lines[i] ?? '', longest)) return true;
  }
  return false;
}

const PARAGRAPH_LINES = /\n[ \t]*\n/;

function longestLine(lines: readonly string[]): number {
  let longest = 0;
  for (const line of lines) longest = Math.max(longest, line.trimEnd().length);
  return longest;
}

/** Whether the break between two lines of a paragraph was made on purpose (see separateLines). */
function brokenOnPurpose(previousLine: string, line: string, longest: number): boolean {
  const previous = previousLine.trimEnd();
  const next = line.trimStart();
  if (!previous.trim() || !next) return false;
  const firstWord = /^\S*/.exec(next)?.[0] ?? '';
  return !(/^\p{Ll}/u.test(next) || previous.length + 1 + firstWord.length > longest);
}

/** The text a message-level model reads: subject and what the sender wrote now (bounded). */
export function messageText(msg: NormalisedMessage, maxChars = 4000): string {
  const body = msg.newText.trim() ? msg.newText : msg.text;
  return `${msg.subject}\n${body.slice(0, maxChars)}`;
}

// ---------------------------------------------------------------------------------------------------
// The three models' inputs. Each has a sink form (`extract…`) and a names form for training.

/** Features of one sentence for the request ("asks the reader to do something") model. */
export function extractSentence(sentence: string, out: FeatureSink): void {
  // Word n-grams alone beat word + character n-grams in 5-fold cross-validation on the training rows.
  out.words(sentence, 'w:', 80, true);
  timeCueFeatures(sentence, out);
}

/**
 * The marketing model's input. With a HashSink and a `record`, the body's tokens are also kept, so that the
 * meeting model's input (extractMeeting) need not scan the same text again.
 */
export function extractMarketing(msg: NormalisedMessage, out: FeatureSink, record?: TokenRecord): void {
  out.words(msg.subject, 's:', 30, true);
  if (record && out instanceof HashSink)
    out.words(msg.text.slice(0, 4000), 'w:', 500, true, record.reset(msg.text, 'w:', 500));
  else out.words(msg.text.slice(0, 4000), 'w:', 500, true);
  headerFeatures(msg, out);
}

// Meeting and logistics cues (Enron 1.4: meeting scheduling, calls, travel, rooms, technical support).
const SCHEDULING =
  /\b(meet|meeting|meetings|call|calls|conference|schedule|scheduled|reschedule|calendar|available|availability|lunch|dinner|breakfast|appointment|agenda|attend|invite|invitation|room|office|flight|hotel|travel|trip|visit|session|dial|rsvp)\b/gi;
const CLOCK_ALL = /\b\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b/gi;
const DATE_ALL =
  /\b\d{1,2}\/\d{1,2}(\/\d{2,4})?\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(st|nd|rd|th)?\b|\b\d{1,2}(st|nd|rd|th)\b/gi;
const DAY_ALL =
  /\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(tomorrow|tonight|today|next week|this week|this afternoon|this morning)\b/gi;
const PHONE_ALL = /\b(\(?\d{3}\)?[-. ]?)?\d{3}[-.]\d{4}\b|\bx\d{3,5}\b/gi;
const ROOM_ALL = /\b(room|rm|suite|floor|eb|ebs)\s*#?\d+[a-z]?\b|\b\d{1,2}[a-z]{1,2}\d{0,2}\b/gi;
const ASK = /\b(can|could|would|will|are|is)\s+(you|we|everyone)\b/i;
/**
 * A superset of what SCHEDULING and DAY_ALL can find in a sentence of a text without digits: the words
 * without their closing \b (a sentence is cut at 400 characters, which can end a word early) and the
 * two-word days across any whitespace (a sentence's whitespace is collapsed).
 */
const MAYBE_TIME_OR_SCHEDULING =
  /\b(meet|call|conference|schedul|reschedul|calendar|availab|lunch|dinner|breakfast|appointment|agenda|attend|invit|room|office|flight|hotel|travel|trip|visit|session|dial|rsvp|(mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|tonight|today|next\s+week|this\s+(week|afternoon|morning))/i;

function countOf(pattern: RegExp, text: string, max = 50): number {
  pattern.lastIndex = 0;
  let count = 0;
  while (count < max && pattern.exec(text) !== null) count++;
  pattern.lastIndex = 0;
  return count;
}

function hasMatch(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}

const DIGIT = /\d/;

/** A clock time, a day or a date (CLOCK_ALL, DAY_ALL, DATE_ALL). */
function hasTime(text: string): boolean {
  return hasMatch(DAY_ALL, text) || (DIGIT.test(text) && (hasMatch(CLOCK_ALL, text) || hasMatch(DATE_ALL, text)));
}

/** How strongly the request model thinks the message asks something, bucketed. */
export function requestLevel(probability: number): string {
  return probability >= 0.8 ? 'high' : probability >= 0.5 ? 'mid' : 'low';
}

/**
 * The meeting/logistics model reads subject bigrams, body unigrams (bigrams overfit the ~750 Enron rows
 * in cross-validation), time and header cues, counts of scheduling words, times, dates, phone numbers
 * and rooms, sentence-level co-occurrence of a question or an ask with a time or a scheduling word,
 * and the request model's verdict (`requestProbability`, from the request model).
 */
export function extractMeeting(
  msg: NormalisedMessage,
  requestProbability: number,
  out: FeatureSink,
  record?: TokenRecord,
): void {
  const text = messageText(msg, 3000);
  out.words(msg.subject, 's:', 30, true);
  if (!(record && out instanceof HashSink && meetingWordsFromRecord(msg, out, record)))
    out.words(text, 'w:', 400, false);
  timeCueFeatures(text, out);
  // Recipient counts only for messages with a sender: in Enron, entries without recipients are mostly
  // calendar notes; a bare text given to the API or CLI (no headers at all) must not look like one.
  headerFeatures(msg, out, { recipients: msg.from !== undefined });
  // Every alternative of CLOCK_ALL, DATE_ALL, PHONE_ALL and ROOM_ALL needs an ASCII digit: without one
  // they are not run at all.
  const digits = DIGIT.test(text);
  out.add(`m:sched=${bucket(countOf(SCHEDULING, text))}`);
  out.add(`m:clock=${bucket(digits ? countOf(CLOCK_ALL, text) : 0)}`);
  out.add(`m:date=${bucket(digits ? countOf(DATE_ALL, text) : 0)}`);
  out.add(`m:day=${bucket(countOf(DAY_ALL, text))}`);
  out.add(`m:phone=${bucket(digits ? countOf(PHONE_ALL, text) : 0)}`);
  out.add(`m:room=${bucket(digits ? countOf(ROOM_ALL, text) : 0)}`);
  if (hasMatch(SCHEDULING, msg.subject)) out.add('m:subj-sched');
  if (hasTime(msg.subject)) out.add('m:subj-time');
  // Sentence-level co-occurrence. Skipped when no sentence can have a time or a scheduling word (no digit,
  // and not even a prefix of such a word in the whole text); ends once all four cues are in.
  if (digits || MAYBE_TIME_OR_SCHEDULING.test(text)) {
    const found = new Set<string>();
    for (const sentence of splitSentences(text, 30)) {
      const time = hasTime(sentence);
      const scheduling = hasMatch(SCHEDULING, sentence);
      if (!time && !scheduling) continue;
      const question = sentence.includes('?');
      if (time && question) found.add('m:question+time');
      if (scheduling && question) found.add('m:question+sched');
      if (time && scheduling) found.add('m:sched+time');
      if (ASK.test(sentence)) found.add('m:ask+time');
      if (found.size === 4) break;
    }
    for (const cue of found) out.add(cue);
  }
  out.add(`m:req=${requestLevel(requestProbability)}`);
}

/**
 * `out.words(messageText(msg, 3000), 'w:', 400, false)` from the tokens extractMarketing recorded for the
 * same text: the subject's tokens, then those of the body (a prefix of the text) up to 3,000 characters,
 * a token that the cut at 3,000 shortens hashed as shortened, 400 tokens in all. False, with nothing
 * added, when the record does not cover the case (then the text is scanned as usual).
 */
function meetingWordsFromRecord(msg: NormalisedMessage, out: HashSink, record: TokenRecord): boolean {
  const body = msg.newText.trim() ? msg.newText : msg.text;
  if (record.text !== msg.text || record.prefix !== 'w:' || !(body === msg.text || msg.text.startsWith(body)))
    return false;
  const end = Math.min(body.length, 3000);
  const allowed = 400 - out.words(msg.subject, 'w:', 400, false);
  const values = record.values;
  const tokens = record.tokens;
  let taken = 0;
  let k = 0;
  for (; k < tokens && taken < allowed; k++) {
    const start = values[3 * k + 1]!;
    const stop = values[3 * k + 2]!;
    if (start >= end) return true;
    if (stop > end) {
      out.words(msg.text.slice(start, end), 'w:', 1, false);
      return true;
    }
    out.addHash(values[3 * k]!);
    taken++;
  }
  if (taken < allowed && k === tokens && tokens >= record.maxTokens) {
    // The record stopped at its own token limit before the body's end: scan on from its last token.
    const from = tokens > 0 ? values[3 * (tokens - 1) + 2]! : 0;
    if (from < end) out.words(msg.text.slice(from, end), 'w:', allowed - taken, false);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// The reply score's speech-act cues (local.ts): what the text does to the reader, not which words of one
// company it uses, so that they mean the same in every corpus.

const YOU_ALL = /\b(you|your|yours|yourself|u)\b/gi;
const MODAL_REQUEST =
  /\b(can|could|would|will|wo?uld|won't|can't|couldn't) (you|u)\b|\bwould you (mind|be able)\b|\bare you (able|willing)\b/i;
const LET_ME_KNOW =
  /\blet (me|us) know\b|\bget back to (me|us)\b|\b(your|any) (thoughts|comments|feedback|input|approval|opinion|views|answer|response)\b|\bplease (advise|confirm|respond|reply)\b/i;
const QUESTION_TO_YOU = /\b(you|your|u)\b[^.?!\n]{0,120}\?/i;
const FYI_TEXT =
  /\bfyi\b|\bfor your information\b|\bno (action|reply|response) (is )?(needed|required|necessary)\b|\bjust (wanted )?to let you know\b|\bfor those (of you )?(who|that)\b/i;

/**
 * A question put to whoever reads, the way a list member asks for help: "has anyone seen this?", "any
 * ideas?", "is there a way to…?", "how do I…?", or "any help would be appreciated". Matched within one
 * sentence (no end punctuation between the words and the question mark).
 */
const ASK_ANYONE =
  /\b(anyone|anybody|someone|somebody|any ?one|any (help|ideas?|suggestions?|pointers?|advice|hints?|tips?|thoughts)|is there (a|any) (way|chance)|how (do|can|should|would) (i|we)|what('s| is) the (best|easiest|right) way)\b[^.?!]{0,150}\?|\bany (help|ideas?|suggestions?|pointers?|advice|hints?|tips?)\b[^.?!]{0,60}\b(appreciated|welcome)\b/i;
/** An event announced to its audience: "will be held", "is scheduled for", "mark your calendar", "RSVP", "register". */
const EVENT_ANNOUNCEMENT =
  /\bwill be held\b|\bis scheduled for\b|\bwill take place\b|\bmark your calendars?\b|\bregister\b|\brsvp\b|\bseating is limited\b|\bopen to all\b/i;

export interface ReplyCues {
  /** A modal request to the reader: "could you", "would you mind", "are you able". */
  modal: boolean;
  /** Asks for an answer in so many words: "let me know", "get back to me", "your thoughts", "please advise". */
  letMeKnow: boolean;
  /** A question with "you" in it. */
  questionToYou: boolean;
  /** Any question at all in the writer's text ("How do we make that happen?"). */
  question: boolean;
  /** A question to whoever reads, asking for help: "has anyone seen this?", "any ideas?", "how do I…?". */
  askAnyone: boolean;
  /** Announces an event to its audience: "will be held", "is scheduled for", "RSVP", "register". */
  event: boolean;
  /**
   * Says it asks nothing: "FYI", "for your information", "no action needed", "just to let you know" (not
   * "for your records": "please keep this for your records" asks something).
   */
  fyi: boolean;
  /** "you" / "your" eleven times or more: a mass mailing's way of talking to everyone. */
  youMany: boolean;
  /** The part read is long (about 2,600 characters or more): digests, reports, articles. */
  long: boolean;
  /** A reply in a thread (In-Reply-To, References or "Re:"). */
  reply: boolean;
}

/**
 * Speech-act cues of the text the request model read (the new text, quotes removed), for the reply
 * score: cheap pattern tests on at most 3,000 characters.
 */
export function replyCues(msg: NormalisedMessage, readText: string): ReplyCues {
  const text = readText.length > 3000 ? readText.slice(0, 3000) : readText;
  const s = msg.signals;
  const question = text.includes('?');
  return {
    modal: MODAL_REQUEST.test(text),
    letMeKnow: LET_ME_KNOW.test(text),
    questionToYou: question && QUESTION_TO_YOU.test(text),
    question,
    askAnyone: (question || text.includes('ppreciat') || text.includes('elcome')) && ASK_ANYONE.test(text),
    event: EVENT_ANNOUNCEMENT.test(text),
    fyi: FYI_TEXT.test(text),
    youMany: countOf(YOU_ALL, text, 11) >= 11,
    long: readText.length >= 2625,
    reply: Boolean(s.inReplyTo) || s.references.length > 0 || SUBJECT_RE.test(msg.subject),
  };
}

// ---------------------------------------------------------------------------------------------------
// Asks to meet that the narrow meetingRequest of the guideline names (asks to meet, call or pick a
// time), read one sentence at a time by the local engine besides its model and the scheduling module's
// strong asks. Each was kept on leave-one-corpus-out precision and recall (docs/triage.md).

/** Asks for a conversation in so many words: "discuss this with you", "when you get a minute", a conference call. */
const MEETING_WORDS =
  /\b(discuss|talk (about|through)|go over|walk through|review) [^.?!]{0,60}\bwith you\b|\b(when|once) you (get|have) a (second|minute|moment|chance)\b|\b(want|like|wish|willing|happy) to meet\b|\b(conference call|conf\.? call|call-in|dial-in|teleconference)\b/i;
/** Asks that are about meeting only when the same sentence gives a time: "get together Tuesday", "how does Friday sound". */
const MEETING_WORDS_WITH_TIME =
  /\b(get together|sit down with|meet with|meet you|meet up|get with you|visit with you)\b|\bhow (does|do|would|is|about) [^.?!]{0,80}(sound|look|work)\b|\b(plan (on|to) attend(ing)?|please (attend|join)|join (us|me)|you are invited|invite you|hope (to see you|you can (come|join|make it)))\b/i;

/** Whether a sentence asks to meet, talk or join a call (not whether it is an offer: the caller checks). */
export function meetingCue(sentence: string): boolean {
  return MEETING_WORDS.test(sentence) || (MEETING_WORDS_WITH_TIME.test(sentence) && hasTime(sentence));
}

/** Whether any of the words a meeting cue needs is in the text: most texts need no sentence split. */
export function mayHaveMeetingCue(text: string): boolean {
  return MAYBE_MEETING_CUE.test(text);
}
const MAYBE_MEETING_CUE =
  /\b(with you|you (get|have) a|to meet|conference|conf|call-in|dial-in|teleconference|get together|sit down|meet|get with|visit with|how (does|do|would|is|about)|attend|please join|join (us|me)|invite|hope)/i;

function names(extract: (sink: NameSink) => void): string[] {
  const sink = new NameSink();
  extract(sink);
  return sink.names;
}

export function sentenceFeatures(sentence: string): string[] {
  return names((sink) => extractSentence(sentence, sink));
}

export function marketingFeatures(msg: NormalisedMessage): string[] {
  return names((sink) => extractMarketing(msg, sink));
}

export function meetingFeatures(msg: NormalisedMessage, requestProbability: number): string[] {
  return names((sink) => extractMeeting(msg, requestProbability, sink));
}
