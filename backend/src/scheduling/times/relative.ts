/**
 * Rules for times relative to the reference: "this week", "next 3 days", "end of the month", "EOM", "the weekend",
 * "now", "in 7 days", "3 days ago", "a week from now", "the day after tomorrow".
 */

import type { DurationLikeObject } from 'luxon';
import { dateTime, minus, plus, set, startOf } from './calendar-math.ts';
import { MONTH_NAME, NUMBER, toNumber, WEEKDAY, weekdayNumber } from './lexicon.ts';
import { timeSpan } from './span.ts';
import {
  DURATION_UNIT,
  dayFromToday,
  daySpan,
  namedPeriod,
  partOfPeriod,
  periodGrain,
  QUANTITY,
  quantityValue,
  RELATIVE,
  relativeShift,
  shifted,
  startOfPeriod,
  UNIT,
} from './spans.ts';
import type { Rule } from './types.ts';

const PERIOD_PHRASE = `(?:the\\s+)?(?:around\\s+)?(?:${RELATIVE}\\s+)?(?:week|month|year)|\\d{4}|${MONTH_NAME}(?:\\s+\\d{4})?`;

export const periodRules: Rule[] = [
  {
    // "this week", "next month", "sometime next week", "the following week", "last quarter".
    name: 'relative-period',
    pattern: new RegExp(
      `\\b(?:(?:some ?time|any ?time|during|within|over|for)\\s+)?(?:the\\s+)?(?:${RELATIVE}\\s+)(week|month|year|quarter)\\b`,
      'gi',
    ),
    resolve(m, ctx) {
      const unit = m[2]!.toLowerCase() as 'week' | 'month' | 'year' | 'quarter';
      const start = startOfPeriod(ctx, unit, relativeShift(m[1]!));
      const end = plus(start, { [`${unit}s`]: 1 } as DurationLikeObject);
      return {
        span: timeSpan(start, end, unit === 'quarter' ? 'month' : unit),
        ...(unit === 'week' ? { week: start } : {}),
      };
    },
  },
  {
    // "next 3 minutes", "last 2 hours": from the next whole unit (the current one for the past) on.
    name: 'relative-run',
    pattern: new RegExp(
      `\\b(?:the\\s+|over the\\s+|in the\\s+|within the\\s+)?(next|last|past|coming)\\s+(${NUMBER})\\s+(second|minute|hour)s?\\b`,
      'gi',
    ),
    resolve(m, ctx) {
      const n = toNumber(m[2]!);
      const unit = m[3]!.toLowerCase() as 'second' | 'minute' | 'hour';
      if (!Number.isFinite(n) || n < 1) return null;
      const here = startOf(ctx.ref, unit);
      const amount = { [`${unit}s`]: n } as DurationLikeObject;
      const forward = relativeShift(m[1]!) >= 0;
      const start = forward ? plus(here, { [`${unit}s`]: 1 } as DurationLikeObject) : minus(here, amount);
      return { span: timeSpan(start, plus(start, amount), unit === 'hour' ? 'hour' : 'minute') };
    },
  },
  {
    // "next 3 days", "the last two weeks", "past 6 months".
    name: 'relative-run',
    pattern: new RegExp(
      `\\b(?:the\\s+|over the\\s+|in the\\s+|within the\\s+)?(next|last|past|coming)\\s+(${NUMBER})\\s+${UNIT}\\b`,
      'gi',
    ),
    resolve(m, ctx) {
      const n = toNumber(m[2]!);
      const unit = m[3]!.toLowerCase() as 'day' | 'week' | 'month' | 'year' | 'quarter';
      if (!Number.isFinite(n) || n < 1) return null;
      const forward = relativeShift(m[1]!) >= 0;
      const here = startOfPeriod(ctx, unit, 0);
      const amount = { [`${unit}s`]: n } as DurationLikeObject;
      const start = forward ? startOfPeriod(ctx, unit, 1) : minus(here, amount);
      const end = forward ? plus(start, amount) : here;
      return { span: timeSpan(start, end, periodGrain(unit)) };
    },
  },
  {
    // "beginning of next week", "end of the month", "by the end of March", "mid 2014", "late March".
    name: 'part-of-period',
    pattern: new RegExp(
      `\\b(by\\s+)?(?:at\\s+)?(?:the\\s+)?(beginning|start|early|mid|middle|end|late)(?:\\s+of|-)?\\s+(${PERIOD_PHRASE})\\b`,
      'gi',
    ),
    resolve(m, ctx) {
      const period = namedPeriod(m[3]!, ctx);
      if (!period) return null;
      const span = partOfPeriod(m[2]!, period);
      if (m[1]) return { span: timeSpan(ctx.ref, span.end, 'minute'), deadline: true };
      return { span };
    },
  },
  {
    // "EOM", "BOM", "EOY", "EOW" (end of month/year/week).
    name: 'part-of-period',
    pattern: /\b(by\s+)?(?:at\s+)?(?:the\s+)?(eom|bom|eoy|boy|eow)\b/gi,
    resolve(m, ctx) {
      const code = m[2]!.toLowerCase();
      const unit = code.endsWith('m') ? 'month' : code.endsWith('y') ? 'year' : 'week';
      const span = partOfPeriod(code.startsWith('b') ? 'beginning' : 'end', {
        start: startOfPeriod(ctx, unit, 0),
        unit,
      });
      if (m[1]) return { span: timeSpan(ctx.ref, span.end, 'minute'), deadline: true };
      return { span };
    },
  },
];

export const pastWeekRule: Rule = {
  // "this past week": written at the end of a week, that week; early in a week, the one before.
  name: 'relative-period',
  pattern: /\bthis\s+past\s+week\b/gi,
  resolve(_m, ctx) {
    const start = startOfPeriod(ctx, 'week', ctx.ref.weekday >= 5 ? 0 : -1);
    return { span: timeSpan(start, plus(start, { weeks: 1 }), 'week'), week: start };
  },
};

export const earlierLaterRule: Rule = {
  // "earlier in the year", "later this month", "earlier this week": a part of the current period.
  name: 'relative-period',
  pattern: /\b(earlier|later)\s+(?:in\s+the|this)\s+(week|month|year)\b/gi,
  resolve(m, ctx) {
    const unit = m[2]!.toLowerCase() as 'week' | 'month' | 'year';
    const start = startOfPeriod(ctx, unit, 0);
    const end = plus(start, { [`${unit}s`]: 1 } as DurationLikeObject);
    return {
      span: /^earlier$/i.test(m[1]!) ? timeSpan(start, ctx.ref, unit) : timeSpan(ctx.ref, end, unit),
    };
  },
};

export const yearEndRule: Rule = {
  // "by year end", "year-end": the end of this year.
  name: 'part-of-period',
  pattern: /\b(by\s+)?(?:the\s+)?year[- ]end\b/gi,
  resolve(m, ctx) {
    const span = partOfPeriod('end', { start: startOfPeriod(ctx, 'year', 0), unit: 'year' });
    if (m[1]) return { span: timeSpan(ctx.ref, span.end, 'minute'), deadline: true };
    return { span };
  },
};

export const restOfPeriodRule: Rule = {
  // "the rest of the week", "rest of this month": from today to the end of the period.
  name: 'rest-of-period',
  pattern: /\b(?:the\s+)?rest\s+of\s+(?:the|this)\s+(week|month|year)\b/gi,
  resolve(m, ctx) {
    const unit = m[1]!.toLowerCase() as 'week' | 'month' | 'year';
    const start = ctx.today;
    return { span: timeSpan(start, startOfPeriod(ctx, unit, 1), 'day') };
  },
};

/** Astronomical seasons, as Duckling counts them: spring from 20 March, summer 21 June, fall 23 September, winter 21 December. */
const SEASON_STARTS: Array<[number, number]> = [
  [3, 20],
  [6, 21],
  [9, 23],
  [12, 21],
];
const SEASON_NAMES: Record<string, number> = { spring: 0, summer: 1, fall: 2, autumn: 2, winter: 3 };

export const seasonRule: Rule = {
  // "this summer", "last winter", "next season", "summer 2001", "the summer of 2001".
  name: 'season',
  pattern:
    /\b(?:(this|current|next|last|past|previous|coming|upcoming)\s+)?(spring|summer|fall|autumn|winter|seasons?)(?:\s+(?:of\s+)?(\d{4}))?\b/gi,
  resolve(m, ctx) {
    const [, which, name, year] = m;
    const season = name!.toLowerCase();
    if (!which && !year) return null;
    if (season.startsWith('season') && (year || !which)) return null;
    const seasonStart = (index: number, y: number) =>
      dateTime({ year: y, month: SEASON_STARTS[index]![0], day: SEASON_STARTS[index]![1] }, ctx.zone);
    // The season holding today: the latest start on or before it.
    const today = ctx.today;
    let current = { index: 3, year: today.year - 1 };
    for (const y of [today.year - 1, today.year]) {
      for (let i = 0; i < 4; i++) if (seasonStart(i, y) <= today) current = { index: i, year: y };
    }
    const step = (from: { index: number; year: number }, by: number) => {
      const n = from.index + by;
      return { index: ((n % 4) + 4) % 4, year: from.year + Math.floor(n / 4) };
    };
    const shift = which ? relativeShift(which) : 0;
    let target: { index: number; year: number };
    if (season.startsWith('season')) target = step(current, shift);
    else {
      const index = SEASON_NAMES[season]!;
      if (year) target = { index, year: index === 3 ? Number(year) : Number(year) };
      else {
        // This summer: the one holding today or the next; last summer: the one before; next: the one after.
        let candidate = { index, year: current.year + (index < current.index ? 1 : 0) };
        if (index === current.index) candidate = current;
        target =
          shift < 0 ? (index === current.index ? step(current, -4) : { index, year: candidate.year - 1 }) : candidate;
        if (shift > 0 && index === current.index) target = step(current, 4);
      }
    }
    const start = seasonStart(target.index, target.year);
    const next = step(target, 1);
    return { span: timeSpan(start, seasonStart(next.index, next.year), 'day') };
  },
};

export const weekendRule: Rule = {
  // "this weekend", "next weekend", "the weekend": Friday evening to Monday.
  name: 'weekend',
  pattern: new RegExp(`\\b(?:(?:the|this|${RELATIVE})\\s+)?(?:(past)\\s+)?week-?end\\b`, 'gi'),
  resolve(m, ctx) {
    const shift = m[2] ? -1 : m[1] ? relativeShift(m[1]) : 0;
    const monday = startOfPeriod(ctx, 'week', shift);
    const start = set(plus(monday, { days: 4 }), { hour: 18 });
    return { span: timeSpan(start, plus(monday, { weeks: 1 }), 'hour') };
  },
};

export const nowRule: Rule = {
  // "now", "right now", "asap": the reference instant.
  name: 'now',
  pattern: /\b(?:right now|now|asap|as soon as possible)\b(?!\s+that\b)/gi,
  resolve(_m, ctx) {
    return {
      span: {
        start: startOf(ctx.ref, 'second'),
        end: plus(startOf(ctx.ref, 'second'), { minutes: 1 }),
        grain: 'minute',
      },
    };
  },
};

export const relativeQuarterYearRule: Rule = {
  // "this qtr", "next yr".
  name: 'relative-period',
  pattern: new RegExp(`\\b${RELATIVE}\\s+(qtr|yr)\\b`, 'gi'),
  resolve(m, ctx) {
    const unit = m[2]!.toLowerCase() === 'qtr' ? 'quarter' : 'year';
    const start = startOfPeriod(ctx, unit, relativeShift(m[1]!));
    return {
      span: {
        start,
        end: plus(start, unit === 'quarter' ? { months: 3 } : { years: 1 }),
        grain: unit === 'quarter' ? 'month' : 'year',
      },
    };
  },
};

export const durationRules: Rule[] = [
  {
    // "in 7 days", "in 1/4 hour", "in half an hour", "in 2 and a half hours", "3 days ago", "a week from now",
    // "14 days hence", "within 2 weeks" (a deadline).
    name: 'shift',
    pattern: new RegExp(
      `\\b(in|within|after)?\\s*(?:another\\s+)?${QUANTITY}(?:\\s+and\\s+an?\\s+half)?(?:\\s+more)?\\s*${DURATION_UNIT}(?![\\w])(?:\\s+(ago|back|hence|from now|from right now|from today|later|earlier|before now))?`,
      'gi',
    ),
    resolve(m, ctx) {
      const [whole, prefix, quantity, unit, suffix] = m;
      if (!prefix && !suffix) return null;
      if ((unit === "'" || unit === '"' || unit!.toLowerCase() === 'h') && !prefix) return null;
      let amount = quantityValue(quantity!);
      if (/and\s+an?\s+half/i.test(whole)) amount += 0.5;
      const sign = suffix && /ago|back|earlier|before/i.test(suffix) ? -1 : 1;
      const span = shifted(ctx, amount, unit!, sign);
      if (!span) return null;
      const day = span.grain === 'day' || span.grain === 'hour' ? { day: startOf(span.start, 'day') } : {};
      if (prefix?.toLowerCase() === 'within') return { span: timeSpan(ctx.ref, span.start, 'minute'), deadline: true };
      return { span, ...day };
    },
  },
  {
    // "in 15" (minutes), said of a meeting about to start.
    name: 'shift',
    pattern: /\bin\s+(\d{1,2})\s*$/gi,
    resolve(m, ctx) {
      const span = shifted(ctx, Number(m[1]), 'minutes', 1);
      return span ? { span } : null;
    },
  },
  {
    // "3 fridays from now", "2 thursdays ago".
    name: 'shift',
    pattern: new RegExp(`\\b(${NUMBER})\\s+${WEEKDAY}\\s+(from now|hence|ago|back)\\b`, 'gi'),
    resolve(m, ctx) {
      const n = toNumber(m[1]!);
      const weekday = weekdayNumber(m[2]!);
      if (!Number.isFinite(n) || !weekday) return null;
      const today = ctx.today;
      const forward = /from now|hence/i.test(m[3]!);
      const nearest = forward
        ? dayFromToday(ctx, ((weekday - today.weekday + 6) % 7) + 1)
        : dayFromToday(ctx, -(((today.weekday - weekday + 6) % 7) + 1));
      return daySpan(plus(nearest, { weeks: forward ? n - 1 : -(n - 1) }));
    },
  },
  {
    // "two upcoming weeks", "upcoming 2 days": the period that many steps ahead.
    name: 'relative-period',
    pattern: new RegExp(`\\b(?:(${NUMBER})\\s+(?:upcoming|coming|next)|upcoming\\s+(${NUMBER}))\\s+${UNIT}\\b`, 'gi'),
    resolve(m, ctx) {
      const n = toNumber((m[1] ?? m[2])!);
      const unit = m[3]!.toLowerCase() as 'day' | 'week' | 'month' | 'year' | 'quarter';
      if (!Number.isFinite(n)) return null;
      const start = startOfPeriod(ctx, unit, n);
      return {
        span: timeSpan(start, plus(start, { [`${unit}s`]: 1 } as DurationLikeObject), periodGrain(unit)),
        ...(unit === 'day' ? { day: start } : {}),
      };
    },
  },
  {
    // "the day after tomorrow", "the day before yesterday".
    name: 'relative-day',
    pattern: /\b(?:the\s+)?day\s+(after tomorrow|before yesterday)\b/gi,
    resolve(m, ctx) {
      return daySpan(dayFromToday(ctx, /after/i.test(m[1]!) ? 2 : -2));
    },
  },
];
