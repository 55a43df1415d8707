import { WEEKDAYS, type WorkingHours } from '@steward/shared';
import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';

/** A span of time, ISO 8601 with offset (or Z), `end` exclusive. */
export interface Interval {
  start: string;
  end: string;
}

export interface Slot {
  start: string;
  end: string;
  /** 0..1, higher is better; only the order matters to callers. */
  score: number;
}

/** Soft preference in the user's zone: "mornings", "Tue/Thu 14:00–16:00". */
export interface PreferredWindow {
  start: string;
  end: string;
  weekdays?: (typeof WEEKDAYS)[number][];
}

export interface SlotRequest {
  durationMinutes: number;
  /** Slots never start before now + minimum notice. */
  now: Date | string;
  /** The user's IANA zone; working hours are read in it. */
  zone: string;
  workingHours: WorkingHours;
  /** The user's own calendar: counts towards the meetings-per-day cap. */
  busy: Interval[];
  /** Other attendees' busy times, one list per attendee. */
  attendeesBusy?: Interval[][];
  bufferBeforeMinutes?: number;
  bufferAfterMinutes?: number;
  minimumNoticeHours?: number;
  maxMeetingsPerDay?: number;
  preferred?: PreferredWindow[];
  /** The requester's proposed windows: when given, every slot lies inside one of them. */
  windows?: Interval[];
  requester?: {
    zone: string;
    /** Hard limit when given; with only a zone, slots inside 09:00–17:00 there are preferred. */
    workingHours?: WorkingHours;
  };
  /** How far ahead to look when no window says otherwise. Default 14 days. */
  horizonDays?: number;
  /** Start times are multiples of this many minutes past the hour in the user's zone. Default 15. */
  stepMinutes?: number;
  limit?: number;
}

const MINUTE = 60_000;
const DAY_KEYS = WEEKDAYS; // luxon weekday 1 = Monday

type Span = [number, number];

/**
 * The best free slots for a meeting, ranked, spread across days. Deterministic: the same request gives
 * the same slots whatever the order of its lists.
 */
export function findSlots(req: SlotRequest): Slot[] {
  const duration = req.durationMinutes * MINUTE;
  const limit = req.limit ?? 5;
  if (!(duration > 0) || limit <= 0) return [];
  const step = Math.max(5, req.stepMinutes ?? 15) * MINUTE;
  const bufferBefore = (req.bufferBeforeMinutes ?? 0) * MINUTE;
  const bufferAfter = (req.bufferAfterMinutes ?? 0) * MINUTE;
  const now = toMillis(req.now);
  const earliest = now + (req.minimumNoticeHours ?? 0) * 3_600_000;

  const windows = req.windows ? mergeSpans(req.windows.map(toSpan).filter(nonEmpty)) : undefined;
  if (windows && windows.length === 0) return [];
  const rangeStart = Math.max(earliest, windows ? windows[0]![0] : earliest);
  const rangeEnd = windows ? windows[windows.length - 1]![1] : earliest + (req.horizonDays ?? 14) * 86_400_000;
  if (rangeEnd - rangeStart < duration) return [];

  // A slot [s, e) is blocked by a busy [b0, b1) when s < b1 + bufferBefore and b0 - bufferAfter < e.
  const pad = (s: Span): Span => [s[0] - bufferAfter, s[1] + bufferBefore];
  const lo = rangeStart - bufferBefore - 86_400_000;
  const hi = rangeEnd + bufferAfter + 86_400_000;
  const ownBusy = spansWithin(req.busy, lo, hi);
  const allBusy = [ownBusy, ...(req.attendeesBusy ?? []).map((list) => spansWithin(list, lo, hi))].flat().map(pad);
  const blocked = mergeSpans(allBusy);
  const userZone = zoneObject(req.zone);
  const meetingsPerDay = countByLocalDay(ownBusy, userZone);

  const requesterZone = req.requester?.zone ? zoneObject(req.requester.zone) : undefined;
  const candidates: Candidate[] = [];
  let day = DateTime.fromMillis(rangeStart, { zone: req.zone }).startOf('day');
  const lastDay = DateTime.fromMillis(rangeEnd, { zone: req.zone }).startOf('day');
  const todayStart = DateTime.fromMillis(now, { zone: req.zone }).startOf('day');
  for (; day <= lastDay; day = day.plus({ days: 1 })) {
    const midnight = day.toMillis();
    const dayKey = localClock(midnight, userZone).dayNumber;
    const booked = meetingsPerDay.get(dayKey) ?? 0;
    if (req.maxMeetingsPerDay !== undefined && booked >= req.maxMeetingsPerDay) continue;
    let free = workingSpans(day, req.workingHours);
    if (req.requester?.workingHours)
      free = intersect(free, requesterSpans(day, req.requester.zone, req.requester.workingHours));
    if (windows) free = intersect(free, windows);
    free = intersect(free, [[rangeStart, rangeEnd]]);
    free = subtract(free, blocked);
    const dayIndex = Math.round(day.diff(todayStart, 'days').days);
    const ctx: ScoreContext = { req, userZone, dayIndex, booked, requesterZone };
    for (const [freeStart, freeEnd] of free) {
      // Align to the step counted from local midnight, so starts read 09:00, 09:15 on the user's clock.
      let start = midnight + Math.ceil((freeStart - midnight) / step) * step;
      for (; start + duration <= freeEnd; start += step) {
        candidates.push({ start, end: start + duration, day: dayKey, score: scoreSlot(start, duration, ctx) });
      }
    }
  }
  return pickSpread(candidates, limit).map((c) => ({
    start: iso(c.start, req.zone),
    end: iso(c.end, req.zone),
    score: c.score,
  }));
}

interface Candidate {
  start: number;
  end: number;
  /** Local calendar day in the user's zone (days since 1970-01-01 on the local clock). */
  day: number;
  score: number;
}

function zoneObject(name: string): Zone {
  const zone = IANAZone.isValidZone(name) ? IANAZone.create(name) : FixedOffsetZone.parseSpecifier(name);
  if (!zone) throw new RangeError(`unknown time zone: ${name}`);
  return zone;
}

const DAY_MS = 86_400_000;
const offsetCache = new WeakMap<Zone, Map<number, number | null>>();

/**
 * The zone's UTC offset at an instant. Asking Intl for every candidate dominates the solver's time, so an
 * offset is cached per UTC day when the day starts and ends with the same offset (no transition inside).
 */
function offsetAt(zone: Zone, ms: number): number {
  let days = offsetCache.get(zone);
  if (!days) {
    days = new Map();
    offsetCache.set(zone, days);
  }
  const day = Math.floor(ms / DAY_MS);
  let constant = days.get(day);
  if (constant === undefined) {
    const first = zone.offset(day * DAY_MS);
    constant = first === zone.offset((day + 1) * DAY_MS - 1) ? first : null;
    if (days.size > 4096) days.clear();
    days.set(day, constant);
  }
  return constant ?? zone.offset(ms);
}

/** Wall-clock minutes after midnight and ISO weekday of an instant in a zone, without building a DateTime. */
function localClock(ms: number, zone: Zone): { minutes: number; weekday: number; dayNumber: number } {
  const localMinutes = Math.floor(ms / MINUTE) + offsetAt(zone, ms);
  const dayNumber = Math.floor(localMinutes / 1440);
  // 1970-01-01 was a Thursday (ISO weekday 4).
  return { minutes: localMinutes - dayNumber * 1440, weekday: ((((dayNumber + 3) % 7) + 7) % 7) + 1, dayNumber };
}

interface ScoreContext {
  req: SlotRequest;
  userZone: Zone;
  dayIndex: number;
  booked: number;
  requesterZone: Zone | undefined;
}

/** Sooner, quieter days, preferred windows and the requester's daytime score higher. */
function scoreSlot(start: number, duration: number, ctx: ScoreContext): number {
  let score = 0.6;
  score -= Math.min(0.25, ctx.dayIndex * 0.015);
  score -= Math.min(0.15, ctx.booked * 0.03);
  const local = localClock(start, ctx.userZone);
  const hour = local.minutes / 60;
  // People accept mid-morning and early afternoon most readily; lunch and day edges less.
  if ((hour >= 9.5 && hour < 12) || (hour >= 13.5 && hour < 16)) score += 0.08;
  if (ctx.req.preferred?.length) {
    const end = localClock(start + duration, ctx.userZone);
    const endMinutes = end.dayNumber === local.dayNumber ? end.minutes : 1440;
    if (ctx.req.preferred.some((p) => insidePreferred(local.weekday, local.minutes, endMinutes, p))) score += 0.2;
  }
  if (ctx.requesterZone) {
    const theirs = localClock(start, ctx.requesterZone);
    const theirEnd = localClock(start + duration, ctx.requesterZone);
    const endMinutes =
      theirEnd.dayNumber === theirs.dayNumber
        ? theirEnd.minutes
        : theirEnd.minutes === 0
          ? 1440
          : Number.POSITIVE_INFINITY;
    if (theirs.weekday <= 5 && theirs.minutes >= 9 * 60 && endMinutes <= 17 * 60) score += 0.1;
  }
  return Math.round(Math.max(0, Math.min(1, score)) * 1000) / 1000;
}

function insidePreferred(weekday: number, startMinutes: number, endMinutes: number, p: PreferredWindow): boolean {
  if (p.weekdays && !p.weekdays.includes(DAY_KEYS[weekday - 1]!)) return false;
  return startMinutes >= hhmm(p.start) && endMinutes <= hhmm(p.end);
}

/**
 * Best first, but one per day before a second on any day, so the other side gets a real choice; a second
 * slot on the same day never overlaps the first.
 */
function pickSpread(candidates: Candidate[], limit: number): Candidate[] {
  const ranked = [...candidates].sort((a, b) => b.score - a.score || a.start - b.start);
  const chosen: Candidate[] = [];
  const usedDays = new Map<number, number>();
  for (let round = 0; chosen.length < limit && round < 4; round++) {
    for (const slot of ranked) {
      if (chosen.length >= limit) break;
      if ((usedDays.get(slot.day) ?? 0) !== round) continue;
      if (chosen.some((c) => c.start < slot.end && slot.start < c.end)) continue;
      chosen.push(slot);
      usedDays.set(slot.day, round + 1);
    }
  }
  return chosen.sort((a, b) => b.score - a.score || a.start - b.start);
}

// ---------------------------------------------------------------------------------------------
// Interval arithmetic on epoch milliseconds.

function toMillis(t: Date | string): number {
  const ms = typeof t === 'string' ? DateTime.fromISO(t, { setZone: true }).toMillis() : t.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`invalid time: ${String(t)}`);
  return ms;
}

const toSpan = (i: Interval): Span => [toMillis(i.start), toMillis(i.end)];
const nonEmpty = (s: Span) => s[1] > s[0];
const iso = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? '';

/**
 * Busy spans that can matter for [lo, hi). A year of events is mostly outside the range: ISO strings are
 * first compared by their calendar date (an offset moves an instant by less than a day either side), so
 * only the few near the range are parsed.
 */
function spansWithin(list: Interval[], lo: number, hi: number): Span[] {
  const firstDay = new Date(lo - 86_400_000).toISOString().slice(0, 10);
  const lastDay = new Date(hi + 86_400_000).toISOString().slice(0, 10);
  const out: Span[] = [];
  for (const i of list) {
    if (isIsoDate(i.end) && i.end.slice(0, 10) < firstDay) continue;
    if (isIsoDate(i.start) && i.start.slice(0, 10) > lastDay) continue;
    const s = Date.parse(i.start);
    const e = Date.parse(i.end);
    if (!(e > s)) continue;
    if (e > lo && s < hi) out.push([s, e]);
  }
  return out;
}

/** "YYYY-MM-DD…": the date prefix of an ISO 8601 string compares correctly as text. */
function isIsoDate(s: string): boolean {
  return (
    s.length >= 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57
  );
}

function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

function intersect(a: Span[], b: Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i]![0], b[j]![0]);
    const e = Math.min(a[i]![1], b[j]![1]);
    if (e > s) out.push([s, e]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

/** `free` minus `blocked` (blocked sorted and merged); binary search keeps a year of busy time cheap. */
function subtract(free: Span[], blocked: Span[]): Span[] {
  const out: Span[] = [];
  for (const [fs, fe] of free) {
    let cursor = fs;
    let k = firstEndingAfter(blocked, fs);
    for (; k < blocked.length && blocked[k]![0] < fe; k++) {
      const [bs, be] = blocked[k]!;
      if (bs > cursor) out.push([cursor, bs]);
      cursor = Math.max(cursor, be);
    }
    if (cursor < fe) out.push([cursor, fe]);
  }
  return out;
}

function firstEndingAfter(spans: Span[], t: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]![1] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function hhmm(s: string): number {
  const [h, m] = s.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** A day's working hours as instants; wall-clock times are resolved in the zone, so DST days are right. */
function workingSpans(day: DateTime, hours: WorkingHours): Span[] {
  const ranges = hours[DAY_KEYS[day.weekday - 1]!] ?? [];
  const spans: Span[] = [];
  for (const r of ranges) {
    const s = atLocalMinutes(day, hhmm(r.start));
    const e = atLocalMinutes(day, hhmm(r.end));
    if (e > s) spans.push([s, e]);
  }
  return mergeSpans(spans);
}

function atLocalMinutes(day: DateTime, minutes: number): number {
  if (minutes >= 1440) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis();
}

/** The requester's working hours on the days around a user's day, as instants. */
function requesterSpans(userDay: DateTime, zone: string, hours: WorkingHours): Span[] {
  const centre = userDay.setZone(zone).startOf('day');
  const spans: Span[] = [];
  for (const offset of [-1, 0, 1, 2]) spans.push(...workingSpans(centre.plus({ days: offset }), hours));
  return mergeSpans(spans);
}

function countByLocalDay(spans: Span[], zone: Zone): Map<number, number> {
  const counts = new Map<number, number>();
  const seen = new Set<string>();
  for (const [s, e] of spans) {
    const key = `${s}/${e}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const day = localClock(s, zone).dayNumber;
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  return counts;
}
