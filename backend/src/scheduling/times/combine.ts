/**
 * Putting candidates together: the longest reading wins, a time of day joins the date beside it, two clock times
 * make a window, weekdays bind to the week or date written beside them, and a time (and zone) stated once
 * applies to every alternative in a list ("Tue or Wed afternoon, 3pm ET").
 */

import type { DateTime } from 'luxon';
import type { ZoneMention } from '../zones.ts';
import { plus } from './calendar-math.ts';
import { timeSpan } from './span.ts';
import { consistentDate, daySpan, finer, withTimeOfDay } from './spans.ts';
import type { Candidate, Context, Pending, TimeOfDay } from './types.ts';

/**
 * Longest match wins; rules win ties because they know mail idioms chrono does not. A reading is resolved
 * only when it would win; one its rule turns down leaves the place to the next.
 */
export function chooseLongest(candidates: Pending[]): Candidate[] {
  const sorted = [...candidates].sort(
    (a, b) => b.stop - b.index - (a.stop - a.index) || Number(b.fromRule) - Number(a.fromRule) || a.index - b.index,
  );
  const chosen: Candidate[] = [];
  // Characters already taken by a chosen reading: an overlap test costs the reading's length, not the list's.
  let end = 0;
  for (const p of candidates) end = Math.max(end, p.stop);
  const taken = new Uint8Array(end);
  for (const p of sorted) {
    let free = true;
    for (let i = p.index; i < p.stop && free; i++) if (taken[i]) free = false;
    if (!free) continue;
    const c = p.resolve();
    if (!c) continue;
    chosen.push(c);
    taken.fill(1, Math.max(0, c.index), c.stop);
  }
  return chosen.sort((a, b) => a.index - b.index);
}

/** "Thu 15th", "Jul 18, Fri": a weekday beside a date without a year picks the month or year they agree in. */
export function bindWeekdayToDate(candidates: Candidate[], text: string, ctx: Context): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const a = candidates[i]!;
    const b = candidates[i + 1];
    if (b && /^\.?\s*,?\s*(?:the\s+)?$/i.test(text.slice(a.stop, b.index))) {
      const [w, d] = a.weekday && !a.dateParts ? [a, b] : [b, a];
      // "April 20, 2001, Friday": a weekday that restates a dated day is part of it.
      const restated = d.dateParts?.yearKnown && d.day?.weekday === w.weekday;
      // "Thursday night, August 16": the part of the day goes with the date the weekday picks.
      const part = w.timeOfDay?.to !== undefined ? w.timeOfDay : undefined;
      if (
        w.weekday &&
        (!w.timeOfDay || part) &&
        d.dateParts &&
        (!d.dateParts.yearKnown || restated) &&
        !d.timeOfDay &&
        !d.weekday &&
        d.day
      ) {
        const day = d.day.weekday === w.weekday ? d.day : consistentDate(ctx, d.dateParts, w.weekday);
        if (day) {
          const timed = part ? { timeOfDay: part, span: withTimeOfDay(day, part) } : {};
          out.push({ ...d, ...daySpan(day), ...timed, index: a.index, stop: b.stop, fromRule: true });
          i++;
          continue;
        }
      }
    }
    out.push(a);
  }
  return out;
}

const JOINER = /^\s*(?:,|at|@|on|in the|from|around|about|approx(?:imately)?|-)?\s*$/i;

/** "Friday" + "EOD", "tomorrow" + "8h", "3pm" + "on Monday": a time of day joins the date beside it. */
export function combineTimeOfDay(candidates: Candidate[], text: string): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const a = candidates[i]!;
    const b = candidates[i + 1];
    if (b && JOINER.test(text.slice(a.stop, b.index))) {
      const merged = mergePair(a, b) ?? mergePair(b, a);
      if (merged) {
        out.push({ ...merged, index: a.index, stop: b.stop, bare: false });
        i++;
        continue;
      }
    }
    out.push(a);
  }
  return out;
}

function mergePair(dated: Candidate, time: Candidate): Candidate | null {
  const point = time.timeOfDay;
  if (!point) return null;
  const deadline = dated.deadline || time.deadline;
  const zone = dated.zone ?? time.zone;
  // "tonight" + "at 8", "in the evening" + "at eight": the clock time narrows the part of the day.
  if (dated.timeOfDay && dated.timeOfDay.to !== undefined && point.to === undefined && !(dated.day && time.day)) {
    const timeOfDay = fitIntoPart(point, dated.timeOfDay);
    if (!dated.day) return { ...dated, timeOfDay, span: undefined, deadline, zone };
    return { ...dated, timeOfDay, span: withTimeOfDay(dated.day, timeOfDay), deadline, zone };
  }
  if (!dated.day || dated.timeOfDay || time.day) return null;
  return { ...dated, timeOfDay: point, span: withTimeOfDay(dated.day, point), deadline, zone };
}

export function fitIntoPart(point: TimeOfDay, part: TimeOfDay): TimeOfDay {
  const inPart = (from: number) => from >= part.from && from < (part.to ?? 1440);
  if (inPart(point.from)) return point;
  for (const shift of [720, -720]) {
    if (inPart(point.from + shift) && (point.ambiguous || point.from + shift >= 0))
      return { ...point, from: point.from + shift };
  }
  return point;
}

const RANGE_JOINER = /^\s*(?:-|–|—|to|till|until|untill|through|thru|and|but before)\s*$/i;

/** "2-3pm", "between 9:30 and 11:00", "from 3:30 to six p.m.": two clock times make one window. */
export function combineClockRanges(candidates: Candidate[], text: string): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const a = candidates[i]!;
    const b = candidates[i + 1];
    const joiner = b ? text.slice(a.stop, b.index) : '';
    const before = /\b(?:between|from|later than)\s*$/i.test(text.slice(Math.max(0, a.index - 12), a.index));
    const startsRange = before || /^(?:between|from)\b/i.test(text.slice(a.index, a.stop));
    if (
      b &&
      a.timeOfDay &&
      b.timeOfDay &&
      !(a.day && b.day) &&
      a.timeOfDay.to === undefined &&
      b.timeOfDay.to === undefined &&
      RANGE_JOINER.test(joiner) &&
      (!/and/i.test(joiner) || startsRange)
    ) {
      let from = a.timeOfDay.from;
      let to = b.timeOfDay.from;
      if (from >= to && a.timeOfDay.ambiguous && from - 720 >= 0 && from - 720 < to) from -= 720;
      if (from >= to && b.timeOfDay.ambiguous && to + 720 <= 1440) to += 720;
      if (from < to) {
        const grain = finer(a.timeOfDay.grain, b.timeOfDay.grain) as 'hour' | 'minute';
        const prefix = before
          ? (/(between|from|later than)\s*$/i.exec(text.slice(Math.max(0, a.index - 12), a.index))?.[0].length ?? 0)
          : 0;
        const timeOfDay: TimeOfDay = { from, to, grain };
        const day = a.day ?? b.day;
        const span = day ? withTimeOfDay(day, timeOfDay) : undefined;
        out.push({
          ...a,
          index: a.index - prefix,
          stop: b.stop,
          timeOfDay,
          day,
          span,
          zone: a.zone ?? b.zone,
          fromRule: true,
          bare: false,
        });
        i++;
        continue;
      }
    }
    out.push(a);
  }
  return out;
}

/** "Tue or Wed afternoon next week": the weekdays are those of the week named after them. */
export function bindWeekdaysToWeek(candidates: Candidate[], text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const c of candidates) {
    const previous = out[out.length - 1];
    if (
      c.week &&
      previous?.weekday &&
      previous.day &&
      /^\s*(?:,|of|in)?\s*$/i.test(text.slice(previous.stop, c.index))
    ) {
      const week = c.week;
      moveToWeek(previous, week);
      previous.stop = c.stop;
      for (let i = out.length - 2; i >= 0; i--) {
        const earlier = out[i]!;
        if (!earlier.weekday || !earlier.day || !ALTERNATIVE.test(text.slice(earlier.stop, out[i + 1]!.index))) break;
        moveToWeek(earlier, week);
      }
      continue;
    }
    // "Mon or Tue next week": the weekdays listed before one written with its week are in that week too.
    if (c.boundWeek) {
      let later: Candidate = c;
      for (let i = out.length - 1; i >= 0; i--) {
        const earlier = out[i]!;
        if (!earlier.weekday || !earlier.day || !ALTERNATIVE.test(text.slice(earlier.stop, later.index))) break;
        moveToWeek(earlier, c.boundWeek);
        later = earlier;
      }
    }
    out.push(c);
  }
  return out;
}

function moveToWeek(c: Candidate, week: DateTime): void {
  const day = plus(week, { days: (c.weekday ?? 1) - 1 });
  c.day = day;
  c.span = c.timeOfDay ? withTimeOfDay(day, c.timeOfDay) : timeSpan(day, plus(day, { days: 1 }), 'day');
}

const ALTERNATIVE = /^\s*(?:,|or|and|,\s*or|,\s*and|\/|&|or on|and on)\s*$/i;

/** "Tue or Wed afternoon": the time of day written once applies to every day in the list. */
export function distributeAlternatives(candidates: Candidate[], text: string): void {
  // "Tue 4 Feb, 15:00 CET / 09:00 ET": the second clock time is the same meeting in another zone.
  for (let i = 1; i < candidates.length; i++) {
    const earlier = candidates[i - 1]!;
    const later = candidates[i]!;
    if (later.timeOfDay && !later.day && earlier.day && /^\s*[/(]\s*$/.test(text.slice(earlier.stop, later.index))) {
      later.day = earlier.day;
      later.span = withTimeOfDay(earlier.day, later.timeOfDay);
    }
  }
  for (let i = candidates.length - 1; i > 0; i--) {
    const later = candidates[i]!;
    const earlier = candidates[i - 1]!;
    if (!later.timeOfDay || !later.day || !earlier.day || earlier.timeOfDay) continue;
    if (!ALTERNATIVE.test(text.slice(earlier.stop, later.index))) continue;
    // The zone stated once goes with the time: "Tue or Wed afternoon, 3pm ET" is 15:00 ET on both days.
    earlier.timeOfDay = later.timeOfDay;
    earlier.span = withTimeOfDay(earlier.day, later.timeOfDay);
    if (later.zone && !earlier.zone) earlier.zone = later.zone;
  }
}

/** "3pm CET", "9:00 (London time)": the wall-clock time is read in the named zone. */
export function attachZones(candidates: Candidate[], zones: ZoneMention[], text: string): void {
  for (const z of zones) {
    const before = [...candidates]
      .reverse()
      .find((c) => c.stop <= z.index && /^[\s(,]{0,3}$/.test(text.slice(c.stop, z.index)));
    const after = candidates.find(
      (c) => c.index >= z.index + z.text.length && /^[\s,:]{0,3}$/.test(text.slice(z.index + z.text.length, c.index)),
    );
    const inside = candidates.find((c) => c.index <= z.index && z.index + z.text.length <= c.stop);
    const target = inside ?? before ?? after;
    if (!target || target.zone) continue;
    target.zone = z.zone;
    if (inside === target) continue;
    if (before === target)
      target.stop =
        z.index +
        z.text.length +
        (text[z.index + z.text.length] === ')' && text.slice(target.stop, z.index).includes('(') ? 1 : 0);
    else target.index = z.index;
  }
}
