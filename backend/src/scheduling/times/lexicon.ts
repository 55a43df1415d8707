/**
 * The words of dates and times, each written once: number words, ordinals, month and weekday names, years in
 * words. Every rule family builds its patterns from these.
 */

export const ONES = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
export const TEENS = [
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
export const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** The value of one number word ("seven" 7, "fifteen" 15, "forty" 40), else undefined. */
export function numberWord(word: string): number | undefined {
  const w = word.toLowerCase();
  const ones = ONES.indexOf(w);
  if (ones >= 0) return ones + 1;
  const teen = TEENS.indexOf(w);
  if (teen >= 0) return teen + 10;
  const tens = TENS.indexOf(w);
  return tens >= 0 ? (tens + 2) * 10 : undefined;
}

/** The sum of number words: "twenty five" 25, "forty-one" 41; 0 when none. */
export function wordsValue(words: string): number {
  let total = 0;
  for (const w of words.toLowerCase().split(/[\s-]+/)) total += numberWord(w) ?? 0;
  return total;
}

/** One to twelve: counts in "in three weeks", and the hours of "at five thirty". */
export const SMALL_NUMBERS = [...ONES, ...TEENS.slice(0, 3)];

/** Words that stand for a count: "a week", "a couple of days", "several months". */
const COUNT_WORDS: Record<string, number> = { a: 1, an: 1, couple: 2, few: 3, several: 3 };
const COUNTS = ['a', 'an', ...SMALL_NUMBERS, 'couple', 'few', 'several'];
export const NUMBER = `(?:\\d{1,3}|${COUNTS.join('|')})`;
export const COUNT_WORD = COUNTS.join('|');

export function toNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  const w = s.toLowerCase();
  return COUNT_WORDS[w] ?? (SMALL_NUMBERS.includes(w) ? (numberWord(w) ?? Number.NaN) : Number.NaN);
}

/** An hour in words or digits: "5", "five". */
export const HOUR_WORD = `(?:${SMALL_NUMBERS.join('|')})`;
export function hourValue(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  const w = s.toLowerCase();
  return SMALL_NUMBERS.includes(w) ? (numberWord(w) ?? Number.NaN) : Number.NaN;
}

/** Minutes in words: "oh five", "fifteen", "forty-five". */
export const MINUTE_WORD = `(?:(?:oh|o|ou|zero)[\\s-](?:${ONES.join('|')})|(?:${TENS.slice(0, 4).join('|')})(?:[\\s-](?:${ONES.join('|')}))?|${TEENS.join('|')})`;

const ORDINAL_ONES = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];
const ORDINAL_TEENS = [
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
];
/** "first" 1 … "thirty-first" 31, in words, with or without the hyphen. */
const ORDINAL_WORDS: Record<string, number> = (() => {
  const words: Record<string, number> = {};
  ORDINAL_ONES.forEach((w, i) => {
    words[w] = i + 1;
  });
  ORDINAL_TEENS.forEach((w, i) => {
    words[w] = i + 10;
  });
  words.twentieth = 20;
  words.thirtieth = 30;
  ORDINAL_ONES.forEach((w, i) => {
    for (const sep of ['-', ' ']) words[`twenty${sep}${w}`] = 21 + i;
  });
  for (const sep of ['-', ' ']) words[`thirty${sep}first`] = 31;
  return words;
})();
export const ORDINAL = `(\\d{1,2}(?:st|nd|rd|th)|${Object.keys(ORDINAL_WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;
export const ordinalValue = (s: string) => ORDINAL_WORDS[s.toLowerCase()] ?? Number.parseInt(s, 10);

export const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
export const MONTH_NAME =
  '(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)';
export const monthNumber = (name: string) => MONTHS.indexOf(name.toLowerCase().slice(0, 3)) + 1;

export const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
export const WEEKDAY =
  '(mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\\.?';
export function weekdayNumber(word: string): number {
  const w = word.toLowerCase().slice(0, 3);
  return WEEKDAY_NAMES.findIndex((d) => d.startsWith(w)) + 1;
}
/** "sat" and "sun" are ordinary words; short weekday names count only when capitalised. */
export function plausibleWeekday(word: string): boolean {
  return word.length > 3 || /^[A-Z]/.test(word) || !['sat', 'sun', 'wed', 'mon'].includes(word.toLowerCase());
}

const UNDER_100 = `(?:(?:${TENS.join('|')})(?:[\\s-](?:${ONES.join('|')}))?|${TEENS.join('|')}|${ONES.join('|')})`;
/** A year written in words: "two thousand ten", "two thousand and eighteen", "nineteen seventy-four". */
export const YEAR_WORDS = `(?:two\\s+thousand(?:\\s+and)?(?:[\\s-]+${UNDER_100})?|(?:nineteen|twenty)[\\s-]+(?:${TENS.join('|')}|${TEENS.join('|')})(?:[\\s-](?:${ONES.join('|')}))?)`;

export function yearFromWords(words: string): number {
  const w = words.toLowerCase().replace(/\s+and\b/, '');
  const thousand = /^two\s+thousand[\s-]*(.*)$/.exec(w);
  if (thousand) return 2000 + wordsValue(thousand[1] ?? '');
  const century = /^(nineteen|twenty)[\s-]+(.*)$/.exec(w);
  return century ? (century[1] === 'nineteen' ? 1900 : 2000) + wordsValue(century[2]!) : Number.NaN;
}
