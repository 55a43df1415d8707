/**
 * Finds time expressions in text and resolves them against a reference time: rules for mail idioms (one file
 * per family) and chrono-node, the longest reading winning, then combined ("Tue or Wed afternoon, 3pm ET").
 */
import type { DateTime } from 'luxon';
import { cachedZone, findZoneMentions, type ZoneMention } from '../zones.ts';
import { anchoredCandidates } from './anchored.ts';
import { plus } from './calendar-math.ts';
import { chronoCandidates } from './chrono.ts';
import {
  attachZones,
  bindWeekdaysToWeek,
  bindWeekdayToDate,
  chooseLongest,
  combineClockRanges,
  combineTimeOfDay,
  distributeAlternatives,
} from './combine.ts';
import { makeContext } from './context.ts';
import {
  dayOfMonthRule,
  dayRangeRule,
  decadeRule,
  monthRule,
  nthOfPeriodRule,
  numericDateRules,
  quarterRule,
  weekdayRule,
  yearModifierRule,
  yearRule,
  yearWordsRule,
} from './dates.ts';
import { holidayRule } from './holiday-rules.ts';
import { compactTriggered, maskNonTimes } from './mask.ts';
import { pending } from './pending.ts';
import {
  durationRules,
  earlierLaterRule,
  nowRule,
  pastWeekRule,
  periodRules,
  relativeQuarterYearRule,
  restOfPeriodRule,
  seasonRule,
  weekendRule,
  yearEndRule,
} from './relative.ts';
import { withTimeOfDay } from './spans.ts';
import { clockRules, continentalHourRule, endOfDayRule, firstThingRule, partOfDayRules } from './times-of-day.ts';
import type { Candidate, Context, ParseTimeOptions, Pending, Rule, TimeExpression } from './types.ts';

export type { Direction, Grain, ParseTimeOptions, TimeExpression } from './types.ts';

const RULES: Rule[] = [
  ...periodRules,
  endOfDayRule,
  firstThingRule,
  continentalHourRule,
  weekendRule,
  pastWeekRule,
  earlierLaterRule,
  yearEndRule,
  restOfPeriodRule,
  seasonRule,
  ...partOfDayRules,
  nowRule,
  ...clockRules,
  weekdayRule,
  dayOfMonthRule,
  monthRule,
  nthOfPeriodRule,
  quarterRule,
  relativeQuarterYearRule,
  yearRule,
  ...durationRules,
  holidayRule,
  ...numericDateRules,
  yearModifierRule,
  yearWordsRule,
  dayRangeRule,
  decadeRule,
];

export function parseTimeExpressions(text: string, opts: ParseTimeOptions): TimeExpression[] {
  // Stamps, addresses, phone numbers, prices and codes are blanked first (offsets stay the same); then only
  // the sentences that can hold a time are read.
  const compacted = compactTriggered(maskNonTimes(text));
  const cleaned = compacted.text;
  const zones = findZoneMentions(cleaned);
  // Zone names are removed before chrono sees the text (it knows only fixed offsets for a few
  // abbreviations); offsets stay the same because the names are replaced by spaces.
  const masked = maskZones(cleaned, zones);
  const ctx = makeContext(opts, masked);
  const found = [...ruleCandidates(masked, ctx), ...chronoCandidates(masked, ctx)];
  const candidates = [...found, ...anchoredCandidates(found, masked, ctx)];
  const chosen = bindWeekdaysToWeek(
    combineTimeOfDay(combineClockRanges(bindWeekdayToDate(chooseLongest(candidates), masked, ctx), masked), masked),
    masked,
  );
  attachZones(chosen, zones, cleaned);
  distributeAlternatives(chosen, masked);
  const whole = masked.trim();
  return (
    chosen
      .filter((c) => !c.bare || c.day || masked.slice(c.index, c.stop).trim() === whole)
      // "Now that he is a director": a conjunction, not the present moment.
      .filter(
        (c) => !/^now$/i.test(masked.slice(c.index, c.stop)) || !/^\s+that\b/i.test(masked.slice(c.stop, c.stop + 8)),
      )
      .map((c) => toExpression(c, text, compacted.toOriginal, ctx))
      .filter((e): e is TimeExpression => e !== null)
      .sort((a, b) => a.index - b.index)
  );
}

function maskZones(text: string, zones: ZoneMention[]): string {
  let masked = text;
  for (const z of zones) {
    masked = masked.slice(0, z.index) + ' '.repeat(z.text.length) + masked.slice(z.index + z.text.length);
  }
  return masked;
}

function ruleCandidates(text: string, ctx: Context): Pending[] {
  const out: Pending[] = [];
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    for (const m of text.matchAll(rule.pattern)) {
      const index = (m.index ?? 0) + leadingSpace(m[0]);
      const stop = (m.index ?? 0) + m[0].length;
      out.push(
        pending(index, stop, true, () => {
          const resolved = rule.resolve(m as RegExpExecArray, ctx);
          return resolved ? { rule: rule.name, ...resolved, index, stop, fromRule: true } : null;
        }),
      );
    }
  }
  return out;
}

function leadingSpace(text: string): number {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

function toExpression(
  c: Candidate,
  original: string,
  toOriginal: (index: number) => number,
  ctx: Context,
): TimeExpression | null {
  let span = c.span;
  if (!span && c.timeOfDay) {
    // A time of day with no date: today if it is still ahead, otherwise tomorrow.
    const today = ctx.today;
    const candidate = withTimeOfDay(today, c.timeOfDay);
    const passed = c.timeOfDay.to === undefined ? candidate.start < ctx.ref : candidate.end <= ctx.ref;
    span = passed && !c.deadline ? withTimeOfDay(plus(today, { days: 1 }), c.timeOfDay) : candidate;
  }
  if (!span) return null;
  let { start, end } = span;
  if (c.zone && (span.grain === 'minute' || span.grain === 'hour' || c.timeOfDay)) {
    const named = cachedZone(c.zone);
    start = start.setZone(named, { keepLocalTime: true }).setZone(ctx.zone);
    end = end.setZone(named, { keepLocalTime: true }).setZone(ctx.zone);
  }
  let grain = span.grain;
  // A deadline runs from the reference time until the end of the named time.
  if (c.deadline && start > ctx.ref) {
    start = ctx.ref;
    grain = 'minute';
  }
  const index = toOriginal(c.index);
  const stop = c.stop > c.index ? toOriginal(c.stop - 1) + 1 : index;
  return {
    text: original.slice(index, stop),
    start: iso(start),
    end: iso(end),
    grain,
    index,
    ...(c.zone ? { zone: c.zone } : {}),
    ...(c.rule ? { rule: c.rule } : {}),
    ...readingOf(c, ctx),
  };
}

/** The way the sentence points: the reading that chose the value, or (for "tomorrow", "last week") the sentence's own. */
function readingOf(c: Candidate, ctx: Context): Pick<TimeExpression, 'direction' | 'cue'> {
  const reading = c.reading ?? ctx.read(c.index, c.stop);
  return { direction: reading.direction, cue: reading.cue };
}

const iso = (dt: DateTime) => dt.toISO({ suppressMilliseconds: true }) ?? '';
