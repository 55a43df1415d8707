/** Calendar arithmetic shared by the rule families: periods, day spans, times of day on a day, durations. */

import type { DateTime, DurationLikeObject } from 'luxon';
import { dateTime, plus, set, startOf } from './calendar-math.ts';
import { COUNT_WORD, MONTH_NAME, monthNumber, ONES, TEENS, TENS, toNumber, wordsValue } from './lexicon.ts';
import { timeSpan } from './span.ts';
import type { Context, Grain, Span, TimeOfDay } from './types.ts';

export const RELATIVE = '(this|current|next|last|past|previous|coming|upcoming|following)';
export const UNIT = '(day|week|month|year|quarter)s?';

export function startOfPeriod(
  ctx: Context,
  unit: 'day' | 'week' | 'month' | 'year' | 'quarter',
  shift: number,
): DateTime {
  return plus(startOf(ctx.ref, unit), { [`${unit}s`]: shift } as DurationLikeObject);
}

export function relativeShift(word: string): number {
  const w = word.toLowerCase();
  if (w === 'next' || w === 'following' || w === 'coming' || w === 'upcoming') return 1;
  if (w === 'last' || w === 'past' || w === 'previous') return -1;
  return 0;
}

export function periodGrain(unit: string): Grain {
  return unit === 'quarter' ? 'month' : (unit as Grain);
}

/** A week, month, quarter or year named by a phrase such as "next month", "March", "2012". */
export function namedPeriod(phrase: string, ctx: Context): { start: DateTime; unit: 'week' | 'month' | 'year' } | null {
  const p = phrase
    .toLowerCase()
    .trim()
    .replace(/^(?:the\s+)?(?:around\s+)?/, '');
  let m = new RegExp(`^(?:${RELATIVE}\\s+)?(week|month|year)$`).exec(p);
  if (m) {
    const unit = m[2] as 'week' | 'month' | 'year';
    return { start: startOfPeriod(ctx, unit, m[1] ? relativeShift(m[1]) : 0), unit };
  }
  m = /^(\d{4})$/.exec(p);
  if (m) return { start: dateTime({ year: Number(m[1]) }, ctx.zone), unit: 'year' };
  m = new RegExp(`^${MONTH_NAME}(?:\\s+(\\d{4}))?$`).exec(p);
  if (m?.[1]) {
    const month = monthNumber(m[1]);
    let year = m[2] ? Number(m[2]) : ctx.ref.year;
    if (!m[2] && month < ctx.ref.month) year += 1;
    return { start: dateTime({ year, month, day: 1 }, ctx.zone), unit: 'month' };
  }
  return null;
}

/** Which part of a period "beginning/mid/end of" names, as [from, to) fractions in days or months. */
export function partOfPeriod(which: string, period: { start: DateTime; unit: 'week' | 'month' | 'year' }): Span {
  const w = which.toLowerCase();
  const early = w === 'beginning' || w === 'start' || w === 'early';
  const middle = w === 'mid' || w === 'middle';
  const s = period.start;
  if (period.unit === 'week') {
    if (early) return timeSpan(s, plus(s, { days: 3 }), 'day');
    if (middle) return timeSpan(plus(s, { days: 2 }), plus(s, { days: 4 }), 'day');
    return timeSpan(plus(s, { days: 4 }), plus(s, { weeks: 1 }), 'day');
  }
  if (period.unit === 'month') {
    if (early) return timeSpan(s, set(s, { day: 11 }), 'day');
    if (middle) return timeSpan(set(s, { day: 11 }), set(s, { day: 21 }), 'day');
    return timeSpan(set(s, { day: 21 }), plus(s, { months: 1 }), 'day');
  }
  if (early) return timeSpan(s, plus(s, { months: 4 }), 'month');
  if (middle) return timeSpan(plus(s, { months: 4 }), plus(s, { months: 8 }), 'month');
  return timeSpan(plus(s, { months: 8 }), plus(s, { years: 1 }), 'month');
}

/** A month or year named in an "of …" phrase: "October 2014", "next month", "2018", "the month". */
export function containingPeriod(phrase: string, ctx: Context): { start: DateTime; unit: 'month' | 'year' } | null {
  const p = phrase.toLowerCase().trim();
  if (p === 'the month') return { start: startOf(ctx.ref, 'month'), unit: 'month' };
  const rel = /^(?:the\s+)?(this|current|next|last|previous|following|coming)\s+(month|year)$/.exec(p);
  if (rel)
    return {
      start: startOfPeriod(ctx, rel[2] as 'month' | 'year', relativeShift(rel[1]!)),
      unit: rel[2] as 'month' | 'year',
    };
  const named = namedPeriod(p, ctx);
  if (named && named.unit !== 'week') return { start: named.start, unit: named.unit };
  return null;
}

export function daySpan(day: DateTime): { span: Span; day: DateTime } {
  // DateTimes are immutable and spans are replaced, never changed, so one day's span can be shared.
  let known = daySpans.get(day);
  if (!known) {
    const start = day.hour || day.minute || day.second || day.millisecond ? startOf(day, 'day') : day;
    known = { span: timeSpan(start, plus(start, { days: 1 }), 'day'), day: start };
    daySpans.set(day, known);
  }
  return known;
}
const daySpans = new WeakMap<DateTime, { span: Span; day: DateTime }>();

/** The day `days` after the reference day (before, when negative), worked out once per parse. */
export function dayFromToday(ctx: Context, days: number): DateTime {
  let shifted = daysFromToday.get(ctx);
  if (!shifted) {
    shifted = new Map();
    daysFromToday.set(ctx, shifted);
  }
  let day = shifted.get(days);
  if (!day) {
    day = days === 0 ? ctx.today : plus(ctx.today, { days });
    shifted.set(days, day);
  }
  return day;
}
const daysFromToday = new WeakMap<Context, Map<number, DateTime>>();

/** The date with this day of the month (and month) that falls on `weekday`: the nearest year, or the next month. */
export function consistentDate(ctx: Context, parts: { dom: number; month?: number }, weekday: number): DateTime | null {
  const today = ctx.today;
  if (parts.month) {
    // Plain calendar arithmetic for the thirteen years looked at; luxon only for the one returned.
    const month = parts.month;
    const todayNumber = Date.UTC(today.year, today.month - 1, today.day);
    let best: { year: number; distance: number } | null = null;
    for (let y = ctx.ref.year - 6; y <= ctx.ref.year + 6; y++) {
      const date = new Date(Date.UTC(y, month - 1, parts.dom));
      if (date.getUTCMonth() !== month - 1 || ((date.getUTCDay() + 6) % 7) + 1 !== weekday) continue;
      const distance = Math.abs(date.getTime() - todayNumber);
      if (!best || distance < best.distance) best = { year: y, distance };
    }
    return best ? dateTime({ year: best.year, month, day: parts.dom }, ctx.zone) : null;
  }
  let month = startOf(today, 'month');
  for (let i = 0; i < 24; i++, month = plus(month, { months: 1 })) {
    if (parts.dom > month.daysInMonth!) continue;
    const d = set(month, { day: parts.dom });
    if (d >= today && d.weekday === weekday) return d;
  }
  return null;
}

export function withTimeOfDay(day: DateTime, t: TimeOfDay): Span {
  const start = atMinutes(day, t.from);
  const end = t.to === undefined ? plus(start, { [`${t.grain}s`]: 1 }) : atMinutes(day, t.to);
  return timeSpan(start, end, t.grain);
}

/** The wall-clock time on a day; luxon moves times inside a spring-forward gap to after it. */
export function atMinutes(day: DateTime, minutes: number): DateTime {
  const midnight = day.hour || day.minute || day.second || day.millisecond ? startOf(day, 'day') : day;
  if (minutes >= 1440) return plus(midnight, { days: 1 });
  const seconds = Math.round(minutes * 60);
  return set(midnight, {
    hour: Math.floor(seconds / 3600),
    minute: Math.floor(seconds / 60) % 60,
    second: seconds % 60,
  });
}

const GRAIN_ORDER: Grain[] = ['minute', 'hour', 'day', 'week', 'month', 'year'];
export const finer = (a: Grain, b: Grain): Grain => (GRAIN_ORDER.indexOf(a) <= GRAIN_ORDER.indexOf(b) ? a : b);

export const DURATION_UNIT =
  '(seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|fortnights?|months?|years?|yrs?|\'|")';

export function quantityValue(q: string): number {
  const s = q.toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  const frac = /^(\d)\/(\d)$/.exec(s);
  if (frac) return Number(frac[1]) / Number(frac[2]);
  if (s.startsWith('half') || s === 'a half') return 0.5;
  if (s.startsWith('a quarter')) return 0.25;
  if (s.startsWith('three')) return s.includes('quarter') ? 0.75 : 3;
  if (s === 'a couple of' || s === 'a pair of') return 2;
  const n = toNumber(s);
  return Number.isFinite(n) ? n : wordsValue(s) || Number.NaN;
}

export function unitMinutes(unit: string): { minutes?: number; days?: number; months?: number } {
  const u = unit.toLowerCase();
  if (u.startsWith('s') || u === '"') return { minutes: 1 / 60 };
  if (u.startsWith('mi') || u === "'") return { minutes: 1 };
  if (u.startsWith('h')) return { minutes: 60 };
  if (u.startsWith('d')) return { days: 1 };
  if (u.startsWith('w')) return { days: 7 };
  if (u.startsWith('f')) return { days: 14 };
  if (u.startsWith('mo')) return { months: 1 };
  return { months: 12 };
}

/** The reference moved by an amount; the grain follows the unit the way people mean it. */
export function shifted(ctx: Context, amount: number, unit: string, sign: 1 | -1): Span | null {
  if (!Number.isFinite(amount) || amount <= 0) return null;
  const u = unitMinutes(unit);
  if (u.minutes !== undefined) {
    const start = plus(ctx.ref, { seconds: Math.round(sign * amount * u.minutes * 60) });
    return timeSpan(start, plus(start, { minutes: 1 }), 'minute');
  }
  if (u.days !== undefined) {
    const days = amount * u.days;
    if (u.days === 1 && Number.isInteger(days)) {
      const start = startOf(plus(ctx.ref, { days: sign * days }), 'hour');
      return timeSpan(start, plus(start, { hours: 1 }), 'hour');
    }
    const start = startOf(plus(ctx.ref, { days: sign * days }), 'day');
    return timeSpan(start, plus(start, { days: 1 }), 'day');
  }
  const start = startOf(plus(ctx.ref, { months: sign * amount * (u.months ?? 1) }), 'day');
  return timeSpan(start, plus(start, { days: 1 }), 'day');
}

/** An amount in digits, fractions or words: "2.5", "1/4", "a couple of", "half an", "three quarters of an". */
export const QUANTITY = `(\\d+(?:\\.\\d+)?|\\d/\\d|(?:${TENS.join('|')})(?:[\\s-](?:${ONES.join('|')}))?|${TEENS.slice(3).join('|')}|${COUNT_WORD}|a couple of|a pair of|half an?|a half|a quarter of an?|three-quarters of an?|three quarters of an?)`;

/** Whether a match is all the text says (give or take spaces), without copying a long text per match. */
export function isAlone(m: RegExpExecArray | RegExpMatchArray): boolean {
  const input = m.input ?? '';
  const index = m.index ?? 0;
  if (input.length - m[0].length > 200) return false;
  return input.slice(0, index).trim() === '' && input.slice(index + m[0].length).trim() === '' && m[0].trim() !== '';
}
