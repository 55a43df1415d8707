import { describe, expect, it } from 'vitest';
import { rougeL, rougeN, rougeTokens } from '../../src/notes/rouge.ts';

describe('ROUGE', () => {
  it('tokenises like rouge-score: lower case, non-alphanumerics split', () => {
    expect(rougeTokens("The Bayes-net's 3 nodes!")).toEqual(['the', 'bayes', 'net', 's', '3', 'nodes']);
  });

  it('computes ROUGE-1, ROUGE-2 and ROUGE-L F1 on a worked example', () => {
    const candidate = 'the cat sat on the mat';
    const reference = 'the cat was on the mat';
    expect(rougeN(candidate, reference, 1).f1).toBeCloseTo(5 / 6, 10);
    expect(rougeN(candidate, reference, 2).f1).toBeCloseTo(3 / 5, 10);
    expect(rougeL(candidate, reference).f1).toBeCloseTo(5 / 6, 10);
  });

  it('clips repeated words to the reference count and separates precision from recall', () => {
    const score = rougeN('the the the', 'the cat', 1);
    expect(score.precision).toBeCloseTo(1 / 3, 10);
    expect(score.recall).toBeCloseTo(1 / 2, 10);
  });

  it('scores identical texts 1 and empty ones 0', () => {
    expect(rougeL('a b c', 'a b c').f1).toBe(1);
    expect(rougeN('', 'a b', 1).f1).toBe(0);
  });
});
