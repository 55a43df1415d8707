/** Rules for times of day: clock times in digits and words, noon, "quarter past", parts of the day, EOD. */
import { HOUR_WORD, hourValue, MINUTE_WORD, wordsValue } from './lexicon.ts';
import { dayFromToday, isAlone, withTimeOfDay } from './spans.ts';
import type { Rule, TimeOfDay } from './types.ts';

const PARTS_OF_DAY: Array<[RegExp, TimeOfDay]> = [
  [/^(?:early (?:in the )?morning|early hours)$/i, { from: 0, to: 9 * 60, grain: 'hour' }],
  [/^(?:late (?:at )?night|late tonight|late evening)$/i, { from: 21 * 60, to: 1440, grain: 'hour' }],
  // The morning a person means starts at 8, not at midnight: "tomorrow morning" is 08:00–12:00.
  [/^(?:morning|mornings)$/i, { from: 8 * 60, to: 12 * 60, grain: 'hour' }],
  [/^(?:after lunch)$/i, { from: 13 * 60, to: 17 * 60, grain: 'hour' }],
  [/^(?:lunch|lunchtime|lunch time)$/i, { from: 12 * 60, to: 14 * 60, grain: 'hour' }],
  [/^(?:afternoon|afternoons|afternoonish)$/i, { from: 12 * 60, to: 19 * 60, grain: 'hour' }],
  [/^(?:evening|evenings|night|nights|tonight)$/i, { from: 18 * 60, to: 1440, grain: 'hour' }],
];
export const PART_OF_DAY_WORDS =
  '(early (?:in the )?morning|early hours(?: of the morning)?|late (?:at )?night|late tonight|late evening|after lunch|lunch ?time|lunch|mornings?|afternoons?|afternoonish|evenings?|nights?|tonight)';

export function partOfDay(words: string): TimeOfDay | undefined {
  const normal = words
    .toLowerCase()
    .replace(/ of the morning$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return PARTS_OF_DAY.find(([re]) => re.test(normal))?.[1];
}

/** Business-day end: people who write "EOD" or "COB" mean the end of the working day. */
const END_OF_DAY: TimeOfDay = { from: 17 * 60, to: 1440, grain: 'hour' };
const FIRST_THING: TimeOfDay = { from: 8 * 60, to: 10 * 60, grain: 'hour' };

const MERIDIEM = `(?:a\\.?\\s?m\\.?|p\\.?\\s?m\\.?|a(?![\\w.])|p(?![\\w.])|in the (?:am|pm|a\\.m\\.|p\\.m\\.))`;

/** A clock time; an hour without am/pm leans to working hours (7–11 morning, 12–6 afternoon). */
export function clockTime(
  hour: number,
  minute: number,
  meridiem: string | undefined,
  grain: 'hour' | 'minute',
): TimeOfDay | null {
  if (!Number.isInteger(hour) || hour > 24 || minute > 59 || minute < 0) return null;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    const pm = /p/i.test(meridiem);
    const h = (hour % 12) + (pm ? 12 : 0);
    return { from: h * 60 + minute, grain };
  }
  if (hour === 24) return { from: 1440, grain };
  if (hour >= 1 && hour <= 6) return { from: (hour + 12) * 60 + minute, grain, ambiguous: true };
  return { from: hour * 60 + minute, grain, ambiguous: hour >= 1 && hour <= 12 };
}

const AT = '(?:(?:\\b(?:at|around|about|approximately|approx\\.?|by|for|from|between|till|until|after|before)|@)\\s*)';

/** After a bare number ("at 3", "about 7"), words that make it a quantity, an address or a phone number. */
const QUANTITY_AFTER =
  /^\s*(?:%|percent|per\b|miles?\b|km\b|people|persons?\b|points?\b|pts\b|[a-z]*(?:mw|wh|btu|cf)\b|units?\b|items?\b|boxes\b|pages?\b|copies\b|times\b|shares?\b|dollars?\b|cents?\b|years?\b|months?\b|weeks?\b|days?\b|hours?\b|hrs?\b|minutes?\b|mins?\b|seconds?\b|of\b|employees\b|members\b|votes\b|seats\b|degrees\b|feet\b|ft\b|inches\b|lbs?\b|pounds\b|kg\b|tons?\b|barrels?\b|cars?\b|sq\b|x\b|thing\b|things\b|[-/]\s*\d|\.\d)/i;
const CALENDAR_WORD =
  /^(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|today|tomorrow|tonight|noon|midnight|pm|am|ok|okay|please|thanks|if|is|and|or|on|in|at|works?|would|will|then|sharp)/i;

/** "at 208 Travis", "about 7 miles", "call us at 1-800…": the number is not a time. */
function quantityAfter(input: string, end: number): boolean {
  const after = input.slice(end, end + 40);
  if (QUANTITY_AFTER.test(after)) return true;
  // A capitalised word after the number is a street or a name, unless it is a day, a month or a time word.
  const word = /^\s+([A-Z][A-Za-z]*)/.exec(after)?.[1];
  return word !== undefined && !CALENDAR_WORD.test(word);
}
const ISH = '(?:\\s*-?ish)?';

export const endOfDayRule: Rule = {
  // "EOD", "COB", "by end of day", "close of business": a time of day waiting for its date.
  name: 'end-of-day',
  pattern:
    /\b(by\s+)?(?:the\s+)?(?:eod|cob|eob|eop|end of (?:the )?(?:business |work(?:ing)? )?day|close of (?:business|play)|end of business)\b/gi,
  resolve(m) {
    return { timeOfDay: END_OF_DAY, deadline: Boolean(m[1]) };
  },
};

export const firstThingRule: Rule = {
  name: 'first-thing',
  pattern: /\bfirst thing(?: in the morning)?\b/gi,
  resolve: () => ({ timeOfDay: FIRST_THING }),
};

export const continentalHourRule: Rule = {
  // "8h", "16h30", "15h00": the French/continental way of writing hours.
  name: 'clock-h',
  pattern: /\b(?:at\s+)?([01]?\d|2[0-3])h([0-5]\d)?\b/gi,
  resolve(m) {
    const from = Number(m[1]) * 60 + (m[2] ? Number(m[2]) : 0);
    return { timeOfDay: { from, grain: m[2] ? 'minute' : 'hour' } };
  },
};

export const partOfDayRules: Rule[] = [
  {
    // Parts of the day on their own or with "this"/"today"/"tomorrow"/"yesterday".
    name: 'part-of-day',
    pattern: new RegExp(`\\b(?:(this|today|tomorrow|yesterday|in the)\\s+)?${PART_OF_DAY_WORDS}\\b`, 'gi'),
    resolve(m, ctx) {
      const timeOfDay = partOfDay(m[2]!);
      if (!timeOfDay) return null;
      const which = m[1]?.toLowerCase();
      if (which === 'tomorrow' || which === 'yesterday' || which === 'this' || which === 'today') {
        const day = dayFromToday(ctx, which === 'tomorrow' ? 1 : which === 'yesterday' ? -1 : 0);
        return { day, timeOfDay, span: withTimeOfDay(day, timeOfDay) };
      }
      // "Good morning", "lunch", "late night thoughts": a part of the day on its own is no time unless a
      // date or a clock time joins it, or it is all the text says.
      const bare = !which && !/tonight/i.test(m[2]!);
      return { timeOfDay, ...(bare ? { bare } : {}) };
    },
  },
  {
    // "last night" is yesterday's night.
    name: 'last-night',
    pattern: /\blast night\b/gi,
    resolve(_m, ctx) {
      const day = dayFromToday(ctx, -1);
      const timeOfDay = partOfDay('night')!;
      return { day, timeOfDay, span: withTimeOfDay(day, timeOfDay) };
    },
  },
];

export const clockRules: Rule[] = [
  {
    // "3pm", "3:15p", "at 3", "at 1030", "10.30am", "3 o'clock in the afternoon", "nine fifty nine a m".
    name: 'clock',
    pattern: new RegExp(
      `(?:${AT})?\\b(?:(\\d{1,2})(?:[:.](\\d{2}))?(?::(\\d{2}))?|(${HOUR_WORD})(?:[\\s-](${MINUTE_WORD}))?)${ISH}(\\s*o'?\\s?clock)?${ISH}(?:\\s*(${MERIDIEM}))?(?![\\w'’]|[.-]\\d)`,
      'gi',
    ),
    resolve(m) {
      const text = m[0];
      const cue = new RegExp(`^${AT}`, 'i').exec(text)?.[0].trim().toLowerCase() ?? '';
      const hasAt = cue !== '';
      const [, hDigits, mDigits, sDigits, hWord, mWord, oclock, meridiem] = m;
      const hasMinutes = Boolean(mDigits || mWord);
      const end = m.index + text.length;
      // A bare number is a time only with a cue: "at", am/pm, "o'clock", or minutes after a colon; or when
      // it is all the text says ("7", "ten thirty").
      // Words alone read as a count below seven ("three twenty" is 320): "ten thirty", "twelve oh three" are times.
      const alone = isAlone(m) && (!hWord || hourValue(hWord) >= 7 || /^(?:oh|o|ou|zero)\b/i.test(mWord ?? ''));
      if (!alone && !hasAt && !meridiem && !oclock && !mDigits) return null;
      if (!alone && hWord && !hasAt && !meridiem && !oclock) return null;
      if (!meridiem && !oclock && !hasMinutes && !alone) {
        // "a table for two", "from one of the originals", "about 7 miles", "at 208 Travis".
        if (cue === 'for' || (hWord && !/^(?:at|@|around|about|until|till)$/.test(cue))) return null;
        if (quantityAfter(m.input ?? '', end)) return null;
      }
      // "4a" alone is more often a paper size or a flat number than 4 am; "$1 a share" is a price.
      if (meridiem && /^[ap]$/i.test(meridiem.trim()) && (!hDigits || (!hasAt && !mDigits))) return null;
      if (meridiem && /^[ap]$/i.test(meridiem.trim()) && /^\s+[a-z]/i.test((m.input ?? '').slice(end, end + 3)))
        return null;
      const hour = hourValue(hDigits ?? hWord ?? '');
      const minute = mDigits ? Number(mDigits) : mWord ? wordsValue(mWord) : 0;
      const t = clockTime(hour, minute, meridiem, hasMinutes ? 'minute' : 'hour');
      if (t && sDigits) t.from += Number(sDigits) / 60;
      return t ? { timeOfDay: t } : null;
    },
  },
  {
    // "at 1030", "around 1030", "tonight 815", "at 150ish": hour and minute written without a colon.
    name: 'clock-hhmm',
    pattern: new RegExp(
      `(?:${AT}|(?<=(?:tonight|morning|evening|afternoon|today|tomorrow)\\s))(\\d{1,2})(\\d{2})${ISH}(?:\\s*(${MERIDIEM}))?\\b(?![.-]\\d)`,
      'gi',
    ),
    resolve(m) {
      const cue = /^[a-z@]+/i.exec(m[0])?.[0].toLowerCase() ?? '';
      const value = Number(m[1]) * 100 + Number(m[2]);
      // "by 2030", "since 1998": a year, not a clock time.
      if (!m[3] && value >= 1900 && value <= 2099 && cue !== 'at' && cue !== '@') return null;
      if (!m[3] && (cue === 'for' || quantityAfter(m.input ?? '', m.index + m[0].length))) return null;
      const t = clockTime(Number(m[1]), Number(m[2]), m[3], 'minute');
      return t ? { timeOfDay: t } : null;
    },
  },
  {
    // "approximately 1030", "1030 am".
    name: 'clock-hhmm',
    pattern: new RegExp(
      `\\b(?:approximately|approx\\.?|around|about)\\s+(\\d{1,2})(\\d{2})\\b|\\b(\\d{1,2})(\\d{2})\\s*(${MERIDIEM})(?![\\w])`,
      'gi',
    ),
    resolve(m) {
      const t = m[1]
        ? clockTime(Number(m[1]), Number(m[2]), undefined, 'minute')
        : clockTime(Number(m[3]), Number(m[4]), m[5], 'minute');
      return t ? { timeOfDay: t } : null;
    },
  },
  {
    // "noon", "midday", "midnight".
    name: 'noon',
    pattern: /\b(?:at\s+)?(noon|midday|mid day|midnight)\b/gi,
    resolve(m) {
      return { timeOfDay: { from: /midnight/i.test(m[1]!) ? 1440 : 720, grain: 'hour' } };
    },
  },
  {
    // "quarter past 3pm", "20 past noon", "15 minutes past 3pm", "twenty after 3", "a quarter to noon", "half past three".
    name: 'clock-past',
    pattern: new RegExp(
      `(?:${AT})?\\b(a quarter|quarter|half|\\d{1,2}|${MINUTE_WORD})(?:\\s+minutes?)?\\s+(past|after|to|till|before|from)\\s+(noon|midnight|\\d{1,2}|${HOUR_WORD})(?:\\s*(${MERIDIEM}))?(?![\\w])`,
      'gi',
    ),
    resolve(m) {
      // "a vote of 5 to 4", "odds of 10 to 1": two bare numbers are a score, not "ten to one".
      if (/^\d+$/.test(m[1]!) && /^\d+$/.test(m[3]!) && !m[4] && !/minute/i.test(m[0]) && !/^\s*(?:at|@)/i.test(m[0]))
        return null;
      const amountWord = m[1]!.toLowerCase();
      const minutes = amountWord.endsWith('quarter')
        ? 15
        : amountWord === 'half'
          ? 30
          : /^\d+$/.test(amountWord)
            ? Number(amountWord)
            : wordsValue(amountWord);
      if (!minutes || minutes >= 60) return null;
      const base = m[3]!.toLowerCase();
      const anchor =
        base === 'noon'
          ? { from: 720, grain: 'hour' as const }
          : base === 'midnight'
            ? { from: 1440, grain: 'hour' as const }
            : clockTime(hourValue(base), 0, m[4], 'hour');
      if (!anchor) return null;
      const before = /^(to|till|before)$/i.test(m[2]!);
      return { timeOfDay: { ...anchor, from: anchor.from + (before ? -minutes : minutes), grain: 'minute' } };
    },
  },
  {
    // "half three" (British: 3:30).
    name: 'clock-half',
    pattern: new RegExp(`\\bhalf\\s+(\\d{1,2}|${HOUR_WORD})\\b(?!\\s+(?:an?\\s+)?hours?)`, 'gi'),
    resolve(m) {
      const t = clockTime(hourValue(m[1]!), 30, undefined, 'minute');
      return t ? { timeOfDay: t } : null;
    },
  },
];
