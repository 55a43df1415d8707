import { defaultSettings } from '@steward/shared';
import { describe, expect, it } from 'vitest';
import { checkSlot, recheckProposedTimes, type SuggestCall } from '../src/smart-alert/check.ts';
import {
  ALERT_MESSAGE_LIMIT,
  decide,
  findProposedTimes,
  insideWorkingHours,
  ownText,
  type ProposedTime,
  statedDuration,
} from '../src/smart-alert/proposed-times.ts';
import { localParts, offsetMinutes, zonedToUtc } from '../src/smart-alert/zones.ts';

// Monday 3 February 2031, 09:00 in London.
const NOW = new Date('2031-02-03T09:00:00Z');
const london = { now: NOW, timeZone: 'Europe/London', defaultMinutes: 30 };

describe('zones (Intl only)', () => {
  it('turns a wall-clock time into the instant, across daylight saving time', () => {
    expect(new Date(zonedToUtc(2031, 2, 4, 15, 0, 'Europe/Berlin')).toISOString()).toBe('2031-02-04T14:00:00.000Z');
    expect(new Date(zonedToUtc(2031, 7, 4, 15, 0, 'Europe/Berlin')).toISOString()).toBe('2031-07-04T13:00:00.000Z');
    expect(new Date(zonedToUtc(2031, 7, 4, 9, 30, 'America/New_York')).toISOString()).toBe('2031-07-04T13:30:00.000Z');
    expect(offsetMinutes(Date.parse('2031-02-04T12:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(localParts(Date.parse('2031-02-04T23:30:00Z'), 'Asia/Tokyo')).toMatchObject({ day: 5, hour: 8, weekday: 3 });
  });
});

describe('ownText: only what the user wrote', () => {
  it('cuts the quoted conversation in its usual forms', () => {
    expect(ownText('Tue 4 Feb, 15:00 works.\n\nOn Mon, 3 Feb 2031 at 09:00, Priya wrote:\n> Thu 6 Feb, 10:00?')).toBe(
      'Tue 4 Feb, 15:00 works.\n',
    );
    expect(
      ownText(
        'See you then.\n\nFrom: Priya Raman <priya@contoso.example>\nSent: Monday, 3 February 2031 09:00\nTo: Alex',
      ),
    ).toBe('See you then.\n');
    expect(ownText('Mine\n________________________________\nFrom: x')).toBe('Mine');
    expect(ownText('Mine\n-----Original Message-----\nTheirs')).toBe('Mine');
    expect(ownText('From: the team, with thanks.\nNothing quoted')).toBe(
      'From: the team, with thanks.\nNothing quoted',
    );
  });
});

describe('findProposedTimes', () => {
  it("reads the pane's own slot format in the user's zone", () => {
    expect(findProposedTimes('Would Tue 4 Feb, 15:00–15:30 work for you?', london)).toEqual([
      { start: '2031-02-04T15:00:00.000Z', end: '2031-02-04T15:30:00.000Z', text: 'Tue 4 Feb, 15:00–15:30' },
    ]);
  });

  it("reads the backend's proposal: the first zone label, and the length from the intro", () => {
    const proposal =
      'Would one of these times work for you (an hour)?\n- Tue 4 Feb, 15:00 CET / 09:00 EST\n- Wed 5 Feb, 10:30 CET / 04:30 EST';
    const found = findProposedTimes(proposal, { ...london, timeZone: 'Europe/Berlin' });
    expect(found.map((f) => [f.start, f.end])).toEqual([
      ['2031-02-04T14:00:00.000Z', '2031-02-04T15:00:00.000Z'],
      ['2031-02-05T09:30:00.000Z', '2031-02-05T10:30:00.000Z'],
    ]);
  });

  it('reads common hand-written forms', () => {
    const text =
      'How about Thursday 6th of February at 3pm, or February 7 at 9:30 am? Failing that, 2031-02-10 14:00 UTC, or Tuesday, 11 Feb from 3-4pm.';
    const found = findProposedTimes(text, london);
    expect(found.map((f) => [f.start, f.end])).toEqual([
      ['2031-02-06T15:00:00.000Z', '2031-02-06T15:30:00.000Z'],
      ['2031-02-07T09:30:00.000Z', '2031-02-07T10:00:00.000Z'],
      ['2031-02-10T14:00:00.000Z', '2031-02-10T14:30:00.000Z'],
      ['2031-02-11T15:00:00.000Z', '2031-02-11T16:00:00.000Z'],
    ]);
  });

  it('honours an explicit UTC offset or a known zone abbreviation', () => {
    expect(findProposedTimes('4 Feb 15:00 UTC+05:30', london)[0]?.start).toBe('2031-02-04T09:30:00.000Z');
    expect(findProposedTimes('Feb 4, 10:00 am PST', london)[0]?.start).toBe('2031-02-04T18:00:00.000Z');
  });

  it('reads the year: a date well past means next year, and the weekday must agree', () => {
    const december = { ...london, now: new Date('2031-12-20T10:00:00Z') };
    expect(findProposedTimes('Tue 6 Jan, 10:00', december)[0]?.start).toBe('2032-01-06T10:00:00.000Z');
    // 4 Feb 2031 is a Tuesday: "Wed 4 Feb" is a typo Steward does not guess about.
    expect(findProposedTimes('Wed 4 Feb, 10:00', london)).toEqual([]);
    expect(findProposedTimes('4 February 2032, 10:00', london)[0]?.start).toBe('2032-02-04T10:00:00.000Z');
  });

  it('does not take numbers for times, nor dates without a time', () => {
    expect(findProposedTimes('Order 4 Feb, 3 boxes. Invoice due 10 March.', london)).toEqual([]);
    expect(findProposedTimes('We met on 4 Feb 15 people came', london)).toEqual([]);
  });

  it('lists each time once, in the order written, up to the limit', () => {
    const text = 'Tue 4 Feb, 15:00 or Tue 4 Feb, 15:00 again, or 5 Feb 10:00, or 6 Feb 10:00';
    expect(findProposedTimes(text, { ...london, limit: 2 }).map((f) => f.text)).toEqual([
      'Tue 4 Feb, 15:00',
      '5 Feb 10:00',
    ]);
  });

  it('reads the length the message states', () => {
    expect(statedDuration('Would one of these work (45 minutes)?')).toBe(45);
    expect(statedDuration('a 90-minute workshop')).toBe(90);
    expect(statedDuration('(an hour and a half)')).toBe(90);
    expect(statedDuration('(2 hours)')).toBe(120);
    expect(statedDuration('a one-hour call')).toBe(60);
    expect(statedDuration('no length here')).toBeNull();
  });
});

describe('findProposedTimes: reports of the past are not proposals', () => {
  it('skips a time the sentence puts in the past, and keeps one proposed beside it', () => {
    const text = 'We met on Tue 28 Jan at 3pm and it went well. Would Thu 6 Feb at 3pm work for a follow-up?';
    expect(findProposedTimes(text, london).map((t) => t.text)).toEqual(['Thu 6 Feb at 3pm']);
  });

  it('never rolls a reported date into next year', () => {
    expect(findProposedTimes('Thanks again, the call on 20 January at 10:00 was very useful.', london)).toEqual([]);
  });
});

describe('insideWorkingHours', () => {
  const hours = defaultSettings().workingHours;
  it('is true inside a working day and false outside it, on the user clock', () => {
    expect(
      insideWorkingHours({ start: '2031-02-04T10:00:00Z', end: '2031-02-04T10:30:00Z' }, hours, 'Europe/London'),
    ).toBe(true);
    // 18:00 London is outside 09:00–17:00.
    expect(
      insideWorkingHours({ start: '2031-02-04T18:00:00Z', end: '2031-02-04T18:30:00Z' }, hours, 'Europe/London'),
    ).toBe(false);
    // Sunday.
    expect(
      insideWorkingHours({ start: '2031-02-09T10:00:00Z', end: '2031-02-09T10:30:00Z' }, hours, 'Europe/London'),
    ).toBe(false);
    // 10:00 UTC is 19:00 in Tokyo.
    expect(
      insideWorkingHours({ start: '2031-02-04T10:00:00Z', end: '2031-02-04T10:30:00Z' }, hours, 'Asia/Tokyo'),
    ).toBe(false);
  });
});

describe('decide', () => {
  const slot = (text: string): ProposedTime => ({ start: '2031-02-04T15:00:00Z', end: '2031-02-04T15:30:00Z', text });

  it('warns when a time is taken or past, naming it', () => {
    const decision = decide([
      { slot: slot('Tue 4 Feb, 15:00'), status: 'taken' },
      { slot: slot('Wed 5 Feb, 10:00'), status: 'free' },
      { slot: slot('Mon 3 Feb, 08:00'), status: 'past' },
    ]);
    expect(decision.warn).toBe(true);
    expect(decision.message).toContain('"Tue 4 Feb, 15:00" is no longer free in your calendar');
    expect(decision.message).toContain('"Mon 3 Feb, 08:00" has already passed');
    expect(decision.message).toContain('Send anyway');
  });

  it('lets the mail go when every time is free, unknown or chosen outside working hours', () => {
    expect(
      decide([
        { slot: slot('a'), status: 'free' },
        { slot: slot('b'), status: 'unknown' },
        { slot: slot('c'), status: 'outside-hours' },
      ]),
    ).toEqual({ warn: false, message: '' });
    expect(decide([])).toEqual({ warn: false, message: '' });
  });

  it('keeps the alert within what Outlook shows', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({
      slot: slot(`${'Wednesday the twenty-fifth of February, '.repeat(3)}${i}`),
      status: 'taken' as const,
    }));
    const decision = decide(many);
    expect(decision.warn).toBe(true);
    expect(decision.message.length).toBeLessThanOrEqual(ALERT_MESSAGE_LIMIT);
  });
});

describe('recheckProposedTimes', () => {
  const settings = { ...defaultSettings(), timeZone: 'Europe/London' };
  /** The solver's answer: 14:00–16:00 on 4 Feb is busy. */
  const suggest: SuggestCall = async (body) => {
    const window = body.request.windows[0];
    if (!window) throw new Error('no window');
    const busy =
      Date.parse(window.start) < Date.parse('2031-02-04T16:00:00Z') &&
      Date.parse(window.end) > Date.parse('2031-02-04T14:00:00Z');
    return busy
      ? { slots: [], understood: { theirTimesUnavailable: true } }
      : { slots: [{ start: window.start, end: window.end, score: 1 }], understood: { theirTimesUnavailable: false } };
  };

  it('warns about the taken time only, and asks the solver one exact window per time', async () => {
    const calls: Parameters<SuggestCall>[0][] = [];
    const recording: SuggestCall = (body) => {
      calls.push(body);
      return suggest(body);
    };
    const body = 'Hi Priya,\n\nWould Tue 4 Feb, 15:00–15:30 or Wed 5 Feb, 10:00–10:30 work?\n\nAlex';
    const result = await recheckProposedTimes(body, settings, recording, NOW);
    expect(result.checks.map((c) => c.status)).toEqual(['taken', 'free']);
    expect(result.decision.warn).toBe(true);
    expect(result.decision.message).toContain('"Tue 4 Feb, 15:00–15:30"');
    expect(result.decision.message).not.toContain('Wed 5 Feb');
    expect(calls[0]).toEqual({
      request: {
        durationMinutes: 30,
        windows: [{ start: '2031-02-04T15:00:00.000Z', end: '2031-02-04T15:30:00.000Z' }],
      },
      constraints: { bufferMinutes: 0, minimumNoticeHours: 0, maxMeetingsPerDay: 24, stepMinutes: 5, limit: 1 },
    });
  });

  it('makes no call when the message proposes no time, or only in the quoted part', async () => {
    let called = 0;
    const counting: SuggestCall = async (b) => {
      called++;
      return suggest(b);
    };
    expect((await recheckProposedTimes('Thanks, see you!', settings, counting, NOW)).decision.warn).toBe(false);
    const quoted = 'Sounds good.\n\nOn Mon, 3 Feb 2031, Priya wrote:\n> Tue 4 Feb, 15:00?';
    expect((await recheckProposedTimes(quoted, settings, counting, NOW)).found).toEqual([]);
    expect(called).toBe(0);
  });

  it('checks nothing it need not: past times, times outside working hours, failures', async () => {
    const failing: SuggestCall = async () => {
      throw new Error('offline');
    };
    const slot = (start: string, end: string) => ({ start, end, text: start });
    expect((await checkSlot(slot('2031-02-03T08:00:00Z', '2031-02-03T08:30:00Z'), settings, failing, NOW)).status).toBe(
      'past',
    );
    expect((await checkSlot(slot('2031-02-04T19:00:00Z', '2031-02-04T19:30:00Z'), settings, failing, NOW)).status).toBe(
      'outside-hours',
    );
    expect((await checkSlot(slot('2031-02-04T10:00:00Z', '2031-02-04T10:30:00Z'), settings, failing, NOW)).status).toBe(
      'unknown',
    );
  });

  it('widens an odd start to the solver step', async () => {
    const calls: Parameters<SuggestCall>[0][] = [];
    await checkSlot(
      { start: '2031-02-05T10:07:00Z', end: '2031-02-05T10:37:00Z', text: '10:07' },
      settings,
      async (body) => {
        calls.push(body);
        return suggest(body);
      },
      NOW,
    );
    expect(calls[0]?.request).toEqual({
      durationMinutes: 30,
      windows: [{ start: '2031-02-05T10:05:00.000Z', end: '2031-02-05T10:40:00.000Z' }],
    });
  });
});
