import type { Interval } from '../solver.ts';
import { CalendarError, type CalendarPort, normaliseBusy, requestJson, type TokenProvider } from './port.ts';

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

/** Google Calendar: freeBusy for everyone (the user is "primary"), events.insert for creation. */
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
