/**
 * Rules for calendar dates: weekdays, days of the month, "first Tuesday of October", quarters, years, and numeric
 * dates ("2/15", "2014-10", "1960 - 1961").
 */

import type { DateTime } from 'luxon';
import { dateTime, minus, plus, set } from './calendar-math.ts';
import { pickDayOfMonth, pickMonth, pickMonthDay, pickPeriodYear, pickWeekday } from './direction.ts';
import {
  MONTH_NAME,
  monthNumber,
  ORDINAL,
  ordinalValue,
  plausibleWeekday,
  WEEKDAY,
  weekdayNumber,
  YEAR_WORDS,
  yearFromWords,
} from './lexicon.ts';
import { timeSpan } from './span.ts';
import { containingPeriod, dayFromToday, daySpan, isAlone, relativeShift, startOfPeriod } from './spans.ts';
import type { Reading, Rule } from './types.ts';

const RELATIVE_MONTH = `(?:the\\s+)?(this|current|next|last|previous|following|coming)\\s+month|the month`;

export const weekdayRule: Rule = {
  // "tuesday", "next tuesday", "last sunday", "friday after next", "wednesday of next week", "next week's monday".
  name: 'weekday',
  pattern: new RegExp(
    `\\b(?:(this|next|last|past|previous|coming|upcoming)\\s+)?${WEEKDAY}(?:\\s+(after next|before last))?(?:,?\\s+(?:(?:of|from|in)\\s+)?(?:the\\s+)?(this|next|last|following|coming|previous|current)\\s+week)?\\b|\\b(this|next|last) week's\\s+${WEEKDAY}`,
    'gi',
  ),
  resolve(m, ctx) {
    const word = m[2] ?? m[6]!;
    if (!plausibleWeekday(word)) return null;
    // "Sun-Sentinel", "Sat-Nav": an abbreviation glued to another word is a name.
    if (word.length <= 4 && /^-[A-Za-z]/.test((m.input ?? '').slice(m.index + m[0].length, m.index + m[0].length + 2)))
      return null;
    const weekday = weekdayNumber(word);
    const which = m[1]?.toLowerCase();
    const weekWord = m[4] ?? m[5];
    const today = ctx.today;
    let day: DateTime;
    let reading: Reading | undefined;
    if (weekWord) day = plus(startOfPeriod(ctx, 'week', relativeShift(weekWord)), { days: weekday - 1 });
    else if (which === 'last' || which === 'past' || which === 'previous') {
      day = dayFromToday(ctx, -(((today.weekday - weekday + 6) % 7) + 1));
    } else if (which === 'next') {
      day = plus(startOfPeriod(ctx, 'week', 1), { days: weekday - 1 });
    } else {
      reading = ctx.read(m.index, m.index + m[0].length);
      // "this Monday" in a past sentence is the Monday of this week; otherwise the next one.
      day =
        which && reading.direction !== 'past'
          ? dayFromToday(ctx, ((weekday - today.weekday + 6) % 7) + 1)
          : pickWeekday(ctx, weekday, which ? { ...reading, direction: 'past' } : reading);
    }
    if (m[3]) day = plus(day, { days: /next/i.test(m[3]) ? 7 : -7 });
    return {
      ...daySpan(day),
      ...(weekWord || m[3] ? {} : { weekday }),
      ...(weekWord ? { boundWeek: startOfPeriod(ctx, 'week', relativeShift(weekWord)) } : {}),
      ...(reading ? { reading } : {}),
    };
  },
};

export const dayOfMonthRule: Rule = {
  // "on the 15th", "the 1st", "on 24th", "20th of next month", "the 20th day of the current month".
  name: 'day-of-month',
  pattern: new RegExp(
    `\\b(?:(on)\\s+)?(?:(the)\\s+)?(\\d{1,2}(?:st|nd|rd|th)?|${ORDINAL.slice(1, -1)})(?:\\s+(?:day\\s+)?of\\s+(${RELATIVE_MONTH}))?\\b`,
    'gi',
  ),
  resolve(m, ctx) {
    const [, on, the, dayWord, monthPhrase] = m;
    const suffixed = /\d(?:st|nd|rd|th)$/i.test(dayWord!);
    const word = !/^\d/.test(dayWord!);
    if (!monthPhrase && !(on && (the || suffixed)) && !(suffixed && (the || on)) && !(on && word)) {
      if (!(suffixed && !word)) return null;
    }
    if (word && !monthPhrase && !on) return null;
    const dom = ordinalValue(dayWord!);
    if (!dom || dom > 31) return null;
    if (monthPhrase) {
      const period = containingPeriod(monthPhrase, ctx);
      if (!period) return null;
      const day = set(period.start, { day: dom });
      return day.isValid && day.month === period.start.month ? daySpan(day) : null;
    }
    const reading = ctx.read(m.index, m.index + m[0].length);
    const day = pickDayOfMonth(ctx, dom, reading);
    return day ? { ...daySpan(day), dateParts: { dom, yearKnown: false }, reading } : null;
  },
};

export const nthOfPeriodRule: Rule = {
  // "first tuesday of october", "last friday in october", "third last week of 2018", "fifth last day of May",
  // "last weekend of July".
  name: 'nth-of-period',
  pattern: new RegExp(
    `\\b(?:the\\s+)?(?:${ORDINAL}\\s+)?(last\\s+)?(${WEEKDAY.slice(1, -4)}|day|week|weekend|week-end|wkend)\\s+(?:of|in)\\s+((?:the\\s+)?(?:this|current|next|last|previous|following|coming)\\s+(?:month|year)|the month|${MONTH_NAME}(?:\\s+\\d{4})?|\\d{4})\\b`,
    'gi',
  ),
  resolve(m, ctx) {
    const [, ordinal, last, unitWord, periodPhrase] = m;
    if (!ordinal && !last) return null;
    const n = ordinal ? ordinalValue(ordinal) : 1;
    const period = containingPeriod(periodPhrase!, ctx);
    if (!period || !n) return null;
    const first = period.start;
    const afterEnd = plus(period.start, period.unit === 'month' ? { months: 1 } : { years: 1 });
    const unit = unitWord!.toLowerCase();
    if (unit === 'day') {
      const day = last ? minus(afterEnd, { days: n }) : plus(first, { days: n - 1 });
      return daySpan(day);
    }
    if (unit === 'week') {
      const firstMonday = plus(first, { days: (8 - first.weekday) % 7 });
      const lastMonday = minus(minus(afterEnd, { days: 7 }), { days: (minus(afterEnd, { days: 7 }).weekday + 6) % 7 });
      const start = last ? minus(lastMonday, { weeks: n - 1 }) : plus(firstMonday, { weeks: n - 1 });
      return { span: timeSpan(start, plus(start, { weeks: 1 }), 'week') };
    }
    const weekday = unit.startsWith('w') && unit !== 'wednesday' && !unit.startsWith('wed') ? 5 : weekdayNumber(unit);
    const weekend = weekday === 5 && !unit.startsWith('f');
    const firstMatch = plus(first, { days: (weekday - first.weekday + 7) % 7 });
    const lastDay = minus(afterEnd, { days: 1 });
    const lastMatch = minus(lastDay, { days: (lastDay.weekday - weekday + 7) % 7 });
    const day = last ? minus(lastMatch, { weeks: n - 1 }) : plus(firstMatch, { weeks: n - 1 });
    if (weekend) {
      const start = set(day, { hour: 18 });
      return { span: timeSpan(start, plus(day, { days: 3 }), 'hour') };
    }
    return daySpan(day);
  },
};

export const quarterRule: Rule = {
  // "third quarter", "Q3 2014", "2018Q4", "18q4", "the 4th qtr of 2018".
  name: 'quarter',
  pattern: new RegExp(
    `\\b(?:the\\s+)?(?:${ORDINAL}\\s+(?:quarter|qtr)|q([1-4]))(?:\\s+(?:of\\s+)?(\\d{4}))?\\b|\\b(\\d{4}|\\d{2})\\s*q([1-4])\\b`,
    'gi',
  ),
  resolve(m, ctx) {
    const quarter = m[1] ? ordinalValue(m[1]) : Number(m[2] ?? m[5]);
    if (!quarter || quarter > 4) return null;
    const reading = m[3] || m[4] ? undefined : ctx.read(m.index, m.index + m[0].length);
    let year = reading ? pickPeriodYear(ctx, quarter * 3 - 2, reading) : ctx.ref.year;
    if (m[3]) year = Number(m[3]);
    if (m[4]) year = m[4].length === 2 ? 2000 + Number(m[4]) : Number(m[4]);
    const start = dateTime({ year, month: quarter * 3 - 2, day: 1 }, ctx.zone);
    return { span: timeSpan(start, plus(start, { months: 3 }), 'month'), ...(reading ? { reading } : {}) };
  },
};

export const yearRule: Rule = {
  // "in 2014", "during 2015", "2014 AD", "in 14 a.d.".
  name: 'year',
  pattern: /\b(?:(?:in|during|since|until|for|of|year)\s+)(\d{4})\b|\b(?:in\s+)?(\d{1,4})\s*(?:a\.d\.|ad\b|a\.d\b)/gi,
  resolve(m, ctx) {
    const year = Number(m[1] ?? m[2]);
    const start = dateTime({ year }, ctx.zone);
    return start.isValid ? { span: timeSpan(start, plus(start, { years: 1 }), 'year') } : null;
  },
};

/** A numeric date needs a cue unless it is the whole text: "2-15" alone is a date, "pages 2-15" is not. */
const DATE_CUE =
  /\b(?:on|by|from|until|till|before|after|due|since|dated|for|starting|through|thru|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?)[,.]?\s*$/i;

export const numericDateRules: Rule[] = [
  {
    // "2/15", "2 / 15", "2-15", "on 3-4": US month/day, with the nearest such day ahead.
    name: 'numeric-date',
    pattern:
      /(?<![\w/.:$#£€-]|[/.:-]\s|\d\s)(1[0-2]|0?[1-9])(\s*[/-]\s*)(3[01]|[12]\d|0?[1-9])(?![\w%]|\s*[/.:-]\s*\d|\s*(?:[ap]\.?m\b|[ap]\b|h\b|o'?clock))/gi,
    resolve(m, ctx) {
      const text = m.input ?? '';
      const index = m.index ?? 0;
      const alone = isAlone(m);
      const cue = DATE_CUE.test(text.slice(Math.max(0, index - 16), index));
      const timed = /^\s*,?\s*(?:at|@)\s*\d/i.test(text.slice(index + m[0].length));
      if (!(m[2] === '/' || alone || cue || timed)) return null;
      const reading = ctx.read(index, index + m[0].length);
      const month = Number(m[1]);
      const dom = Number(m[3]);
      const day = pickMonthDay(ctx, month, dom, reading);
      return day ? { ...daySpan(day), dateParts: { dom, month, yearKnown: false }, reading } : null;
    },
  },
  {
    // "2014-10", "2014/10": a month.
    name: 'numeric-month',
    pattern: /(?<![\w/.:-])(1[89]\d\d|2[01]\d\d)[-/](0?[1-9]|1[0-2])(?![\w/.:]|-\d)/g,
    resolve(m, ctx) {
      const start = dateTime({ year: Number(m[1]), month: Number(m[2]), day: 1 }, ctx.zone);
      return start.isValid ? { span: timeSpan(start, plus(start, { months: 1 }), 'month') } : null;
    },
  },
  {
    // "1960 - 1961", "2019 to 2021": a run of years.
    name: 'year-range',
    pattern:
      /(?<![\w/.:$#£€-])(1[89]\d\d|2[01]\d\d)\s*(?:-|–|—|to|through|thru|until|till)\s*(1[89]\d\d|2[01]\d\d)(?![\w/.:-])/gi,
    resolve(m, ctx) {
      const from = Number(m[1]);
      const to = Number(m[2]);
      if (to <= from) return null;
      const start = dateTime({ year: from }, ctx.zone);
      return { span: timeSpan(start, set(start, { year: to + 1 }), 'year') };
    },
  },
  {
    // A four-digit year on its own, or after a word that puts it in time: "1974", "before 2014", "by 2030".
    name: 'year',
    pattern: /(?<![\w/.:$#£€-])(1[89]\d\d|2[01]\d\d)(?![\w/:%-]|[.,]\d|\s*(?:-|–|to)\s*\d)/gi,
    resolve(m, ctx) {
      const text = m.input ?? '';
      const index = m.index ?? 0;
      const alone = isAlone(m);
      const cue =
        /\b(?:before|after|by|through|thru|till|circa|around|about|early|late|mid|spring|summer|fall|autumn|winter|fy|fiscal|calendar|year)\s*$/i.test(
          text.slice(Math.max(0, index - 12), index),
        );
      if (!alone && !cue) return null;
      const start = dateTime({ year: Number(m[1]) }, ctx.zone);
      return { span: timeSpan(start, plus(start, { years: 1 }), 'year') };
    },
  },
];

export const dayRangeRule: Rule = {
  // "from 13 to 15 July", "from the 13th to the 15th of July", "July 13 through 15", "June 28-29", "May 22-23, 2001".
  name: 'day-range',
  pattern: new RegExp(
    `\\b(?:from\\s+)?(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?\\s*(?:-|–|to|till|until|through|thru)\\s*(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_NAME}(?:,?\\s+(\\d{4}))?\\b|\\b${MONTH_NAME}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\s*(?:-|–|to|till|until|through|thru)\\s*(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b(?![:/.]\\d)`,
    'gi',
  ),
  resolve(m, ctx) {
    const [, from1, to1, month1, year1, month2, from2, to2, year2] = m;
    const month = monthNumber((month1 ?? month2)!);
    const from = Number(from1 ?? from2);
    const to = Number(to1 ?? to2);
    const year = year1 ?? year2;
    if (from < 1 || to > 31 || to <= from) return null;
    const reading = year ? undefined : ctx.read(m.index, m.index + m[0].length);
    const first = year
      ? dateTime({ year: Number(year), month, day: from }, ctx.zone)
      : pickMonthDay(ctx, month, from, reading!);
    if (!first?.isValid) return null;
    const last = set(first, { day: to });
    if (!last.isValid || last.month !== month) return null;
    return {
      span: timeSpan(first, plus(last, { days: 1 }), 'day'),
      ...(reading ? { reading } : {}),
    };
  },
};

export const decadeRule: Rule = {
  // "the 1980s", "the 1990's", "the early 2000s": a decade, or the part of it named.
  name: 'decade',
  pattern: /\b(?:(early|mid|late)[\s-]+)?(1[89]\d0|20\d0)'?s\b/gi,
  resolve(m, ctx) {
    const decade = dateTime({ year: Number(m[2]) }, ctx.zone);
    const which = m[1]?.toLowerCase();
    const [from, to] = which === 'early' ? [0, 4] : which === 'mid' ? [3, 7] : which === 'late' ? [6, 10] : [0, 10];
    return { span: timeSpan(plus(decade, { years: from }), plus(decade, { years: to }), 'year') };
  },
};

/** Nouns counted in thousands: "a 2000 MW plant", "the 1500 employees" are quantities. */
const COUNTED =
  /^(?:mw|kw|gw|mwh|kwh|people|persons|employees|staff|shares|units|members|votes|miles|acres|sq|square|barrels|tons|customers|dollars|pages|words|copies|homes|jobs|cars|students|points|feet|meters|metres|pounds|kg|tonnes)$/i;

export const yearModifierRule: Rule = {
  // "the 1996 law", "a 1946 case", "its 2002 results": a year used as a modifier.
  name: 'year',
  pattern:
    /(?<=\b(?:the|a|an|its|his|her|their|our|this|that|last|these|those)\s{1,3})(1[89]\d\d|20\d\d)(?=\s+([a-z]+))/gi,
  resolve(m, ctx) {
    if (COUNTED.test(m[2]!)) return null;
    const start = dateTime({ year: Number(m[1]) }, ctx.zone);
    return { span: timeSpan(start, plus(start, { years: 1 }), 'year') };
  },
};

export const yearWordsRule: Rule = {
  // "in nineteen ninety-one", "since two thousand and eight".
  name: 'year',
  pattern: new RegExp(`\\b(?:(in|since|by|until|till|of|during|before|after|year)\\s+)?(${YEAR_WORDS})\\b`, 'gi'),
  resolve(m, ctx) {
    const alone = isAlone(m);
    if (!m[1] && !alone) return null;
    const year = yearFromWords(m[2]!);
    if (!Number.isFinite(year)) return null;
    const start = dateTime({ year }, ctx.zone);
    return { span: timeSpan(start, plus(start, { years: 1 }), 'year') };
  },
};

export const monthRule: Rule = {
  // "August", "in January", "this January", "last August", "next March", "April of this year", "Feb of 2002".
  name: 'month',
  pattern: new RegExp(
    `\\b(?:(this|last|next|past|previous|coming)\\s+)?${MONTH_NAME}\\.?(?:\\s+of\\s+(?:(this|last|next)\\s+year|(\\d{4}))|\\s+(\\d{4}))?(?![\\w'’]|\\s*\\d)`,
    'gi',
  ),
  resolve(m, ctx) {
    const [whole, which, name, yearWord, yearOf, yearAfter] = m;
    // "may" and "march" are verbs, "Jan" a name: a month name is written with a capital.
    if (!which && !/^[A-Z]/.test(name!)) return null;
    if (!which && !yearWord && !yearOf && !yearAfter && /^(?:may|jan|march)$/i.test(name!)) {
      // "May I", "Jan Smutny-Jones", "March on": a modal, a name, a verb, unless a preposition leads in.
      const input = m.input ?? '';
      const after = input.slice(m.index + whole.length, m.index + whole.length + 8);
      const led =
        /\b(?:in|by|since|until|till|before|after|during|from|through|of|early|late|mid|end|this|last|next)\s+$/i.test(
          input.slice(Math.max(0, m.index - 10), m.index),
        );
      if (!led && (/^\s+[A-Z][a-z]/.test(after) || /^\s+(?:[a-z]|I\b)/.test(after))) return null;
    }
    const month = monthNumber(name!);
    const at = (year: number) => dateTime({ year, month, day: 1 }, ctx.zone);
    let start: DateTime;
    let reading: Reading | undefined;
    const year = yearOf ?? yearAfter;
    if (year) start = at(Number(year));
    else if (yearWord) start = at(ctx.ref.year + relativeShift(yearWord));
    else if (which && /^this$/i.test(which)) start = at(ctx.ref.year);
    else if (which && relativeShift(which) < 0) start = at(month < ctx.ref.month ? ctx.ref.year : ctx.ref.year - 1);
    else if (which) start = at(month > ctx.ref.month ? ctx.ref.year : ctx.ref.year + 1);
    else {
      reading = ctx.read(m.index, m.index + whole.length);
      start = pickMonth(ctx, month, reading);
    }
    return { span: timeSpan(start, plus(start, { months: 1 }), 'month'), ...(reading ? { reading } : {}) };
  },
};
