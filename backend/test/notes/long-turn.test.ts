import { describe, expect, it } from 'vitest';
import { notesFromRequest } from '../../src/notes/local.ts';
import { splitSentences } from '../../src/notes/text.ts';

describe('very long speaker turns', () => {
  it('splits a 1.8 MB monologue into its sentences without stalling', () => {
    const text = Array.from({ length: 60_000 }, (_, i) => `We should ship item ${i} soon.`).join(' ');
    const sentences = splitSentences(text);
    expect(sentences).toHaveLength(60_000);
    expect(sentences[59_999]).toBe('We should ship item 59999 soon.');
  });

  it('still makes notes from an unpunctuated machine transcript', () => {
    const transcript = `Dana: ${Array.from({ length: 40_000 }, (_, i) => `word${i % 50}`).join(' ')}`;
    const result = notesFromRequest({ transcript, format: 'txt' });
    expect(result.ok).toBe(true);
  });
});
