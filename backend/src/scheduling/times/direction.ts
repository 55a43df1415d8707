/**
 * Choosing the occurrence of a weekday, date or month that has no year or week of its own, from the way
 * the sentence points (context.ts): the one just gone for the past, the next one for the future.
 */
import { DateTime } from 'luxon';
import type { Context, Reading } from './types.ts';

/** "Friday": past → on or before today; present → today or after; future and no verb → after today. */
export function pickWeekday(ctx: Context, weekday: number, reading: Reading): DateTime {
  const today = ctx.ref.startOf('day');
  if (reading.direction === 'past') return today.minus({ days: (today.weekday - weekday + 7) % 7 });
  if (reading.direction === 'present') return today.plus({ days: (weekday - today.weekday + 7) % 7 });
  return today.plus({ days: ((weekday - today.weekday + 6) % 7) + 1 });
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
  const today = ctx.ref.startOf('day');
  const at = (year: number) => DateTime.fromObject({ year, month, day }, { zone: ctx.zone });
  const candidates = [at(today.year - 1), at(today.year), at(today.year + 1)].filter((d) => d.isValid);
  if (!candidates.length) return null;
  if (reading.direction === 'past') return [...candidates].reverse().find((d) => d <= today) ?? null;
  const ahead = candidates.find((d) => d >= today) ?? null;
  if (reading.direction !== 'present' || !ahead) return ahead;
  const behind = [...candidates].reverse().find((d) => d < today);
  if (!behind) return ahead;
  return today.diff(behind, 'days').days < ahead.diff(today, 'days').days ? behind : ahead;
}

/** "August": past → the last August up to this month; present → the nearest; otherwise this month or later. */
export function pickMonth(ctx: Context, month: number, given: Reading): DateTime {
  const reading: Reading = weakPast(given) ? { ...given, direction: 'present' } : given;
  const thisMonth = ctx.ref.startOf('month');
  const sameYear = DateTime.fromObject({ year: thisMonth.year, month, day: 1 }, { zone: ctx.zone });
  const behind = sameYear <= thisMonth ? sameYear : sameYear.minus({ years: 1 });
  const ahead = sameYear >= thisMonth ? sameYear : sameYear.plus({ years: 1 });
  if (reading.direction === 'past') return behind;
  if (reading.direction !== 'present') return ahead;
  return thisMonth.diff(behind, 'months').months < ahead.diff(thisMonth, 'months').months ? behind : ahead;
}

/** "the 15th": past → the last one on or before today; otherwise today or later. */
export function pickDayOfMonth(ctx: Context, dom: number, reading: Reading): DateTime | null {
  const today = ctx.ref.startOf('day');
  let month = today.startOf('month');
  if (reading.direction === 'past') {
    for (let i = 0; i < 3; i++, month = month.minus({ months: 1 })) {
      if (dom <= month.daysInMonth! && month.set({ day: dom }) <= today) return month.set({ day: dom });
    }
    return null;
  }
  for (let i = 0; i < 3; i++, month = month.plus({ months: 1 })) {
    if (dom <= month.daysInMonth! && month.set({ day: dom }) >= today) return month.set({ day: dom });
  }
  return null;
}

/** The year of "the third quarter", "this summer" without a year: the last one for the past, else this year. */
export function pickPeriodYear(ctx: Context, startMonth: number, reading: Reading): number {
  if (reading.direction === 'past' && startMonth > ctx.ref.month) return ctx.ref.year - 1;
  return ctx.ref.year;
}
