/**
 * Expressions anchored on a date written after them: "3 days after Easter", "the week of Oct 6th",
 * "the second Tuesday after Christmas", "the morning of Dec 24".
 */

import type { DateTime } from 'luxon';
import { minus, plus, startOf } from './calendar-math.ts';
import { holidaySpan } from './holiday-rules.ts';
import { ORDINAL, ordinalValue, plausibleWeekday, WEEKDAY, weekdayNumber } from './lexicon.ts';
import { settled } from './pending.ts';
import { timeSpan } from './span.ts';
import { daySpan, QUANTITY, quantityValue, unitMinutes, withTimeOfDay } from './spans.ts';
import { PART_OF_DAY_WORDS, partOfDay } from './times-of-day.ts';
import type { Candidate, Context, Pending } from './types.ts';

const SHIFT_BEFORE = new RegExp(
  `\\b(${QUANTITY.slice(1, -1)}|the|one)\\s+(days?|weeks?|fortnights?|months?|years?)\\s+(after|before|from|following|prior to)\\s+(?:the\\s+)?$`,
  'i',
);
const WEEKDAY_BEFORE = new RegExp(
  `\\b(?:the\\s+)?(?:${ORDINAL}\\s+)?${WEEKDAY}\\s+(after|before|following)\\s+(?:the\\s+)?$`,
  'i',
);
const WEEK_OF =
  /\b(?:the\s+)?(?:(?:work(?:ing)?|business)\s+)?week\s+(?:of|starting|beginning|commencing)\s+(?:(?:the|on)\s+)?$/i;
const PART_OF = new RegExp(`\\b(?:the\\s+|on\\s+the\\s+)?${PART_OF_DAY_WORDS}\\s+of\\s+(?:the\\s+|this\\s+)?$`, 'i');

export function anchoredCandidates(candidates: Pending[], text: string, ctx: Context): Pending[] {
  const out: Pending[] = [];
  const push = (c: Candidate) => out.push(settled(c));
  const today = ctx.today;
  for (const p of candidates) {
    const before = text.slice(Math.max(0, p.index - 48), p.index);
    // The anchor phrases are tested on the words before; only a reading one of them hangs on is resolved.
    const shift = SHIFT_BEFORE.exec(before);
    const weekdayBefore = WEEKDAY_BEFORE.exec(before);
    const weekOf = WEEK_OF.exec(before);
    const partOf = PART_OF.exec(before);
    if (!shift && !weekdayBefore && !weekOf && !partOf) continue;
    const b = p.resolve();
    if (!b?.day || b.timeOfDay) continue;
    const at = (m: RegExpExecArray) => b.index - (before.length - m.index);
    /** The anchor day moved by `move`; a holiday without a year is the one whose moved day is still ahead. */
    const moved = (move: (day: DateTime) => DateTime | null): DateTime | null => {
      if (b.holiday && !b.holiday.pinned) {
        for (let y = ctx.ref.year - 1; y <= ctx.ref.year + 2; y++) {
          const span = holidaySpan(b.holiday.holiday, y, ctx);
          const day = span ? move(span.start) : null;
          if (day && day >= today) return day;
        }
        return null;
      }
      return move(b.day!);
    };
    const anchored = { fromRule: true, zone: b.zone, rule: 'anchored' };
    let m = shift;
    if (m) {
      const amount = m[1] && !/^(?:the|one)$/i.test(m[1]) ? quantityValue(m[1]) : 1;
      const unit = m[2]!.toLowerCase();
      const sign = /before|prior/i.test(m[3]!) ? -1 : 1;
      const u = unitMinutes(unit);
      if (/^the$/i.test(m[1] ?? '') && unit.startsWith('week')) {
        // "the week after Easter": the calendar week that follows (or precedes) the one holding the day.
        const day = moved((d) => plus(startOf(d, 'week'), { weeks: sign }));
        if (day)
          push({
            span: timeSpan(day, plus(day, { weeks: 1 }), 'week'),
            week: day,
            index: at(m),
            stop: b.stop,
            ...anchored,
          });
        continue;
      }
      if (Number.isFinite(amount) && amount > 0) {
        const day = moved((d) =>
          u.months !== undefined
            ? plus(d, { months: sign * amount * u.months })
            : plus(d, { days: sign * amount * (u.days ?? 1) }),
        );
        if (day) push({ ...daySpan(day), index: at(m), stop: b.stop, ...anchored });
        continue;
      }
    }
    m = weekdayBefore;
    if (m && plausibleWeekday(m[2]!)) {
      const n = m[1] ? ordinalValue(m[1]) : 1;
      const weekday = weekdayNumber(m[2]!);
      const after = !/before/i.test(m[3]!);
      if (n > 0 && weekday > 0) {
        const day = moved((d) =>
          after
            ? plus(d, { days: ((weekday - d.weekday + 6) % 7) + 1 + 7 * (n - 1) })
            : minus(d, { days: ((d.weekday - weekday + 6) % 7) + 1 + 7 * (n - 1) }),
        );
        if (day) push({ ...daySpan(day), index: at(m), stop: b.stop, ...anchored });
        continue;
      }
    }
    m = weekOf;
    if (m) {
      // Weeks run Monday to Sunday; "the week of Sunday the 6th" means the working week that follows.
      const day = moved((d) => d) ?? b.day;
      const monday = startOf(day.weekday === 7 ? plus(day, { days: 1 }) : day, 'week');
      push({
        span: timeSpan(monday, plus(monday, { weeks: 1 }), 'week'),
        week: monday,
        index: at(m),
        stop: b.stop,
        ...anchored,
      });
      continue;
    }
    m = partOf;
    if (m) {
      const timeOfDay = partOfDay(m[1]!);
      if (timeOfDay)
        push({
          day: b.day,
          timeOfDay,
          span: withTimeOfDay(b.day, timeOfDay),
          index: at(m),
          stop: b.stop,
          ...anchored,
        });
    }
  }
  return out;
}
