/**
 * Parts of a text that hold digits but never a time the writer meant: forwarded-header stamps, addresses,
 * phone numbers, codes, prices, decimals, percentages. They are blanked out (replaced by spaces, so every
 * offset stays the same) before any rule or chrono reads the text.
 *
 * Every pattern here is linear: no nested quantifiers over the text.
 */

import { MONTH_NAME, ONES, TEENS, TENS } from './lexicon.ts';

const PATTERNS: RegExp[] = [
  // Header lines of quoted or forwarded mail: "Sent: Monday, March 5, 2001 10:00 AM", "Date: 4/20/01".
  /^[ \t>]*(?:sent|date)[ \t]*:[^\n]*/gim,
  // "On Mon, Jan 5, 2001 at 10:00 AM, Ana <ana@x.com> wrote:"
  /^[ \t>]*on [^\n]{4,160}wrote:[ \t]*$/gim,
  // Lotus Notes and Outlook stamps: "Ann Lee@ECT 03/12/2001 01:00 PM" at the end of a line or before "To:".
  /\b\d{1,2}\/\d{1,2}\/\d{2,4}[ \t]+\d{1,2}:\d{2}(?::\d{2})?[ \t]*(?:[AP]M)?(?=[ \t]*(?:$|to:|cc:|please respond|subject:|sent by|-{3}))/gim,
  // Links (e-mail addresses are found from their "@", below).
  /\b(?:https?:\/\/|www\.)[^\s<>"')\]]+/gi,
  // Numbers glued by "+" (encoded characters, "20+3"), and tokens of the IMCEA encoding.
  /\b\d+(?:\+[\dA-Fa-f]+)+\b/g,
  // Phone numbers: "(713) 853-0596", "713.853.6242", "1-800-332-7979", "+874 330853910", "011-55-11-9233-7436".
  /(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)[ .-]?|\b\d{3}[ ./-])\d{3}[ .-]\d{4}\b/g,
  /\b\d{1,4}(?:-\d{2,4}){3,}\b/g,
  // Extensions: "x31411", "ext. 53923", "X-36898", "extension 3-5419".
  /\b(?:x|ext\.?|extension)[ .-]?\d(?:[ -]?\d){3,5}\b/gi,
  /\b\d-(?!(?:19|20)\d\d\b)\d{4}\b/g,
  // Prices and amounts: "$1", "$15.50", "$600M", "£4.2 bn", "USD 3 million".
  /(?:[$£€¥]|\b(?:usd|eur|gbp)[ \t]?)[ \t]?\d[\d,]*(?:\.\d+)?(?:[ \t]?(?:[mbk]\b|mm\b|bn\b))?/gi,
  // Numbers with thousands separators, percentages.
  /\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b/g,
  /\b\d+(?:\.\d+)?[ \t]?(?:%|percent\b|per cent\b)/gi,
  // Long digit runs (ids, zip codes, deal numbers): five or more digits.
  /\b\d{5,}\b/g,
];

const LOCAL_PART = /[\w.+'=#$%&*/^`{|}~-]/;
const DOMAIN = /[\w.-]/;

/** Tokens that mix letters and digits are codes ("I99-07-003", "9152Y", "SJM11152001"), unless they are times. */
const CODE = /\b(?=[\w#-]{0,60}[A-Za-z])(?=[\w#-]{0,60}\d)[A-Za-z\d#]+(?:-[A-Za-z\d]+)*\b/g;
const TIME_TOKEN = new RegExp(
  `^(?:\\d{1,4}(?:am|pm|a|p|h|st|nd|rd|th|noon)?|\\d{1,2}h\\d{2}|q[1-4]|\\d{2}(?:\\d{2})?q[1-4]|fy\\d{2}(?:\\d{2})?|\\d{2}(?:\\d{2})?'?s|mid-\\d{4}|${MONTH_NAME}\\d{1,2}|\\d{1,2}-?${MONTH_NAME}(?:-\\d{2,4})?|\\d{4}-\\d{2}-\\d{2}t\\d{2})(?:-\\d{1,2}(?:am|pm|h)?)?(?:-?ish)?$`,
  'i',
);

const isDigit = (c: number) => c >= 48 && c <= 57;
/** [\w#-]: the characters CODE and its look-aheads read. */
const isCodeChar = (c: number) =>
  isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 35 || c === 45;

/** A decimal is a time only with a clock cue: "at 10.30", "10.30am"; "4.29", "version 2.10" are not. */
const DECIMAL = /\b\d+\.\d+\b/g;
const DECIMAL_TIME_BEFORE = /\b(?:at|@|from|until|till|by|between|around|about|before|after)\s*$/i;
const DECIMAL_TIME_AFTER =
  /^\s*(?:[ap]\.?m\b|h\b|hrs?\b|o'?clock|(?:hours?|minutes?|mins?|days?|weeks?|months?|years?)\b)/i;
const DECIMAL_NOT_TIME_AFTER = /^\s*(?:per|each|a\s|an\s|%|percent|points?|cents?|dollars?|[a-z]*(?:mw|wh|btu|cf)\b)/i;

export function maskNonTimes(text: string): string {
  // Which characters are blanked; the text is rebuilt once at the end (a per-character array costs more).
  const blanked = new Uint8Array(text.length);
  let any = false;
  const blank = (from: number, to: number) => {
    if (to > from) any = true;
    blanked.fill(1, from, to);
  };
  for (const pattern of PATTERNS) {
    pattern.lastIndex = 0;
    for (const m of text.matchAll(pattern)) blank(m.index, m.index + m[0].length);
  }
  // E-mail addresses (also Exchange's encoded ones: IMCEANOTES-+22Tim+20+3C...@ENRON.com), found from each "@"
  // outwards so a long run of letters costs one pass.
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let from = at;
    while (from > 0 && at - from < 200 && LOCAL_PART.test(text[from - 1]!)) from--;
    let to = at + 1;
    while (to < text.length && to - at < 200 && DOMAIN.test(text[to]!)) to++;
    while (to > at + 1 && text[to - 1] === '.') to--;
    if (from < at && to > at + 1) blank(from, to);
  }
  // A code lies inside a run of [\w#-] that holds a digit (CODE's look-aheads see nothing else), so only those
  // runs are read: most words have no digit, and CODE's two look-aheads at every word cost more than the scan.
  for (let i = 0; i < text.length; i++) {
    if (!isDigit(text.charCodeAt(i))) continue;
    let from = i;
    while (from > 0 && isCodeChar(text.charCodeAt(from - 1))) from--;
    let to = i + 1;
    while (to < text.length && isCodeChar(text.charCodeAt(to))) to++;
    const run = text.slice(from, to);
    for (const m of run.matchAll(CODE)) {
      if (!TIME_TOKEN.test(m[0])) blank(from + m.index, from + m.index + m[0].length);
    }
    i = to;
  }
  for (const m of text.matchAll(DECIMAL)) {
    const before = text.slice(Math.max(0, m.index - 12), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 12);
    // "10.31.1974" is a date: the dots go on.
    if (text[m.index + m[0].length] === '.' && /\d/.test(text[m.index + m[0].length + 1] ?? '')) continue;
    if (text[m.index - 1] === '.' && /\d/.test(text[m.index - 2] ?? '')) continue;
    const clock =
      DECIMAL_TIME_AFTER.test(after) || (DECIMAL_TIME_BEFORE.test(before) && !DECIMAL_NOT_TIME_AFTER.test(after));
    if (!clock) blank(m.index, m.index + m[0].length);
  }
  return any ? rebuild(text, blanked) : text;
}

/** The text with every blanked character but a line break turned into a space. */
function rebuild(text: string, blanked: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    let j = i;
    while (j < text.length && blanked[j] === blanked[i]) j++;
    out += blanked[i] ? text.slice(i, j).replace(/[^\n]/g, ' ') : text.slice(i, j);
    i = j;
  }
  return out;
}

/**
 * Words without which a sentence holds no time: digits, month and weekday names, relative words, parts of
 * the day, number words, holiday names. Sentences with none of them are blanked, so the rules and chrono
 * read only the sentences that can hold a time (a long mail with a few dates costs little).
 */
const TRIGGER = new RegExp(
  `\\d|\\b(?:${[
    'jan',
    'feb',
    'mar',
    'apr',
    'may',
    'jun',
    'jul',
    'aug',
    'sep',
    'oct',
    'nov',
    'dec',
    'mon',
    'tue',
    'wed',
    'thu',
    'fri',
    'sat',
    'sun',
    'today',
    'tonight',
    'tonite',
    'tomorrow',
    'yesterday',
    'now',
    'asap',
    'as soon',
    'week',
    'wkend',
    'month',
    'year',
    'yr',
    'qtr',
    'quarter',
    'decade',
    'season',
    'spring',
    'summer',
    'fall',
    'autumn',
    'winter',
    'morning',
    'afternoon',
    'evening',
    'night',
    'noon',
    'midday',
    'mid day',
    'midnight',
    'lunch',
    'eod',
    'cob',
    'eob',
    'eop',
    'eom',
    'bom',
    'eoy',
    'boy',
    'eow',
    'close of',
    'end of',
    'first thing',
    'ago',
    'hence',
    'later',
    'earlier',
    'fortnight',
    'day',
    "o'?clock",
    ...ONES,
    ...TEENS,
    ...TENS,
    'half',
    'hour',
    'minute',
    'second',
    'third',
    'fourth',
    'fifth',
    'christmas',
    'xmas',
    'x-mas',
    'easter',
    'thanksgiving',
    'eve',
    'holiday',
    'lent',
    'hanukkah',
    'chanukah',
    'passover',
    'ramadan',
    'diwali',
    'kwanzaa',
    'halloween',
    'hallowe',
    'valentine',
    'patrick',
    'juneteenth',
    'independence',
    'labou?r',
    'memorial',
    'veteran',
    'mlk',
    'martin luther',
    'president',
    'columbus',
    'groundhog',
    'earth',
    'cinco',
    'bonfire',
    'guy fawkes',
    'burns',
    'canada',
    'australia',
    'bastille',
    'epiphany',
    'kings',
    'saints',
    'vegan',
    'boss',
    'mother',
    'father',
    'tax',
    'black friday',
    'cyber',
    'pentecost',
    'whit',
    'ascension',
    'ash',
    'palm',
    'good friday',
    'maundy',
    'corpus',
    'assumption',
    'rosh',
    'yom',
    'sukkot',
    'purim',
    'shavuot',
    'eid',
    'chinese',
    'lunar',
    'tet',
    'vesak',
    'navratri',
    'holi',
    'dussehra',
    'onam',
    'pongal',
    'lohri',
    'raksha',
    'ganesh',
    'janmashtami',
    'new year',
  ].join('|')})`,
  'i',
);

export interface Compacted {
  /** The sentences that can hold a time, one after another (each keeps its own ending or line break). */
  text: string;
  /** Offset in the original text of an offset in `text`. */
  toOriginal(index: number): number;
}

/**
 * Keeps only the sentences that hold a trigger word, so the rules and chrono read a few hundred characters
 * of a long mail instead of all of it. Sentences are split at . ! ? ; before a space, and at line breaks.
 */
export function compactTriggered(text: string): Compacted {
  const kept: Array<{ from: number; at: number; length: number }> = [];
  let out = '';
  // The last two characters of `out`, kept aside: asking the growing string would flatten it every time.
  let tail = '';
  let start = 0;
  const keep = (from: number, to: number) => {
    const sentence = text.slice(from, to);
    if (!TRIGGER.test(sentence)) {
      // A dropped line still ends a paragraph: the sentences on either side stay apart.
      if (sentence.includes('\n') && tail !== '\n\n') {
        out += '\n';
        tail = `${tail}\n`.slice(-2);
      }
      return;
    }
    const last = kept[kept.length - 1];
    if (last && last.from + last.length === from) last.length += sentence.length;
    else kept.push({ from, at: out.length, length: sentence.length });
    out += sentence;
    tail = sentence.length >= 2 ? sentence.slice(-2) : (tail + sentence).slice(-2);
  };
  // Sentence ends: . ! ? ; before white space, and line breaks.
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    const end =
      ch === 10
        ? i + 1
        : (ch === 46 || ch === 33 || ch === 63 || ch === 59) && i + 1 < text.length && /\s/.test(text[i + 1]!)
          ? i + 1
          : -1;
    if (end < 0) continue;
    keep(start, end);
    start = end;
  }
  keep(start, text.length);
  if (kept.length === 1 && kept[0]!.from === 0 && kept[0]!.length === text.length) {
    return { text, toOriginal: (i) => i };
  }
  return {
    text: out,
    toOriginal(index) {
      let lo = 0;
      let hi = kept.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (kept[mid]!.at <= index) lo = mid;
        else hi = mid - 1;
      }
      const k = kept[lo];
      return k ? k.from + (index - k.at) : index;
    },
  };
}
