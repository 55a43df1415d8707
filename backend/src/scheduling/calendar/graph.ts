import { ConfidentialClientApplication } from '@azure/msal-node';
import type { Interval } from '../solver.ts';
import { type CalendarEvent, type CalendarPort, normaliseBusy, requestJson, type TokenProvider } from './port.ts';

export interface GraphCalendarOptions {
  token: TokenProvider;
  /** Default https://graph.microsoft.com/v1.0 */
  baseUrl?: string;
}

/** Graph dateTimeTimeZone; with `Prefer: outlook.timezone="UTC"` every dateTime is UTC without offset. */
interface GraphDateTime {
  dateTime: string;
  timeZone: string;
}

interface ScheduleInformation {
  scheduleId: string;
  scheduleItems?: Array<{ status: string; start: GraphDateTime; end: GraphDateTime }>;
  error?: { message?: string; responseCode?: string };
}

interface CalendarViewPage {
  value: Array<{
    showAs?: string;
    isCancelled?: boolean;
    isAllDay?: boolean;
    subject?: string;
    start: GraphDateTime;
    end: GraphDateTime;
  }>;
  '@odata.nextLink'?: string;
}

/** "free" and "workingElsewhere" leave the person available; tentative holds count as busy. */
const BUSY_STATUSES = new Set(['busy', 'tentative', 'oof', 'unknown']);

const UTC_PREFERENCE = { prefer: 'outlook.timezone="UTC"' };

function toIso(value: GraphDateTime): string {
  // Graph returns "2025-02-04T14:00:00.0000000" in the requested zone (UTC here).
  const trimmed = value.dateTime.replace(/(\.\d{3})\d*$/, '$1');
  return /[zZ]|[+-]\d{2}:\d{2}$/.test(trimmed) ? trimmed : `${trimmed}Z`;
}

const graphTime = (iso: string): GraphDateTime => ({
  dateTime: new Date(iso).toISOString().replace(/Z$/, ''),
  timeZone: 'UTC',
});

/** Microsoft Graph: getSchedule for attendees, calendarView for the user (busy time and titles), events for creation. */
export function graphCalendar(opts: GraphCalendarOptions): CalendarPort {
  const base = (opts.baseUrl ?? 'https://graph.microsoft.com/v1.0').replace(/\/$/, '');
  return {
    async getBusy(range, attendees) {
      if (attendees.length === 0) return normaliseBusy(await ownBusy(base, opts.token, range), range);
      const body = {
        schedules: attendees,
        startTime: graphTime(range.start),
        endTime: graphTime(range.end),
        availabilityViewInterval: 15,
      };
      const res = await requestJson<{ value: ScheduleInformation[] }>(`${base}/me/calendar/getSchedule`, {
        method: 'POST',
        headers: UTC_PREFERENCE,
        body: JSON.stringify(body),
        token: opts.token,
      });
      const busy: Interval[] = [];
      for (const schedule of res.value) {
        for (const item of schedule.scheduleItems ?? []) {
          if (BUSY_STATUSES.has(item.status)) busy.push({ start: toIso(item.start), end: toIso(item.end) });
        }
      }
      return normaliseBusy(busy, range);
    },
    async listEvents(range) {
      const query = new URLSearchParams({
        startDateTime: new Date(range.start).toISOString(),
        endDateTime: new Date(range.end).toISOString(),
        $select: 'subject,start,end,showAs,isCancelled,isAllDay',
        $orderby: 'start/dateTime',
        $top: '100',
      });
      let url: string | undefined = `${base}/me/calendarView?${query}`;
      const events: CalendarEvent[] = [];
      for (let page = 0; url && page < 5; page++) {
        const res: CalendarViewPage = await requestJson<CalendarViewPage>(url, {
          headers: UTC_PREFERENCE,
          token: opts.token,
        });
        for (const ev of res.value) {
          if (ev.isCancelled || ev.isAllDay) continue;
          events.push({ start: toIso(ev.start), end: toIso(ev.end), ...(ev.subject ? { title: ev.subject } : {}) });
        }
        url = res['@odata.nextLink'];
      }
      return events.sort((a, b) => a.start.localeCompare(b.start));
    },
    async createEvent(ev) {
      const body = {
        subject: ev.summary,
        ...(ev.description ? { body: { contentType: 'text', content: ev.description } } : {}),
        start: graphTime(ev.start),
        end: graphTime(ev.end),
        ...(ev.location ? { location: { displayName: ev.location } } : {}),
        attendees: ev.attendees.map((a) => ({
          emailAddress: { address: a.address, ...(a.name ? { name: a.name } : {}) },
          type: 'required',
        })),
        ...(ev.online ? { isOnlineMeeting: true } : {}),
      };
      const created = await requestJson<{ id: string }>(`${base}/me/events`, {
        method: 'POST',
        body: JSON.stringify(body),
        token: opts.token,
      });
      return { id: created.id };
    },
  };
}

async function ownBusy(base: string, token: TokenProvider, range: Interval): Promise<Interval[]> {
  const query = new URLSearchParams({
    startDateTime: new Date(range.start).toISOString(),
    endDateTime: new Date(range.end).toISOString(),
    $select: 'start,end,showAs,isCancelled',
    $top: '500',
  });
  let url: string | undefined = `${base}/me/calendarView?${query}`;
  const busy: Interval[] = [];
  for (let page = 0; url && page < 50; page++) {
    const res: CalendarViewPage = await requestJson<CalendarViewPage>(url, { headers: UTC_PREFERENCE, token });
    for (const ev of res.value) {
      if (ev.isCancelled || !BUSY_STATUSES.has(ev.showAs ?? 'busy')) continue;
      busy.push({ start: toIso(ev.start), end: toIso(ev.end) });
    }
    url = res['@odata.nextLink'];
  }
  return busy;
}

export interface OboOptions {
  clientId: string;
  clientSecret: string;
  /** e.g. https://login.microsoftonline.com/{tenant} */
  authority: string;
  /** The user's access token for Steward's API, exchanged on their behalf. */
  userAssertion: string;
  scopes?: string[];
}

/** Graph token for the signed-in user via the on-behalf-of flow (msal-node caches and refreshes it). */
export function msalOboTokenProvider(opts: OboOptions): TokenProvider {
  const app = new ConfidentialClientApplication({
    auth: { clientId: opts.clientId, clientSecret: opts.clientSecret, authority: opts.authority },
  });
  return async () => {
    const result = await app.acquireTokenOnBehalfOf({
      oboAssertion: opts.userAssertion,
      scopes: opts.scopes ?? ['https://graph.microsoft.com/Calendars.ReadWrite'],
    });
    if (!result?.accessToken) throw new Error('Microsoft sign-in returned no access token');
    return result.accessToken;
  };
}
