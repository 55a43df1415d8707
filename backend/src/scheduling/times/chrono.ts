/** chrono-node's readings, converted to zone-aware candidates. */

import * as chrono from 'chrono-node';
import type { DateTime } from 'luxon';
import { dateTime, plus, set, startOf } from './calendar-math.ts';
import { pickMonth, pickMonthDay, pickWeekday } from './direction.ts';
import { pending } from './pending.ts';
import { timeSpan } from './span.ts';
import { consistentDate, DURATION_UNIT, dayFromToday, finer, QUANTITY, withTimeOfDay } from './spans.ts';
import { PART_OF_DAY_WORDS, partOfDay } from './times-of-day.ts';
import type { Candidate, Context, Pending, Reading, TimeOfDay } from './types.ts';

const parser = chrono.casual.clone();

/** chrono reads "4 days", "for 38 years", "a second" as times from now; without "in", "ago" they are lengths. */
const BARE_DURATION = new RegExp(
  `^(?:(?:for|over|another|about|around|approximately|the|last|past|first|next)\\s+)*${QUANTITY}\\s*${DURATION_UNIT}(?:\\s+(?:long|old|(?:a|per|each)\\s+(?:day|week|month|year)))?$`,
  'i',
);
const NUMBER_RUN = /^\d[\d,]*\s*(?:-|–|to|through|thru)\s*\d[\d,]*$/i;
const PART_OF_DAY = new RegExp(`\\b${PART_OF_DAY_WORDS}\\b`, 'i');
const BARE_PART = /^(?:the\s+)?(?:morning|afternoon|evening|night|lunch|lunchtime|late night)s?$/i;

function plausible(text: string, whole: string, before: string, after: string): boolean {
  const t = text.trim();
  if (t === whole) return true;
  // "45 1/2": a fraction after a whole number.
  if (/^\d\/\d\d?$/.test(t) && /\d\s$/.test(before)) return false;
  if (/^(?:mon|tue|wed|thu|fri|sat|sun)$/i.test(t) && /^-[A-Za-z]/.test(after)) return false;
  return (
    !BARE_DURATION.test(t) &&
    !/^(?:(?:in\s+)?the\s+)?(?:day|week|month|year)$/i.test(t) &&
    !NUMBER_RUN.test(t) &&
    !BARE_PART.test(t)
  );
}

/**
 * How many separators (white space, comma, semicolon, colon) end `text`, counted from the end: `/[\s,;:]+$/`
 * retries from every position of a long masked run that does not reach the end, which is quadratic.
 */
function trailingSeparators(text: string): number {
  let i = text.length;
  while (i > 0 && /[\s,;:]/.test(text.charAt(i - 1))) i--;
  return text.length - i;
}

export function chronoCandidates(text: string, ctx: Context): Pending[] {
  const reference = { instant: ctx.ref.toJSDate(), timezone: ctx.ref.offset };
  const results = parser.parse(text, reference, { forwardDate: true });
  const out: Pending[] = [];
  const whole = text.trim();
  for (const r of results) {
    const before = text.slice(Math.max(0, r.index - 2), r.index);
    const after = text.slice(r.index + r.text.length, r.index + r.text.length + 2);
    if (!plausible(r.text, whole, before, after)) continue;
    // "on Friday," and "Friday" are the same expression: without the preposition and the trailing comma, a
    // rule that reads the same words wins the tie.
    const lead = /^(?:on|at)\s+/i.exec(r.text)?.[0].length ?? 0;
    const trail = trailingSeparators(r.text.slice(lead));
    const index = r.index + lead;
    const stop = r.index + r.text.length - trail;
    out.push(pending(index, stop, false, () => resolveResult(r, index, stop, ctx)));
  }
  return out;
}

function resolveResult(r: chrono.ParsedResult, index: number, stop: number, ctx: Context): Candidate | null {
  let reading: Reading | undefined;
  const read = () => {
    reading ??= ctx.read(index, stop);
    return reading;
  };
  const start = fromComponents(r.start, r.text, ctx, read);
  if (!start) return null;
  let candidate: Candidate = { index, stop, fromRule: false, rule: 'chrono', ...start };
  if (r.end) {
    const end = fromComponents(r.end, r.text, ctx, read);
    if (end?.span && candidate.span) {
      let endAt = end.span.grain === 'minute' || end.span.grain === 'hour' ? end.span.start : end.span.end;
      // "11pm-1am" ends the next day.
      if (endAt <= candidate.span.start && end.span.grain !== 'day') endAt = plus(endAt, { days: 1 });
      const grain = finer(candidate.span.grain, end.span.grain);
      // An end before the start ("6/20 - Friday" read as two dates) is no range: the start stands alone.
      if (endAt > candidate.span.start)
        candidate = {
          ...candidate,
          span: timeSpan(candidate.span.start, endAt, grain),
          day: undefined,
          timeOfDay: undefined,
        };
    }
  }
  return reading ? { ...candidate, reading } : candidate;
}

type Components = Pick<Candidate, 'span' | 'day' | 'timeOfDay' | 'weekday' | 'dateParts'>;

function fromComponents(
  c: chrono.ParsedComponents,
  text: string,
  ctx: Context,
  read: () => Reading,
): Components | null {
  const result = fromComponentsInner(c, text, ctx, read);
  if (!result?.day || !c.isCertain('day')) return result;
  const dateParts = {
    dom: c.get('day') ?? 0,
    ...(c.isCertain('month') ? { month: c.get('month') ?? 0 } : {}),
    yearKnown: c.isCertain('year'),
  };
  // "Fri, Jul 18": the weekday picks the year (or month) the date is meant in.
  if (c.isCertain('weekday') && !dateParts.yearKnown) {
    const weekday = (((c.get('weekday') ?? 0) + 6) % 7) + 1;
    const day = result.day.weekday === weekday ? result.day : consistentDate(ctx, dateParts, weekday);
    if (day && (day.year !== result.day.year || day.month !== result.day.month || day.day !== result.day.day)) {
      // Both are midnights: the calendar days between them, whatever DST did to the hours.
      const moved = Math.round((day.toMillis() - result.day.toMillis()) / 86_400_000);
      const shift = (dt: DateTime) => plus(dt, { days: moved });
      return {
        ...result,
        day: shift(result.day),
        ...(result.span
          ? { span: { ...result.span, start: shift(result.span.start), end: shift(result.span.end) } }
          : {}),
        dateParts,
      };
    }
  }
  return { ...result, dateParts };
}

function fromComponentsInner(
  c: chrono.ParsedComponents,
  text: string,
  ctx: Context,
  read: () => Reading,
): Pick<Candidate, 'span' | 'day' | 'timeOfDay' | 'weekday'> | null {
  let year = c.get('year');
  let month = c.get('month');
  let dayOfMonth = c.get('day');
  if (year === null || month === null || dayOfMonth === null) return null;
  const zone = c.isCertain('timezoneOffset') ? offsetZone(c.get('timezoneOffset') ?? 0) : ctx.zone;
  const relative = c.tags().has('result/relativeDate');
  const hourKnown = c.isCertain('hour');
  const dayKnown = c.isCertain('day') || c.isCertain('weekday');
  const part = PART_OF_DAY.exec(text);

  // chrono reads every date forward; a date without its year or week is read the way the sentence points.
  const picked = relative ? null : pickOccurrence(c, text, ctx, read);
  if (picked) {
    year = picked.year;
    month = picked.month;
    dayOfMonth = picked.day;
  }
  // Midnight of the date (fromObject with no hour), in the writer's zone.
  const day =
    zone === ctx.zone
      ? dateTime({ year, month, day: dayOfMonth }, zone)
      : dateTime({ year, month, day: dayOfMonth }, zone).setZone(ctx.zone, { keepLocalTime: true });
  if (!day.isValid) return null;

  if (hourKnown) {
    const hour = c.get('hour') ?? 0;
    const minute = c.get('minute') ?? 0;
    const second = c.get('second') ?? 0;
    const minuteGrain =
      minute !== 0 ||
      second !== 0 ||
      /\d\s*[:.h]\s*\d{2}|\b(?:past|half|quarter|to)\b|\d{3,4}\b/i.test(text) ||
      relative;
    const grain = minuteGrain ? 'minute' : 'hour';
    const startLocal = dateTime({ year, month, day: dayOfMonth, hour, minute, second }, zone);
    const sameZone = zone === ctx.zone;
    const start = sameZone ? startLocal : startLocal.setZone(ctx.zone);
    const timeOfDay: TimeOfDay = { from: hour * 60 + minute, grain };
    const dated = dayKnown ? { day } : {};
    return { span: timeSpan(start, plus(start, { [`${grain}s`]: 1 }), grain), timeOfDay, ...dated };
  }
  if (part && dayKnown) {
    const timeOfDay = partOfDay(part[1]!);
    const weekday = c.isCertain('weekday') && !c.isCertain('day') ? { weekday: day.weekday } : {};
    if (timeOfDay) return { day, timeOfDay, span: withTimeOfDay(day, timeOfDay), ...weekday };
  }
  if (dayKnown || relative) {
    const start = day;
    const weekday = c.isCertain('weekday') && !c.isCertain('day') ? { weekday: start.weekday } : {};
    return { span: timeSpan(start, plus(start, { days: 1 }), 'day'), day: start, ...weekday };
  }
  if (c.isCertain('month')) {
    const start = startOf(day, 'month');
    return { span: timeSpan(start, plus(start, { months: 1 }), 'month') };
  }
  if (c.isCertain('year')) {
    const start = startOf(day, 'year');
    return { span: timeSpan(start, plus(start, { years: 1 }), 'year') };
  }
  return null;
}

/** The year (or week) of a date chrono read without one: "Friday", "June 19", "August". */
function pickOccurrence(c: chrono.ParsedComponents, text: string, ctx: Context, read: () => Reading): DateTime | null {
  if (c.isCertain('year')) return null;
  if (c.isCertain('weekday') && !c.isCertain('day')) {
    const weekday = (((c.get('weekday') ?? 0) + 6) % 7) + 1;
    const today = ctx.today;
    if (/\b(?:last|past|previous)\b/i.test(text)) return dayFromToday(ctx, -(((today.weekday - weekday + 6) % 7) + 1));
    if (/\bnext\b/i.test(text)) return plus(startOf(today, 'week'), { weeks: 1, days: weekday - 1 });
    if (/\b(?:this|today|coming)\b/i.test(text)) return dayFromToday(ctx, (weekday - today.weekday + 7) % 7);
    const reading = read();
    // "Thursday 2-3pm" written on Thursday morning: today, while the time is still ahead.
    if (c.isCertain('hour') && weekday === today.weekday && reading.direction !== 'past') {
      const at = set(today, { hour: c.get('hour') ?? 0, minute: c.get('minute') ?? 0 });
      if (at > ctx.ref) return today;
    }
    return pickWeekday(ctx, weekday, reading);
  }
  if (c.isCertain('month') && c.isCertain('day')) return pickMonthDay(ctx, c.get('month')!, c.get('day')!, read());
  if (c.isCertain('month')) return pickMonth(ctx, c.get('month')!, read());
  return null;
}

function offsetZone(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
}
