import type { Turn } from './transcript.ts';

/** One sentence of one turn; `turn` is the index into the turn list, so every item can cite its source. */
export interface Sentence {
  turn: number;
  speaker: string;
  text: string;
  /** Position of the sentence within its turn. */
  position: number;
  /** True for the turn's last sentence (what the next speaker answers). */
  lastInTurn: boolean;
}

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Intl.Segmenter slows down superlinearly on very long strings, so it only ever sees pieces this long. */
const SEGMENT_PIECE_CHARS = 2000;

/**
 * Cuts at line breaks, then at the first sentence end (". ", "? ", "! ") past SEGMENT_PIECE_CHARS, else at a
 * space, else hard: every search looks at a bounded window, so a line of any length is cut in linear time.
 */
function piecesOf(text: string): string[] {
  const pieces: string[] = [];
  const limit = SEGMENT_PIECE_CHARS * 10;
  for (const line of text.split(/\n+/)) {
    let from = 0;
    while (line.length - from > SEGMENT_PIECE_CHARS) {
      const window = line.slice(from + SEGMENT_PIECE_CHARS, from + limit);
      const end = window.search(/[.?!]\s/);
      // No sentence end at all (an unpunctuated machine transcript): cut at a space further on, or hard.
      const space = line.lastIndexOf(' ', from + limit);
      const cut =
        end !== -1
          ? from + SEGMENT_PIECE_CHARS + end + 1
          : space > from + SEGMENT_PIECE_CHARS
            ? space + 1
            : Math.min(line.length, from + limit);
      pieces.push(line.slice(from, cut));
      from = cut;
    }
    if (from < line.length) pieces.push(line.slice(from));
  }
  return pieces;
}

export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const piece of piecesOf(text)) {
    for (const { segment } of sentenceSegmenter.segment(piece)) {
      const trimmed = segment.trim();
      if (trimmed) sentences.push(trimmed);
    }
  }
  return sentences;
}

export function sentencesOfTurns(turns: readonly Turn[]): Sentence[] {
  const all: Sentence[] = [];
  turns.forEach((turn, index) => {
    const sentences = splitSentences(turn.text);
    sentences.forEach((text, position) => {
      all.push({ turn: index, speaker: turn.speaker, text, position, lastInTurn: position === sentences.length - 1 });
    });
  });
  return all;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Lower-cased words, apostrophes kept inside words ("don't"). */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/**
 * Function words plus the verbal glue of conversation ("think", "know", "gonna", "stuff"): in a
 * meeting these are the most frequent words and say nothing about what it was about.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few
for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my
myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd
she'll she's should shouldn't so some such than that that's the their theirs them themselves then there
there's these they they'd they'll they're they've this those through to too under until up very was wasn't we
we'd we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's
with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves
yeah yes yep no nope okay ok oh uh um hmm mm right well like just really actually basically maybe probably
kind sort thing things stuff something anything everything nothing somebody anybody everybody guess think
thought know knew mean means meant say said saying says tell told go goes going gone went get gets getting got
gonna wanna gotta let lot lots bit little much many one two three sure pretty quite still even though also
actually anyway anyways alright whatever else way ways yep yup huh hey hi thanks thank good great fine
cool nice want wanted wants need needs see seen look looks looking make made makes come comes coming
take took put puts now then there's here's gonna could've would've should've might must shall will can
`
    .trim()
    .split(/\s+/),
);

/**
 * A light English suffix stripper (plural, -ing, -ed, -ly), enough to let "design", "designs" and
 * "designing" count as one term when ranking; not a full Porter stemmer.
 */
export function lightStem(word: string): string {
  if (word.length <= 4) return word;
  if (word.endsWith('ies') && word.length > 5) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ing') && word.length > 6) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 5) return word.slice(0, -2);
  if (word.endsWith('ly') && word.length > 5) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) {
    return word.slice(0, -1);
  }
  return word;
}

/** The words that carry meaning, stemmed; digits-only tokens and single letters dropped. */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const word of words(text)) {
    if (word.length < 2 || STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
    terms.push(lightStem(word.replace(/['’]s$/, '')));
  }
  return terms;
}

const LEAD_IN =
  /^(?:so|and|but|well|yeah|yes|yep|okay|ok|right|oh|now|alright|all right|anyway|like|actually|basically|um|uh|no|sure|great|cool|and then|but then|i mean|you see|see)\b[\s,.!-]*/i;

/** Turns a spoken sentence into a bullet: no "So, yeah, and" in front, a capital letter, a full stop. */
export function tidySentence(sentence: string): string {
  let text = sentence.trim();
  for (let i = 0; i < 4; i++) {
    const next = text.replace(LEAD_IN, '');
    if (next === text || next.length < 3) break;
    text = next;
  }
  text = text.replace(/[\s,;:-]+$/, '');
  if (!/[.?!…]$/.test(text)) text += '.';
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Content terms plus the pairs of content words that stand next to each other ("belief net",
 * "data collection"): the phrases a meeting keeps coming back to.
 */
export function termsWithPhrases(text: string): string[] {
  const terms: string[] = [];
  let previous: string | null = null;
  for (const word of words(text)) {
    if (word.length < 2 || STOPWORDS.has(word) || /^\d+$/.test(word)) {
      previous = null;
      continue;
    }
    const term = lightStem(word.replace(/['’]s$/, ''));
    terms.push(term);
    if (previous) terms.push(`${previous} ${term}`);
    previous = term;
  }
  return terms;
}
