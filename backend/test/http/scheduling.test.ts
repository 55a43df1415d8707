import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CalendarPort, NewEvent } from '../../src/scheduling/calendar/port.ts';
import { useTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';

for (const database of testDatabases()) {
  describe(`scheduling API [${database.name}]`, () => {
    const created: NewEvent[] = [];
    const calendar: CalendarPort = {
      async getBusy() {
        return [];
      },
      async createEvent(ev) {
        created.push(ev);
        return { id: `evt-${created.length}` };
      },
    };
    let connected = false;

    const ctx = useTestApp(database, {}, { calendars: async () => (connected ? calendar : undefined) });
    beforeAll(async () => {
      await ctx.app.inject({
        method: 'PUT',
        url: '/v1/settings',
        payload: { timeZone: 'Europe/Berlin', minimumNoticeHours: 0 },
      });
    });

    it('reads the ask from a message and offers free times in both zones', async () => {
      const nextWeek = DateTime.now().setZone('America/New_York').plus({ weeks: 1 }).startOf('week');
      const busy = [{ start: nextWeek.set({ hour: 9 }).toISO()!, end: nextWeek.plus({ days: 5 }).toISO()! }];
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/scheduling/suggest',
        payload: {
          message: {
            id: 'ask-1',
            from: 'Jo Park <jo@client.example>',
            to: ['me@steward.example'],
            subject: 'Quick call',
            date: DateTime.now().setZone('America/New_York').toRFC2822()!,
            text: 'Hi, could we find 30 minutes for a call sometime in the next two weeks? I am in New York (ET).',
          },
          busy: [],
        },
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.understood.isMeetingRequest).toBe(true);
      expect(body.understood.durationMinutes).toBe(30);
      expect(body.slots.length).toBeGreaterThan(0);
      for (const slot of body.slots) {
        const start = DateTime.fromISO(slot.start).setZone('Europe/Berlin');
        expect(start.weekday).toBeLessThanOrEqual(5);
        expect(start.hour).toBeGreaterThanOrEqual(9);
        expect(DateTime.fromISO(slot.end).diff(DateTime.fromISO(slot.start), 'minutes').minutes).toBe(30);
      }
      expect(body.proposal).toMatch(/CE[S]?T|GMT\+1|GMT\+2/);
      // The pane shows each slot as the proposal (and a draft) writes it: one zone rule, named the same way.
      expect(body.proposal.split('\n').slice(1)).toEqual(body.slots.map((s: { label: string }) => `- ${s.label}`));
      expect(body.slots[0].label).toMatch(/ (?:CE[S]?T|GMT\+1|GMT\+2) \/ \d\d:\d\d E[SD]T/);
      expect(busy.length).toBe(1);
    });

    it('never proposes busy time', async () => {
      const tomorrow = DateTime.now().setZone('Europe/Berlin').plus({ days: 1 }).startOf('day');
      const busy = [{ start: tomorrow.toISO()!, end: tomorrow.plus({ days: 14 }).toISO()! }];
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/scheduling/suggest',
        payload: { request: { durationMinutes: 45 }, busy },
      });
      expect(res.statusCode).toBe(200);
      for (const slot of res.json().slots) {
        const s = Date.parse(slot.start);
        const e = Date.parse(slot.end);
        expect(e <= Date.parse(busy[0]!.start) || s >= Date.parse(busy[0]!.end)).toBe(true);
      }
    });

    it('refuses busy intervals that end before they start', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/scheduling/suggest',
        payload: { busy: [{ start: '2026-01-02T10:00:00Z', end: '2026-01-02T09:00:00Z' }] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_body');
    });

    it('produces an iCalendar invite for a chosen slot', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/scheduling/ics',
        payload: {
          start: '2026-03-10T14:00:00Z',
          end: '2026-03-10T14:30:00Z',
          summary: 'Quick call',
          attendees: [{ address: 'jo@client.example', name: 'Jo Park' }],
          organizer: { address: 'me@steward.example' },
        },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/calendar');
      expect(res.body).toContain('BEGIN:VCALENDAR');
      expect(res.body).toContain('METHOD:REQUEST');
      expect(res.body).toContain('DTSTART:20260310T140000Z');
      expect(res.body.replace(/\r\n /g, '')).toMatch(/ATTENDEE[^\n]*CN="Jo Park"[^\n]*:mailto:jo@client.example/i);
    });

    it('creates an event only through a connected calendar, and only when asked', async () => {
      const payload = {
        start: '2026-03-10T14:00:00Z',
        end: '2026-03-10T14:30:00Z',
        summary: 'Quick call',
        attendees: [{ address: 'jo@client.example' }],
      };
      const refused = await ctx.app.inject({ method: 'POST', url: '/v1/scheduling/events', payload });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('calendar_not_connected');
      expect(created).toHaveLength(0);
      connected = true;
      const ok = await ctx.app.inject({ method: 'POST', url: '/v1/scheduling/events', payload });
      expect(ok.statusCode).toBe(201);
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ summary: 'Quick call', start: '2026-03-10T14:00:00Z' });
      connected = false;
    });
  });
}
