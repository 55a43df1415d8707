import { WEEKDAYS, type WorkingHours } from '@steward/shared';
import { DateTime, type Zone } from 'luxon';
import { cachedZone } from './zones.ts';

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
  // Never a slot in the past: notice is never negative (an invalid "now" is refused by toMillis).
  const earliest = now + Math.max(0, req.minimumNoticeHours ?? 0) * 3_600_000;

  // The requester's windows, sorted and deduplicated once; windows already over are dropped. They are not
  // merged (a slot must lie inside one of them), but their merged cover decides which days to look at, and
  // each day finds the few windows it touches by binary search: a message naming hundreds of dates stays cheap.
  const windows = req.windows
    ? sortedWindows(req.windows.map(toSpan).filter((s) => nonEmpty(s) && s[1] > earliest))
    : undefined;
  const cover = windows ? mergeSpans(windows.spans) : undefined;
  if (cover && cover.length === 0) return [];
  const rangeStart = Math.max(earliest, cover ? cover[0]![0] : earliest);
  const rangeEnd = cover ? cover[cover.length - 1]![1] : earliest + (req.horizonDays ?? 14) * 86_400_000;
  if (rangeEnd - rangeStart < duration) return [];

  // A slot [s, e) is blocked by a busy [b0, b1) when s < b1 + bufferBefore and b0 - bufferAfter < e.
  const pad = (s: Span): Span => [s[0] - bufferAfter, s[1] + bufferBefore];
  const lo = rangeStart - bufferBefore - 86_400_000;
  const hi = rangeEnd + bufferAfter + 86_400_000;
  const userZone = zoneObject(req.zone);
  const requesterZoneName = req.requester?.zone;
  const busy = new BusyTime(req.busy, req.attendeesBusy ?? [], pad, userZone, lo, hi);

  const requesterZone = req.requester?.zone ? zoneObject(req.requester.zone) : undefined;
  const candidates: Candidate[] = [];
  const today = localClock(now, userZone).dayNumber;
  let daysWithSlots = 0;
  for (const day of daysToVisit(rangeStart, rangeEnd, cover, userZone)) {
    // Enough choice: the earliest days with free time inside the requester's windows are the ones to offer.
    if (windows && daysWithSlots >= MAX_WINDOW_DAYS) break;
    const midnight = day.toMillis();
    busy.loadUntil(midnight + 2 * 86_400_000 + bufferBefore + bufferAfter);
    const dayKey = localClock(midnight, userZone).dayNumber;
    const booked = busy.meetingsPerDay.get(dayKey) ?? 0;
    if (req.maxMeetingsPerDay !== undefined && booked >= req.maxMeetingsPerDay) continue;
    let free = workingSpans(day, req.workingHours);
    if (free.length === 0) continue;
    if (req.requester?.workingHours)
      free = intersect(free, requesterSpans(day, requesterZoneName!, req.requester.workingHours));
    free = intersect(free, [[rangeStart, rangeEnd]]);
    free = subtract(free, busy.blocked);
    if (free.length === 0) continue;
    const dayIndex = dayKey - today;
    const ctx: ScoreContext = { req, userZone, dayIndex, booked, requesterZone };
    const before = candidates.length;
    // Without windows the free time is one piece; with them, each window the day touches is its own piece,
    // and a start found through two overlapping windows is kept once.
    const pieces = windows
      ? windowsOverlapping(windows, free[0]![0], free[free.length - 1]![1]).map((w) => intersect(free, [w]))
      : [free];
    const seen = pieces.length > 1 ? new Set<number>() : undefined;
    for (const piece of pieces) {
      for (const [freeStart, freeEnd] of piece) {
        // Align to the step counted from local midnight, so starts read 09:00, 09:15 on the user's clock.
        let start = midnight + Math.ceil((freeStart - midnight) / step) * step;
        for (; start + duration <= freeEnd; start += step) {
          if (seen) {
            if (seen.has(start)) continue;
            seen.add(start);
          }
          candidates.push({ start, end: start + duration, day: dayKey, score: scoreSlot(start, duration, ctx) });
        }
      }
    }
    if (candidates.length > before) daysWithSlots++;
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

/**
 * Busy time read a few weeks at a time as the days are walked: windows can stretch over a year, but the
 * solver usually stops after the first weeks, so the rest of a year of events is never parsed or merged.
 */
class BusyTime {
  /** Padded busy spans of everyone, sorted and merged. */
  blocked: Span[] = [];
  /** The user's own meetings per local day (for the meetings-per-day cap). */
  readonly meetingsPerDay = new Map<number, number>();
  private padded: Span[] = [];
  private loadedUntil: number;
  private readonly seen = new Set<string>();
  private static readonly CHUNK = 35 * 86_400_000;

  constructor(
    private readonly own: Interval[],
    private readonly others: Interval[][],
    private readonly pad: (s: Span) => Span,
    private readonly zone: Zone,
    private readonly from: number,
    private readonly to: number,
  ) {
    this.loadedUntil = from;
  }

  /** Make sure every busy span that starts before `t` (within the range) is in `blocked`. */
  loadUntil(t: number): void {
    if (t <= this.loadedUntil || this.loadedUntil >= this.to) return;
    const lo = this.loadedUntil === this.from ? this.from : this.loadedUntil;
    const hi = Math.min(this.to, Math.max(t, this.loadedUntil + BusyTime.CHUNK));
    const own = spansWithin(this.own, lo, hi);
    for (const [s, e] of own) {
      const key = `${s}/${e}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      const day = localClock(s, this.zone).dayNumber;
      this.meetingsPerDay.set(day, (this.meetingsPerDay.get(day) ?? 0) + 1);
    }
    const fresh = [own, ...this.others.map((list) => spansWithin(list, lo, hi))].flat().map(this.pad);
    this.padded = this.padded.concat(fresh);
    this.blocked = mergeSpans(this.padded);
    this.loadedUntil = hi;
  }
}

/** With windows, slots come from at most this many of the earliest days that have free time in them. */
const MAX_WINDOW_DAYS = 31;

function zoneObject(name: string): Zone {
  return cachedZone(name);
}

/**
 * The user's local days to look at, in order: every day of the range, or with windows only the days the
 * windows touch (a year-long gap between two mentioned dates costs nothing).
 */
function* daysToVisit(
  rangeStart: number,
  rangeEnd: number,
  windows: Span[] | undefined,
  zone: Zone,
): Generator<DateTime> {
  const lastDay = DateTime.fromMillis(rangeEnd, { zone }).startOf('day');
  if (!windows) {
    for (
      let day = DateTime.fromMillis(rangeStart, { zone }).startOf('day');
      day <= lastDay;
      day = day.plus({ days: 1 })
    )
      yield day;
    return;
  }
  let next = Number.NEGATIVE_INFINITY;
  for (const [ws, we] of windows) {
    const from = Math.max(ws, rangeStart, next);
    const to = Math.min(we, rangeEnd);
    if (from >= to) continue;
    let day = DateTime.fromMillis(from, { zone }).startOf('day');
    for (; day.toMillis() < to; day = day.plus({ days: 1 })) yield day;
    next = day.toMillis();
  }
}

/** Windows sorted by start, without duplicates, with the running maximum of their ends for binary search. */
interface SortedWindows {
  spans: Span[];
  maxEnd: number[];
}

function sortedWindows(spans: Span[]): SortedWindows {
  const sorted = [...spans].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const unique = sorted.filter((s, k) => k === 0 || s[0] !== sorted[k - 1]![0] || s[1] !== sorted[k - 1]![1]);
  const maxEnd: number[] = [];
  for (const [k, s] of unique.entries()) maxEnd.push(Math.max(s[1], k ? maxEnd[k - 1]! : Number.NEGATIVE_INFINITY));
  return { spans: unique, maxEnd };
}

/** The windows that overlap [from, to), found by binary search on the running maximum of their ends. */
function windowsOverlapping(windows: SortedWindows, from: number, to: number): Span[] {
  const { spans, maxEnd } = windows;
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (maxEnd[mid]! <= from) lo = mid + 1;
    else hi = mid;
  }
  const out: Span[] = [];
  for (let k = lo; k < spans.length && spans[k]![0] < to; k++) if (spans[k]![1] > from) out.push(spans[k]!);
  return out;
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

/** "2025-02-04T09:00:00-05:00", "…Z": a full ISO date-time with its offset, which Date.parse reads exactly. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

function toMillis(t: Date | string): number {
  // Parsing hundreds of windows with luxon dominated the solver; the common exact form skips it.
  const ms =
    typeof t === 'string'
      ? ISO_WITH_OFFSET.test(t)
        ? Date.parse(t)
        : DateTime.fromISO(t, { setZone: true }).toMillis()
      : t.getTime();
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
  const centre = userDay.setZone(cachedZone(zone)).startOf('day');
  const spans: Span[] = [];
  for (const offset of [-1, 0, 1, 2]) spans.push(...workingSpans(centre.plus({ days: offset }), hours));
  return mergeSpans(spans);
}
