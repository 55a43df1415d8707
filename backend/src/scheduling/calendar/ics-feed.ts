import ical from 'node-ical';
import type { Interval } from '../solver.ts';
import { CalendarError, type CalendarPort, normaliseBusy } from './port.ts';

/** Busy time from iCalendar text: recurring events expanded in the range, free and cancelled ones skipped. */
export function busyFromIcs(text: string, range: Interval): Interval[] {
  const from = new Date(range.start);
  const to = new Date(range.end);
  const parsed = ical.sync.parseICS(text);
  const busy: Interval[] = [];
  for (const component of Object.values(parsed)) {
    if (component?.type !== 'VEVENT') continue;
    const event = component;
    if (event.status === 'CANCELLED' || event.transparency === 'TRANSPARENT') continue;
    const instances = ical.expandRecurringEvent(event, { from, to, expandOngoing: true });
    for (const instance of instances) {
      const start = instance.start;
      const end = instance.end ?? start;
      if (instance.event.status === 'CANCELLED' || instance.event.transparency === 'TRANSPARENT') continue;
      busy.push({ start: start.toISOString(), end: end.toISOString() });
    }
  }
  return normaliseBusy(busy, range);
}

export interface IcsFeedOptions {
  /** How the feed's text is read; user-supplied URLs go through `fetchFeedText` (https, public addresses). */
  fetchText?: (url: string) => Promise<string>;
}

/** A published ICS feed (read-only), e.g. a secret iCal address of another calendar. */
export function icsFeedCalendar(url: string, options: IcsFeedOptions = {}): CalendarPort {
  return {
    async getBusy(range) {
      if (options.fetchText) return busyFromIcs(await options.fetchText(url), range);
      const res = await fetch(url, { headers: { accept: 'text/calendar' } });
      if (!res.ok) throw new CalendarError(`ICS feed request failed with ${res.status}`, res.status);
      return busyFromIcs(await res.text(), range);
    },
    async createEvent() {
      throw new CalendarError('an ICS feed is read-only');
    },
  };
}
