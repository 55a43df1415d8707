import type { Interval } from '../solver.ts';
import {
  CalendarError,
  type CalendarEvent,
  type CalendarPort,
  normaliseBusy,
  requestJson,
  type TokenProvider,
} from './port.ts';

export interface GoogleCalendarOptions {
  token: TokenProvider;
  /** Default https://www.googleapis.com */
  baseUrl?: string;
  /** Calendar written to by createEvent. Default "primary". */
  calendarId?: string;
}

interface FreeBusyResponse {
  calendars: Record<string, { busy?: Interval[]; errors?: Array<{ domain: string; reason: string }> }>;
}

interface EventsPage {
  items?: Array<{
    status?: string;
    summary?: string;
    start?: { dateTime?: string; date?: string };
    end?: { dateTime?: string; date?: string };
  }>;
  nextPageToken?: string;
}

/**
 * Google Calendar: freeBusy for everyone (the user is "primary"), events.list for the titles of the user's
 * own events (the `calendar.events` scope reads them), events.insert for creation.
 */
export function googleCalendar(opts: GoogleCalendarOptions): CalendarPort {
  const base = (opts.baseUrl ?? 'https://www.googleapis.com').replace(/\/$/, '');
  const calendarId = opts.calendarId ?? 'primary';
  return {
    async getBusy(range, attendees) {
      const ids = attendees.length ? attendees : [calendarId];
      const res = await requestJson<FreeBusyResponse>(`${base}/calendar/v3/freeBusy`, {
        method: 'POST',
        body: JSON.stringify({
          timeMin: new Date(range.start).toISOString(),
          timeMax: new Date(range.end).toISOString(),
          items: ids.map((id) => ({ id })),
        }),
        token: opts.token,
      });
      const busy: Interval[] = [];
      const failed: string[] = [];
      for (const id of ids) {
        const cal = res.calendars[id];
        if (!cal || cal.errors?.length) failed.push(id);
        busy.push(...(cal?.busy ?? []));
      }
      // A calendar we cannot read must not look free.
      if (failed.length === ids.length) throw new CalendarError(`free/busy unavailable for ${failed.join(', ')}`);
      return normaliseBusy(busy, range);
    },
    async listEvents(range) {
      const events: CalendarEvent[] = [];
      let pageToken: string | undefined;
      for (let page = 0; page < 5; page++) {
        const query = new URLSearchParams({
          timeMin: new Date(range.start).toISOString(),
          timeMax: new Date(range.end).toISOString(),
          singleEvents: 'true',
          orderBy: 'startTime',
          maxResults: '100',
        });
        if (pageToken) query.set('pageToken', pageToken);
        const res = await requestJson<EventsPage>(
          `${base}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events?${query}`,
          { token: opts.token },
        );
        for (const item of res.items ?? []) {
          // All-day entries (a date, no time) are not meetings; cancelled ones are gone.
          if (item.status === 'cancelled' || !item.start?.dateTime || !item.end?.dateTime) continue;
          events.push({
            start: new Date(item.start.dateTime).toISOString(),
            end: new Date(item.end.dateTime).toISOString(),
            ...(item.summary ? { title: item.summary } : {}),
          });
        }
        pageToken = res.nextPageToken;
        if (!pageToken) break;
      }
      return events.sort((a, b) => a.start.localeCompare(b.start));
    },
    async createEvent(ev) {
      const body = {
        summary: ev.summary,
        ...(ev.description ? { description: ev.description } : {}),
        ...(ev.location ? { location: ev.location } : {}),
        start: { dateTime: new Date(ev.start).toISOString() },
        end: { dateTime: new Date(ev.end).toISOString() },
        attendees: ev.attendees.map((a) => ({ email: a.address, ...(a.name ? { displayName: a.name } : {}) })),
      };
      const created = await requestJson<{ id: string }>(
        `${base}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events?sendUpdates=all`,
        { method: 'POST', body: JSON.stringify(body), token: opts.token },
      );
      return { id: created.id };
    },
  };
}
