import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectedCalendars } from '../../src/accounts/calendars.ts';
import { createTokenCipher, tokenContext } from '../../src/accounts/crypto.ts';
import {
  checkFeedUrl,
  FeedUrlError,
  fetchFeedText,
  isPublicAddress,
  publicOnlyLookup,
} from '../../src/scheduling/calendar/feed-fetch.ts';
import type { Storage } from '../../src/storage/database.ts';
import { mailboxStore } from '../../src/storage/mailboxes.ts';
import { bearer, buildTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import { startTestIdp, type TestIdp } from '../support/idp.ts';
import type { FakeCalendarEvent } from './fakes.ts';
import { type Fakes, GMAIL_ADDRESS, GRAPH_ADDRESS, startFakes, startService, syncConfig } from './harness.ts';

const DAY = 86_400_000;

/** Busy 00:00–16:00 UTC every day for three weeks: only 16:00–17:00 of the default 9–17 (UTC) day stays free. */
function busyMornings(prefix: string): FakeCalendarEvent[] {
  const today = new Date(new Date().toISOString().slice(0, 10));
  return Array.from({ length: 23 }, (_, i) => {
    const day = new Date(today.getTime() + (i - 1) * DAY);
    return {
      id: `${prefix}-${i}`,
      summary: 'Busy',
      start: day.toISOString(),
      end: new Date(day.getTime() + 16 * 3_600_000).toISOString(),
      showAs: 'busy' as const,
      attendees: [],
    };
  });
}

const overlaps = (slot: { start: string; end: string }, busy: FakeCalendarEvent[]) =>
  busy.some((b) => Date.parse(slot.start) < Date.parse(b.end) && Date.parse(slot.end) > Date.parse(b.start));

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//EN',
  'BEGIN:VEVENT',
  'UID:feed-1@test',
  'DTSTAMP:20250101T000000Z',
  'DTSTART:20300107T100000Z',
  'DTEND:20300107T110000Z',
  'SUMMARY:Dentist',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

for (const database of testDatabases()) {
  describe(`connected calendars [${database.name}]`, () => {
    let storage: Storage;
    let idp: TestIdp;
    let fakes: Fakes;
    let app: FastifyInstance;

    const build = () => buildTestApp(storage, { ...idp.env, ...fakes.env, SYNC_WORKER: 'off' });
    const signIn = async (oid: string) =>
      bearer(await idp.entraToken({ oid, preferred_username: `${oid}@contoso.example` }));
    const scopeOf = async (headers: Record<string, string>) => {
      const me = await app.inject({ method: 'GET', url: '/v1/me', headers });
      const row = await storage.db
        .selectFrom('users')
        .select(['id', 'tenant_id'])
        .where('id', '=', me.json().id)
        .executeTakeFirstOrThrow();
      return { tenantId: row.tenant_id, userId: row.id };
    };
    /** Seals a refresh token the fake accepts, as the OAuth callback does. */
    const connect = async (
      scope: { tenantId: string; userId: string },
      provider: 'gmail' | 'graph',
      status: 'active' | 'needs_reauth' = 'active',
    ) => {
      const address = provider === 'gmail' ? GMAIL_ADDRESS : GRAPH_ADDRESS;
      const refresh = `refresh-${randomBytes(6).toString('hex')}`;
      fakes.oauth.valid.add(refresh);
      const cipher = createTokenCipher(Buffer.from(fakes.key, 'hex'));
      const sealed = cipher.seal(refresh, tokenContext({ user_id: scope.userId, provider, address }));
      const row = await mailboxStore(storage.db, scope).connect(provider, address, sealed);
      if (status !== 'active')
        await storage.db.updateTable('mailboxes').set({ status }).where('id', '=', row.id).execute();
      return row;
    };
    const suggest = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/v1/scheduling/suggest',
        headers,
        payload: { request: { durationMinutes: 30 } },
      });

    beforeAll(async () => {
      storage = await database.open();
      idp = await startTestIdp();
    });
    afterAll(async () => {
      await idp?.close();
      await storage?.close();
    });
    beforeEach(async () => {
      fakes = await startFakes();
    });
    afterEach(async () => {
      await app?.close();
      await fakes.close();
    });

    it('Google: the connect flow asks for calendar scopes; suggest avoids freeBusy time; events.insert creates the chosen event', async () => {
      app = await build();
      const user = await signIn('oid-gcal');
      const start = await app.inject({ method: 'POST', url: '/v1/mailboxes/connect/google', headers: user });
      const url = new URL(start.json().authorizationUrl);
      const scopes = (url.searchParams.get('scope') ?? '').split(' ');
      expect(scopes).toEqual(
        expect.arrayContaining([
          'https://www.googleapis.com/auth/calendar.freebusy',
          'https://www.googleapis.com/auth/calendar.events',
          'https://www.googleapis.com/auth/gmail.modify',
        ]),
      );
      fakes.oauth.codes.set('code-cal', { refreshToken: 'google-cal-refresh', email: GMAIL_ADDRESS });
      const done = await app.inject({
        method: 'GET',
        url: `/oauth/callback/google?code=code-cal&state=${url.searchParams.get('state')}`,
      });
      expect(done.statusCode).toBe(200);
      // A Microsoft user connecting a Google account confirms it in the browser (login CSRF guard).
      const confirmed = await app.inject({
        method: 'POST',
        url: '/oauth/confirm',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `decision=connect&token=${/name="token" value="([^"]+)"/.exec(done.body)?.[1] ?? ''}`,
      });
      expect(confirmed.statusCode, confirmed.body).toBe(200);

      // Without calendar data the morning is free; with it, only the late afternoon is.
      const free = await suggest(user);
      expect(free.statusCode).toBe(200);
      expect(free.json().slots.some((s: { start: string }) => new Date(s.start).getUTCHours() < 16)).toBe(true);

      const busy = busyMornings('g');
      fakes.calendar.events.push(...busy);
      const res = await suggest(user);
      expect(res.statusCode).toBe(200);
      const slots = res.json().slots as Array<{ start: string; end: string }>;
      expect(slots.length).toBeGreaterThan(0);
      for (const slot of slots) {
        expect(overlaps(slot, busy)).toBe(false);
        expect(new Date(slot.start).getUTCHours()).toBe(16);
      }
      expect(fakes.calendar.requests).toContain('POST /calendar/v3/freeBusy');

      const chosen = slots[0] as { start: string; end: string };
      const created = await app.inject({
        method: 'POST',
        url: '/v1/scheduling/events',
        headers: user,
        payload: {
          start: chosen.start,
          end: chosen.end,
          summary: 'Intro call',
          attendees: [{ name: 'Jo Park', address: 'jo@client.example' }],
        },
      });
      expect(created.statusCode).toBe(201);
      const event = fakes.calendar.events.find((e) => e.id === created.json().id);
      expect(event).toMatchObject({
        summary: 'Intro call',
        start: new Date(chosen.start).toISOString(),
        attendees: ['jo@client.example'],
        body: expect.objectContaining({ sendUpdates: 'all' }),
      });
    });

    it('Microsoft 365: calendarView busy is avoided, the event is created in Outlook, and an active mailbox is preferred', async () => {
      app = await build();
      const user = await signIn('oid-graphcal');
      const scope = await scopeOf(user);
      await connect(scope, 'gmail', 'needs_reauth');
      await connect(scope, 'graph');
      const busy = busyMornings('m');
      fakes.graph.events.push(...busy);

      const res = await suggest(user);
      expect(res.statusCode).toBe(200);
      const slots = res.json().slots as Array<{ start: string; end: string }>;
      expect(slots.length).toBeGreaterThan(0);
      for (const slot of slots) expect(overlaps(slot, busy)).toBe(false);
      expect(fakes.graph.requests).toContain('GET /v1.0/me/calendarView');
      expect(fakes.calendar.requests).toEqual([]);
      // The calendar token is asked for with the calendar scope only, so mail sync's refresh is unchanged.
      expect(fakes.oauth.refreshScopes).toEqual(['offline_access https://graph.microsoft.com/Calendars.ReadWrite']);

      const chosen = slots[0] as { start: string; end: string };
      const created = await app.inject({
        method: 'POST',
        url: '/v1/scheduling/events',
        headers: user,
        payload: {
          start: chosen.start,
          end: chosen.end,
          summary: 'Planning',
          attendees: [{ address: 'ana@partner.example' }],
          online: true,
        },
      });
      expect(created.statusCode).toBe(201);
      expect(fakes.graph.events.find((e) => e.id === created.json().id)).toMatchObject({
        summary: 'Planning',
        start: new Date(chosen.start).toISOString(),
        attendees: ['ana@partner.example'],
        body: expect.objectContaining({ isOnlineMeeting: true }),
      });

      // Drafting reads the same calendar.
      const before = fakes.graph.requests.length;
      const draft = await app.inject({
        method: 'POST',
        url: '/v1/drafts',
        headers: user,
        payload: {
          message: {
            id: 'ask',
            from: 'Ana <ana@partner.example>',
            to: [GRAPH_ADDRESS],
            subject: 'Meet next week?',
            text: 'Could we meet for 30 minutes next week?',
          },
        },
      });
      expect(draft.statusCode).toBe(200);
      expect(fakes.graph.requests.slice(before)).toContain('GET /v1.0/me/calendarView');
    });

    it('a mailbox connected before calendar scopes: suggest says to reconnect instead of treating the calendar as free', async () => {
      app = await build();
      const user = await signIn('oid-noscope');
      await connect(await scopeOf(user), 'gmail');
      fakes.calendar.granted = false;
      const res = await suggest(user);
      expect(res.statusCode).toBe(502);
      expect(res.json().error.code).toBe('calendar_unavailable');
      expect(res.json().error.message).toMatch(/reconnect the mailbox/);
      // Mail sync is untouched: the mailbox stays active.
      const rows = await storage.db
        .selectFrom('mailboxes')
        .select('status')
        .where('address', '=', GMAIL_ADDRESS)
        .execute();
      expect(rows.map((r) => r.status)).toContain('active');
    });

    it('ICS feeds in settings: https only, public hosts only, at most five', async () => {
      app = await build();
      const user = await signIn('oid-feeds');
      const put = (icsFeeds: string[]) =>
        app.inject({ method: 'PUT', url: '/v1/settings', headers: user, payload: { icsFeeds } });
      for (const bad of [
        ['http://calendar.example/feed.ics'],
        ['https://127.0.0.1/feed.ics'],
        ['https://localhost:8443/feed.ics'],
        ['https://[::1]/feed.ics'],
        ['https://169.254.169.254/latest/meta-data'],
        ['https://10.1.2.3/feed.ics'],
        Array.from({ length: 6 }, (_, i) => `https://calendar.example/${i}.ics`),
      ]) {
        const res = await put(bad);
        expect(res.statusCode, bad.join(' ')).toBe(400);
      }
      const ok = await put(['https://calendar.example/private-secret/basic.ics']);
      expect(ok.statusCode).toBe(200);
      expect(ok.json().icsFeeds).toEqual(['https://calendar.example/private-secret/basic.ics']);
    });

    it('ICS feeds merge with the connected calendar; a feed that fails or hangs is logged and skipped', async () => {
      app = await build();
      const user = await signIn('oid-merge');
      const scope = await scopeOf(user);
      await connect(scope, 'gmail');
      fakes.calendar.events.push({
        id: 'g1',
        summary: 'Standup',
        start: '2030-01-07T09:00:00Z',
        end: '2030-01-07T09:30:00Z',
        showAs: 'busy',
        attendees: [],
      });
      await storage.db
        .updateTable('users')
        .set({
          settings: JSON.stringify({
            icsFeeds: [
              'https://feeds.example/secret-token-1/good.ics',
              'https://down.example/secret-token-2/down.ics',
              'https://slow.example/secret-token-3/slow.ics',
            ],
          }),
        })
        .where('id', '=', scope.userId)
        .execute();
      const warnings: Array<Record<string, unknown>> = [];
      const resolve = connectedCalendars({
        config: syncConfig(fakes),
        storage,
        tokens: startService(syncConfig(fakes), storage),
        log: { warn: (obj) => warnings.push(obj as Record<string, unknown>) },
        feedTimeoutMs: 150,
        fetchFeed: async (url) => {
          if (url.includes('good')) return ICS;
          if (url.includes('down')) throw new Error('the ICS feed answered 503');
          return new Promise<string>(() => {});
        },
      });
      const calendar = await resolve(scope);
      const busy = await calendar?.getBusy({ start: '2030-01-07T00:00:00Z', end: '2030-01-08T00:00:00Z' }, []);
      expect(busy).toEqual([
        { start: '2030-01-07T09:00:00.000Z', end: '2030-01-07T09:30:00.000Z' },
        { start: '2030-01-07T10:00:00.000Z', end: '2030-01-07T11:00:00.000Z' },
      ]);
      expect(warnings.map((w) => w.host).sort()).toEqual(['down.example', 'slow.example']);
      expect(JSON.stringify(warnings)).not.toContain('secret-token');

      // Feeds alone: busy is read, but there is nowhere to create an event.
      const feedsOnly = await resolve(
        await scopeOf(await signIn('oid-feeds-only')).then(async (s) => {
          await storage.db
            .updateTable('users')
            .set({ settings: JSON.stringify({ icsFeeds: ['https://feeds.example/good.ics'] }) })
            .where('id', '=', s.userId)
            .execute();
          return s;
        }),
      );
      expect(await feedsOnly?.getBusy({ start: '2030-01-07T00:00:00Z', end: '2030-01-08T00:00:00Z' }, [])).toHaveLength(
        1,
      );
      await expect(
        feedsOnly?.createEvent({
          summary: 's',
          start: '2030-01-07T12:00:00Z',
          end: '2030-01-07T13:00:00Z',
          attendees: [],
        }),
      ).rejects.toMatchObject({ status: 409 });
    });
  });
}

describe('ICS feed fetching (SSRF guard)', () => {
  it('knows public from loopback, private, link-local and reserved addresses', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect(isPublicAddress(a), a).toBe(true);
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      'not-an-ip',
    ])
      expect(isPublicAddress(a), a).toBe(false);
  });

  it('refuses non-https URLs and private hosts before any request', async () => {
    for (const url of [
      'http://calendar.example/x.ics',
      'ftp://calendar.example/x.ics',
      'webcal://calendar.example/x.ics',
      'https://localhost/x.ics',
      'https://printer.local/x.ics',
      'https://127.0.0.1/x.ics',
      'https://[::1]/x.ics',
      'https://[::ffff:10.0.0.1]/x.ics',
      'not a url',
    ]) {
      expect(() => checkFeedUrl(url), url).toThrow(FeedUrlError);
      await expect(fetchFeedText(url), url).rejects.toBeInstanceOf(FeedUrlError);
    }
    expect(checkFeedUrl('https://calendar.example/x.ics').host).toBe('calendar.example');
  });

  it('the socket lookup refuses names that resolve to loopback', async () => {
    const error = await new Promise<Error | null>((resolve) =>
      publicOnlyLookup('localhost', { all: true }, (err) => resolve(err)),
    );
    expect(error).toBeInstanceOf(FeedUrlError);
  });
});
