import type { Interval } from '../solver.ts';

export interface NewEvent {
  summary: string;
  start: string;
  end: string;
  description?: string;
  location?: string;
  attendees: Array<{ name?: string; address: string }>;
  online?: boolean;
}

/** An event of the user's own calendar, with its title (the morning briefing's meetings). */
export interface CalendarEvent {
  start: string;
  end: string;
  title?: string;
}

/** A calendar provider: where busy time comes from and where a chosen meeting is written. */
export interface CalendarPort {
  /** Busy time of the attendees (or of the user, for an empty list) inside the range. */
  getBusy(range: Interval, attendees: string[]): Promise<Interval[]>;
  /**
   * The user's own events inside the range with their titles, soonest first; cancelled ones and all-day
   * entries left out. Optional: a calendar that gives only busy time (an ICS feed) has none.
   */
  listEvents?(range: Interval): Promise<CalendarEvent[]>;
  /** Creates the event in the user's calendar; called only after the user chose the slot. */
  createEvent(ev: NewEvent): Promise<{ id: string }>;
}

/** A failure talking to a calendar provider; `status` is the HTTP status when there was one. */
export class CalendarError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CalendarError';
  }
}

/** Supplies a bearer token for each request (refreshing as needed). */
export type TokenProvider = () => Promise<string>;

export async function requestJson<T>(url: string, init: RequestInit & { token?: TokenProvider }): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${await init.token()}`);
  if (init.body) headers.set('content-type', 'application/json');
  headers.set('accept', 'application/json');
  const res = await fetch(url, { ...init, headers });
  if (!res.ok) {
    let detail = '';
    try {
      const body = (await res.json()) as { error?: { message?: string } | string };
      detail = typeof body.error === 'string' ? body.error : (body.error?.message ?? '');
    } catch {
      // The body was not JSON; the status says enough.
    }
    throw new CalendarError(`calendar request failed with ${res.status}${detail ? `: ${detail}` : ''}`, res.status);
  }
  return (await res.json()) as T;
}

/** Sorted, merged busy intervals (UTC ISO), clipped to the range. */
export function normaliseBusy(intervals: Interval[], range: Interval): Interval[] {
  const lo = Date.parse(range.start);
  const hi = Date.parse(range.end);
  const spans = intervals
    .map((i) => [Math.max(lo, Date.parse(i.start)), Math.min(hi, Date.parse(i.end))] as [number, number])
    .filter(([s, e]) => Number.isFinite(s) && Number.isFinite(e) && e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged.map(([s, e]) => ({ start: new Date(s).toISOString(), end: new Date(e).toISOString() }));
}
