/**
 * Shortcuts of the local engine that must not change its output: each is checked against the long way
 * round on generated text made of the pieces that move sentence and paragraph boundaries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NormalisedMessage } from '../../src/mail/types.ts';
import {
  extractMarketing,
  extractMeeting,
  HashSink,
  separateLines,
  separatesLines,
  splitSentences,
  TokenRecord,
} from '../../src/triage/features.ts';
import { firstSeparatedSentences } from '../../src/triage/local.ts';

const PIECES = [
  'Can we meet',
  'tomorrow',
  'next',
  'week',
  'at 10:30',
  '3pm',
  'Jan 4',
  'the report is attached',
  'Please call me',
  'Thanks',
  'Q3 plan',
  'are you free',
  'meetings',
  'schedule',
  '?',
  '.',
  '!',
  ' ',
  ' ',
  '  ',
  '\n',
  '\n',
  '\n\n',
  '\n \n',
  '\t',
  '- ',
  '* ',
  '• ',
  'A',
  'x'.repeat(390),
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 120 }).map((parts) => parts.join(''));

/** splitSentences as its documentation defines it, by regular expressions. */
function splitSentencesByPatterns(t: string, maxSentences = 40): string[] {
  const sentences: string[] = [];
  for (const paragraph of t.split(/\n\s*\n|\n(?=\s*[-*•]\s)/)) {
    const flat = paragraph.replace(/\s+/g, ' ').trim();
    if (!flat) continue;
    for (const piece of flat.split(/(?<=[.!?])\s+(?=[\p{Lu}\d"(])/u)) {
      const sentence = piece.trim();
      if (sentence.length >= 2) sentences.push(sentence.slice(0, 400));
      if (sentences.length >= maxSentences) return sentences;
    }
  }
  return sentences;
}

describe('engine shortcuts', () => {
  it('splitSentences equals its definition by regular expressions', () => {
    const characters = fc.constantFrom(
      ...PIECES,
      '\r\n',
      '\u00a0',
      '\u2028',
      '\u3000',
      '\v',
      'É',
      'é',
      '𝐀',
      '😀',
      '\ud835',
      '"',
      '(',
      '7',
      'Ab',
      '-',
      '•',
    );
    fc.assert(
      fc.property(fc.array(characters, { maxLength: 150 }), fc.integer({ min: 1, max: 40 }), (parts, max) => {
        const t = parts.join('');
        expect(splitSentences(t, max)).toEqual(splitSentencesByPatterns(t, max));
      }),
      { numRuns: 3000 },
    );
  });

  it('firstSeparatedSentences equals separating the whole text', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(firstSeparatedSentences(t)).toEqual(splitSentences(separateLines(t), 15));
      }),
      { numRuns: 2000 },
    );
  });

  it('a text whose lines separateLines does not separate keeps its sentences', () => {
    fc.assert(
      fc.property(text, (t) => {
        if (!separatesLines(t)) expect(splitSentences(separateLines(t), 15)).toEqual(splitSentences(t, 15));
        else expect(separateLines(t)).not.toEqual(t);
      }),
      { numRuns: 3000 },
    );
  });

  it('meeting features from the marketing pass’s tokens equal scanning the text again', () => {
    const words = fc.constantFrom(
      'a',
      'Meet',
      'tomorrow',
      'naïve',
      'x'.repeat(97),
      '😀',
      'é',
      "it's",
      '10:30',
      '$',
      '?',
    );
    const separators = fc.constantFrom(' ', '\n', '\n\n', '. ', '-', '');
    const body = fc
      .array(fc.tuple(words, separators), { maxLength: 900 })
      .map((parts) => parts.map(([w, s]) => w + s).join(''));
    fc.assert(
      fc.property(body, fc.nat(), fc.string({ maxLength: 40 }), fc.boolean(), (text, cut, subject, blank) => {
        const newText = blank ? '  ' : text.slice(0, cut % (text.length + 1));
        const msg = {
          id: 'm',
          to: [],
          cc: [],
          replyTo: [],
          subject,
          text,
          newText,
          quoted: '',
          signature: '',
          headers: {},
          signals: { references: [] },
          attachments: [],
          truncated: false,
        } as unknown as NormalisedMessage;
        const record = new TokenRecord();
        extractMarketing(msg, new HashSink(), record);
        const reused = new HashSink();
        extractMeeting(msg, 0.4, reused, record);
        const scanned = new HashSink();
        extractMeeting(msg, 0.4, scanned);
        expect(Array.from(reused.hashes.slice(0, reused.length))).toEqual(
          Array.from(scanned.hashes.slice(0, scanned.length)),
        );
      }),
      { numRuns: 400 },
    );
  });
});
