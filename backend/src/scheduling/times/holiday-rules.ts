/** The rule for named holidays ("Thanksgiving", "next Easter", "Christmas 2014"), on the calendars of ../holidays.ts. */
import type { DateTime } from 'luxon';
import { HOLIDAY_PATTERN, type Holiday, type HolidayDate, holidayNamed } from '../holidays.ts';
import { dateTime, plus, startOf } from './calendar-math.ts';
import { YEAR_WORDS, yearFromWords } from './lexicon.ts';
import { DURATION_UNIT, QUANTITY, quantityValue, relativeShift, shifted } from './spans.ts';
import type { Context, Rule } from './types.ts';

const toDateTime = (d: HolidayDate, ctx: Context) => dateTime(d, ctx.zone);

type HolidaySpan = { start: DateTime; end: DateTime } | null;

/**
 * Spans already worked out, per holiday, year and zone: a mail names the same few holidays again and again, and
 * the calendar arithmetic (Easter, lunar dates) and luxon's zone work are the costly part. Bounded: a text that
 * names thousands of years clears it.
 */
const spans = new Map<string, HolidaySpan>();
const MAX_SPANS = 2000;

/** The holiday's first day in a year, as a day span (longer for periods such as Hanukkah or Lent). */
export function holidaySpan(h: Holiday, year: number, ctx: Context): HolidaySpan {
  const key = `${h.name}\u0000${year}\u0000${ctx.zone.name}`;
  const known = spans.get(key);
  if (known !== undefined) return known;
  const d = h.date(year);
  const start = d ? toDateTime(d, ctx) : null;
  const span = start?.isValid ? { start, end: plus(start, { days: h.days?.(year) ?? 1 }) } : null;
  if (spans.size >= MAX_SPANS) spans.clear();
  spans.set(key, span);
  return span;
}

/** The first occurrence on or after `from` (direction 1) or strictly before it (direction -1). */
export function holidayAround(h: Holiday, from: DateTime, direction: 1 | -1, ctx: Context) {
  const years =
    direction > 0
      ? [from.year - 1, from.year, from.year + 1, from.year + 2]
      : [from.year + 1, from.year, from.year - 1, from.year - 2];
  for (const y of years) {
    const span = holidaySpan(h, y, ctx);
    if (!span) continue;
    if (direction > 0 ? span.start >= from : span.start < from) return span;
  }
  return null;
}

/** Words that are holidays only when written as names or pinned to a year: "I lent him", "boss's". */
const AMBIGUOUS_HOLIDAYS = /^(?:lent)$/i;

export const holidayRule: Rule = {
  // "Thanksgiving", "next Easter", "last MLK day", "Christmas 2014", "thanksgiving of next year",
  // "Thanksgiving in 9 months", "thanksgiving 3 months ago", "this christmas day".
  name: 'holiday',
  pattern: new RegExp(
    `\\b(?:(this|next|last|coming|upcoming|past|previous)\\s+)?(${HOLIDAY_PATTERN})(?![\\w'’])(?:\\s+day\\b)?` +
      `(?:\\s*,?\\s*(?:(?:of\\s+|in\\s+)?(\\d{4}|${YEAR_WORDS})\\b|of\\s+(?:the\\s+)?(this|next|last|following|previous)\\s+year\\b|` +
      `in\\s+${QUANTITY}\\s+${DURATION_UNIT}(?![\\w])|${QUANTITY}\\s+${DURATION_UNIT}\\s+(from now|hence|ago)\\b))?`,
    'gi',
  ),
  resolve(m, ctx) {
    const [, which, name, year, yearWord, inQty, inUnit, agoQty, agoUnit, agoWord] = m;
    const holiday = holidayNamed(name!);
    if (!holiday) return null;
    const modified = Boolean(which || year || yearWord || inQty || agoQty);
    if (AMBIGUOUS_HOLIDAYS.test(name!) && !modified && !/^[A-Z]/.test(name!)) return null;
    const today = ctx.today;
    let span: { start: DateTime; end: DateTime } | null;
    if (year) span = holidaySpan(holiday, /^\d/.test(year) ? Number(year) : yearFromWords(year), ctx);
    else if (yearWord) span = holidaySpan(holiday, ctx.ref.year + relativeShift(yearWord), ctx);
    else if (inQty || agoQty) {
      const shift = shifted(
        ctx,
        quantityValue((inQty ?? agoQty)!),
        (inUnit ?? agoUnit)!,
        agoWord && /ago/i.test(agoWord) ? -1 : 1,
      );
      span = shift ? holidayAround(holiday, startOf(shift.start, 'day'), 1, ctx) : null;
    } else if (which && relativeShift(which) < 0) span = holidayAround(holiday, today, -1, ctx);
    else span = holidayAround(holiday, today, 1, ctx);
    if (!span) return null;
    const single = span.end <= plus(span.start, { days: 1 });
    return {
      span: { ...span, grain: 'day' },
      ...(single ? { day: span.start } : {}),
      holiday: { holiday, pinned: Boolean(year || yearWord || inQty || agoQty || which) },
    };
  },
};
