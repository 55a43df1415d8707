/**
 * The reference an expression is read against: the instant and zone, and which way the sentence around it
 * points. "Friday" in "Freeh said here Friday" is the Friday just gone (or today); in "we will meet Friday"
 * the next one. The rules are in docs/scheduling.md; every reading carries the cue that decided it.
 */
import { DateTime } from 'luxon';
import { cachedZone, isValidZone } from '../zones.ts';
import { startOf } from './calendar-math.ts';
import type { Context, ParseTimeOptions, Reading } from './types.ts';

export function makeContext(opts: ParseTimeOptions, text = ''): Context {
  let zone = opts.tz;
  let ref: DateTime;
  if (typeof opts.ref === 'string') {
    ref = DateTime.fromISO(opts.ref, { setZone: true });
    if (!ref.isValid) throw new RangeError(`invalid reference time: ${opts.ref}`);
    if (!zone) zone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(opts.ref) ? ref.zone.name : 'UTC';
  } else {
    ref = DateTime.fromJSDate(opts.ref);
    if (!ref.isValid) throw new RangeError('invalid reference time');
    zone ??= 'UTC';
  }
  if (!isValidZone(zone)) throw new RangeError(`unknown time zone: ${zone}`);
  const cached = cachedZone(zone);
  const sentences = new Map<number, Sentence>();
  let cuts: number[] | undefined;
  const local = ref.setZone(cached);
  return {
    ref: local,
    zone: cached,
    today: startOf(local, 'day'),
    read(index: number, stop: number): Reading {
      cuts ??= sentenceStarts(text);
      const bounds = sentenceAround(cuts, text.length, index);
      let sentence = sentences.get(bounds.start);
      if (!sentence) {
        sentence = analyse(text, bounds.start, bounds.end);
        sentences.set(bounds.start, sentence);
      }
      return readAt(text, sentence, index, stop);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Sentences and their cues.

/**
 * Where sentences start: after . ! ? ; followed by a space, and after a blank line. A run longer than
 * MAX_SENTENCE without either is cut at a space, so a pasted list without punctuation stays linear.
 */
const MAX_SENTENCE = 400;
function sentenceStarts(text: string): number[] {
  const cuts = [0];
  for (const m of text.matchAll(/[.!?;](?=\s)|\n[ \t]*\n/g)) {
    const at = m.index + m[0].length;
    let last = cuts[cuts.length - 1]!;
    while (at - last > MAX_SENTENCE) {
      const space = text.lastIndexOf(' ', last + MAX_SENTENCE);
      last = space > last ? space + 1 : last + MAX_SENTENCE;
      cuts.push(last);
    }
    if (at > last && at < text.length) cuts.push(at);
  }
  let last = cuts[cuts.length - 1]!;
  while (text.length - last > MAX_SENTENCE) {
    const space = text.lastIndexOf(' ', last + MAX_SENTENCE);
    last = space > last ? space + 1 : last + MAX_SENTENCE;
    cuts.push(last);
  }
  return cuts;
}

/** The sentence holding `index`, by binary search over the sentence starts. */
function sentenceAround(cuts: number[], length: number, index: number): { start: number; end: number } {
  let lo = 0;
  let hi = cuts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cuts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return { start: cuts[lo]!, end: cuts[lo + 1] ?? length };
}

type CueKind = 'past' | 'future' | 'present';

interface Cue {
  kind: CueKind;
  word: string;
  /** Token position in the sentence. */
  at: number;
  /** A trailing attribution (", a spokesman said"): used only when nothing else speaks. */
  attribution?: boolean;
  /** Speaks only for expressions after it (an infinitive: "agreed to launch on April 28"). */
  forwardOnly?: boolean;
}

interface Token {
  word: string;
  lower: string;
  index: number;
  stop: number;
}

interface Sentence {
  start: number;
  text: string;
  tokens: Token[];
  cues: Cue[];
  /** The whole sentence is an ask to meet or a question about availability. */
  ask: boolean;
  /** An imperative ("Please send it Friday", "Call me Monday"). */
  imperative: boolean;
}

/** Forms that are only ever the simple past. */
const SIMPLE_PAST = new Set(
  (
    'was were did went came began became rose fell struck saw knew grew drew threw flew broke chose froze woke wore ' +
    'tore swore bore forgot arose forgave took gave wrote spoke ran ate drank sang rang swam overtook undertook ' +
    "withdrew didn't wasn't weren't hadn't ago yesterday formerly previously"
  ).split(' '),
);
/** Irregular forms that are the past or the participle ("said", "made"), read like regular -ed verbs. */
const PAST_OR_PARTICIPLE = new Set(
  (
    'said told made got left heard found thought met spent sent brought bought caught kept held won lost paid sold ' +
    'led felt meant stood sat fought sought taught understood built dealt'
  ).split(' '),
);
/** Past forms that look like the present ("read", "put"): past only straight after a subject pronoun. */
const SAME_AS_PRESENT = new Set(['read', 'put', 'set', 'cut', 'hit', 'shut', 'quit', 'let', 'hurt', 'cost']);
/** Words ending in -ed that are not past verbs, or are too often adjectives to count. */
const NOT_PAST_ED = new Set(
  (
    'need feed seed speed bed red shed proceed exceed succeed indeed hundred embed breed bleed freed greed ' +
    'attached enclosed interested concerned based related scheduled proposed expected required needed limited ' +
    'unlimited detailed advanced supposed used planned intended prepared revised updated dedicated ' +
    'distinguished experienced qualified talented skilled fixed mixed tired pleased delighted excited ' +
    'committed involved continued united combined named owned listed priced rated estimated projected ' +
    'anticipated forecasted desired preferred confirmed'
  ).split(' '),
);
/** A word before an -ed form that makes it passive, perfect or adjectival rather than a simple past. */
const BEFORE_PARTICIPLE = new Set(
  (
    'is are am be been being will would should could can may might must get gets getting the a an this that ' +
    "these those my our your his her their its very fully well not also to it's he's she's that's there's " +
    "what's who's"
  ).split(' '),
);
const PERFECT_AUX = new Set(['has', 'have', 'had', "'ve", "i've", "we've", "you've", "they've", "hasn't", "haven't"]);

const FUTURE = new Set(
  (
    "will shall won't wouldn't gonna tomorrow upcoming scheduled planned plan plans planning intend intends intending " +
    'expect expects expected hope hopes hoping anticipate anticipates forthcoming tentatively soon ' +
    'can could may might should must would free available availability works work suits suit'
  ).split(' '),
);
/** Future only with "to" after them: "is going to", "plans to", "have to". */
const FUTURE_WITH_TO = new Set([
  'going',
  'want',
  'wants',
  'like',
  'have',
  'has',
  'due',
  'set',
  'about',
  'need',
  'needs',
]);

const PRESENT = new Set(
  (
    "is are am isn't aren't do does don't doesn't has have seems seem appears appear looks look remains remain " +
    'know knows think thinks believe believes feel feels says say sounds sound includes ' +
    'include contains contain shows show stands holds runs lists covers'
  ).split(' '),
);
const ATTRIBUTION = new Set(['said', 'says', 'told', 'added', 'noted', 'explained', 'stated', 'reported']);

/** Verbs that open an imperative sentence. */
const IMPERATIVE = new Set(
  (
    'please call send come join meet let remember note plan bring schedule give contact review attend see ' +
    "check confirm make keep book reserve hold save mark put get tell ask drop stop swing pencil let's lets"
  ).split(' '),
);

const MEETING_WORDS = /\b(?:meet|call|talk|chat|available|free|work for you|suit)\b/i;
const ASK_TO_MEET =
  /\b(?:can|could|shall|should|would|will) (?:we|you|i)\b|\b(?:are|is|would) (?:you|he|she|they) (?:be )?(?:free|available|around)\b|\bdoes .{0,40}\b(?:work|suit)\b|\bhow about\b|\bwhat about\b|\blet'?s\b|\bwhen (?:are|is|would|can)\b/i;

function analyse(text: string, start: number, end: number): Sentence {
  const slice = text.slice(start, end);
  const tokens = tokenize(slice, start);
  const cues: Cue[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const w = t.lower;
    const previous = tokens[i - 1]?.lower ?? '';
    const next = tokens[i + 1]?.lower ?? '';
    const kind = cueKind(w, previous, next);
    if (!kind) continue;
    const attribution =
      kind === 'past' &&
      ATTRIBUTION.has(w) &&
      /,\s*(?:\S+\s+){0,3}$/.test(text.slice(tokens[i - 3]?.index ?? start, t.index));
    cues.push({ kind, word: t.word, at: i, ...(attribution ? { attribution } : {}) });
  }
  // "We agreed to launch on April 28", "asked me to send it Friday": what the infinitive names comes after
  // the agreeing or asking, so a time after it is read forward whatever the tense of the verb before.
  for (let i = 1; i < tokens.length - 1; i++) {
    if (tokens[i]!.lower !== 'to' || !INFINITIVE_VERB.test(tokens[i + 1]!.word)) continue;
    const head = tokens.slice(Math.max(0, i - 3), i).some((t) => TAKES_INFINITIVE.has(t.lower));
    if (head) cues.push({ kind: 'future', word: `to ${tokens[i + 1]!.word}`, at: i, forwardOnly: true });
  }
  const first = tokens[0]?.lower ?? '';
  const question = /\?\s*$/.test(slice.trim()) && !/^(?:did|was|were|had|have|has)$/.test(first);
  return {
    start,
    text: slice,
    tokens,
    cues,
    ask: (question && (ASK_TO_MEET.test(slice) || MEETING_WORDS.test(slice))) || /\blet'?s\b/i.test(slice),
    imperative: IMPERATIVE.has(first),
  };
}

/** Words: runs of ASCII letters, with one apostrophe inside ("don't", "we’ll", read with a straight one). */
function tokenize(slice: string, start: number): Token[] {
  const tokens: Token[] = [];
  const n = slice.length;
  let i = 0;
  while (i < n) {
    if (!isLetter(slice.charCodeAt(i))) {
      i++;
      continue;
    }
    const from = i;
    while (i < n && isLetter(slice.charCodeAt(i))) i++;
    const quote = slice.charCodeAt(i);
    if ((quote === 39 || quote === 0x2019) && isLetter(slice.charCodeAt(i + 1))) {
      i += 2;
      while (i < n && isLetter(slice.charCodeAt(i))) i++;
    }
    const raw = slice.slice(from, i);
    const word = quote === 0x2019 ? raw.replace('’', "'") : raw;
    tokens.push({ word, lower: word.toLowerCase(), index: start + from, stop: start + from + word.length });
  }
  return tokens;
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** A past participle after "has/have/had": "been", "met", "closed", "taken", "done". */
const PARTICIPLE =
  /^(?:been|done|gone|made|met|seen|taken|given|got|gotten|had|sent|said|told|heard|held|left|kept|paid|sold|spent|written|spoken|begun|become|come|run|won|lost|found|thought|brought|bought|known|shown|grown|risen|fallen|[a-z]{2,}ed)$/;

function cueKind(w: string, previous: string, next: string): CueKind | null {
  if (w.endsWith("'ll")) return 'future';
  if (w.endsWith("'d"))
    return /^(?:like|love|prefer|be|want)$/.test(next) ? 'future' : PARTICIPLE.test(next) ? 'past' : null;
  if (PERFECT_AUX.has(w) || w.endsWith("'ve")) {
    if (next === 'to') return 'future';
    if (!PARTICIPLE.test(next)) return w === 'had' ? 'past' : PRESENT.has(w) ? 'present' : null;
    // "has been closed", "have met", "had warned" point back; "hope to have agreed", "will have sent" forward.
    if (previous === 'to' || previous === 'will' || previous === "'ll") return 'future';
    return MODALS.has(previous) ? null : 'past';
  }
  if (FUTURE_WITH_TO.has(w)) return next === 'to' || (w === 'like' && previous.endsWith("'d")) ? 'future' : null;
  if (w === 'would' && next === 'like') return 'future';
  if (FUTURE.has(w)) {
    if ((w === 'expected' || w === 'scheduled' || w === 'planned') && !/^(?:to|for|on|in)$/.test(next)) {
      return previous === 'was' || previous === 'were' ? 'past' : 'future';
    }
    if (MODALS.has(w) && next === 'have') return null;
    return 'future';
  }
  if (SIMPLE_PAST.has(w)) return 'past';
  if (SAME_AS_PRESENT.has(w)) return SUBJECT.test(previous) ? 'past' : null;
  const participle = PAST_OR_PARTICIPLE.has(w) || (w.length > 4 && w.endsWith('ed') && !NOT_PAST_ED.has(w));
  if (participle) {
    // "will be announced", "is scheduled", "the proposed plan", "has agreed" (the perfect speaks for itself).
    if (BEFORE_PARTICIPLE.has(previous) || PERFECT_AUX.has(previous) || previous.endsWith("'ve")) return null;
    return 'past';
  }
  if (PRESENT.has(w)) return 'present';
  return null;
}

/** Verbs whose infinitive complement is still to come when they are said. */
const TAKES_INFINITIVE = new Set(
  (
    'agreed agree agrees decided decide decides asked ask asks promised promise promises offered offer offers ' +
    'wanted hoped arranged chose needed told requested voted proposed planned intended pledged vowed ' +
    'expected scheduled set aims aimed'
  ).split(' '),
);
/** A lower-case word after "to" that can be a verb: not "to the", "to him", "to Paris", "to 5". */
const INFINITIVE_VERB =
  /^(?!(?:the|a|an|this|that|these|those|my|our|your|his|her|their|its|me|him|them|us|you|it|all|each|every|some|any|no|one|two|date|day|week|month|year|noon|midnight|morning|afternoon|evening|night|lunch|dinner|breakfast|work|school|home|bed|town)$)[a-z]{2,}$/;

const MODALS = new Set(['will', 'would', 'should', 'could', 'can', 'may', 'might', 'must', 'shall']);
const SUBJECT = /^(?:i|we|he|she|they|you|it)$/;

function readAt(text: string, sentence: Sentence, index: number, stop: number): Reading {
  const { tokens } = sentence;
  // "since March": the preposition decides.
  const leading = text.slice(Math.max(sentence.start, index - 7), index);
  if (/\bsince\s+$/i.test(leading)) return { direction: 'past', cue: 'since', distance: 0 };
  // The expression's own tokens: cues inside it ("last", "ago") belong to the rules that read it.
  let first = tokens.findIndex((t) => t.stop > index);
  if (first < 0) first = tokens.length;
  let last = first;
  while (last < tokens.length && tokens[last]!.index < stop) last++;
  let best: { cue: Cue; distance: number } | undefined;
  let fallback: { cue: Cue; distance: number } | undefined;
  for (const cue of sentence.cues) {
    if (cue.at >= first && cue.at < last) continue;
    const before = cue.at < first;
    if (cue.forwardOnly && !before) continue;
    const distance = before ? first - cue.at : cue.at - last + 1;
    // A cue after the expression weighs a little less: "said Friday that it would" leans on "said"; one in
    // another clause (across brackets, a semicolon, a dash) much less.
    const from = before ? tokens[cue.at]!.stop : (tokens[last - 1]?.stop ?? index);
    const to = before ? (tokens[first]?.index ?? index) : tokens[cue.at]!.index;
    const between = sentence.text.slice(from - sentence.start, to - sentence.start);
    // "As I said, Tuesday works": a cue closed off by a comma right after it speaks for its own clause.
    const aside = before && /^,/.test(between);
    const boundary = aside || /[()[\];:]|\s-{1,2}\s|—/.test(between);
    const weighted = distance + (before ? 0 : 0.5) + (boundary ? 4 : 0);
    const slot = cue.attribution ? 'fallback' : 'best';
    const current = slot === 'best' ? best : fallback;
    if (!current || weighted < current.distance) {
      if (slot === 'best') best = { cue, distance: weighted };
      else fallback = { cue, distance: weighted };
    }
  }
  if (sentence.ask) return { direction: 'future', cue: 'ask to meet' };
  const chosen = best ?? fallback;
  if (chosen) return { direction: chosen.cue.kind, cue: chosen.cue.word.toLowerCase(), distance: chosen.distance };
  if (sentence.imperative) return { direction: 'future', cue: 'imperative' };
  return { direction: 'forward', cue: 'no verb' };
}
