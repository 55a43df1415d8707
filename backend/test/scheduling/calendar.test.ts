import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { googleCalendar } from '../../src/scheduling/calendar/google.ts';
import { graphCalendar } from '../../src/scheduling/calendar/graph.ts';
import { busyFromIcs, icsFeedCalendar } from '../../src/scheduling/calendar/ics-feed.ts';
import { CalendarError } from '../../src/scheduling/calendar/port.ts';
import { staticCalendar } from '../../src/scheduling/calendar/static.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A local HTTP server answering with canned provider responses; records what it was sent. */
async function serve(handler: (req: Seen, res: ServerResponse) => void): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: raw ? JSON.parse(raw) : undefined,
      };
      seen.push(entry);
      handler(entry, res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const range = { start: '2025-02-03T00:00:00Z', end: '2025-02-08T00:00:00Z' };
const token = async () => 'test-token';

describe('Microsoft Graph calendar', () => {
  it('reads attendees’ busy time from getSchedule, counting busy, tentative and away but not free', async () => {
    const { base, seen } = await serve((_req, res) =>
      json(res, 200, {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)',
        value: [
          {
            scheduleId: 'ann@example.com',
            availabilityView: '0220',
            scheduleItems: [
              {
                isPrivate: false,
                status: 'busy',
                subject: 'Standup',
                start: { dateTime: '2025-02-04T09:00:00.0000000', timeZone: 'UTC' },
                end: { dateTime: '2025-02-04T09:30:00.0000000', timeZone: 'UTC' },
              },
              {
                isPrivate: false,
                status: 'free',
                subject: 'Focus',
                start: { dateTime: '2025-02-04T11:00:00.0000000', timeZone: 'UTC' },
                end: { dateTime: '2025-02-04T12:00:00.0000000', timeZone: 'UTC' },
              },
            ],
            workingHours: {
              daysOfWeek: ['monday'],
              startTime: '08:00:00.0000000',
              endTime: '17:00:00.0000000',
              timeZone: { name: 'UTC' },
            },
          },
          {
            scheduleId: 'bo@example.com',
            availabilityView: '0030',
            scheduleItems: [
              {
                isPrivate: true,
                status: 'tentative',
                start: { dateTime: '2025-02-04T09:15:00.0000000', timeZone: 'UTC' },
                end: { dateTime: '2025-02-04T10:00:00.0000000', timeZone: 'UTC' },
              },
              {
                isPrivate: false,
                status: 'oof',
                start: { dateTime: '2025-02-06T00:00:00.0000000', timeZone: 'UTC' },
                end: { dateTime: '2025-02-07T00:00:00.0000000', timeZone: 'UTC' },
              },
            ],
          },
        ],
      }),
    );
    const busy = await graphCalendar({ token, baseUrl: base }).getBusy(range, ['ann@example.com', 'bo@example.com']);
    expect(busy).toEqual([
      { start: '2025-02-04T09:00:00.000Z', end: '2025-02-04T10:00:00.000Z' },
      { start: '2025-02-06T00:00:00.000Z', end: '2025-02-07T00:00:00.000Z' },
    ]);
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.url).toBe('/me/calendar/getSchedule');
    expect(seen[0]?.headers.authorization).toBe('Bearer test-token');
    expect(seen[0]?.headers.prefer).toBe('outlook.timezone="UTC"');
    expect(seen[0]?.body).toMatchObject({
      schedules: ['ann@example.com', 'bo@example.com'],
      startTime: { timeZone: 'UTC' },
    });
  });

  it('follows calendarView pages for the user’s own calendar and skips cancelled events', async () => {
    const { base, seen } = await serve((req, res) => {
      if (!req.url.includes('skiptoken')) {
        json(res, 200, {
          value: [
            {
              showAs: 'busy',
              isCancelled: false,
              start: { dateTime: '2025-02-03T10:00:00.0000000', timeZone: 'UTC' },
              end: { dateTime: '2025-02-03T11:00:00.0000000', timeZone: 'UTC' },
            },
            {
              showAs: 'busy',
              isCancelled: true,
              start: { dateTime: '2025-02-03T12:00:00.0000000', timeZone: 'UTC' },
              end: { dateTime: '2025-02-03T13:00:00.0000000', timeZone: 'UTC' },
            },
          ],
          '@odata.nextLink': `${base}/me/calendarView?$skiptoken=abc`,
        });
      } else {
        json(res, 200, {
          value: [
            {
              showAs: 'oof',
              start: { dateTime: '2025-02-05T10:00:00.0000000', timeZone: 'UTC' },
              end: { dateTime: '2025-02-05T11:00:00.0000000', timeZone: 'UTC' },
            },
          ],
        });
      }
    });
    const busy = await graphCalendar({ token, baseUrl: base }).getBusy(range, []);
    expect(busy.map((b) => b.start)).toEqual(['2025-02-03T10:00:00.000Z', '2025-02-05T10:00:00.000Z']);
    expect(seen).toHaveLength(2);
    expect(seen[0]?.url).toMatch(/^\/me\/calendarView\?startDateTime=2025-02-03T00%3A00%3A00.000Z&endDateTime=/);
  });

  it('creates an event with attendees and returns its id; a Graph error becomes a CalendarError', async () => {
    const { base, seen } = await serve((req, res) =>
      req.url === '/me/events'
        ? json(res, 201, { id: 'AAMkAGI2' })
        : json(res, 403, { error: { code: 'ErrorAccessDenied', message: 'Access is denied.' } }),
    );
    const calendar = graphCalendar({ token, baseUrl: base });
    const created = await calendar.createEvent({
      summary: 'Intro',
      start: '2025-02-04T15:00:00+01:00',
      end: '2025-02-04T15:30:00+01:00',
      attendees: [{ name: 'Ann', address: 'ann@example.com' }],
    });
    expect(created).toEqual({ id: 'AAMkAGI2' });
    expect(seen[0]?.body).toMatchObject({
      subject: 'Intro',
      start: { dateTime: '2025-02-04T14:00:00.000', timeZone: 'UTC' },
      attendees: [{ emailAddress: { address: 'ann@example.com', name: 'Ann' }, type: 'required' }],
    });
    await expect(calendar.getBusy(range, ['x@example.com'])).rejects.toThrow(/403: Access is denied/);
  });
});

describe('Google Calendar', () => {
  it('reads freeBusy for several attendees', async () => {
    const { base, seen } = await serve((_req, res) =>
      json(res, 200, {
        kind: 'calendar#freeBusy',
        timeMin: range.start,
        timeMax: range.end,
        calendars: {
          'ann@example.com': { busy: [{ start: '2025-02-04T09:00:00Z', end: '2025-02-04T10:00:00Z' }] },
          'bo@example.com': {
            busy: [
              { start: '2025-02-04T09:30:00Z', end: '2025-02-04T11:00:00Z' },
              { start: '2025-02-07T23:00:00Z', end: '2025-02-08T02:00:00Z' },
            ],
          },
        },
      }),
    );
    const busy = await googleCalendar({ token, baseUrl: base }).getBusy(range, ['ann@example.com', 'bo@example.com']);
    expect(busy).toEqual([
      { start: '2025-02-04T09:00:00.000Z', end: '2025-02-04T11:00:00.000Z' },
      { start: '2025-02-07T23:00:00.000Z', end: '2025-02-08T00:00:00.000Z' },
    ]);
    expect(seen[0]?.url).toBe('/calendar/v3/freeBusy');
    expect(seen[0]?.body).toEqual({
      timeMin: '2025-02-03T00:00:00.000Z',
      timeMax: '2025-02-08T00:00:00.000Z',
      items: [{ id: 'ann@example.com' }, { id: 'bo@example.com' }],
    });
  });

  it('refuses to report free time for calendars it could not read', async () => {
    const { base } = await serve((_req, res) =>
      json(res, 200, {
        kind: 'calendar#freeBusy',
        calendars: { 'x@example.com': { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] } },
      }),
    );
    await expect(googleCalendar({ token, baseUrl: base }).getBusy(range, ['x@example.com'])).rejects.toBeInstanceOf(
      CalendarError,
    );
  });

  it('inserts an event into the primary calendar and sends invitations', async () => {
    const { base, seen } = await serve((_req, res) =>
      json(res, 200, { kind: 'calendar#event', id: 'evt123', status: 'confirmed' }),
    );
    const created = await googleCalendar({ token, baseUrl: base }).createEvent({
      summary: 'Intro',
      start: '2025-02-04T14:00:00Z',
      end: '2025-02-04T14:30:00Z',
      attendees: [{ address: 'ann@example.com' }],
    });
    expect(created).toEqual({ id: 'evt123' });
    expect(seen[0]?.url).toBe('/calendar/v3/calendars/primary/events?sendUpdates=all');
    expect(seen[0]?.body).toMatchObject({
      attendees: [{ email: 'ann@example.com' }],
      start: { dateTime: '2025-02-04T14:00:00.000Z' },
    });
  });
});

const FEED = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Test//Test//EN',
  'BEGIN:VEVENT',
  'UID:weekly@test',
  'DTSTAMP:20250101T000000Z',
  'DTSTART;TZID=America/New_York:20250106T100000',
  'DTEND;TZID=America/New_York:20250106T103000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO,WE',
  'EXDATE;TZID=America/New_York:20250205T100000',
  'SUMMARY:Team sync',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:free@test',
  'DTSTAMP:20250101T000000Z',
  'DTSTART:20250204T150000Z',
  'DTEND:20250204T160000Z',
  'TRANSP:TRANSPARENT',
  'SUMMARY:Optional talk',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('ICS feed', () => {
  it('expands recurring events in the range, honours EXDATE and skips transparent events', () => {
    expect(busyFromIcs(FEED, range)).toEqual([{ start: '2025-02-03T15:00:00.000Z', end: '2025-02-03T15:30:00.000Z' }]);
  });

  it('fetches the feed over HTTP', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/calendar' });
      res.end(FEED);
    });
    const busy = await icsFeedCalendar(`${base}/feed.ics`).getBusy(
      { start: '2025-02-10T00:00:00Z', end: '2025-02-13T00:00:00Z' },
      [],
    );
    expect(busy.map((b) => b.start)).toEqual(['2025-02-10T15:00:00.000Z', '2025-02-12T15:00:00.000Z']);
  });
});

describe('static busy list', () => {
  it('clips and merges the supplied intervals and is read-only', async () => {
    const calendar = staticCalendar([
      { start: '2025-02-02T23:00:00Z', end: '2025-02-03T01:00:00Z' },
      { start: '2025-02-03T00:30:00+01:00', end: '2025-02-03T02:00:00+01:00' },
    ]);
    expect(await calendar.getBusy(range, [])).toEqual([
      { start: '2025-02-03T00:00:00.000Z', end: '2025-02-03T01:00:00.000Z' },
    ]);
    await expect(
      calendar.createEvent({ summary: 's', start: range.start, end: range.end, attendees: [] }),
    ).rejects.toBeInstanceOf(CalendarError);
  });
});
