import { DateTime, FixedOffsetZone } from 'luxon';
import { parseTimeExpressions, type TimeExpression } from './times.ts';
import { findResidenceZone, findZoneMentions, isValidZone } from './zones.ts';

export interface Person {
  name?: string;
  address: string;
}

export interface MeetingAskInput {
  subject?: string;
  text: string;
  /** The message's Date header; a string keeps the sender's offset ("Tue, 4 Feb 2025 09:00:00 -0500" or ISO). */
  date?: Date | string;
  from?: Person | string;
  to?: Array<Person | string>;
  cc?: Array<Person | string>;
}

export interface MeetingWindow {
  start: string;
  end: string;
  /** The words the window came from, e.g. "Tue or Wed afternoon" gives two windows with "Tue" and "Wed afternoon". */
  text: string;
}

export interface MeetingAsk {
  isMeetingRequest: boolean;
  /** Short reasons, e.g. "asks to schedule a call". */
  reasons: string[];
  durationMinutes?: number;
  windows: MeetingWindow[];
  participants: Person[];
  mode: 'online' | 'in_person' | 'unknown';
  location?: string;
  /** IANA or fixed-offset zone of the requester: a zone named in the text, else the Date header's offset. */
  requesterZone?: string;
}

const STRONG_ASKS: Array<[RegExp, string]> = [
  [
    /\b(?:can|could|shall|should) we (?:meet|talk|chat|speak|catch up|connect|sync|hop on|jump on|get together|set up|schedule|find a time|grab|have a)\b/i,
    'asks to meet',
  ],
  [/\b(?:are|would) you (?:be )?(?:free|available|around)\b/i, 'asks about availability'],
  [
    /\b(?:when|what time|what day)s? (?:are you|would you be|works?|is good|suits?|would suit|is best)\b/i,
    'asks when suits',
  ],
  [
    /\blet'?s (?:meet|talk|chat|catch up|sync|schedule|set up|find a time|grab|get together|hop on|jump on)\b/i,
    'proposes meeting',
  ],
  [
    /\b(?:schedule|set up|arrange|book|organi[sz]e) (?:a |an |some )?(?:time|call|meeting|chat|sync|session|demo|interview|catch[- ]up|slot)\b/i,
    'asks to schedule',
  ],
  [/\bfind (?:a |some )?time\b/i, 'asks to find a time'],
  [/\b(?:does|would|will) (?:\w+ ){0,4}(?:work|suit) (?:for you|for your|you)\b/i, 'proposes a time'],
  [/\b(?:your|send (?:me|over) (?:your|some)) availability\b/i, 'asks for availability'],
  [/\b(?:meet|call|chat|talk) (?:next week|this week|tomorrow|on \w+day)\b/i, 'proposes meeting'],
  [/\b(?:time|slot)s? that works?\b/i, 'asks when suits'],
  [/\bgrab (?:a )?(?:coffee|lunch|a quick call|some time|15|30)\b/i, 'proposes meeting'],
];

/** All the strong asks as one pattern: one scan of the text answers whether any of them is there. */
const ANY_STRONG_ASK = new RegExp(STRONG_ASKS.map(([pattern]) => `(?:${pattern.source})`).join('|'), 'i');

const WEAK_CUES =
  /\b(?:meet(?:ing)?|call|chat|catch[- ]?up|sync|demo|interview|coffee|lunch|discuss|calendar|invite|zoom|teams|availability|available|free)\b/i;
/** Calendar machinery, not an ask: Outlook/Google notifications. */
const CALENDAR_NOTICE =
  /\b(?:has (?:accepted|declined)|invitation:|updated invitation|canceled event|cancelled event|accepted:|declined:)/i;

const ONLINE =
  /\b(?:zoom|teams|google meet|meet\.google|hangouts?|webex|skype|video ?call|videocall|dial[- ]in|online|virtual(?:ly)?|remote(?:ly)?|phone|call|ring)\b/i;
const IN_PERSON =
  /\b(?:in person|in-person|face to face|face-to-face|coffee|lunch|dinner|breakfast|drinks|our office|your office|the office|visit|come by|stop by|swing by|onsite|on-site|meeting room|conference room)\b/i;

const ONLINE_LINK =
  /https?:\/\/[^\s>)]*(?:zoom\.us|teams\.microsoft\.com|teams\.live\.com|meet\.google\.com|webex\.com)[^\s>)]*/i;
const LOCATION =
  /\b(?:meet|see you|join us|come|coffee|lunch|held) (?:\w+ ){0,3}?(?:at|in) ((?:the )?(?:[A-Z][\w'&.-]*)(?: (?:[A-Z][\w'&.-]*|of|on|de|the))*(?: \d+\w*)?)|\b((?:conference |meeting )?room [A-Z0-9][\w-]*)/;

/** Whether the text asks to meet, talk or pick a time in so many words (the strong asks above), outside calendar notices. */
export function hasStrongMeetingAsk(text: string): boolean {
  return ANY_STRONG_ASK.test(text) && !CALENDAR_NOTICE.test(text);
}

export function extractMeetingAsk(input: MeetingAskInput, opts: { tz?: string } = {}): MeetingAsk {
  const text = `${input.subject ? `${input.subject}\n` : ''}${input.text}`;
  const reasons: string[] = [];
  for (const [pattern, reason] of STRONG_ASKS)
    if (pattern.test(text) && !reasons.includes(reason)) reasons.push(reason);
  const notice = CALENDAR_NOTICE.test(text);

  const requesterZone = zoneOf(input, text) ?? opts.tz;
  const { ref, tz } = reference(input.date, requesterZone, opts.tz);
  const durationMinutes = findDuration(text);
  const windows = proposedWindows(text, ref, tz, durationMinutes);

  const weak = WEAK_CUES.test(text);
  const isMeetingRequest = !notice && (reasons.length > 0 || (weak && windows.length > 0 && /\?/.test(text)));
  if (isMeetingRequest && reasons.length === 0) reasons.push('mentions a meeting and proposes times');
  if (windows.length) reasons.push(`proposes ${windows.length === 1 ? 'a time' : `${windows.length} times`}`);

  const mode = /\b(?:in person|in-person|face to face|face-to-face)\b/i.test(text)
    ? 'in_person'
    : ONLINE_LINK.test(text) || ONLINE.test(text)
      ? 'online'
      : IN_PERSON.test(text)
        ? 'in_person'
        : 'unknown';

  return {
    isMeetingRequest,
    reasons,
    ...(durationMinutes ? { durationMinutes } : {}),
    windows,
    participants: participantsOf(input),
    mode,
    ...locationOf(text, mode),
    ...(requesterZone ? { requesterZone } : {}),
  };
}

function zoneOf(input: MeetingAskInput, text: string): string | undefined {
  const named = findZoneMentions(text)[0]?.zone ?? findResidenceZone(text);
  if (named) return named;
  if (typeof input.date === 'string') {
    const offset = /([+-])(\d{2}):?(\d{2})\s*(?:\([^)]*\))?\s*$/.exec(input.date.trim());
    if (offset) {
      const minutes = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
      return FixedOffsetZone.instance(minutes).name;
    }
  }
  return undefined;
}

function reference(date: Date | string | undefined, requesterZone: string | undefined, fallback: string | undefined) {
  let instant: DateTime | undefined;
  if (date instanceof Date) instant = DateTime.fromJSDate(date);
  else if (typeof date === 'string') {
    instant = DateTime.fromISO(date, { setZone: true });
    if (!instant.isValid) instant = DateTime.fromRFC2822(date.replace(/\s*\([^)]*\)\s*$/, ''), { setZone: true });
    if (!instant.isValid) instant = DateTime.fromJSDate(new Date(date));
  }
  if (!instant?.isValid) instant = DateTime.now();
  const tz = requesterZone && isValidZone(requesterZone) ? requesterZone : (fallback ?? 'UTC');
  return { ref: instant.toISO() ?? '', tz };
}

const DURATION =
  /\b(\d{1,3}|an?|one|two|three|half an?|an hour and a half|one and a half|1\.5)[- ]?(minutes?|mins?|hours?|hrs?|h)\b(?:[- ](?:long|call|meeting|chat|slot|session|sync))?/gi;

/** "30-minute call", "an hour", "half an hour", "quick call" (15). */
export function findDuration(text: string): number | undefined {
  for (const m of text.matchAll(DURATION)) {
    const before = text.slice(Math.max(0, (m.index ?? 0) - 12), m.index);
    // "in 2 hours" and "2 hours ago" are times, not lengths.
    if (
      /\b(?:in|within|after)\s*$/i.test(before) ||
      /^\s*(?:ago|from now|later|before)/i.test(text.slice((m.index ?? 0) + m[0].length))
    )
      continue;
    const n = m[1]!.toLowerCase();
    const unit = m[2]!.toLowerCase();
    const amount = /half an?/.test(n)
      ? 0.5
      : /and a half|1\.5/.test(n)
        ? 1.5
        : /^(an?|one)$/.test(n)
          ? 1
          : n === 'two'
            ? 2
            : n === 'three'
              ? 3
              : Number(n);
    const minutes = unit.startsWith('h') ? amount * 60 : amount;
    if (minutes >= 5 && minutes <= 8 * 60) return Math.round(minutes);
  }
  if (/\bquick (?:call|chat|sync|catch[- ]?up|question)\b/i.test(text)) return 15;
  return undefined;
}

const WINDOW_GRAINS = new Set(['minute', 'hour', 'day', 'week']);

/**
 * Future times mentioned in sentences about meeting; a clock time becomes a window of the meeting length.
 * A time in the past never becomes a window: not one that ended before the message, and not one the
 * sentence puts in the past ("we met on Friday").
 */
function proposedWindows(text: string, ref: string, tz: string, durationMinutes: number | undefined): MeetingWindow[] {
  const refTime = DateTime.fromISO(ref, { setZone: true });
  let expressions: TimeExpression[];
  try {
    expressions = parseTimeExpressions(text, { ref, tz });
  } catch {
    return [];
  }
  const windows: MeetingWindow[] = [];
  for (const e of expressions) {
    if (!WINDOW_GRAINS.has(e.grain)) continue;
    if (e.direction === 'past') continue;
    let start = DateTime.fromISO(e.start, { setZone: true });
    let end = DateTime.fromISO(e.end, { setZone: true });
    if (end <= refTime) continue;
    if (start < refTime) start = refTime.setZone(start.zone);
    // "by Friday" is a deadline, not a proposed meeting time.
    if (
      /^(?:by|before|until|till|due)\b/i.test(
        text
          .slice(Math.max(0, e.index - 8), e.index)
          .trim()
          .split(/\s+/)
          .pop() ?? '',
      )
    )
      continue;
    if (e.grain === 'minute' || (e.grain === 'hour' && end.diff(start, 'minutes').minutes <= 60)) {
      end = start.plus({ minutes: Math.max(durationMinutes ?? 30, end.diff(start, 'minutes').minutes) });
    }
    windows.push({
      start: start.toISO({ suppressMilliseconds: true }) ?? e.start,
      end: end.toISO({ suppressMilliseconds: true }) ?? e.end,
      text: e.text,
    });
  }
  return windows;
}

function toPerson(p: Person | string): Person | undefined {
  if (typeof p !== 'string') return p.address ? p : undefined;
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(p);
  if (m) return m[1] ? { name: m[1], address: m[2]!.trim() } : { address: m[2]!.trim() };
  return p.includes('@') ? { address: p.trim() } : undefined;
}

function participantsOf(input: MeetingAskInput): Person[] {
  const all = [input.from, ...(input.to ?? []), ...(input.cc ?? [])].filter((p): p is Person | string => Boolean(p));
  const seen = new Set<string>();
  const out: Person[] = [];
  for (const raw of all) {
    const person = toPerson(raw);
    if (!person) continue;
    const key = person.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(person);
  }
  return out;
}

function locationOf(text: string, mode: MeetingAsk['mode']): { location?: string } {
  const link = ONLINE_LINK.exec(text)?.[0];
  if (link) return { location: link };
  if (mode === 'online') return {};
  const m = LOCATION.exec(text);
  const place = (m?.[1] ?? m?.[2])?.trim();
  if (!place || /^(?:the )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Noon|Midnight|\d)/i.test(place))
    return {};
  return { location: place };
}
