import { describe, expect, it } from 'vitest';
import { minutesText, textBar } from '../src/core/stats.ts';

describe('text bars', () => {
  it('are proportional, at least one block for any mail, none for none', () => {
    expect(textBar(10, 10)).toBe('████████████');
    expect(textBar(5, 10)).toBe('██████');
    expect(textBar(1, 1000)).toBe('█');
    expect(textBar(0, 10)).toBe('');
  });
  it('reply times read as minutes, hours or days', () => {
    expect(minutesText(null)).toBe('no replies yet');
    expect(minutesText(42)).toBe('42 min');
    expect(minutesText(120)).toBe('2 h');
    expect(minutesText(4 * 1440)).toBe('4 days');
  });
});
