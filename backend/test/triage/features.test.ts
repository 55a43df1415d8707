import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseMessage } from '../../src/mail/normalise.ts';
import {
  extractMarketing,
  extractMeeting,
  extractSentence,
  HashSink,
  hashFeature,
  NameSink,
  replyCues,
  separateLines,
  tokenize,
} from '../../src/triage/features.ts';
import {
  calibrate,
  fitIsotonic,
  probability,
  probabilityOfSink,
  trainLogistic,
} from '../../src/triage/linear-model.ts';
import { triageLocal } from '../../src/triage/local.ts';

/** The distinct hashes of a name list, in first-seen order: what the engine scored before HashSink. */
function hashesOfNames(names: readonly string[]): number[] {
  return [...new Set(names.map(hashFeature))];
}

function hashesOfSink(sink: HashSink): number[] {
  return Array.from(sink.hashes.subarray(0, sink.length));
}

const texty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .array(
      fc.constantFrom(
        'Meet',
        'me',
        'at',
        '10:30',
        'AM',
        'İstanbul',
        'ΟΔΟΣ',
        'don’t',
        "it's",
        '?',
        '!',
        '$5',
        '€',
        '😀',
        '𝒜bc',
        '\uD800',
        '\n\n',
        ' ',
        '-',
        '3rd',
        'Ǆ',
        'ß',
      ),
      { maxLength: 80 },
    )
    .map((parts) => parts.join(' ')),
);

describe('hashed features', () => {
  it('HashSink gives exactly the hashes of the NameSink feature names (property)', () => {
    fc.assert(
      fc.property(texty, fc.integer({ min: 0, max: 120 }), fc.boolean(), (text, maxTokens, bigrams) => {
        const names = new NameSink();
        const hashes = new HashSink();
        names.words(text, 'w:', maxTokens, bigrams);
        hashes.words(text, 'w:', maxTokens, bigrams);
        expect(hashesOfSink(hashes)).toEqual(hashesOfNames(names.names));
      }),
      { numRuns: 400 },
    );
  });

  it('tokenizes like the documented regex: lower case, digits as 0, curly apostrophes straightened', () => {
    expect(tokenize('Meet at 10:30? Don’t be LATE! $5 İ')).toEqual([
      'meet',
      'at',
      '00',
      '00',
      '?',
      "don't",
      'be',
      'late',
      '!',
      '$',
      '0',
      'i̇',
    ]);
  });

  it('gives the same features for whole messages through both sinks, and the same probability', async () => {
    const msg = await normaliseMessage({
      id: 'm',
      raw: 'From: Ann <ann@example.com>\r\nTo: sam@example.org\r\nSubject: Can we meet Tuesday at 3pm?\r\n\r\nHi Sam,\r\n\r\nAre you available on Tuesday at 3pm in room 3AC? Call 713-555-1234.\r\n\r\nThanks,\r\nAnn\r\n',
    });
    for (const extract of [
      (s: NameSink | HashSink) => extractMarketing(msg, s),
      (s: NameSink | HashSink) => extractMeeting(msg, 0.7, s),
      (s: NameSink | HashSink) => extractSentence(msg.newText, s),
    ]) {
      const names = new NameSink();
      const hashes = new HashSink();
      extract(names);
      extract(hashes);
      expect(hashesOfSink(hashes)).toEqual(hashesOfNames(names.names));
      const model = trainLogistic(
        [
          { features: names.names, label: 1 },
          { features: ['x'], label: 0 },
        ],
        { buckets: 1 << 12, epochs: 2, learningRate: 0.1, l2: 0, seed: 1 },
      );
      expect(probabilityOfSink(model, hashes)).toBeCloseTo(probability(model, names.names), 6);
    }
  });

  it('HashSink counts a feature once and keeps working past its initial table size', () => {
    const sink = new HashSink();
    for (let i = 0; i < 20_000; i++) sink.add(`f${i % 9000}`);
    expect(sink.length).toBe(9000);
    sink.reset();
    sink.add('a');
    sink.add('a');
    expect(sink.length).toBe(1);
  });
});

describe('separateLines', () => {
  it('keeps wrapped lines together and separates lines broken on purpose', () => {
    const wrapped = 'Could you send me the signed contract and the two annexes before the\nboard meets on Thursday?';
    expect(separateLines(wrapped)).toBe(wrapped);
    // The next word would have fit on the line: the writer broke it there.
    expect(separateLines('Heading of a notice\nQ3 plan\nCan you check section 3?')).toBe(
      'Heading of a notice\n\nQ3 plan\n\nCan you check section 3?',
    );
    // Lower case goes on with the sentence, however short the line.
    expect(separateLines('Short line\ngoes on here')).toBe('Short line\ngoes on here');
  });
});

describe('isotonic calibration', () => {
  it('is monotone, stays inside (0, 1) and interpolates between steps', () => {
    const scores = [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 4];
    const labels = [0, 0, 1, 0, 0, 1, 1, 0, 1, 1] as const;
    const iso = fitIsotonic(scores, [...labels]);
    for (let i = 1; i < iso.y.length; i++) expect(iso.y[i]!).toBeGreaterThan(iso.y[i - 1]!);
    const model = { platt: { a: 1, b: 0 }, isotonic: iso };
    let previous = 0;
    for (let s = -5; s <= 5; s += 0.25) {
      const p = calibrate(model, s);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
      expect(p).toBeGreaterThanOrEqual(previous);
      previous = p;
    }
    expect(calibrate({ platt: { a: 2, b: 1 } }, 0.5)).toBeCloseTo(1 / (1 + Math.exp(-2)), 10);
  });
});

describe('meetingRequest', () => {
  it('flags a request to meet at a time', async () => {
    const msg = await normaliseMessage({
      id: 'meet',
      from: 'Ann Lee <ann@example.com>',
      to: ['sam@example.org'],
      subject: 'Meeting on Thursday',
      text: 'Sam,\n\nCan we meet Thursday at 2:00 pm in my office to go over the schedule? If that does not work, please call me at 713-555-0101.\n\nAnn',
    });
    expect(triageLocal(msg, { me: ['sam@example.org'] }).meetingRequest).toBe(true);
  });

  it('does not flag bare notes given without headers, nor mail the user sent', async () => {
    for (let i = 0; i < 5; i++) {
      const note = await normaliseMessage({ id: `n${i}`, text: `Note ${i}: the report is attached.` });
      expect(triageLocal(note, { me: [] }).meetingRequest).toBe(false);
    }
    const mine = await normaliseMessage({
      id: 'mine',
      from: 'sam@example.org',
      to: ['ann@example.com'],
      subject: 'Lunch tomorrow at noon?',
      text: 'Can we meet for lunch tomorrow at 12:00 pm?',
    });
    expect(triageLocal(mine, { me: ['sam@example.org'] }).meetingRequest).toBe(false);
  });
});

describe('replyCues', () => {
  const cuesOf = async (text: string) =>
    replyCues(await normaliseMessage({ id: 'c', from: 'pat@example.net', subject: 'Printer', text }), text);

  it('finds a question put to whoever reads, also across wrapped lines, but not a condition about anyone', async () => {
    for (const text of [
      'Since the upgrade the printer prints blank pages. Has anyone seen this before?',
      'I tried two drivers already. Is there a way to make it print in\ngreyscale by default?',
      'How do I get the old driver back?',
      'Any ideas?',
      'Any help or a pointer to the manual would be appreciated.',
    ]) {
      expect((await cuesOf(text)).askAnyone, text).toBe(true);
    }
    for (const text of [
      'If anyone needs the slides, they are on the shared drive.',
      'Someone left a blue umbrella in the kitchen. It is by the door now.',
      'Can you send me the slides?',
    ]) {
      expect((await cuesOf(text)).askAnyone, text).toBe(false);
    }
  });

  it('marks any question, and an event announced to its audience', async () => {
    expect((await cuesOf('How do we get the figures to the auditors in time?')).question).toBe(true);
    expect((await cuesOf('The figures go to the auditors on Friday.')).question).toBe(false);
    for (const text of [
      'The annual charity run will be held on Saturday, May 4.',
      'The town hall is scheduled for Thursday at 10 am. Please RSVP to Lee.',
      'Seats are few, so register early on the events page.',
    ]) {
      expect((await cuesOf(text)).event, text).toBe(true);
    }
    expect((await cuesOf('Please send me the minutes of the town hall.')).event).toBe(false);
  });
});
