import { DateTime, type DateTimeUnit, type DurationLikeObject } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dateTime, minus, plus, set, startOf } from '../../src/scheduling/times/calendar-math.ts';
import { cachedZone } from '../../src/scheduling/zones.ts';

// Zones with DST both ways, a half-hour DST shift, a half-hour offset and none at all.
const ZONES = ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];

/** Instants around DST changes (gaps and repeated hours), month ends, leap days and a two-digit year. */
function instants(zone: string): DateTime[] {
  const z = cachedZone(zone);
  const out: DateTime[] = [];
  for (const iso of [
    '2026-03-08T01:30:00',
    '2026-03-08T03:30:00',
    '2026-03-29T01:59:59.999',
    '2026-10-25T02:30:00',
    '2026-11-01T01:30:00',
    '2026-04-05T01:45:00',
    '2026-10-04T02:15:00',
    '2024-02-29T12:00:00',
    '2026-01-31T23:59:00',
    '2025-12-31T00:00:00',
    '0099-12-31T10:00:00',
  ]) {
    const dt = DateTime.fromISO(iso, { zone: z });
    out.push(dt, dt.plus({ minutes: 30 }), dt.minus({ hours: 1 }));
  }
  return out;
}

const iso = (dt: DateTime) => (dt.isValid ? dt.toISO() : `invalid: ${dt.invalidReason}`);

describe('calendar arithmetic without Durations gives luxon’s results', () => {
  const durations: DurationLikeObject[] = [
    { days: 1 },
    { days: -1 },
    { days: 7 },
    { weeks: 1 },
    { weeks: -2, days: 3 },
    { months: 1 },
    { months: -13 },
    { quarters: 1 },
    { years: 1 },
    { years: -1 },
    { hours: 1 },
    { hours: 24 },
    { minutes: 30 },
    { seconds: 1 },
    { month: 1 },
    { days: 0 },
    { days: 1.5 },
  ];
  it('plus and minus', () => {
    for (const zone of ZONES)
      for (const dt of instants(zone))
        for (const d of durations) {
          expect(iso(plus(dt, d)), `${dt.toISO()} + ${JSON.stringify(d)}`).toBe(iso(dt.plus(d)));
          expect(iso(minus(dt, d)), `${dt.toISO()} - ${JSON.stringify(d)}`).toBe(iso(dt.minus(d)));
        }
  });

  it('startOf', () => {
    const units: DateTimeUnit[] = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'];
    for (const zone of ZONES)
      for (const dt of instants(zone))
        for (const unit of units) expect(iso(startOf(dt, unit)), `${dt.toISO()} ${unit}`).toBe(iso(dt.startOf(unit)));
  });

  it('set, including a day past the end of the month', () => {
    const values = [{ day: 1 }, { day: 31 }, { hour: 2, minute: 30 }, { hour: 18 }, { year: 2027 }, { month: 2 }];
    for (const zone of ZONES)
      for (const dt of instants(zone))
        for (const v of values) expect(iso(set(dt, v)), `${dt.toISO()} ${JSON.stringify(v)}`).toBe(iso(dt.set(v)));
  });

  it('dateTime: valid dates, times in a DST gap or repeated hour, and impossible dates', () => {
    const fields = [
      { year: 2026 },
      { year: 2026, month: 3 },
      { year: 2026, month: 3, day: 8, hour: 2, minute: 30 },
      { year: 2026, month: 3, day: 29, hour: 2, minute: 30 },
      { year: 2026, month: 11, day: 1, hour: 1, minute: 30 },
      { year: 2026, month: 10, day: 25, hour: 2, minute: 30 },
      { year: 2024, month: 2, day: 29 },
      { year: 2026, month: 2, day: 29 },
      { year: 2026, month: 13, day: 1 },
      { year: 2026, month: 4, day: 31 },
      { year: 2026, month: 4, day: 30, hour: 24 },
      { year: 99, month: 12, day: 31 },
    ];
    for (const zone of ZONES)
      for (const f of fields) {
        expect(iso(dateTime(f, cachedZone(zone))), `${zone} ${JSON.stringify(f)}`).toBe(
          iso(DateTime.fromObject(f, { zone: cachedZone(zone) })),
        );
      }
    // Luxon throws for a field that is not a number; so does the fast path, which hands it to luxon.
    expect(() => dateTime({ year: Number.NaN }, cachedZone('UTC'))).toThrow(/Invalid unit value/);
    expect(iso(dateTime({ year: 2026, month: 5, day: 4 }, 'UTC+5:30'))).toBe('2026-05-04T00:00:00.000+05:30');
  });
});
