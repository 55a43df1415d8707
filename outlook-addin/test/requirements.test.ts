import { describe, expect, it } from 'vitest';
import { compareRequirementVersions, meetsMinimum } from '../src/mailbox/requirements.ts';

describe('requirement-set versions', () => {
  it('compares part by part as numbers, so 1.8 is below 1.13', () => {
    expect(compareRequirementVersions('1.8', '1.13')).toBeLessThan(0);
    expect(compareRequirementVersions('1.13', '1.8')).toBeGreaterThan(0);
    expect(meetsMinimum('1.13', '1.8')).toBe(true);
    expect(meetsMinimum('1.8', '1.13')).toBe(false);
  });

  it('treats missing parts as zero', () => {
    expect(compareRequirementVersions('1.1', '1.1.0')).toBe(0);
    expect(compareRequirementVersions('2', '1.99')).toBeGreaterThan(0);
    expect(meetsMinimum('1.10', '1.10')).toBe(true);
  });

  it('sorts a shuffled list of Mailbox versions in release order', () => {
    const versions = ['1.13', '1.2', '1.10', '1.1', '1.8', '1.9', '1.14', '1.5'];
    expect([...versions].sort(compareRequirementVersions)).toEqual([
      '1.1',
      '1.2',
      '1.5',
      '1.8',
      '1.9',
      '1.10',
      '1.13',
      '1.14',
    ]);
  });

  it('rejects text that is not a version', () => {
    expect(() => compareRequirementVersions('1.x', '1.1')).toThrow(RangeError);
    expect(() => compareRequirementVersions('', '1.1')).toThrow(RangeError);
  });
});
