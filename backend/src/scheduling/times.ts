import * as chrono from 'chrono-node';
import { DateTime, type DurationLikeObject, type Zone } from 'luxon';
import { HOLIDAY_PATTERN, type Holiday, type HolidayDate, holidayNamed } from './holidays.ts';
import { cachedZone, findZoneMentions, isValidZone, type ZoneMention } from './zones.ts';

export type Grain = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** One time expression found in text: a span of time, `end` exclusive, ISO 8601 with offset. */
export interface TimeExpression {
  text: string;
  start: string;
  end: string;
  grain: Grain;
  /** Character offset of `text` in the input. */
  index: number;
  /** IANA (or fixed-offset) zone named in the text for this expression, e.g. "America/New_York" for "ET". */
  zone?: string;
}

export interface ParseTimeOptions {
  /** The instant expressions are resolved against (a message's Date header, or now). */
  ref: Date | string;
  /** IANA zone of the writer. Default: the offset of `ref` when it is an ISO string with one, else UTC. */
  tz?: string;
}

/** A time of day that still needs a date: "3pm", "afternoon", "EOD", "first thing". */
interface TimeOfDay {
  /** Minutes after midnight. */
  from: number;
  /** Exclusive end in minutes after midnight (1440 = midnight after); absent for a point in time. */
  to?: number;
  grain: 'hour' | 'minute';
  /** Written without am/pm ("at 3", "3:30"): may still move by 12 hours to fit a part of the day. */
  ambiguous?: boolean;
}

interface Candidate {
  index: number;
  /** Exclusive character offset. */
  stop: number;
  /** A resolved span, or only a time of day waiting for a neighbouring date. */
  span?: { start: DateTime; end: DateTime; grain: Grain };
  /** The calendar day a day-grain expression names, so a time of day can be attached to it. */
  day?: DateTime;
  timeOfDay?: TimeOfDay;
  /** ISO weekday (1 = Monday) when the expression names one, so "Wed next week" can move it. */
  weekday?: number;
  /** Start of the week a "next week"-style expression names. */
  week?: DateTime;
  /** "by Friday": a deadline, i.e. the span from the reference time up to the end of the named time. */
  deadline?: boolean;
  zone?: string;
  /** A named holiday; `pinned` when the text fixes its year ("Easter 2014", "last Easter"). */
  holiday?: { holiday: Holiday; pinned: boolean };
  /** What a calendar date spelled out, so a weekday written beside it can pick the year or month. */
  dateParts?: { dom: number; month?: number; yearKnown: boolean };
  fromRule: boolean;
}

interface Context {
  ref: DateTime;
  /** The writer's zone, with offsets cached (luxon asks Intl on every DateTime otherwise). */
  zone: Zone;
}

export function parseTimeExpressions(text: string, opts: ParseTimeOptions): TimeExpression[] {
  const ctx = makeContext(opts);
  const zones = findZoneMentions(text);
  // Zone names are removed before chrono sees the text (it knows only fixed offsets for a few
  // abbreviations); offsets stay the same because the names are replaced by spaces.
  const masked = maskZones(text, zones);
  const found = [...ruleCandidates(masked, ctx), ...chronoCandidates(masked, ctx)];
  const candidates = [...found, ...anchoredCandidates(found, masked, ctx)];
  const chosen = bindWeekdaysToWeek(
    combineTimeOfDay(combineClockRanges(bindWeekdayToDate(chooseLongest(candidates), masked, ctx), masked), masked),
    masked,
  );
  distributeAlternatives(chosen, masked);
  attachZones(chosen, zones, text);
  return chosen
    .map((c) => toExpression(c, text, ctx))
    .filter((e): e is TimeExpression => e !== null)
    .sort((a, b) => a.index - b.index);
}

function makeContext(opts: ParseTimeOptions): Context {
  let zone = opts.tz;
  let ref: DateTime;
  if (typeof opts.ref === 'string') {
    ref = DateTime.fromISO(opts.ref, { setZone: true });
    if (!ref.isValid) throw new RangeError(`invalid reference time: ${opts.ref}`);
    if (!zone) zone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(opts.ref) ? ref.zone.name : 'UTC';
  } else {
    ref = DateTime.fromJSDate(opts.ref);
    if (!ref.isValid) throw new RangeError('invalid reference time');
    zone ??= 'UTC';
  }
  if (!isValidZone(zone)) throw new RangeError(`unknown time zone: ${zone}`);
  const cached = cachedZone(zone);
  return { ref: ref.setZone(cached), zone: cached };
}

function maskZones(text: string, zones: ZoneMention[]): string {
  let masked = text;
  for (const z of zones) {
    masked = masked.slice(0, z.index) + ' '.repeat(z.text.length) + masked.slice(z.index + z.text.length);
  }
  return masked;
}

// ---------------------------------------------------------------------------------------------
// Mail-specific rules chrono does not know.

/** One to twelve: counts in "in three weeks", and the hours of "at five thirty". */
const SMALL_NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  ...SMALL_NUMBER_WORDS,
  couple: 2,
  few: 3,
  several: 3,
};
const NUMBER = `(?:\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')})`;
const toNumber = (s: string) => (/^\d+$/.test(s) ? Number(s) : (NUMBER_WORDS[s.toLowerCase()] ?? Number.NaN));

const UNIT = '(day|week|month|year|quarter)s?';
const RELATIVE = '(this|current|next|last|past|previous|coming|upcoming|following)';
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAME =
  '(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)';

interface Rule {
  pattern: RegExp;
  resolve(m: RegExpExecArray, ctx: Context): Omit<Candidate, 'index' | 'stop' | 'fromRule'> | null;
}

const PARTS_OF_DAY: Array<[RegExp, TimeOfDay]> = [
  [/^(?:early (?:in the )?morning|early hours)$/i, { from: 0, to: 9 * 60, grain: 'hour' }],
  [/^(?:late (?:at )?night|late tonight|late evening)$/i, { from: 21 * 60, to: 1440, grain: 'hour' }],
  [/^(?:morning|mornings)$/i, { from: 0, to: 12 * 60, grain: 'hour' }],
  [/^(?:after lunch)$/i, { from: 13 * 60, to: 17 * 60, grain: 'hour' }],
  [/^(?:lunch|lunchtime|lunch time)$/i, { from: 12 * 60, to: 14 * 60, grain: 'hour' }],
  [/^(?:afternoon|afternoons|afternoonish)$/i, { from: 12 * 60, to: 19 * 60, grain: 'hour' }],
  [/^(?:evening|evenings|night|tonight)$/i, { from: 18 * 60, to: 1440, grain: 'hour' }],
];
const PART_OF_DAY_WORDS =
  '(early (?:in the )?morning|early hours(?: of the morning)?|late (?:at )?night|late tonight|late evening|after lunch|lunch ?time|lunch|mornings?|afternoons?|afternoonish|evenings?|night|tonight)';

function partOfDay(words: string): TimeOfDay | undefined {
  const normal = words
    .toLowerCase()
    .replace(/ of the morning$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return PARTS_OF_DAY.find(([re]) => re.test(normal))?.[1];
}

/** Business-day end: people who write "EOD" or "COB" mean the end of the working day. */
const END_OF_DAY: TimeOfDay = { from: 17 * 60, to: 1440, grain: 'hour' };
const FIRST_THING: TimeOfDay = { from: 8 * 60, to: 10 * 60, grain: 'hour' };

function startOfPeriod(ctx: Context, unit: 'day' | 'week' | 'month' | 'year' | 'quarter', shift: number): DateTime {
  return ctx.ref.startOf(unit).plus({ [`${unit}s`]: shift } as DurationLikeObject);
}

function relativeShift(word: string): number {
  const w = word.toLowerCase();
  if (w === 'next' || w === 'following' || w === 'coming' || w === 'upcoming') return 1;
  if (w === 'last' || w === 'past' || w === 'previous') return -1;
  return 0;
}

function periodGrain(unit: string): Grain {
  return unit === 'quarter' ? 'month' : (unit as Grain);
}

/** A week, month, quarter or year named by a phrase such as "next month", "March", "2012". */
function namedPeriod(phrase: string, ctx: Context): { start: DateTime; unit: 'week' | 'month' | 'year' } | null {
  const p = phrase.toLowerCase().trim();
  let m = new RegExp(`^(?:(?:the|${RELATIVE})\\s+)?(week|month|year)$`).exec(p);
  if (m) {
    const unit = m[2] as 'week' | 'month' | 'year';
    return { start: startOfPeriod(ctx, unit, m[1] ? relativeShift(m[1]) : 0), unit };
  }
  m = /^(\d{4})$/.exec(p);
  if (m) return { start: DateTime.fromObject({ year: Number(m[1]) }, { zone: ctx.zone }), unit: 'year' };
  m = new RegExp(`^${MONTH_NAME}(?:\\s+(\\d{4}))?$`).exec(p);
  if (m?.[1]) {
    const month = MONTHS.indexOf(m[1].slice(0, 3)) + 1;
    let year = m[2] ? Number(m[2]) : ctx.ref.year;
    if (!m[2] && month < ctx.ref.month) year += 1;
    return { start: DateTime.fromObject({ year, month, day: 1 }, { zone: ctx.zone }), unit: 'month' };
  }
  return null;
}

/** Which part of a period "beginning/mid/end of" names, as [from, to) fractions in days or months. */
function partOfPeriod(
  which: string,
  period: { start: DateTime; unit: 'week' | 'month' | 'year' },
): { start: DateTime; end: DateTime; grain: Grain } {
  const w = which.toLowerCase();
  const early = w === 'beginning' || w === 'start' || w === 'early';
  const middle = w === 'mid' || w === 'middle';
  const s = period.start;
  if (period.unit === 'week') {
    if (early) return { start: s, end: s.plus({ days: 3 }), grain: 'day' };
    if (middle) return { start: s.plus({ days: 2 }), end: s.plus({ days: 4 }), grain: 'day' };
    return { start: s.plus({ days: 4 }), end: s.plus({ weeks: 1 }), grain: 'day' };
  }
  if (period.unit === 'month') {
    if (early) return { start: s, end: s.set({ day: 11 }), grain: 'day' };
    if (middle) return { start: s.set({ day: 11 }), end: s.set({ day: 21 }), grain: 'day' };
    return { start: s.set({ day: 21 }), end: s.plus({ months: 1 }), grain: 'day' };
  }
  if (early) return { start: s, end: s.plus({ months: 4 }), grain: 'month' };
  if (middle) return { start: s.plus({ months: 4 }), end: s.plus({ months: 8 }), grain: 'month' };
  return { start: s.plus({ months: 8 }), end: s.plus({ years: 1 }), grain: 'month' };
}

const PERIOD_PHRASE = `(?:(?:the|${RELATIVE})\\s+)?(?:week|month|year)|\\d{4}|${MONTH_NAME}(?:\\s+\\d{4})?`;

const RULES: Rule[] = [
  {
    // "this week", "next month", "sometime next week", "the following week", "last quarter".
    pattern: new RegExp(
      `\\b(?:(?:some ?time|any ?time|during|within|over|for)\\s+)?(?:the\\s+)?(?:${RELATIVE}\\s+)(week|month|year|quarter)\\b`,
      'gi',
    ),
    resolve(m, ctx) {
      const unit = m[2]!.toLowerCase() as 'week' | 'month' | 'year' | 'quarter';
      const start = startOfPeriod(ctx, unit, relativeShift(m[1]!));
      const end = start.plus({ [`${unit}s`]: 1 } as DurationLikeObject);
      return {
        span: { start, end, grain: unit === 'quarter' ? 'month' : unit },
        ...(unit === 'week' ? { week: start } : {}),
      };
    },
  },
  {
    // "next 3 days", "the last two weeks", "past 6 months".
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
      const start = forward ? startOfPeriod(ctx, unit, 1) : here.minus(amount);
      const end = forward ? start.plus(amount) : here;
      return { span: { start, end, grain: periodGrain(unit) } };
    },
  },
  {
    // "beginning of next week", "end of the month", "by the end of March", "mid 2014", "late March".
    pattern: new RegExp(
      `\\b(by\\s+)?(?:at\\s+)?(?:the\\s+)?(beginning|start|early|mid|middle|end|late)(?:\\s+of|-)?\\s+(${PERIOD_PHRASE})\\b`,
      'gi',
    ),
    resolve(m, ctx) {
      const period = namedPeriod(m[3]!, ctx);
      if (!period) return null;
      const span = partOfPeriod(m[2]!, period);
      if (m[1]) return { span: { start: ctx.ref, end: span.end, grain: 'minute' }, deadline: true };
      return { span };
    },
  },
  {
    // "EOM", "BOM", "EOY", "EOW" (end of month/year/week).
    pattern: /\b(by\s+)?(?:at\s+)?(?:the\s+)?(eom|bom|eoy|boy|eow)\b/gi,
    resolve(m, ctx) {
      const code = m[2]!.toLowerCase();
      const unit = code.endsWith('m') ? 'month' : code.endsWith('y') ? 'year' : 'week';
      const span = partOfPeriod(code.startsWith('b') ? 'beginning' : 'end', {
        start: startOfPeriod(ctx, unit, 0),
        unit,
      });
      if (m[1]) return { span: { start: ctx.ref, end: span.end, grain: 'minute' }, deadline: true };
      return { span };
    },
  },
  {
    // "EOD", "COB", "by end of day", "close of business": a time of day waiting for its date.
    pattern:
      /\b(by\s+)?(?:the\s+)?(?:eod|cob|eob|eop|end of (?:the )?(?:business |work(?:ing)? )?day|close of (?:business|play)|end of business)\b/gi,
    resolve(m) {
      return { timeOfDay: END_OF_DAY, deadline: Boolean(m[1]) };
    },
  },
  {
    pattern: /\bfirst thing(?: in the morning)?\b/gi,
    resolve: () => ({ timeOfDay: FIRST_THING }),
  },
  {
    // "8h", "16h30", "15h00": the French/continental way of writing hours.
    pattern: /\b(?:at\s+)?([01]?\d|2[0-3])h([0-5]\d)?\b/gi,
    resolve(m) {
      const from = Number(m[1]) * 60 + (m[2] ? Number(m[2]) : 0);
      return { timeOfDay: { from, grain: m[2] ? 'minute' : 'hour' } };
    },
  },
  {
    // "this weekend", "next weekend", "the weekend": Friday evening to Monday.
    pattern: new RegExp(`\\b(?:(?:the|this|${RELATIVE})\\s+)?(?:(past)\\s+)?weekend\\b`, 'gi'),
    resolve(m, ctx) {
      const shift = m[2] ? -1 : m[1] ? relativeShift(m[1]) : 0;
      const monday = startOfPeriod(ctx, 'week', shift);
      const start = monday.plus({ days: 4 }).set({ hour: 18 });
      return { span: { start, end: monday.plus({ weeks: 1 }), grain: 'hour' } };
    },
  },
  {
    // Parts of the day on their own or with "this"/"today"/"tomorrow"/"yesterday".
    pattern: new RegExp(`\\b(?:(this|today|tomorrow|yesterday|in the)\\s+)?${PART_OF_DAY_WORDS}\\b`, 'gi'),
    resolve(m, ctx) {
      const timeOfDay = partOfDay(m[2]!);
      if (!timeOfDay) return null;
      const which = m[1]?.toLowerCase();
      if (which === 'tomorrow' || which === 'yesterday' || which === 'this' || which === 'today') {
        const day = ctx.ref.startOf('day').plus({ days: which === 'tomorrow' ? 1 : which === 'yesterday' ? -1 : 0 });
        return { day, timeOfDay, span: withTimeOfDay(day, timeOfDay) };
      }
      // "last night" is yesterday's night.
      return { timeOfDay };
    },
  },
  {
    pattern: /\blast night\b/gi,
    resolve(_m, ctx) {
      const day = ctx.ref.startOf('day').minus({ days: 1 });
      const timeOfDay = partOfDay('night')!;
      return { day, timeOfDay, span: withTimeOfDay(day, timeOfDay) };
    },
  },
  {
    // "now", "right now", "asap": the reference instant.
    pattern: /\b(?:right now|now|asap|as soon as possible|immediately)\b/gi,
    resolve(_m, ctx) {
      return {
        span: {
          start: ctx.ref.startOf('second'),
          end: ctx.ref.startOf('second').plus({ minutes: 1 }),
          grain: 'minute',
        },
      };
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Clock times, weekdays, days of the month, ordinals, quarters, years, durations.

const HOUR_WORDS = SMALL_NUMBER_WORDS;
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50 };
const TEENS: Record<string, number> = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const HOUR_WORD = `(?:${Object.keys(HOUR_WORDS).join('|')})`;
const MINUTE_WORD = `(?:(?:oh|o|ou|zero)[\\s-](?:${Object.keys(HOUR_WORDS).slice(0, 9).join('|')})|(?:${Object.keys(TENS).join('|')})(?:[\\s-](?:${Object.keys(HOUR_WORDS).slice(0, 9).join('|')}))?|${Object.keys(TEENS).join('|')})`;
const MERIDIEM = `(?:a\\.?\\s?m\\.?|p\\.?\\s?m\\.?|a(?![\\w.])|p(?![\\w.])|in the (?:am|pm|a\\.m\\.|p\\.m\\.))`;

function wordMinutes(words: string): number {
  const parts = words.toLowerCase().split(/[\s-]+/);
  let total = 0;
  for (const p of parts) total += TENS[p] ?? TEENS[p] ?? HOUR_WORDS[p] ?? 0;
  return total;
}

function hourValue(s: string): number {
  return /^\d+$/.test(s) ? Number(s) : (HOUR_WORDS[s.toLowerCase()] ?? Number.NaN);
}

/** A clock time; an hour without am/pm leans to working hours (7–11 morning, 12–6 afternoon). */
function clockTime(
  hour: number,
  minute: number,
  meridiem: string | undefined,
  grain: 'hour' | 'minute',
): TimeOfDay | null {
  if (!Number.isInteger(hour) || hour > 24 || minute > 59 || minute < 0) return null;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    const pm = /p/i.test(meridiem);
    const h = (hour % 12) + (pm ? 12 : 0);
    return { from: h * 60 + minute, grain };
  }
  if (hour === 24) return { from: 1440, grain };
  if (hour >= 1 && hour <= 6) return { from: (hour + 12) * 60 + minute, grain, ambiguous: true };
  return { from: hour * 60 + minute, grain, ambiguous: hour >= 1 && hour <= 12 };
}

const AT = '(?:(?:at|@|around|about|approximately|approx\\.?|by|for|from|between|till|until|after|before)\\s*)';
const ISH = '(?:\\s*-?ish)?';

const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const WEEKDAY =
  '(mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\\.?';
function weekdayNumber(word: string): number {
  const w = word.toLowerCase().slice(0, 3);
  return WEEKDAY_NAMES.findIndex((d) => d.startsWith(w)) + 1;
}
/** "sat" and "sun" are ordinary words; short weekday names count only when capitalised. */
function plausibleWeekday(word: string): boolean {
  return word.length > 3 || /^[A-Z]/.test(word) || !['sat', 'sun', 'wed', 'mon'].includes(word.toLowerCase());
}

const ORDINAL_WORDS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  'twenty-first': 21,
  'twenty first': 21,
  'twenty-second': 22,
  'twenty second': 22,
  'twenty-third': 23,
  'twenty third': 23,
  thirtieth: 30,
  'thirty-first': 31,
  'thirty first': 31,
};
const ORDINAL = `(\\d{1,2}(?:st|nd|rd|th)|${Object.keys(ORDINAL_WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;
const ordinalValue = (s: string) => ORDINAL_WORDS[s.toLowerCase()] ?? Number.parseInt(s, 10);

const RELATIVE_MONTH = `(?:the\\s+)?(this|current|next|last|previous|following|coming)\\s+month|the month`;

function dayOfMonthFromNow(ctx: Context, dom: number): DateTime | null {
  let month = ctx.ref.startOf('month');
  for (let i = 0; i < 3; i++) {
    if (dom <= month.daysInMonth! && (i > 0 || dom >= ctx.ref.day)) return month.set({ day: dom });
    month = month.plus({ months: 1 });
  }
  return null;
}

function daySpan(day: DateTime) {
  const start = day.startOf('day');
  return { span: { start, end: start.plus({ days: 1 }), grain: 'day' as Grain }, day: start };
}

/** A month or year named in an "of …" phrase: "October 2014", "next month", "2018", "the month". */
function containingPeriod(phrase: string, ctx: Context): { start: DateTime; unit: 'month' | 'year' } | null {
  const p = phrase.toLowerCase().trim();
  if (p === 'the month') return { start: ctx.ref.startOf('month'), unit: 'month' };
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

const DURATION_UNIT = '(seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|fortnights?|months?|years?|yrs?|\'|")';
const QUANTITY = `(\\d+(?:\\.\\d+)?|\\d/\\d|${Object.keys(NUMBER_WORDS).join('|')}|a couple of|a pair of|half an?|a half|a quarter of an?|three-quarters of an?|three quarters of an?)`;

function quantityValue(q: string): number {
  const s = q.toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  const frac = /^(\d)\/(\d)$/.exec(s);
  if (frac) return Number(frac[1]) / Number(frac[2]);
  if (s.startsWith('half') || s === 'a half') return 0.5;
  if (s.startsWith('a quarter')) return 0.25;
  if (s.startsWith('three')) return s.includes('quarter') ? 0.75 : 3;
  if (s === 'a couple of' || s === 'a pair of') return 2;
  return toNumber(s);
}

function unitMinutes(unit: string): { minutes?: number; days?: number; months?: number } {
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
function shifted(
  ctx: Context,
  amount: number,
  unit: string,
  sign: 1 | -1,
): { start: DateTime; end: DateTime; grain: Grain } | null {
  if (!Number.isFinite(amount) || amount <= 0) return null;
  const u = unitMinutes(unit);
  if (u.minutes !== undefined) {
    const start = ctx.ref.plus({ seconds: Math.round(sign * amount * u.minutes * 60) });
    return { start, end: start.plus({ minutes: 1 }), grain: 'minute' };
  }
  if (u.days !== undefined) {
    const days = amount * u.days;
    if (u.days === 1 && Number.isInteger(days)) {
      const start = ctx.ref.plus({ days: sign * days }).startOf('hour');
      return { start, end: start.plus({ hours: 1 }), grain: 'hour' };
    }
    const start = ctx.ref.plus({ days: sign * days }).startOf('day');
    return { start, end: start.plus({ days: 1 }), grain: 'day' };
  }
  const start = ctx.ref.plus({ months: sign * amount * (u.months ?? 1) }).startOf('day');
  return { start, end: start.plus({ days: 1 }), grain: 'day' };
}

const MORE_RULES: Rule[] = [
  {
    // "3pm", "3:15p", "at 3", "at 1030", "10.30am", "3 o'clock in the afternoon", "nine fifty nine a m".
    pattern: new RegExp(
      `(?:\\b${AT})?\\b(?:(\\d{1,2})(?:[:.](\\d{2}))?(?::(\\d{2}))?|(${HOUR_WORD})(?:[\\s-](${MINUTE_WORD}))?)${ISH}(\\s*o'?\\s?clock)?${ISH}(?:\\s*(${MERIDIEM}))?(?![\\w'’]|[.-]\\d)`,
      'gi',
    ),
    resolve(m) {
      const text = m[0];
      const hasAt = new RegExp(`^${AT}`, 'i').test(text);
      const [, hDigits, mDigits, sDigits, hWord, mWord, oclock, meridiem] = m;
      const hasMinutes = Boolean(mDigits || mWord);
      // A bare number is a time only with a cue: "at", am/pm, "o'clock", or minutes after a colon.
      if (!hasAt && !meridiem && !oclock && !mDigits) return null;
      if (hWord && !hasAt && !meridiem && !oclock) return null;
      // "4a" alone is more often a paper size or a flat number than 4 am.
      if (meridiem && /^[ap]$/i.test(meridiem.trim()) && (!hDigits || (!hasAt && !mDigits))) return null;
      const hour = hValue(hDigits ?? hWord ?? '');
      const minute = mDigits ? Number(mDigits) : mWord ? wordMinutes(mWord) : 0;
      const t = clockTime(hour, minute, meridiem, hasMinutes ? 'minute' : 'hour');
      if (t && sDigits) t.from += Number(sDigits) / 60;
      return t ? { timeOfDay: t } : null;
    },
  },
  {
    // "at 1030", "around 1030", "tonight 815", "at 150ish": hour and minute written without a colon.
    pattern: new RegExp(
      `(?:\\b${AT}|(?<=(?:tonight|morning|evening|afternoon|today|tomorrow)\\s))(\\d{1,2})(\\d{2})${ISH}(?:\\s*(${MERIDIEM}))?\\b(?![.-]\\d)`,
      'gi',
    ),
    resolve(m) {
      const t = clockTime(Number(m[1]), Number(m[2]), m[3], 'minute');
      return t ? { timeOfDay: t } : null;
    },
  },
  {
    // "approximately 1030", "1030 am".
    pattern: new RegExp(
      `\\b(?:approximately|approx\\.?|around|about)\\s+(\\d{1,2})(\\d{2})\\b|\\b(\\d{1,2})(\\d{2})\\s*(${MERIDIEM})(?![\\w])`,
      'gi',
    ),
    resolve(m) {
      const t = m[1]
        ? clockTime(Number(m[1]), Number(m[2]), undefined, 'minute')
        : clockTime(Number(m[3]), Number(m[4]), m[5], 'minute');
      return t ? { timeOfDay: t } : null;
    },
  },
  {
    // "noon", "midday", "midnight".
    pattern: /\b(?:at\s+)?(noon|midday|mid day|midnight)\b/gi,
    resolve(m) {
      return { timeOfDay: { from: /midnight/i.test(m[1]!) ? 1440 : 720, grain: 'hour' } };
    },
  },
  {
    // "quarter past 3pm", "20 past noon", "15 minutes past 3pm", "twenty after 3", "a quarter to noon", "half past three".
    pattern: new RegExp(
      `(?:\\b${AT})?\\b(a quarter|quarter|half|\\d{1,2}|${MINUTE_WORD})(?:\\s+minutes?)?\\s+(past|after|to|till|before|from)\\s+(noon|midnight|\\d{1,2}|${HOUR_WORD})(?:\\s*(${MERIDIEM}))?(?![\\w])`,
      'gi',
    ),
    resolve(m) {
      const amountWord = m[1]!.toLowerCase();
      const minutes = amountWord.endsWith('quarter')
        ? 15
        : amountWord === 'half'
          ? 30
          : /^\d+$/.test(amountWord)
            ? Number(amountWord)
            : wordMinutes(amountWord);
      if (!minutes || minutes >= 60) return null;
      const base = m[3]!.toLowerCase();
      const anchor =
        base === 'noon'
          ? { from: 720, grain: 'hour' as const }
          : base === 'midnight'
            ? { from: 1440, grain: 'hour' as const }
            : clockTime(hValue(base), 0, m[4], 'hour');
      if (!anchor) return null;
      const before = /^(to|till|before)$/i.test(m[2]!);
      return { timeOfDay: { ...anchor, from: anchor.from + (before ? -minutes : minutes), grain: 'minute' } };
    },
  },
  {
    // "half three" (British: 3:30).
    pattern: new RegExp(`\\bhalf\\s+(\\d{1,2}|${HOUR_WORD})\\b(?!\\s+(?:an?\\s+)?hours?)`, 'gi'),
    resolve(m) {
      const t = clockTime(hValue(m[1]!), 30, undefined, 'minute');
      return t ? { timeOfDay: t } : null;
    },
  },
  {
    // "tuesday", "next tuesday", "last sunday", "friday after next", "wednesday of next week", "next week's monday".
    pattern: new RegExp(
      `\\b(?:(this|next|last|past|previous|coming|upcoming)\\s+)?${WEEKDAY}(?:\\s+(after next|before last))?(?:,?\\s+(?:(?:of|from|in)\\s+)?(?:the\\s+)?(this|next|last|following|coming|previous|current)\\s+week)?\\b|\\b(this|next|last) week's\\s+${WEEKDAY}`,
      'gi',
    ),
    resolve(m, ctx) {
      const word = m[2] ?? m[6]!;
      if (!plausibleWeekday(word)) return null;
      const weekday = weekdayNumber(word);
      const which = m[1]?.toLowerCase();
      const weekWord = m[4] ?? m[5];
      const today = ctx.ref.startOf('day');
      let day: DateTime;
      if (weekWord) day = startOfPeriod(ctx, 'week', relativeShift(weekWord)).plus({ days: weekday - 1 });
      else if (which === 'last' || which === 'past' || which === 'previous') {
        day = today.minus({ days: ((today.weekday - weekday + 6) % 7) + 1 });
      } else if (which === 'next') {
        day = startOfPeriod(ctx, 'week', 1).plus({ days: weekday - 1 });
      } else {
        day = today.plus({ days: ((weekday - today.weekday + 6) % 7) + 1 });
      }
      if (m[3]) day = day.plus({ days: /next/i.test(m[3]) ? 7 : -7 });
      return { ...daySpan(day), ...(weekWord || m[3] ? {} : { weekday }) };
    },
  },
  {
    // "on the 15th", "the 1st", "on 24th", "20th of next month", "the 20th day of the current month".
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
        const day = period.start.set({ day: dom });
        return day.isValid && day.month === period.start.month ? daySpan(day) : null;
      }
      const day = dayOfMonthFromNow(ctx, dom);
      return day ? { ...daySpan(day), dateParts: { dom, yearKnown: false } } : null;
    },
  },
  {
    // "first tuesday of october", "last friday in october", "third last week of 2018", "fifth last day of May",
    // "last weekend of July".
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
      const afterEnd = period.start.plus(period.unit === 'month' ? { months: 1 } : { years: 1 });
      const unit = unitWord!.toLowerCase();
      if (unit === 'day') {
        const day = last ? afterEnd.minus({ days: n }) : first.plus({ days: n - 1 });
        return daySpan(day);
      }
      if (unit === 'week') {
        const firstMonday = first.plus({ days: (8 - first.weekday) % 7 });
        const lastMonday = afterEnd.minus({ days: 7 }).minus({ days: (afterEnd.minus({ days: 7 }).weekday + 6) % 7 });
        const start = last ? lastMonday.minus({ weeks: n - 1 }) : firstMonday.plus({ weeks: n - 1 });
        return { span: { start, end: start.plus({ weeks: 1 }), grain: 'week' } };
      }
      const weekday = unit.startsWith('w') && unit !== 'wednesday' && !unit.startsWith('wed') ? 5 : weekdayNumber(unit);
      const weekend = weekday === 5 && !unit.startsWith('f');
      const firstMatch = first.plus({ days: (weekday - first.weekday + 7) % 7 });
      const lastDay = afterEnd.minus({ days: 1 });
      const lastMatch = lastDay.minus({ days: (lastDay.weekday - weekday + 7) % 7 });
      const day = last ? lastMatch.minus({ weeks: n - 1 }) : firstMatch.plus({ weeks: n - 1 });
      if (weekend) {
        const start = day.set({ hour: 18 });
        return { span: { start, end: day.plus({ days: 3 }), grain: 'hour' } };
      }
      return daySpan(day);
    },
  },
  {
    // "third quarter", "Q3 2014", "2018Q4", "18q4", "the 4th qtr of 2018".
    pattern: new RegExp(
      `\\b(?:the\\s+)?(?:${ORDINAL}\\s+(?:quarter|qtr)|q([1-4]))(?:\\s+(?:of\\s+)?(\\d{4}))?\\b|\\b(\\d{4}|\\d{2})\\s*q([1-4])\\b`,
      'gi',
    ),
    resolve(m, ctx) {
      const quarter = m[1] ? ordinalValue(m[1]) : Number(m[2] ?? m[5]);
      if (!quarter || quarter > 4) return null;
      let year = ctx.ref.year;
      if (m[3]) year = Number(m[3]);
      if (m[4]) year = m[4].length === 2 ? 2000 + Number(m[4]) : Number(m[4]);
      const start = DateTime.fromObject({ year, month: quarter * 3 - 2, day: 1 }, { zone: ctx.zone });
      return { span: { start, end: start.plus({ months: 3 }), grain: 'month' } };
    },
  },
  {
    // "this qtr", "next yr".
    pattern: new RegExp(`\\b${RELATIVE}\\s+(qtr|yr)\\b`, 'gi'),
    resolve(m, ctx) {
      const unit = m[2]!.toLowerCase() === 'qtr' ? 'quarter' : 'year';
      const start = startOfPeriod(ctx, unit, relativeShift(m[1]!));
      return {
        span: {
          start,
          end: start.plus(unit === 'quarter' ? { months: 3 } : { years: 1 }),
          grain: unit === 'quarter' ? 'month' : 'year',
        },
      };
    },
  },
  {
    // "in 2014", "during 2015", "2014 AD", "in 14 a.d.".
    pattern: /\b(?:(?:in|during|since|until|for|of|year)\s+)(\d{4})\b|\b(?:in\s+)?(\d{1,4})\s*(?:a\.d\.|ad\b|a\.d\b)/gi,
    resolve(m, ctx) {
      const year = Number(m[1] ?? m[2]);
      const start = DateTime.fromObject({ year }, { zone: ctx.zone });
      return start.isValid ? { span: { start, end: start.plus({ years: 1 }), grain: 'year' } } : null;
    },
  },
  {
    // "in 7 days", "in 1/4 hour", "in half an hour", "in 2 and a half hours", "3 days ago", "a week from now",
    // "14 days hence", "within 2 weeks" (a deadline).
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
      const day = span.grain === 'day' || span.grain === 'hour' ? { day: span.start.startOf('day') } : {};
      if (prefix?.toLowerCase() === 'within')
        return { span: { start: ctx.ref, end: span.start, grain: 'minute' }, deadline: true };
      return { span, ...day };
    },
  },
  {
    // "in 15" (minutes), said of a meeting about to start.
    pattern: /\bin\s+(\d{1,2})\s*$/gi,
    resolve(m, ctx) {
      const span = shifted(ctx, Number(m[1]), 'minutes', 1);
      return span ? { span } : null;
    },
  },
  {
    // "3 fridays from now", "2 thursdays ago".
    pattern: new RegExp(`\\b(${NUMBER})\\s+${WEEKDAY}\\s+(from now|hence|ago|back)\\b`, 'gi'),
    resolve(m, ctx) {
      const n = toNumber(m[1]!);
      const weekday = weekdayNumber(m[2]!);
      if (!Number.isFinite(n) || !weekday) return null;
      const today = ctx.ref.startOf('day');
      const forward = /from now|hence/i.test(m[3]!);
      const nearest = forward
        ? today.plus({ days: ((weekday - today.weekday + 6) % 7) + 1 })
        : today.minus({ days: ((today.weekday - weekday + 6) % 7) + 1 });
      return daySpan(nearest.plus({ weeks: forward ? n - 1 : -(n - 1) }));
    },
  },
  {
    // "two upcoming weeks", "2 upcoming days": the period that many steps ahead.
    pattern: new RegExp(`\\b(${NUMBER})\\s+(?:upcoming|coming|next)\\s+${UNIT}\\b`, 'gi'),
    resolve(m, ctx) {
      const n = toNumber(m[1]!);
      const unit = m[2]!.toLowerCase() as 'day' | 'week' | 'month' | 'year' | 'quarter';
      if (!Number.isFinite(n)) return null;
      const start = startOfPeriod(ctx, unit, n);
      return {
        span: { start, end: start.plus({ [`${unit}s`]: 1 } as DurationLikeObject), grain: periodGrain(unit) },
        ...(unit === 'day' ? { day: start } : {}),
      };
    },
  },
  {
    // "the day after tomorrow", "the day before yesterday".
    pattern: /\b(?:the\s+)?day\s+(after tomorrow|before yesterday)\b/gi,
    resolve(m, ctx) {
      return daySpan(ctx.ref.startOf('day').plus({ days: /after/i.test(m[1]!) ? 2 : -2 }));
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Holidays, numeric dates and bare years.

const toDateTime = (d: HolidayDate, ctx: Context) => DateTime.fromObject(d, { zone: ctx.zone });

/** The holiday's first day in a year, as a day span (longer for periods such as Hanukkah or Lent). */
function holidaySpan(h: Holiday, year: number, ctx: Context): { start: DateTime; end: DateTime } | null {
  const d = h.date(year);
  if (!d) return null;
  const start = toDateTime(d, ctx);
  return start.isValid ? { start, end: start.plus({ days: h.days?.(year) ?? 1 }) } : null;
}

/** The first occurrence on or after `from` (direction 1) or strictly before it (direction -1). */
function holidayAround(h: Holiday, from: DateTime, direction: 1 | -1, ctx: Context) {
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

const ONES_WORDS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEEN_WORDS = [
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS_WORDS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const UNDER_100 = `(?:(?:${TENS_WORDS.join('|')})(?:[\\s-](?:${ONES_WORDS.join('|')}))?|${TEEN_WORDS.join('|')}|${ONES_WORDS.join('|')})`;
/** A year written in words: "two thousand ten", "two thousand and eighteen", "nineteen seventy-four". */
const YEAR_WORDS = `(?:two\\s+thousand(?:\\s+and)?(?:[\\s-]+${UNDER_100})?|(?:nineteen|twenty)[\\s-]+(?:${TENS_WORDS.join('|')}|${TEEN_WORDS.join('|')})(?:[\\s-](?:${ONES_WORDS.join('|')}))?)`;

function wordsUnder100(words: string): number {
  let total = 0;
  for (const w of words.toLowerCase().split(/[\s-]+/)) {
    const ones = ONES_WORDS.indexOf(w);
    const teen = TEEN_WORDS.indexOf(w);
    const tens = TENS_WORDS.indexOf(w);
    total += ones >= 0 ? ones + 1 : teen >= 0 ? teen + 10 : tens >= 0 ? (tens + 2) * 10 : 0;
  }
  return total;
}

function yearFromWords(words: string): number {
  const w = words.toLowerCase().replace(/\s+and\b/, '');
  const thousand = /^two\s+thousand[\s-]*(.*)$/.exec(w);
  if (thousand) return 2000 + wordsUnder100(thousand[1] ?? '');
  const century = /^(nineteen|twenty)[\s-]+(.*)$/.exec(w);
  return century ? (century[1] === 'nineteen' ? 1900 : 2000) + wordsUnder100(century[2]!) : Number.NaN;
}

const HOLIDAY_RULES: Rule[] = [
  {
    // "Thanksgiving", "next Easter", "last MLK day", "Christmas 2014", "thanksgiving of next year",
    // "Thanksgiving in 9 months", "thanksgiving 3 months ago", "this christmas day".
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
      const today = ctx.ref.startOf('day');
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
        span = shift ? holidayAround(holiday, shift.start.startOf('day'), 1, ctx) : null;
      } else if (which && relativeShift(which) < 0) span = holidayAround(holiday, today, -1, ctx);
      else span = holidayAround(holiday, today, 1, ctx);
      if (!span) return null;
      const single = span.end.diff(span.start, 'days').days <= 1;
      return {
        span: { ...span, grain: 'day' },
        ...(single ? { day: span.start } : {}),
        holiday: { holiday, pinned: Boolean(year || yearWord || inQty || agoQty || which) },
      };
    },
  },
];

/** A numeric date needs a cue unless it is the whole text: "2-15" alone is a date, "pages 2-15" is not. */
const DATE_CUE =
  /\b(?:on|by|from|until|till|before|after|due|since|dated|for|starting|through|thru|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?)[,.]?\s*$/i;

const DATE_RULES: Rule[] = [
  {
    // "2/15", "2 / 15", "2-15", "on 3-4": US month/day, with the nearest such day ahead.
    pattern:
      /(?<![\w/.:$#£€-]|[/.:-]\s)(1[0-2]|0?[1-9])(\s*[/-]\s*)(3[01]|[12]\d|0?[1-9])(?![\w%]|\s*[/.:-]\s*\d|\s*(?:[ap]\.?m\b|[ap]\b|h\b|o'?clock))/gi,
    resolve(m, ctx) {
      const text = m.input ?? '';
      const index = m.index ?? 0;
      const alone = text.trim() === m[0];
      const cue = DATE_CUE.test(text.slice(Math.max(0, index - 16), index));
      const timed = /^\s*,?\s*(?:at|@)\s*\d/i.test(text.slice(index + m[0].length));
      if (!(m[2] === '/' || alone || cue || timed)) return null;
      const month = Number(m[1]);
      const dom = Number(m[3]);
      let day = DateTime.fromObject({ year: ctx.ref.year, month, day: dom }, { zone: ctx.zone });
      if (!day.isValid) return null;
      if (day < ctx.ref.startOf('day')) day = day.plus({ years: 1 });
      return day.isValid ? daySpan(day) : null;
    },
  },
  {
    // "2014-10", "2014/10": a month.
    pattern: /(?<![\w/.:-])(1[89]\d\d|2[01]\d\d)[-/](0?[1-9]|1[0-2])(?![\w/.:]|-\d)/g,
    resolve(m, ctx) {
      const start = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone: ctx.zone });
      return start.isValid ? { span: { start, end: start.plus({ months: 1 }), grain: 'month' } } : null;
    },
  },
  {
    // "1960 - 1961", "2019 to 2021": a run of years.
    pattern:
      /(?<![\w/.:$#£€-])(1[89]\d\d|2[01]\d\d)\s*(?:-|–|—|to|through|thru|until|till)\s*(1[89]\d\d|2[01]\d\d)(?![\w/.:-])/gi,
    resolve(m, ctx) {
      const from = Number(m[1]);
      const to = Number(m[2]);
      if (to <= from) return null;
      const start = DateTime.fromObject({ year: from }, { zone: ctx.zone });
      return { span: { start, end: start.set({ year: to + 1 }), grain: 'year' } };
    },
  },
  {
    // A four-digit year on its own, or after a word that puts it in time: "1974", "before 2014", "by 2030".
    pattern: /(?<![\w/.:$#£€-])(1[89]\d\d|2[01]\d\d)(?![\w/.:%,-]\d?|\s*(?:-|–|to)\s*\d)/gi,
    resolve(m, ctx) {
      const text = m.input ?? '';
      const index = m.index ?? 0;
      const alone = text.trim() === m[0];
      const cue =
        /\b(?:before|after|by|through|thru|till|circa|around|about|early|late|mid|spring|summer|fall|autumn|winter|fy|year)\s*$/i.test(
          text.slice(Math.max(0, index - 12), index),
        );
      if (!alone && !cue) return null;
      const start = DateTime.fromObject({ year: Number(m[1]) }, { zone: ctx.zone });
      return { span: { start, end: start.plus({ years: 1 }), grain: 'year' } };
    },
  },
];

const ALL_RULES: Rule[] = [...RULES, ...MORE_RULES, ...HOLIDAY_RULES, ...DATE_RULES];

// ---------------------------------------------------------------------------------------------
// Expressions anchored on a date written after them: "3 days after Easter", "the week of Oct 6th",
// "the second Tuesday after Christmas", "the morning of Dec 24".

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

function anchoredCandidates(candidates: Candidate[], text: string, ctx: Context): Candidate[] {
  const out: Candidate[] = [];
  const today = ctx.ref.startOf('day');
  for (const b of candidates) {
    if (!b.day || b.timeOfDay) continue;
    const before = text.slice(Math.max(0, b.index - 48), b.index);
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
    let m = SHIFT_BEFORE.exec(before);
    if (m) {
      const amount = m[1] && !/^(?:the|one)$/i.test(m[1]) ? quantityValue(m[1]) : 1;
      const unit = m[2]!.toLowerCase();
      const sign = /before|prior/i.test(m[3]!) ? -1 : 1;
      const u = unitMinutes(unit);
      if (/^the$/i.test(m[1] ?? '') && unit.startsWith('week')) {
        // "the week after Easter": the calendar week that follows (or precedes) the one holding the day.
        const day = moved((d) => d.startOf('week').plus({ weeks: sign }));
        if (day)
          out.push({
            span: { start: day, end: day.plus({ weeks: 1 }), grain: 'week' },
            week: day,
            index: at(m),
            stop: b.stop,
            fromRule: true,
            zone: b.zone,
          });
        continue;
      }
      if (Number.isFinite(amount) && amount > 0) {
        const day = moved((d) =>
          u.months !== undefined
            ? d.plus({ months: sign * amount * u.months })
            : d.plus({ days: sign * amount * (u.days ?? 1) }),
        );
        if (day) out.push({ ...daySpan(day), index: at(m), stop: b.stop, fromRule: true, zone: b.zone });
        continue;
      }
    }
    m = WEEKDAY_BEFORE.exec(before);
    if (m && plausibleWeekday(m[2]!)) {
      const n = m[1] ? ordinalValue(m[1]) : 1;
      const weekday = weekdayNumber(m[2]!);
      const after = !/before/i.test(m[3]!);
      if (n > 0 && weekday > 0) {
        const day = moved((d) =>
          after
            ? d.plus({ days: ((weekday - d.weekday + 6) % 7) + 1 + 7 * (n - 1) })
            : d.minus({ days: ((d.weekday - weekday + 6) % 7) + 1 + 7 * (n - 1) }),
        );
        if (day) out.push({ ...daySpan(day), index: at(m), stop: b.stop, fromRule: true, zone: b.zone });
        continue;
      }
    }
    m = WEEK_OF.exec(before);
    if (m) {
      // Weeks run Monday to Sunday; "the week of Sunday the 6th" means the working week that follows.
      const day = moved((d) => d) ?? b.day;
      const monday = (day.weekday === 7 ? day.plus({ days: 1 }) : day).startOf('week');
      out.push({
        span: { start: monday, end: monday.plus({ weeks: 1 }), grain: 'week' },
        week: monday,
        index: at(m),
        stop: b.stop,
        fromRule: true,
        zone: b.zone,
      });
      continue;
    }
    m = PART_OF.exec(before);
    if (m) {
      const timeOfDay = partOfDay(m[1]!);
      if (timeOfDay)
        out.push({
          day: b.day,
          timeOfDay,
          span: withTimeOfDay(b.day, timeOfDay),
          index: at(m),
          stop: b.stop,
          fromRule: true,
          zone: b.zone,
        });
    }
  }
  return out;
}

function hValue(s: string): number {
  return hourValue(s);
}

function ruleCandidates(text: string, ctx: Context): Candidate[] {
  const out: Candidate[] = [];
  for (const rule of ALL_RULES) {
    rule.pattern.lastIndex = 0;
    for (const m of text.matchAll(rule.pattern)) {
      const resolved = rule.resolve(m as RegExpExecArray, ctx);
      if (!resolved) continue;
      const index = m.index ?? 0;
      out.push({ ...resolved, index, stop: index + m[0].length, fromRule: true });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// chrono-node, converted to zone-aware spans.

const parser = chrono.casual.clone();

function chronoCandidates(text: string, ctx: Context): Candidate[] {
  const reference = { instant: ctx.ref.toJSDate(), timezone: ctx.ref.offset };
  const results = parser.parse(text, reference, { forwardDate: true });
  const out: Candidate[] = [];
  for (const r of results) {
    const start = fromComponents(r.start, r.text, ctx);
    if (!start) continue;
    let candidate: Candidate = { index: r.index, stop: r.index + r.text.length, fromRule: false, ...start };
    if (r.end) {
      const end = fromComponents(r.end, r.text, ctx);
      if (end?.span && candidate.span) {
        let endAt = end.span.grain === 'minute' || end.span.grain === 'hour' ? end.span.start : end.span.end;
        // "11pm-1am" ends the next day.
        if (endAt <= candidate.span.start) endAt = endAt.plus({ days: 1 });
        const grain = finer(candidate.span.grain, end.span.grain);
        candidate = {
          ...candidate,
          span: { start: candidate.span.start, end: endAt, grain },
          day: undefined,
          timeOfDay: undefined,
        };
      }
    }
    out.push(candidate);
  }
  return out;
}

const GRAIN_ORDER: Grain[] = ['minute', 'hour', 'day', 'week', 'month', 'year'];
const finer = (a: Grain, b: Grain): Grain => (GRAIN_ORDER.indexOf(a) <= GRAIN_ORDER.indexOf(b) ? a : b);

function fromComponents(
  c: chrono.ParsedComponents,
  text: string,
  ctx: Context,
): Pick<Candidate, 'span' | 'day' | 'timeOfDay' | 'weekday' | 'dateParts'> | null {
  const result = fromComponentsInner(c, text, ctx);
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
    if (day && !day.hasSame(result.day, 'day')) {
      const moved = day.diff(result.day, 'days').days;
      const shift = (dt: DateTime) => dt.plus({ days: Math.round(moved) });
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

/** The date with this day of the month (and month) that falls on `weekday`: the nearest year, or the next month. */
function consistentDate(ctx: Context, parts: { dom: number; month?: number }, weekday: number): DateTime | null {
  const today = ctx.ref.startOf('day');
  if (parts.month) {
    let best: DateTime | null = null;
    for (let y = ctx.ref.year - 6; y <= ctx.ref.year + 6; y++) {
      const d = DateTime.fromObject({ year: y, month: parts.month, day: parts.dom }, { zone: ctx.zone });
      if (!d.isValid || d.weekday !== weekday) continue;
      const distance = Math.abs(d.diff(today).as('days'));
      if (!best || distance < Math.abs(best.diff(today).as('days'))) best = d;
    }
    return best;
  }
  let month = today.startOf('month');
  for (let i = 0; i < 24; i++, month = month.plus({ months: 1 })) {
    if (parts.dom > month.daysInMonth!) continue;
    const d = month.set({ day: parts.dom });
    if (d >= today && d.weekday === weekday) return d;
  }
  return null;
}

/** "Thu 15th", "Jul 18, Fri": a weekday beside a date without a year picks the month or year they agree in. */
function bindWeekdayToDate(candidates: Candidate[], text: string, ctx: Context): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const a = candidates[i]!;
    const b = candidates[i + 1];
    if (b && /^\s*,?\s*(?:the\s+)?$/i.test(text.slice(a.stop, b.index))) {
      const [w, d] = a.weekday && !a.timeOfDay ? [a, b] : [b, a];
      if (w.weekday && !w.timeOfDay && d.dateParts && !d.dateParts.yearKnown && !d.timeOfDay && !d.weekday && d.day) {
        const day = d.day.weekday === w.weekday ? d.day : consistentDate(ctx, d.dateParts, w.weekday);
        if (day) {
          out.push({ ...d, ...daySpan(day), index: a.index, stop: b.stop, fromRule: true });
          i++;
          continue;
        }
      }
    }
    out.push(a);
  }
  return out;
}

function fromComponentsInner(
  c: chrono.ParsedComponents,
  text: string,
  ctx: Context,
): Pick<Candidate, 'span' | 'day' | 'timeOfDay' | 'weekday'> | null {
  const year = c.get('year');
  const month = c.get('month');
  const dayOfMonth = c.get('day');
  if (year === null || month === null || dayOfMonth === null) return null;
  const zone = c.isCertain('timezoneOffset') ? offsetZone(c.get('timezoneOffset') ?? 0) : ctx.zone;
  let day = DateTime.fromObject({ year, month, day: dayOfMonth }, { zone }).setZone(ctx.zone, { keepLocalTime: true });
  if (!day.isValid) return null;

  const relative = c.tags().has('result/relativeDate');
  const hourKnown = c.isCertain('hour');
  const dayKnown = c.isCertain('day') || c.isCertain('weekday');
  const part = new RegExp(`\\b${PART_OF_DAY_WORDS}\\b`, 'i').exec(text);

  // A weekday on its own means the next one: "Tuesday" written on a Tuesday is a week away.
  if (
    c.isCertain('weekday') &&
    !c.isCertain('day') &&
    !hourKnown &&
    day.hasSame(ctx.ref, 'day') &&
    !/\b(?:this|today)\b/i.test(text)
  ) {
    day = day.plus({ days: 7 });
  }

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
    const startLocal = DateTime.fromObject({ year, month, day: dayOfMonth, hour, minute, second }, { zone });
    const start = startLocal.setZone(ctx.zone);
    const timeOfDay: TimeOfDay = { from: hour * 60 + minute, grain };
    const dated = dayKnown
      ? { day: start.setZone(zone).startOf('day').setZone(ctx.zone, { keepLocalTime: true }) }
      : {};
    return { span: { start, end: start.plus({ [`${grain}s`]: 1 }), grain }, timeOfDay, ...dated };
  }
  if (part && dayKnown) {
    const timeOfDay = partOfDay(part[1]!);
    const weekday = c.isCertain('weekday') && !c.isCertain('day') ? { weekday: day.weekday } : {};
    if (timeOfDay)
      return { day: day.startOf('day'), timeOfDay, span: withTimeOfDay(day.startOf('day'), timeOfDay), ...weekday };
  }
  if (dayKnown || relative) {
    const start = day.startOf('day');
    const weekday = c.isCertain('weekday') && !c.isCertain('day') ? { weekday: start.weekday } : {};
    return { span: { start, end: start.plus({ days: 1 }), grain: 'day' }, day: start, ...weekday };
  }
  if (c.isCertain('month')) {
    const start = day.startOf('month');
    return { span: { start, end: start.plus({ months: 1 }), grain: 'month' } };
  }
  if (c.isCertain('year')) {
    const start = day.startOf('year');
    return { span: { start, end: start.plus({ years: 1 }), grain: 'year' } };
  }
  return null;
}

function offsetZone(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Putting candidates together.

function withTimeOfDay(day: DateTime, t: TimeOfDay): { start: DateTime; end: DateTime; grain: Grain } {
  const start = atMinutes(day, t.from);
  const end = t.to === undefined ? start.plus({ [`${t.grain}s`]: 1 }) : atMinutes(day, t.to);
  return { start, end, grain: t.grain };
}

/** The wall-clock time on a day; luxon moves times inside a spring-forward gap to after it. */
function atMinutes(day: DateTime, minutes: number): DateTime {
  if (minutes >= 1440) return day.startOf('day').plus({ days: 1 });
  const seconds = Math.round(minutes * 60);
  return day
    .startOf('day')
    .set({ hour: Math.floor(seconds / 3600), minute: Math.floor(seconds / 60) % 60, second: seconds % 60 });
}

/** Longest match wins; rules win ties because they know mail idioms chrono does not. */
function chooseLongest(candidates: Candidate[]): Candidate[] {
  const sorted = [...candidates].sort(
    (a, b) => b.stop - b.index - (a.stop - a.index) || Number(b.fromRule) - Number(a.fromRule) || a.index - b.index,
  );
  const chosen: Candidate[] = [];
  // Characters already covered by a chosen candidate: each check costs the candidate's own length, not the
  // number chosen so far (that was quadratic on long texts full of expressions, issue 12).
  const taken = new Uint8Array(candidates.reduce((max, c) => Math.max(max, c.stop), 0));
  for (const c of sorted) {
    if (taken.subarray(c.index, c.stop).includes(1)) continue;
    taken.fill(1, c.index, c.stop);
    chosen.push(c);
  }
  return chosen.sort((a, b) => a.index - b.index);
}

const JOINER = /^\s*(?:,|at|@|on|in the|from|around|about|approx(?:imately)?|-)?\s*$/i;

/** "Friday" + "EOD", "tomorrow" + "8h", "3pm" + "on Monday": a time of day joins the date beside it. */
function combineTimeOfDay(candidates: Candidate[], text: string): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const a = candidates[i]!;
    const b = candidates[i + 1];
    if (b && JOINER.test(text.slice(a.stop, b.index))) {
      const merged = mergePair(a, b) ?? mergePair(b, a);
      if (merged) {
        out.push({ ...merged, index: a.index, stop: b.stop });
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

function fitIntoPart(point: TimeOfDay, part: TimeOfDay): TimeOfDay {
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
function combineClockRanges(candidates: Candidate[], text: string): Candidate[] {
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
        const prefix = before ? (/(between|from|later than)\s*$/i.exec(text.slice(0, a.index))?.[0].length ?? 0) : 0;
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
function bindWeekdaysToWeek(candidates: Candidate[], text: string): Candidate[] {
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
    out.push(c);
  }
  return out;
}

function moveToWeek(c: Candidate, week: DateTime): void {
  const day = week.plus({ days: (c.weekday ?? 1) - 1 });
  c.day = day;
  c.span = c.timeOfDay ? withTimeOfDay(day, c.timeOfDay) : { start: day, end: day.plus({ days: 1 }), grain: 'day' };
}

const ALTERNATIVE = /^\s*(?:,|or|and|,\s*or|,\s*and|\/|&|or on|and on)\s*$/i;

/** "Tue or Wed afternoon": the time of day written once applies to every day in the list. */
function distributeAlternatives(candidates: Candidate[], text: string): void {
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
    earlier.timeOfDay = later.timeOfDay;
    earlier.span = withTimeOfDay(earlier.day, later.timeOfDay);
  }
}

/** "3pm CET", "9:00 (London time)": the wall-clock time is read in the named zone. */
function attachZones(candidates: Candidate[], zones: ZoneMention[], text: string): void {
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

function toExpression(c: Candidate, original: string, ctx: Context): TimeExpression | null {
  let span = c.span;
  if (!span && c.timeOfDay) {
    // A time of day with no date: today if it is still ahead, otherwise tomorrow.
    const today = ctx.ref.startOf('day');
    const candidate = withTimeOfDay(today, c.timeOfDay);
    const passed = c.timeOfDay.to === undefined ? candidate.start < ctx.ref : candidate.end <= ctx.ref;
    span = passed && !c.deadline ? withTimeOfDay(today.plus({ days: 1 }), c.timeOfDay) : candidate;
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
  return {
    text: original.slice(c.index, c.stop),
    start: iso(start),
    end: iso(end),
    grain,
    index: c.index,
    ...(c.zone ? { zone: c.zone } : {}),
  };
}

const iso = (dt: DateTime) => dt.toISO({ suppressMilliseconds: true }) ?? '';
