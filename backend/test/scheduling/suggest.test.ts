import { defaultSettings } from '@steward/shared';
import ical from 'node-ical';
import { describe, expect, it } from 'vitest';
import { buildInvite } from '../../src/scheduling/ics.ts';
import { extractMeetingAsk, findDuration } from '../../src/scheduling/meeting-ask.ts';
import { formatSlot, writeProposal } from '../../src/scheduling/proposal.ts';
import { suggestTimes } from '../../src/scheduling/suggest.ts';

describe('extractMeetingAsk', () => {
  const message = {
    subject: 'Intro call',
    text: 'Hi Sam,\n\nCould we set up a 45-minute call on Tue or Wed afternoon next week? I am based in New York.\n\nBest,\nAnn',
    date: 'Wed, 29 Jan 2025 09:00:00 -0500',
    from: 'Ann Lee <ann@example.com>',
    to: ['sam@example.org'],
    cc: [{ name: 'Bo', address: 'bo@example.com' }],
  };

  it('understands the ask: duration, windows in the sender zone, participants, mode', () => {
    const ask = extractMeetingAsk(message, { tz: 'Europe/Berlin' });
    expect(ask.isMeetingRequest).toBe(true);
    expect(ask.durationMinutes).toBe(45);
    expect(ask.requesterZone).toBe('America/New_York');
    expect(ask.windows.map((w) => [w.start, w.end])).toEqual([
      ['2025-02-04T12:00:00-05:00', '2025-02-04T19:00:00-05:00'],
      ['2025-02-05T12:00:00-05:00', '2025-02-05T19:00:00-05:00'],
    ]);
    expect(ask.participants.map((p) => p.address)).toEqual(['ann@example.com', 'sam@example.org', 'bo@example.com']);
    expect(ask.mode).toBe('online');
  });

  it('takes the requester zone from the Date header when the text names none', () => {
    const ask = extractMeetingAsk({
      text: 'Are you free for coffee tomorrow at 10?',
      date: '2025-01-29T09:00:00+05:30',
    });
    expect(ask.requesterZone).toBe('UTC+5:30');
    expect(ask.mode).toBe('in_person');
    expect(ask.windows[0]?.start).toBe('2025-01-30T10:00:00+05:30');
  });

  it('does not see a meeting in an ordinary update or a calendar notification', () => {
    expect(extractMeetingAsk({ text: 'The report is attached. Numbers look good for Q3.' }).isMeetingRequest).toBe(
      false,
    );
    expect(
      extractMeetingAsk({ subject: 'Accepted: Weekly sync', text: 'Ann has accepted this meeting. Can we meet?' })
        .isMeetingRequest,
    ).toBe(false);
  });

  it('reads lengths written in words and ignores "in 2 hours"', () => {
    expect(findDuration('Do you have half an hour this week?')).toBe(30);
    expect(findDuration('A quick call?')).toBe(15);
    expect(findDuration('I can call you in 2 hours')).toBeUndefined();
  });
});

describe('proposal', () => {
  it('writes full dates with both zones', () => {
    expect(formatSlot('2025-02-04T14:00:00Z', 'Europe/Berlin', 'America/New_York')).toBe(
      'Tue 4 Feb, 15:00 CET / 09:00 EST',
    );
    expect(formatSlot('2025-02-04T14:00:00Z', 'Europe/Berlin', 'Europe/Paris')).toBe('Tue 4 Feb, 15:00 CET');
    expect(formatSlot('2025-02-04T14:00:00Z', 'America/New_York', 'Asia/Kolkata')).toBe(
      'Tue 4 Feb, 09:00 EST / 19:30 IST',
    );
    expect(formatSlot('2025-02-04T20:00:00Z', 'America/Los_Angeles', 'Asia/Kathmandu')).toBe(
      'Tue 4 Feb, 12:00 PST / 01:45 UTC+05:45 (Wed 5 Feb)',
    );
  });

  it('is empty when there is nothing to propose', () => {
    expect(writeProposal([], { userZone: 'UTC', durationMinutes: 30 })).toBe('');
  });
});

describe('suggestTimes', () => {
  const settings = { ...defaultSettings(), timeZone: 'Europe/Berlin' };
  const now = new Date('2025-01-29T14:00:00Z');

  it('offers free times inside the asked windows and writes them in both zones', () => {
    const result = suggestTimes({
      message: {
        text: 'Can we meet Tuesday morning or Thursday morning next week? I am in London.',
        date: '2025-01-29T14:00:00Z',
      },
      busy: [{ start: '2025-02-04T09:00:00+01:00', end: '2025-02-04T11:00:00+01:00' }],
      settings,
      now,
      limit: 3,
    });
    expect(result.understood.requesterZone).toBe('Europe/London');
    expect(result.understood.durationMinutes).toBe(30);
    expect(result.slots.length).toBeGreaterThan(0);
    for (const slot of result.slots) {
      const start = new Date(slot.start);
      expect([2, 4]).toContain(start.getUTCDay());
      expect(start.getUTCHours()).toBeLessThan(12);
      expect(slot.start >= '2025-02-04T11:10:00+01:00' || !slot.start.startsWith('2025-02-04')).toBe(true);
    }
    expect(result.proposal).toMatch(
      /^Would one of these times work for you \(30 minutes\)\?\n- (Tue 4|Thu 6) Feb, \d\d:\d\d CET \/ \d\d:\d\d GMT/,
    );
  });

  it('says so and offers other times when every proposed time is taken', () => {
    const window = { start: '2025-02-03T10:00:00+01:00', end: '2025-02-03T11:00:00+01:00' };
    const result = suggestTimes({ request: { windows: [window], durationMinutes: 60 }, busy: [window], settings, now });
    expect(result.understood.theirTimesUnavailable).toBe(true);
    expect(result.slots.length).toBe(5);
    expect(result.proposal).toMatch(/^Unfortunately the times you suggested don't work for me/);
  });
});

describe('buildInvite', () => {
  it('produces a METHOD:REQUEST invite that a calendar parser reads back', () => {
    const text = buildInvite({
      uid: 'steward-123@example.com',
      start: '2025-02-04T15:00:00+01:00',
      end: '2025-02-04T15:30:00+01:00',
      summary: 'Intro call',
      location: 'https://zoom.us/j/123',
      organizer: { name: 'Sam', address: 'sam@example.org' },
      attendees: [{ name: 'Ann Lee', address: 'ann@example.com' }, { address: 'sam@example.org' }],
      now: new Date('2025-01-29T14:00:00Z'),
    });
    expect(text).toMatch(/^BEGIN:VCALENDAR/);
    expect(text).toContain('METHOD:REQUEST');
    const event = Object.values(ical.sync.parseICS(text)).find((c) => c?.type === 'VEVENT');
    expect(event?.type).toBe('VEVENT');
    if (event?.type !== 'VEVENT') return;
    expect(event.uid).toBe('steward-123@example.com');
    expect(event.start.toISOString()).toBe('2025-02-04T14:00:00.000Z');
    expect(event.end?.toISOString()).toBe('2025-02-04T14:30:00.000Z');
    const unfolded = text.replace(/\r\n[ \t]/g, '');
    expect(unfolded).toMatch(/ATTENDEE;[^\r\n]*RSVP=TRUE[^\r\n]*:mailto:ann@example.com/i);
    expect(unfolded).toMatch(/ORGANIZER;[^\r\n]*:mailto:sam@example.org/i);
    expect(unfolded).not.toMatch(/ATTENDEE[^\r\n]*mailto:sam@example.org/i);
  });

  it('refuses an end before the start', () => {
    expect(() =>
      buildInvite({
        uid: 'x',
        start: '2025-02-04T15:00:00Z',
        end: '2025-02-04T14:00:00Z',
        summary: 's',
        organizer: { address: 'a@b.c' },
        attendees: [],
      }),
    ).toThrow(RangeError);
  });
});

describe('times in the past never become windows', () => {
  it('leaves out what the sentence puts in the past and what ended before the message', () => {
    const ask = extractMeetingAsk({
      text: 'We met on Monday and talked about the budget. Could we meet again on Thursday at 3pm? Yesterday was busy.',
      date: '2025-01-29T09:00:00-05:00', // a Wednesday
    });
    expect(ask.windows.map((w) => [w.text, w.start])).toEqual([['Thursday at 3pm', '2025-01-30T15:00:00-05:00']]);
  });

  it('starts a window that is already running at the message time', () => {
    const ask = extractMeetingAsk({ text: 'Can we talk this afternoon?', date: '2025-01-29T14:30:00-05:00' });
    expect(ask.windows[0]?.start).toBe('2025-01-29T14:30:00-05:00');
  });

  it('offers no slot before now, even for times proposed in an old message', () => {
    const result = suggestTimes({
      message: { text: 'Could we meet Thursday or Friday afternoon?', date: '2025-01-27T09:00:00-05:00' },
      busy: [],
      settings: { ...defaultSettings(), timeZone: 'America/New_York' },
      now: new Date('2025-01-31T19:00:00Z'),
    });
    for (const slot of result.slots)
      expect(Date.parse(slot.start)).toBeGreaterThanOrEqual(Date.parse('2025-01-31T19:00:00Z'));
  });
});
