/**
 * The pure part of the OnMessageSend Smart Alert: finding the meeting times an outgoing message proposes,
 * and deciding whether to warn. No Office, no network: unit-tested in outlook-addin/test/smart-alert.test.ts.
 *
 * It reads what Steward itself writes ("Tue 4 Feb, 15:00–15:30", "- Tue 4 Feb, 15:00 CET / 09:00 EST")
 * and the common hand-written forms with a calendar date and a clock time ("Thursday 6 March at 3pm",
 * "March 6, 2031 3:30 PM", "6/3"-style numeric dates are not read: they are ambiguous between locales).
 * A time without a date ("Tuesday at 3") is not read either: better to miss one than to warn wrongly.
 */
import type { WorkingHours } from '@steward/shared';
import { isKnownZone, localParts, zonedToUtc } from './zones.ts';

export interface ProposedTime {
  /** ISO 8601, UTC. */
  start: string;
  end: string;
  /** The words in the message, for the warning. */
  text: string;
}

export interface FindOptions {
  now: Date;
  /** The user's IANA zone: a time without a zone is read on this clock. */
  timeZone: string;
  /** Used when neither the time ("15:00–15:30") nor the message ("(30 minutes)") gives a length. */
  defaultMinutes: number;
  /** At most this many times are returned (the first in the message). Default 10. */
  limit?: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const WEEKDAY = '(?:(mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s+(?:the\\s+)?)?';
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const YEAR = '(?:,?\\s+(\\d{4}))?';
const SEPARATOR = '(?:\\s*,\\s*|\\s+)(?:at\\s+|from\\s+|@\\s*)?';
const CLOCK = '(\\d{1,2})(?:[:.](\\d{2}))?\\s*([ap]\\.?m\\.?)?';
const RANGE = `(?:\\s*(?:-|–|—|to|until|till)\\s*${CLOCK})?`;

/** Common zone abbreviations with a fixed offset in minutes; ambiguous ones (IST, CST in Asia) are left out. */
const ABBREVIATIONS: Record<string, number> = {
  utc: 0,
  gmt: 0,
  z: 0,
  wet: 0,
  bst: 60,
  cet: 60,
  cest: 120,
  eet: 120,
  eest: 180,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  jst: 540,
  aest: 600,
  aedt: 660,
};
const ZONE = `(?:\\s*\\(?(${Object.keys(ABBREVIATIONS).join('|')})(?:\\s*([+-]\\d{1,2})(?::?(\\d{2}))?)?\\b\\)?)?`;

/** "Tue 4 Feb, 15:00–15:30", "Tuesday 4th of February at 3pm", "4 Feb 2031 15:00 CET" */
const DAY_MONTH = new RegExp(
  `\\b${WEEKDAY}${DAY}\\s+(?:of\\s+)?${MONTH}${YEAR}${SEPARATOR}${CLOCK}${RANGE}${ZONE}`,
  'gi',
);
/** "Tuesday, February 4 at 3:00 PM", "Feb 4, 2031, 15:00–16:00" */
const MONTH_DAY = new RegExp(`\\b${WEEKDAY}${MONTH}\\s+${DAY}${YEAR}${SEPARATOR}${CLOCK}${RANGE}${ZONE}`, 'gi');
/** "2031-02-04 15:00", "2031-02-04T15:00" */
const ISO = new RegExp(`\\b(\\d{4})-(\\d{2})-(\\d{2})(?:T|\\s+(?:at\\s+)?)${CLOCK}${RANGE}${ZONE}`, 'gi');

/**
 * The part of the body the user wrote: everything above the quoted conversation ("On … wrote:",
 * Outlook's "From: … Sent:" header block, "-----Original Message-----", a line of underscores, "> " lines).
 * Times in the quoted part are the other side's, not proposals of the user.
 */
export function ownText(body: string): string {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (/^-{2,}\s*original message\s*-{2,}$/i.test(line)) return lines.slice(0, i).join('\n');
    if (/^_{10,}$/.test(line)) return lines.slice(0, i).join('\n');
    if (/^on\b.{4,200}\bwrote:$/i.test(line)) return lines.slice(0, i).join('\n');
    if (/^>/.test(line)) return lines.slice(0, i).join('\n');
    if (/^from:\s*\S/i.test(line)) {
      const next = lines.slice(i + 1, i + 4).join('\n');
      if (/^(sent|date|to|subject):/im.test(next)) return lines.slice(0, i).join('\n');
    }
  }
  return body;
}

/** "(30 minutes)", "a 45-minute call", "(an hour)", "(2 hours)", "(an hour and a half)" */
export function statedDuration(text: string): number | null {
  const t = text.toLowerCase();
  if (/\ban hour and a half\b|\b1\.5 hours?\b|\b90[- ]min/.test(t)) return 90;
  const minutes = /\b(\d{1,3})[- ]?(?:minutes?|mins?)\b/.exec(t);
  if (minutes) return Number(minutes[1]);
  const hours = /\b(\d)[- ]?hours?\b/.exec(t);
  if (hours) return Number(hours[1]) * 60;
  if (/\b(?:an|one)[- ]hour\b/.test(t)) return 60;
  return null;
}

function to24(hour: number, meridiem: string | undefined): number {
  if (!meridiem) return hour;
  const pm = meridiem.toLowerCase().startsWith('p');
  if (hour === 12) return pm ? 12 : 0;
  return pm ? hour + 12 : hour;
}

interface Parsed {
  year: number | null;
  month: number;
  day: number;
  weekday: number | null;
  startHour: number;
  startMinute: number;
  endHour: number | null;
  endMinute: number | null;
  /** Fixed offset from the zone written after the time, in minutes; null = the user's zone. */
  offset: number | null | 'unknown';
}

function clockParts(
  hour: string | undefined,
  minute: string | undefined,
  meridiem: string | undefined,
): { hour: number; minute: number; meridiem: string | undefined } | null {
  if (hour === undefined) return null;
  // A bare number is not a time ("4 Feb, 3 people"): it needs minutes or am/pm.
  if (minute === undefined && !meridiem) return null;
  const h = Number(hour);
  const m = minute === undefined ? 0 : Number(minute);
  if (m > 59 || (meridiem ? h < 1 || h > 12 : h > 24)) return null;
  return { hour: h, minute: m, meridiem };
}

function zoneOffset(
  name: string | undefined,
  hours: string | undefined,
  minutes: string | undefined,
): number | null | 'unknown' {
  if (!name) return null;
  const key = name.toLowerCase();
  if ((key === 'utc' || key === 'gmt') && hours) {
    const h = Number(hours);
    const m = Number(minutes ?? 0);
    return h * 60 + (h < 0 || hours.startsWith('-') ? -m : m);
  }
  return key in ABBREVIATIONS ? (ABBREVIATIONS[key] ?? 0) : 'unknown';
}

function parseMatch(kind: 'dm' | 'md' | 'iso', m: RegExpExecArray): Parsed | null {
  let year: number | null;
  let month: number;
  let day: number;
  let weekday: number | null = null;
  let rest: (string | undefined)[];
  if (kind === 'iso') {
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
    rest = m.slice(4);
  } else {
    weekday = m[1] ? WEEKDAYS.indexOf(m[1].toLowerCase().slice(0, 3)) : null;
    const dayText = kind === 'dm' ? m[2] : m[3];
    const monthText = kind === 'dm' ? m[3] : m[2];
    day = Number(dayText);
    month = MONTHS.indexOf((monthText ?? '').toLowerCase().slice(0, 3)) + 1;
    year = m[4] ? Number(m[4]) : null;
    rest = m.slice(5);
  }
  const [h1, m1, ap1, h2, m2, ap2, zoneName, zoneHours, zoneMinutes] = rest;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const endClock = h2 === undefined ? null : { hour: Number(h2), minute: Number(m2 ?? 0), meridiem: ap2 };
  // "3-4pm": the start takes the end's am/pm.
  const start = clockParts(h1, m1, ap1 ?? endClock?.meridiem);
  if (!start) return null;
  let startHour = to24(start.hour, start.meridiem);
  let endHour: number | null = null;
  let endMinute: number | null = null;
  if (endClock && endClock.minute <= 59) {
    endHour = to24(
      endClock.hour,
      endClock.meridiem ?? (start.meridiem && endClock.hour <= 12 ? start.meridiem : undefined),
    );
    endMinute = endClock.minute;
    // "11-1pm": the start was in the morning.
    if (!ap1 && endClock.meridiem && startHour * 60 + start.minute >= endHour * 60 + endMinute && startHour >= 12) {
      startHour -= 12;
    }
    if (endHour > 24 || endHour * 60 + endMinute <= startHour * 60 + start.minute) {
      endHour = null;
      endMinute = null;
    }
  }
  if (startHour > 23) return null;
  return {
    year,
    month,
    day,
    weekday,
    startHour,
    startMinute: start.minute,
    endHour,
    endMinute,
    offset: zoneOffset(zoneName, zoneHours, zoneMinutes),
  };
}

function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

function validDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Without a year: the first year that makes the date recent-or-coming and matches the weekday given. */
function pickYear(p: Parsed, now: Date, zone: string): number | null {
  if (p.year !== null) {
    if (!validDate(p.year, p.month, p.day)) return null;
    if (p.weekday !== null && weekdayOf(p.year, p.month, p.day) !== p.weekday) return null;
    return p.year;
  }
  const today = localParts(now.getTime(), zone);
  // A date more than a week back is next year's (writing in December about "6 Jan"); otherwise this year's.
  let year = today.year;
  const daysAgo = (Date.UTC(today.year, today.month - 1, today.day) - Date.UTC(year, p.month - 1, p.day)) / 86_400_000;
  if (daysAgo > 7) year++;
  if (!validDate(year, p.month, p.day)) return null;
  // A weekday that does not agree is a typo or another year: no guessing.
  if (p.weekday !== null && weekdayOf(year, p.month, p.day) !== p.weekday) return null;
  return year;
}

/** Words that put a sentence in the past ("we met on …", "the call on 4 Feb went well") … */
const PAST_CUE =
  /\b(?:was|were|had|did|didn't|met|said|spoke|talked|called|discussed|attended|went|held|happened|enjoyed|missed|yesterday|ago|last (?:week|month|time))\b/i;
/** … unless the same sentence also proposes ("could we", "works for me", "how about"). */
const PROPOSAL_CUE =
  /\b(?:will|would|could|can|shall|let's|lets|how about|what about|works?|suits?|available|free|propose|suggest|instead|reschedul\w*|move|please)\b/i;

/** The sentence around `index`: from the last sentence end before it to the next one after it. */
function sentenceAt(text: string, index: number, length: number): string {
  const before = text.slice(Math.max(0, index - 300), index);
  const start = Math.max(
    before.lastIndexOf('. '),
    before.lastIndexOf('? '),
    before.lastIndexOf('! '),
    before.lastIndexOf('\n'),
  );
  const after = text.slice(index + length, index + length + 300);
  const stop = after.search(/[.?!](?:\s|$)|\n/);
  return `${start < 0 ? before : before.slice(start + 1)}${text.slice(index, index + length)}${stop < 0 ? after : after.slice(0, stop)}`;
}

/**
 * A time the sentence puts in the past ("we met on Tuesday 4 Feb at 3pm") is a report, not a proposal: the
 * alert neither re-checks it nor moves it to next year.
 */
function reportsThePast(text: string, index: number, length: number): boolean {
  const sentence = sentenceAt(text, index, length);
  return PAST_CUE.test(sentence) && !PROPOSAL_CUE.test(sentence);
}

/** The meeting times the text proposes, in the order written, without duplicates. */
export function findProposedTimes(text: string, options: FindOptions): ProposedTime[] {
  const zone = isKnownZone(options.timeZone) ? options.timeZone : 'UTC';
  const limit = options.limit ?? 10;
  const fallbackMinutes = clampMinutes(statedDuration(text) ?? options.defaultMinutes);
  const hits: { index: number; kind: 'dm' | 'md' | 'iso'; match: RegExpExecArray }[] = [];
  for (const [kind, pattern] of [
    ['dm', DAY_MONTH],
    ['md', MONTH_DAY],
    ['iso', ISO],
  ] as const) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      hits.push({ index: match.index, kind, match });
    }
  }
  hits.sort((a, b) => a.index - b.index);
  const found: ProposedTime[] = [];
  let consumedTo = -1;
  for (const { index, kind, match } of hits) {
    // Patterns can overlap ("Tue 4 Feb" and "Feb 4"): the first one that starts wins.
    if (index < consumedTo) continue;
    if (reportsThePast(text, index, match[0].length)) continue;
    const parsed = parseMatch(kind, match);
    if (!parsed || parsed.offset === 'unknown') continue;
    const year = pickYear(parsed, options.now, zone);
    if (year === null) continue;
    const { month, day } = parsed;
    const at = (hour: number, minute: number) =>
      parsed.offset === null || parsed.offset === 'unknown'
        ? zonedToUtc(year, month, day, hour, minute, zone)
        : Date.UTC(year, month - 1, day, hour, minute) - parsed.offset * 60_000;
    const start = at(parsed.startHour, parsed.startMinute);
    const end =
      parsed.endHour !== null && parsed.endMinute !== null
        ? at(parsed.endHour, parsed.endMinute)
        : start + fallbackMinutes * 60_000;
    consumedTo = index + match[0].length;
    const iso = new Date(start).toISOString();
    if (found.some((f) => f.start === iso)) continue;
    found.push({ start: iso, end: new Date(end).toISOString(), text: match[0].trim().replace(/\s+/g, ' ') });
    if (found.length >= limit) break;
  }
  return found;
}

function clampMinutes(minutes: number): number {
  return Math.min(480, Math.max(5, Math.round(minutes)));
}

const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** True when the whole slot lies inside one of the day's working-hour spans, on the user's clock. */
export function insideWorkingHours(slot: { start: string; end: string }, hours: WorkingHours, zone: string): boolean {
  const z = isKnownZone(zone) ? zone : 'UTC';
  const start = localParts(Date.parse(slot.start), z);
  const endInstant = Date.parse(slot.end);
  const end = localParts(endInstant, z);
  const minutes = (h: string) => {
    const [hh, mm] = h.split(':').map(Number);
    return (hh ?? 0) * 60 + (mm ?? 0);
  };
  const startMinute = start.hour * 60 + start.minute;
  const sameDay = end.year === start.year && end.month === start.month && end.day === start.day;
  // Ending at local midnight counts as 24:00 of the start's day.
  const endMinute = sameDay ? end.hour * 60 + end.minute : end.hour === 0 && end.minute === 0 ? 1440 : -1;
  if (endMinute < 0) return false;
  const spans = hours[DAY_KEYS[start.weekday] as keyof WorkingHours] ?? [];
  return spans.some((span) => minutes(span.start) <= startMinute && endMinute <= minutes(span.end));
}

export type SlotStatus = 'free' | 'taken' | 'past' | 'outside-hours' | 'unknown';

export interface SlotCheck {
  slot: ProposedTime;
  status: SlotStatus;
}

export interface Decision {
  warn: boolean;
  /** What Outlook shows in the Smart Alert dialog (at most 500 characters); empty when not warning. */
  message: string;
}

/** Outlook truncates the alert text beyond this. */
export const ALERT_MESSAGE_LIMIT = 500;

/**
 * Warn when a proposed time is taken or already past. Times outside working hours were the user's own
 * choice (Steward only suggests inside them), and a time that could not be checked is not a reason to
 * hold the mail back: neither warns.
 */
export function decide(checks: SlotCheck[]): Decision {
  const taken = checks.filter((c) => c.status === 'taken');
  const past = checks.filter((c) => c.status === 'past');
  if (!taken.length && !past.length) return { warn: false, message: '' };
  const list = (items: SlotCheck[]) => {
    const names = items.map((c) => `"${c.slot.text}"`);
    return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  };
  const parts: string[] = [];
  if (taken.length) parts.push(`${list(taken)} ${taken.length === 1 ? 'is' : 'are'} no longer free in your calendar`);
  if (past.length) parts.push(`${list(past)} ${past.length === 1 ? 'has' : 'have'} already passed`);
  const tail = ' Send anyway, or go back and propose other times (Steward → Suggested times).';
  let message = `Steward re-checked the times in this message: ${parts.join('; ')}.${tail}`;
  if (message.length > ALERT_MESSAGE_LIMIT) {
    const count = taken.length + past.length;
    message = `Steward re-checked the times in this message: ${count} of them ${taken.length ? 'are no longer free in your calendar' : 'have already passed'}.${tail}`;
  }
  return { warn: true, message: message.slice(0, ALERT_MESSAGE_LIMIT) };
}
