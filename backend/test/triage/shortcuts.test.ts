/**
 * Shortcuts of the local engine that must not change its output: each is checked against the long way
 * round on generated text made of the pieces that move sentence and paragraph boundaries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { separateLines, splitSentences } from '../../src/triage/features.ts';
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

describe('engine shortcuts', () => {
  it('firstSeparatedSentences equals separating the whole text', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(firstSeparatedSentences(t)).toEqual(splitSentences(separateLines(t), 15));
      }),
      { numRuns: 2000 },
    );
  });
});
