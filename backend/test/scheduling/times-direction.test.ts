import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimeExpressions, type TimeExpression } from '../../src/scheduling/times.ts';

const day = (e: TimeExpression | undefined) => e?.start.slice(0, 10);
const month = (e: TimeExpression | undefined) => e?.start.slice(0, 7);
const year = (e: TimeExpression | undefined) => e?.start.slice(0, 4);
const find = (text: string, ref: string, words: string) =>
  parseTimeExpressions(text, { ref }).find((e) => e.text.toLowerCase().includes(words.toLowerCase()));

describe('direction from tense and context', () => {
  it('reads a weekday in reported speech as the one just gone, or the same day', () => {
    // Friday 21 August 1998.
    const ref = '1998-08-21T12:00:00-04:00';
    const said = find('Louis Freeh said here Friday that the bureau would cooperate.', ref, 'Friday');
    expect(day(said)).toBe('1998-08-21');
    expect(said).toMatchObject({ direction: 'past', cue: 'said' });
    // Friday 6 February 1998: "made Friday and Thursday" are that day and the day before.
    const both = parseTimeExpressions('The statements made Friday and Thursday were withdrawn.', {
      ref: '1998-02-06T12:00:00-05:00',
    });
    expect(both.map(day)).toEqual(['1998-02-06', '1998-02-05']);
    expect(
      day(find('But it was not until Tuesday that Castro revealed the plan.', '2000-03-28T12:00:00Z', 'Tuesday')),
    ).toBe('2000-03-28');
  });

  it('reads the future, modals, imperatives and asks to meet forward', () => {
    const ref = '2001-07-11T12:00:00-04:00'; // a Wednesday
    expect(day(find('The senator said the committee will vote on Monday.', ref, 'Monday'))).toBe('2001-07-16');
    expect(day(find('The senator said on Monday that the bill would pass.', ref, 'Monday'))).toBe('2001-07-09');
    expect(day(find('Officials said the plant would reopen on Monday.', ref, 'Monday'))).toBe('2001-07-16');
    expect(day(find('Please send it by Friday.', ref, 'Friday'))).toBe('2001-07-13');
    const ask = find('Can we meet Wednesday?', ref, 'Wednesday');
    expect(day(ask)).toBe('2001-07-18');
    expect(ask).toMatchObject({ direction: 'future', cue: 'ask to meet' });
    // "As I said," speaks for its own clause; the proposal is ahead.
    expect(day(find('As I said, Thursday at 3pm works for me.', ref, 'Thursday'))).toBe('2001-07-12');
    // A weekday in the present on that very day is that day.
    expect(day(find('This staff meeting is Wednesday at 9:30.', ref, 'Wednesday'))).toBe('2001-07-11');
  });

  it('reads what an infinitive names forward, even after a past verb', () => {
    const ref = '2026-03-03T10:00:00Z'; // a Tuesday
    expect(day(find('We agreed to launch on April 28 without the export feature.', ref, 'April 28'))).toBe(
      '2026-04-28',
    );
    expect(day(find('She asked me to send it by Friday.', ref, 'Friday'))).toBe('2026-03-06');
    // The past verb still speaks for a time before the infinitive, and "to lunch" is no infinitive.
    expect(day(find('We agreed on Monday to launch next week.', ref, 'Monday'))).toBe('2026-03-02');
    expect(day(find('He went to lunch on Monday.', ref, 'Monday'))).toBe('2026-03-02');
  });

  it('never makes a range whose end comes before its start', () => {
    const [e] = parseTimeExpressions('6/20 - Friday', { ref: '2025-01-30T09:00:00-05:00' });
    expect(Date.parse(e!.end)).toBeGreaterThan(Date.parse(e!.start));
  });

  it('puts months and dates without a year where the sentence points', () => {
    expect(
      month(find("Roth's attorney denied in August that his client had been paid.", '2013-03-15T12:00:00Z', 'August')),
    ).toBe('2012-08');
    expect(month(find('In January, American Medical brought in a new chief.', '1989-10-20T12:00:00Z', 'January'))).toBe(
      '1989-01',
    );
    expect(month(find('It plans to open the new plant in October.', '2004-12-01T12:00:00Z', 'October'))).toBe(
      '2005-10',
    );
    expect(day(find('The minister resigned on May 2 after the vote.', '2007-05-09T12:00:00Z', 'May 2'))).toBe(
      '2007-05-02',
    );
    expect(day(find('Elections are scheduled for June 24.', '2007-05-09T12:00:00Z', 'June 24'))).toBe('2007-06-24');
    // With nothing in the sentence to go by, the nearest: a hearing three weeks ago, not next year's.
    expect(day(find('I now have the transcript from the hearing of May 18.', '2001-06-06T12:00:00Z', 'May 18'))).toBe(
      '2001-05-18',
    );
    expect(month(find('There were tax provisions in the bill last August.', '2001-10-31T12:00:00Z', 'August'))).toBe(
      '2001-08',
    );
  });

  it('keeps the forward reading for a phrase with no verb, as an assistant query means', () => {
    const e = find('monday', '2013-02-12T04:30:00-02:00', 'monday');
    expect(day(e)).toBe('2013-02-18');
    expect(e).toMatchObject({ direction: 'forward', cue: 'no verb' });
  });
});

describe('no false times', () => {
  const ref = '2001-06-15T12:00:00-05:00';
  it.each([
    'He will remain at $1 a share.',
    'We paid 4.29 for the coffee.',
    'Please upgrade to version 4.29 of the client.',
    'Release 2.10 fixes the bug we saw in 2.9.',
    'Can you book a table for two?',
    'Howes was 37 years old when he was kidnapped.',
    'I need a second opinion on this contract.',
    'This is a second betrayal of our trust.',
    'Wait a minute, that is not what we agreed.',
    'We ordered lunch for the team.',
    'Good morning, everyone.',
    'Call me at 713-853-0596 or at extension 3-5419.',
    'The board approved the merger by a vote of 5 to 4.',
    'The House passed the bill on a 240-189 vote.',
    'The total ride distance will be about 7 miles.',
    'The Travis Cafe is located at 208 Travis Street.',
    'Send it to IMCEANOTES-+22Tim+20+3Cnospam+40tim+2Ecom+3E@ENRON.com please.',
    'He practised medicine for 38 years in Alabama.',
    'Ricardo Charvel 03/12/2001 01:00 PM To: Steven J Kean/NA/Enron@Enron cc:',
    'Sent: Monday, March 5, 2001 10:00 AM',
    'Now that he is a director, we can amend his visa.',
  ])('%s', (text) => {
    expect(parseTimeExpressions(text, { ref }).filter((e) => !/^now$/i.test(e.text))).toEqual([]);
  });

  it('reads years written out, used as modifiers, and after "by"', () => {
    expect(year(find('In nineteen ninety-one Charles Keating was convicted.', '1995-01-01T00:00:00Z', 'ninety'))).toBe(
      '1991',
    );
    expect(year(find('A 1996 law named for him requires registration.', '1998-03-10T00:00:00Z', '1996'))).toBe('1996');
    expect(year(find('Fiscal 2002 revenue was restated.', '2015-07-01T00:00:00Z', '2002'))).toBe('2002');
    const by = find('The company is on track to hit 400 million users by 2030.', '2014-06-10T12:00:00Z', '2030');
    expect(by).toMatchObject({ grain: 'year' });
    expect(year(by)).toBe('2030');
    expect(find('a 2000 MW plant', '2014-06-10T12:00:00Z', '2000')).toBeUndefined();
  });
});

describe('times stated once apply to every alternative', () => {
  it('reads "Tue or Wed afternoon, 3pm ET" as 15:00 Eastern on both days', () => {
    const found = parseTimeExpressions('Can we meet Tue or Wed afternoon, 3pm ET?', {
      ref: '2026-03-02T09:00:00Z',
      tz: 'Europe/Berlin',
    });
    expect(found.map((e) => e.start)).toEqual(['2026-03-03T21:00:00+01:00', '2026-03-04T21:00:00+01:00']);
  });

  it('starts the morning at 8, not at midnight', () => {
    const [morning] = parseTimeExpressions('Let us talk tomorrow morning.', { ref: '2026-03-02T09:00:00Z', tz: 'UTC' });
    expect([morning?.start, morning?.end]).toEqual(['2026-03-03T08:00:00Z', '2026-03-03T12:00:00Z']);
  });
});

describe('robustness', () => {
  it('never throws and returns ordered expressions that point into the text', () => {
    const words = fc.constantFrom(
      'Friday',
      'at',
      '3pm',
      'last',
      'next week',
      'said',
      'will',
      '$4.29',
      '2030',
      'by',
      '6/20',
      ',',
      '.',
      '\n',
      'on',
      'the 15th',
      'ago',
      'two',
      'days',
      'ET',
      'morning',
      'May',
      '@',
      '-',
    );
    fc.assert(
      fc.property(fc.array(words, { maxLength: 40 }), fc.string({ maxLength: 30 }), (parts, noise) => {
        const text = `${parts.join(' ')} ${noise}`;
        const found = parseTimeExpressions(text, { ref: '2025-01-30T09:00:00-05:00' });
        for (const [i, e] of found.entries()) {
          expect(text.slice(e.index, e.index + e.text.length)).toBe(e.text);
          expect(Date.parse(e.end)).toBeGreaterThanOrEqual(Date.parse(e.start));
          if (i > 0) expect(e.index).toBeGreaterThanOrEqual(found[i - 1]!.index);
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });
});
