/**
 * Choosing the occurrence of a weekday, date or month that has no year or week of its own, from the way
 * the sentence points (context.ts): the one just gone for the past, the next one for the future.
 */
import type { DateTime } from 'luxon';
import { dateTime, minus, plus, set, startOf } from './calendar-math.ts';
import { dayFromToday } from './spans.ts';
import type { Context, Reading } from './types.ts';

/** "Friday": past → on or before today; present → today or after; future and no verb → after today. */
export function pickWeekday(ctx: Context, weekday: number, reading: Reading): DateTime {
  const today = ctx.today.weekday;
  if (reading.direction === 'past') return dayFromToday(ctx, -((today - weekday + 7) % 7));
  if (reading.direction === 'present') return dayFromToday(ctx, (weekday - today + 7) % 7);
  return dayFromToday(ctx, ((weekday - today + 6) % 7) + 1);
}

/**
 * A past cue far from a date ("discussed last Tuesday the idea of speaking at the May 15 conference") says less
 * than the calendar: such dates are read as the nearest occurrence.
 */
const FAR = 5;
const weakPast = (reading: Reading) => reading.direction === 'past' && (reading.distance ?? 0) > FAR;

/** "June 19": past → the last one on or before today; present → the nearest; otherwise today or later. */
export function pickMonthDay(ctx: Context, month: number, day: number, given: Reading): DateTime | null {
  const reading: Reading = weakPast(given) ? { ...given, direction: 'present' } : given;
  // Calendar arithmetic on day numbers: luxon is kept for the one date returned.
  const today = ctx.ref;
  const todayNumber = dayNumber(today.year, today.month, today.day);
  const valid = (year: number) => day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
  const years = [today.year - 1, today.year, today.year + 1].filter(valid);
  if (!years.length || month < 1 || month > 12 || day < 1) return null;
  const at = (year: number) => dateTime({ year, month, day }, ctx.zone);
  const number = (year: number) => dayNumber(year, month, day);
  const behind = [...years].reverse().find((y) => number(y) <= todayNumber);
  const ahead = years.find((y) => number(y) >= todayNumber);
  if (reading.direction === 'past') return behind === undefined ? null : at(behind);
  if (ahead === undefined) return null;
  if (reading.direction !== 'present' || behind === undefined || number(behind) === todayNumber) return at(ahead);
  return todayNumber - number(behind) < number(ahead) - todayNumber ? at(behind) : at(ahead);
}

const dayNumber = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day) / 86_400_000;

/** "August": past → the last August up to this month; present → the nearest; otherwise this month or later. */
export function pickMonth(ctx: Context, month: number, given: Reading): DateTime {
  const reading: Reading = weakPast(given) ? { ...given, direction: 'present' } : given;
  const current = ctx.ref.month;
  const year = ctx.ref.year;
  const behind = month <= current ? year : year - 1;
  const ahead = month >= current ? year : year + 1;
  const months = (y: number) => y * 12 + month;
  let chosen = ahead;
  if (reading.direction === 'past') chosen = behind;
  else if (reading.direction === 'present')
    chosen = year * 12 + current - months(behind) < months(ahead) - (year * 12 + current) ? behind : ahead;
  return dateTime({ year: chosen, month, day: 1 }, ctx.zone);
}

/** "the 15th": past → the last one on or before today; otherwise today or later. */
export function pickDayOfMonth(ctx: Context, dom: number, reading: Reading): DateTime | null {
  const today = ctx.today;
  let month = startOf(today, 'month');
  if (reading.direction === 'past') {
    for (let i = 0; i < 3; i++, month = minus(month, { months: 1 })) {
      if (dom <= month.daysInMonth! && set(month, { day: dom }) <= today) return set(month, { day: dom });
    }
    return null;
  }
  for (let i = 0; i < 3; i++, month = plus(month, { months: 1 })) {
    if (dom <= month.daysInMonth! && set(month, { day: dom }) >= today) return set(month, { day: dom });
  }
  return null;
}

/** The year of "the third quarter", "this summer" without a year: the last one for the past, else this year. */
export function pickPeriodYear(ctx: Context, startMonth: number, reading: Reading): number {
  if (reading.direction === 'past' && startMonth > ctx.ref.month) return ctx.ref.year - 1;
  return ctx.ref.year;
}
