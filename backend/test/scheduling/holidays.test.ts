import { describe, expect, it } from 'vitest';
import { easter, nthWeekday, orthodoxEaster } from '../../src/scheduling/holidays.ts';
import { parseTimeExpressions } from '../../src/scheduling/times.ts';

// Thursday 30 January 2025, 09:00 in New York.
const ref = '2025-01-30T09:00:00-05:00';
const tz = 'America/New_York';
const first = (text: string, at = ref) => {
  const found = parseTimeExpressions(text, { ref: at, tz });
  const main = [...found].sort((a, b) => b.text.length - a.text.length)[0];
  return main ? [main.text, main.start.slice(0, 16), main.grain] : null;
};
const day = (text: string, at = ref) => first(text, at)?.[1]?.slice(0, 10);

describe('holiday date rules', () => {
  it('computes Western and Orthodox Easter', () => {
    const western = [2019, 2020, 2024, 2025, 2026, 2038].map((y) => easter(y));
    expect(western).toEqual([
      { year: 2019, month: 4, day: 21 },
      { year: 2020, month: 4, day: 12 },
      { year: 2024, month: 3, day: 31 },
      { year: 2025, month: 4, day: 20 },
      { year: 2026, month: 4, day: 5 },
      { year: 2038, month: 4, day: 25 },
    ]);
    expect(orthodoxEaster(2024)).toEqual({ year: 2024, month: 5, day: 5 });
    expect(orthodoxEaster(2025)).toEqual({ year: 2025, month: 4, day: 20 });
  });

  it('finds the nth and the last weekday of a month', () => {
    expect(nthWeekday(2025, 11, 4, 4)).toEqual({ year: 2025, month: 11, day: 27 }); // Thanksgiving
    expect(nthWeekday(2025, 5, 1, -1)).toEqual({ year: 2025, month: 5, day: 26 }); // Memorial Day
    expect(nthWeekday(2026, 8, 1, -1)).toEqual({ year: 2026, month: 8, day: 31 }); // UK summer bank holiday
  });
});

describe('holidays in text', () => {
  it('resolves US and UK holidays by their real rules, the next one ahead by default', () => {
    expect(day('Thanksgiving')).toBe('2025-11-27');
    expect(day('Memorial Day')).toBe('2025-05-26');
    expect(day('Labor Day')).toBe('2025-09-01');
    expect(day('the 4th of July')).toBe('2025-07-04');
    expect(day('MLK Day')).toBe('2026-01-19'); // 2025's (20 January) is past
    expect(day("Presidents' Day")).toBe('2025-02-17');
    expect(day("Mother's Day")).toBe('2025-05-11');
    expect(day('Fathers Day')).toBe('2025-06-15');
    expect(day('Good Friday')).toBe('2025-04-18');
    expect(day('Easter Monday')).toBe('2025-04-21');
    expect(day('Boxing Day')).toBe('2025-12-26');
    expect(day("New Year's Eve")).toBe('2025-12-31');
    expect(day("New Year's Day")).toBe('2026-01-01');
    expect(day("Valentine's Day")).toBe('2025-02-14');
    expect(day('Halloween')).toBe('2025-10-31');
    expect(day('spring bank holiday')).toBe('2025-05-26');
  });

  it('takes a year, "last", "of next year" and relative shifts', () => {
    expect(day('Thanksgiving 2024')).toBe('2024-11-28');
    expect(day('last Christmas')).toBe('2024-12-25');
    expect(day('Easter of next year')).toBe('2026-04-05');
    expect(day('Labor Day in 2 years')).toBe('2027-09-06');
    expect(day('Easter two thousand twenty six')).toBe('2026-04-05');
  });

  it('attaches times and parts of the day', () => {
    expect(first('Christmas Eve at 6pm')).toEqual(['Christmas Eve at 6pm', '2025-12-24T18:00', 'hour']);
    // The morning starts at 8 (docs/scheduling.md), not at midnight.
    expect(first('the morning of Thanksgiving')).toEqual(['the morning of Thanksgiving', '2025-11-27T08:00', 'hour']);
  });

  it('does not read ordinary words as holidays', () => {
    for (const text of ['I lent him my car', "my boss's calendar", 'palm trees', "Martin Luther King' day"])
      expect(parseTimeExpressions(text, { ref, tz })).toEqual([]);
  });
});

describe('dates anchored on another date', () => {
  it('moves by days and weeks, keeping a holiday without a year ahead', () => {
    expect(day('three days after Thanksgiving')).toBe('2025-11-30');
    expect(day('2 weeks before Christmas')).toBe('2025-12-11');
    expect(day('the day after Labor Day')).toBe('2025-09-02');
    expect(day('10 days after March 3')).toBe('2025-03-13');
    // Written on 27 December: the week after this Christmas is still ahead.
    expect(first('the week after Christmas', '2024-12-27T09:00:00-05:00')).toEqual([
      'the week after Christmas',
      '2024-12-30T00:00',
      'week',
    ]);
  });

  it('finds the nth weekday after or before a date', () => {
    expect(day('the Monday after Thanksgiving')).toBe('2025-12-01');
    expect(day('second Tuesday after Christmas 2025')).toBe('2026-01-06');
    expect(day('the Friday before Memorial Day')).toBe('2025-05-23');
  });

  it('reads "the week of" as the Monday-to-Sunday week, a Sunday starting the next one', () => {
    expect(first('the week of March 12')).toEqual(['the week of March 12', '2025-03-10T00:00', 'week']);
    expect(first('week of March 16')).toEqual(['week of March 16', '2025-03-17T00:00', 'week']); // a Sunday
    expect(first('the week of the 10th')).toEqual(['the week of the 10th', '2025-02-10T00:00', 'week']);
    expect(first('the week of Thanksgiving')).toEqual(['the week of Thanksgiving', '2025-11-24T00:00', 'week']);
  });
});

describe('numeric dates and years', () => {
  it('reads US month/day with a slash, and with a dash when alone or cued', () => {
    expect(day('3/14')).toBe('2025-03-14');
    expect(day('2-15')).toBe('2025-02-15');
    expect(day('can we do 4 / 2 at 3pm?')).toBe('2025-04-02');
    expect(day('due on 12-5')).toBe('2025-12-05');
    expect(day('on 1/15')).toBe('2026-01-15'); // past this year: the next one
    expect(first('2026-10')).toEqual(['2026-10', '2026-10-01T00:00', 'month']);
  });

  it('does not read counts, scores, ranges and phone numbers as dates', () => {
    for (const text of [
      'pages 2-15',
      'we need 3-4 people',
      'it ended 3-1',
      'ages 5-12',
      'call 555-1234',
      'at 650-650-6500',
      'version 1.2-3',
      'between 9-5',
    ])
      expect(parseTimeExpressions(text, { ref, tz }), text).toEqual([]);
  });

  it('reads four-digit years alone, after a cue, and as ranges, but not as amounts', () => {
    expect(first('1974')).toEqual(['1974', '1974-01-01T00:00', 'year']);
    expect(first('through 2030')?.slice(1)).toEqual(['2030-01-01T00:00', 'year']);
    expect(first('2019 - 2021')).toEqual(['2019 - 2021', '2019-01-01T00:00', 'year']);
    for (const text of ['Pay ABC 2000', 'I have 2000 emails', 'room 2012 is free'])
      expect(parseTimeExpressions(text, { ref, tz }), text).toEqual([]);
  });

  it('lets a weekday beside a date choose the year or month they agree in', () => {
    expect(day('Fri, Jul 18')).toBe('2025-07-18'); // a Friday in 2025
    expect(day('Fri, Jul 19')).toBe('2024-07-19'); // the nearest year where 19 July is a Friday
    expect(day('Thu 13th')).toBe('2025-02-13');
    expect(day('Wed 15th')).toBe('2025-10-15'); // the next month whose 15th is a Wednesday
  });
});
