import { describe, expect, it } from 'vitest';
import { parseTimeExpressions } from '../../src/scheduling/times.ts';

// Thursday 30 January 2025, 09:00 in New York.
const ref = '2025-01-30T09:00:00-05:00';
const tz = 'America/New_York';
const parse = (text: string, opts: { ref?: string; tz?: string } = {}) =>
  parseTimeExpressions(text, { ref: opts.ref ?? ref, tz: opts.tz ?? tz }).map((e) => [e.text, e.start, e.end, e.grain]);

describe('parseTimeExpressions', () => {
  it('splits alternatives and applies the shared part of the day to each', () => {
    expect(parse('Could we do Tue or Wed afternoon?')).toEqual([
      ['Tue', '2025-02-04T12:00:00-05:00', '2025-02-04T19:00:00-05:00', 'hour'],
      ['Wed afternoon', '2025-02-05T12:00:00-05:00', '2025-02-05T19:00:00-05:00', 'hour'],
    ]);
  });

  it('puts weekdays followed by "next week" into that week', () => {
    const found = parse('Mon or Tue next week works', { ref: '2025-01-27T09:00:00-05:00' });
    expect(found.map((f) => f[1])).toEqual(['2025-02-03T00:00:00-05:00', '2025-02-04T00:00:00-05:00']);
  });

  it('reads mail idioms: EOD, COB, first thing, sometime next week, in two weeks, end of the month', () => {
    expect(parse('EOD Friday')).toEqual([
      ['EOD Friday', '2025-01-31T17:00:00-05:00', '2025-02-01T00:00:00-05:00', 'hour'],
    ]);
    expect(parse('by COB tomorrow')).toEqual([
      ['by COB tomorrow', '2025-01-30T09:00:00-05:00', '2025-02-01T00:00:00-05:00', 'minute'],
    ]);
    expect(parse('first thing Monday')).toEqual([
      ['first thing Monday', '2025-02-03T08:00:00-05:00', '2025-02-03T10:00:00-05:00', 'hour'],
    ]);
    expect(parse('sometime next week')).toEqual([
      ['sometime next week', '2025-02-03T00:00:00-05:00', '2025-02-10T00:00:00-05:00', 'week'],
    ]);
    expect(parse('in two weeks')).toEqual([
      ['in two weeks', '2025-02-13T00:00:00-05:00', '2025-02-14T00:00:00-05:00', 'day'],
    ]);
    expect(parse('end of the month')).toEqual([
      ['end of the month', '2025-01-21T00:00:00-05:00', '2025-02-01T00:00:00-05:00', 'day'],
    ]);
  });

  it('reads a time in a zone named in the text and reports it in the writer zone', () => {
    expect(parse('3pm CET on Thursday')[0]?.slice(1, 3)).toEqual([
      '2025-01-30T09:00:00-05:00',
      '2025-01-30T10:00:00-05:00',
    ]);
    expect(parse('Monday at 10am PST')[0]?.[1]).toBe('2025-02-03T13:00:00-05:00');
    expect(parse('9:00 London time on Feb 4')[0]?.[1]).toBe('2025-02-04T04:00:00-05:00');
    const both = parseTimeExpressions('Tue 4 Feb, 15:00 CET / 09:00 ET', { ref, tz });
    expect(both.map((e) => e.start)).toEqual(['2025-02-04T09:00:00-05:00', '2025-02-04T09:00:00-05:00']);
    expect(both.map((e) => e.zone)).toEqual(['Europe/Berlin', 'America/New_York']);
  });

  it('reads a zone written before the clock ("UTC 15:00") as the zone, not as an offset of fifteen hours', () => {
    // The offset pattern's sign class once ran from "+" to "−" (U+2212), so it took a digit for a sign.
    const found = parseTimeExpressions('Could we meet Tuesday at UTC 15:00?', { ref, tz });
    expect(found.map((e) => [e.start, e.zone])).toEqual([['2025-02-04T10:00:00-05:00', 'UTC']]);
    expect(parseTimeExpressions('Deadline is 5pm GMT+1', { ref, tz })[0]?.zone).toBe('UTC+1');
    expect(parseTimeExpressions('Deadline is 5pm UTC−3', { ref, tz })[0]?.zone).toBe('UTC-3');
  });

  it('uses the zone of the date (daylight saving) rather than a fixed offset', () => {
    // 9am ET in July is EDT (UTC-4); in January it is EST (UTC-5).
    const july = parseTimeExpressions('July 10 at 9am ET', { ref: '2025-06-01T12:00:00Z', tz: 'UTC' })[0];
    const january = parseTimeExpressions('January 10 at 9am ET', { ref: '2024-12-01T12:00:00Z', tz: 'UTC' })[0];
    expect(july?.start).toBe('2025-07-10T13:00:00Z');
    expect(january?.start).toBe('2025-01-10T14:00:00Z');
  });

  it('keeps wall-clock times across a spring-forward night', () => {
    // Berlin moves from UTC+1 to UTC+2 on 30 March 2025.
    const found = parseTimeExpressions('tomorrow at 10am', {
      ref: '2025-03-29T12:00:00+01:00',
      tz: 'Europe/Berlin',
    })[0];
    expect(found?.start).toBe('2025-03-30T10:00:00+02:00');
    const day = parseTimeExpressions('tomorrow', { ref: '2025-03-29T12:00:00+01:00', tz: 'Europe/Berlin' })[0];
    expect([day?.start, day?.end]).toEqual(['2025-03-30T00:00:00+01:00', '2025-03-31T00:00:00+02:00']);
  });

  it('makes clock ranges one window', () => {
    expect(parse('Thursday 2-3pm')).toEqual([
      ['Thursday 2-3pm', '2025-01-30T14:00:00-05:00', '2025-01-30T15:00:00-05:00', 'hour'],
    ]);
    expect(parse('from 9:30 to 11 on Friday')[0]?.slice(1, 3)).toEqual([
      '2025-01-31T09:30:00-05:00',
      '2025-01-31T11:00:00-05:00',
    ]);
  });

  it('defaults to the offset of the reference when no zone is given', () => {
    const found = parseTimeExpressions('tomorrow at noon', { ref: '2025-01-30T09:00:00+05:30' })[0];
    expect(found?.start).toBe('2025-01-31T12:00:00+05:30');
  });

  it('finds nothing in text without times, phone numbers or bare numbers', () => {
    expect(parse('Please call me at 650-650-6500 about the 3 invoices.')).toEqual([]);
    expect(parse('Thanks, that is the one.')).toEqual([]);
  });

  it('reports offsets into the original text', () => {
    const text = 'Great news. Can we meet next Tuesday at 3pm?';
    const [found] = parseTimeExpressions(text, { ref, tz });
    expect(found && text.slice(found.index, found.index + found.text.length)).toBe(found?.text);
    expect(found?.start).toBe('2025-02-04T15:00:00-05:00');
  });

  it('rejects an invalid reference or zone', () => {
    expect(() => parseTimeExpressions('tomorrow', { ref: 'not a date' })).toThrow(RangeError);
    expect(() => parseTimeExpressions('tomorrow', { ref, tz: 'Mars/Olympus' })).toThrow(RangeError);
  });
});
