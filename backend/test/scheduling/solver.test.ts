import { defaultSettings, type WorkingHours } from '@steward/shared';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { findSlots, type Interval, type SlotRequest } from '../../src/scheduling/solver.ts';

const WEEK_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const nineToFive = defaultSettings().workingHours;

/** Reference days that straddle daylight-saving changes, and zones with 30- and 45-minute offsets. */
const SCENARIOS: Array<{ zone: string; now: string }> = [
  { zone: 'America/New_York', now: '2025-03-07T15:00:00Z' }, // spring forward on Sun 9 March
  { zone: 'America/New_York', now: '2025-10-31T15:00:00Z' }, // fall back on Sun 2 November
  { zone: 'Europe/Berlin', now: '2025-03-28T10:00:00Z' }, // spring forward on Sun 30 March
  { zone: 'Europe/Berlin', now: '2025-10-24T10:00:00Z' }, // fall back on Sun 26 October
  { zone: 'Asia/Kolkata', now: '2025-05-12T04:00:00Z' },
  { zone: 'Asia/Kathmandu', now: '2025-05-12T04:00:00Z' },
  { zone: 'Australia/Adelaide', now: '2025-04-03T01:00:00Z' }, // DST ends on Sun 6 April
];
const OTHER_ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Adelaide',
  'UTC',
];

const ms = (iso: string) => Date.parse(iso);
const local = (iso: string, zone: string) => DateTime.fromISO(iso).setZone(zone);

/** True when [start, end) lies inside one of that local day's working ranges. */
function insideWorkingHours(slot: Interval, zone: string, hours: WorkingHours): boolean {
  const start = local(slot.start, zone);
  const end = local(slot.end, zone);
  const ranges = hours[WEEK_KEYS[start.weekday - 1]!];
  const day = start.startOf('day');
  return ranges.some((r) => {
    const [sh, sm] = r.start.split(':').map(Number) as [number, number];
    const [eh, em] = r.end.split(':').map(Number) as [number, number];
    const from = day.set({ hour: sh, minute: sm });
    const to = eh === 24 ? day.plus({ days: 1 }) : day.set({ hour: eh, minute: em });
    return start >= from && end <= to;
  });
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const workingHoursArb: fc.Arbitrary<WorkingHours> = fc
  .tuple(
    ...WEEK_KEYS.map(() =>
      fc.oneof(
        fc.constant([] as Array<{ start: string; end: string }>),
        fc
          .tuple(fc.integer({ min: 0, max: 20 * 4 }), fc.integer({ min: 4, max: 12 * 4 }))
          .map(([from, length]) => [{ start: hhmm(from * 15), end: hhmm(Math.min(1440, from * 15 + length * 15)) }]),
      ),
    ),
  )
  .map((days) => Object.fromEntries(WEEK_KEYS.map((k, i) => [k, days[i]!])) as WorkingHours);

function busyArb(now: string): fc.Arbitrary<Interval[]> {
  const base = ms(now);
  return fc.array(
    fc.tuple(fc.integer({ min: -2 * 24 * 4, max: 16 * 24 * 4 }), fc.integer({ min: 1, max: 12 })).map(([q, len]) => ({
      start: new Date(base + q * 15 * 60_000).toISOString(),
      end: new Date(base + (q + len) * 15 * 60_000).toISOString(),
    })),
    { maxLength: 60 },
  );
}

const requestArb: fc.Arbitrary<SlotRequest> = fc.constantFrom(...SCENARIOS).chain(({ zone, now }) =>
  fc.record({
    durationMinutes: fc.constantFrom(15, 30, 45, 60, 90),
    now: fc.constant(now),
    zone: fc.constant(zone),
    workingHours: fc.oneof(fc.constant(nineToFive), workingHoursArb),
    busy: busyArb(now),
    attendeesBusy: fc.array(busyArb(now), { maxLength: 2 }),
    bufferBeforeMinutes: fc.constantFrom(0, 5, 10, 15),
    bufferAfterMinutes: fc.constantFrom(0, 10, 30),
    minimumNoticeHours: fc.constantFrom(0, 1, 12, 48),
    maxMeetingsPerDay: fc.integer({ min: 1, max: 8 }),
    limit: fc.integer({ min: 1, max: 8 }),
  }),
);

const overlaps = (a: Interval, b: Interval, before = 0, after = 0) =>
  ms(a.start) < ms(b.end) + before * 60_000 && ms(b.start) - after * 60_000 < ms(a.end);

describe('findSlots (property-based)', () => {
  it('never overlaps anyone’s busy time or its buffers', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const slots = findSlots(req);
        const busy = [req.busy, ...(req.attendeesBusy ?? [])].flat();
        for (const slot of slots) {
          for (const b of busy) expect(overlaps(slot, b, req.bufferBeforeMinutes, req.bufferAfterMinutes)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('puts every slot inside the user’s working hours, after the minimum notice, with the asked length', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const earliest = ms(req.now as string) + (req.minimumNoticeHours ?? 0) * 3_600_000;
        for (const slot of findSlots(req)) {
          expect(insideWorkingHours(slot, req.zone, req.workingHours)).toBe(true);
          expect(ms(slot.start)).toBeGreaterThanOrEqual(earliest);
          expect(ms(slot.end) - ms(slot.start)).toBe(req.durationMinutes * 60_000);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps inside the requester’s working hours and proposed windows when known', () => {
    fc.assert(
      fc.property(
        requestArb,
        fc.constantFrom(...OTHER_ZONES),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 14 * 24 }), fc.integer({ min: 1, max: 30 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (req, requesterZone, windowSpecs) => {
          const base = ms(req.now as string);
          const windows = windowSpecs.map(([h, len]) => ({
            start: new Date(base + h * 3_600_000).toISOString(),
            end: new Date(base + (h + len) * 3_600_000).toISOString(),
          }));
          const withRequester = { ...req, windows, requester: { zone: requesterZone, workingHours: nineToFive } };
          for (const slot of findSlots(withRequester)) {
            expect(insideWorkingHours(slot, requesterZone, nineToFive)).toBe(true);
            expect(windows.some((w) => ms(w.start) <= ms(slot.start) && ms(slot.end) <= ms(w.end))).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('gives the same slots whatever the order of the busy lists', () => {
    fc.assert(
      fc.property(requestArb, fc.integer(), (req, seed) => {
        const shuffle = <T>(xs: T[]) =>
          fc.sample(fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }), { numRuns: 1, seed })[0] ??
          xs;
        const reordered = {
          ...req,
          busy: shuffle(req.busy),
          attendeesBusy: shuffle((req.attendeesBusy ?? []).map(shuffle)),
        };
        expect(findSlots(reordered)).toEqual(findSlots(req));
      }),
      { numRuns: 100 },
    );
  });

  it('respects the meetings-per-day cap', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const zone = req.zone;
        const countOn = (day: string) =>
          new Set(
            req.busy
              .filter((b) => ms(b.end) > ms(b.start) && local(b.start, zone).toISODate() === day)
              .map((b) => `${b.start}/${b.end}`),
          ).size;
        for (const slot of findSlots(req))
          expect(countOn(local(slot.start, zone).toISODate()!)).toBeLessThan(req.maxMeetingsPerDay!);
      }),
      { numRuns: 100 },
    );
  });
});

describe('findSlots (examples)', () => {
  const base: SlotRequest = {
    durationMinutes: 30,
    now: '2025-03-07T15:00:00Z',
    zone: 'America/New_York',
    workingHours: nineToFive,
    busy: [],
    limit: 5,
  };

  it('spreads the best slots across days and returns them best first', () => {
    const slots = findSlots(base);
    expect(slots).toHaveLength(5);
    const days = slots.map((s) => local(s.start, base.zone).toISODate());
    expect(new Set(days).size).toBe(5);
    for (let i = 1; i < slots.length; i++) expect(slots[i - 1]!.score).toBeGreaterThanOrEqual(slots[i]!.score);
  });

  it('offers 09:00 New York time on the Monday after clocks spring forward, as 13:00 UTC', () => {
    const slots = findSlots({
      ...base,
      windows: [{ start: '2025-03-10T00:00:00-04:00', end: '2025-03-10T09:30:00-04:00' }],
    });
    expect(slots.map((s) => s.start)).toEqual(['2025-03-10T09:00:00-04:00']);
  });

  it('aligns starts to the user’s clock in a 45-minute-offset zone', () => {
    const slots = findSlots({ ...base, zone: 'Asia/Kathmandu', now: '2025-05-12T04:00:00Z', minimumNoticeHours: 0 });
    for (const s of slots) expect(local(s.start, 'Asia/Kathmandu').minute % 15).toBe(0);
    expect(slots[0]?.start.endsWith('+05:45')).toBe(true);
  });

  it('finds nothing when the only window is fully busy', () => {
    const window = { start: '2025-03-10T10:00:00-04:00', end: '2025-03-10T11:00:00-04:00' };
    expect(findSlots({ ...base, windows: [window], busy: [window] })).toEqual([]);
  });
});

describe('findSlots with many windows', () => {
  const base: SlotRequest = {
    durationMinutes: 30,
    now: '2025-01-06T14:00:00Z',
    zone: 'Europe/Berlin',
    workingHours: nineToFive,
    busy: [],
    limit: 5,
  };
  /** Hundreds of windows over a year, overlapping, duplicated and out of order, as a long message gives them. */
  const manyWindowsArb = fc.array(
    fc.tuple(fc.integer({ min: -30 * 24, max: 365 * 24 }), fc.integer({ min: 1, max: 6 })).map(([h, len]) => ({
      start: new Date(ms('2025-01-06T14:00:00Z') + h * 3_600_000).toISOString(),
      end: new Date(ms('2025-01-06T14:00:00Z') + (h + len) * 3_600_000).toISOString(),
    })),
    { minLength: 150, maxLength: 300 },
  );

  it('keeps every slot inside one window (not across two), whatever their order', () => {
    fc.assert(
      fc.property(manyWindowsArb, busyArb('2025-01-06T14:00:00Z'), fc.integer(), (windows, busy, seed) => {
        const slots = findSlots({ ...base, windows, busy });
        for (const slot of slots) {
          expect(windows.some((w) => ms(w.start) <= ms(slot.start) && ms(slot.end) <= ms(w.end))).toBe(true);
          expect(ms(slot.start)).toBeGreaterThanOrEqual(ms(base.now as string));
        }
        const shuffled = fc.sample(fc.shuffledSubarray(windows, { minLength: windows.length }), {
          numRuns: 1,
          seed,
        })[0]!;
        expect(findSlots({ ...base, windows: [...shuffled, ...shuffled.slice(0, 20)], busy })).toEqual(slots);
      }),
      { numRuns: 30 },
    );
  });

  it('offers a window months away after a long gap, and ignores windows already over', () => {
    const slots = findSlots({
      ...base,
      windows: [
        { start: '2024-12-02T09:00:00+01:00', end: '2024-12-02T17:00:00+01:00' },
        { start: '2025-09-15T10:00:00+02:00', end: '2025-09-15T11:00:00+02:00' },
      ],
    });
    expect(slots.map((s) => s.start)).toEqual(['2025-09-15T10:00:00+02:00', '2025-09-15T10:30:00+02:00']);
  });

  it('does not merge two adjacent windows into one slot across them', () => {
    const slots = findSlots({
      ...base,
      durationMinutes: 60,
      windows: [
        { start: '2025-01-08T10:00:00+01:00', end: '2025-01-08T10:30:00+01:00' },
        { start: '2025-01-08T10:30:00+01:00', end: '2025-01-08T11:00:00+01:00' },
      ],
    });
    expect(slots).toEqual([]);
  });
});

describe('findSlots never proposes the past', () => {
  it('refuses an invalid "now", and never starts before it, whatever the notice', () => {
    const base = {
      durationMinutes: 30,
      zone: 'Europe/Berlin',
      workingHours: nineToFive,
      busy: [],
      windows: [{ start: '2025-02-03T08:00:00Z', end: '2025-02-10T17:00:00Z' }],
    };
    expect(() => findSlots({ ...base, now: 'not a date' })).toThrow(RangeError);
    const now = '2025-02-05T12:00:00Z';
    const slots = findSlots({ ...base, now, minimumNoticeHours: -48 });
    expect(slots.length).toBeGreaterThan(0);
    for (const slot of slots) expect(ms(slot.start)).toBeGreaterThanOrEqual(ms(now));
  });
});
