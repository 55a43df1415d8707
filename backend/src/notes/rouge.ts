/**
 * ROUGE-N and ROUGE-L F1 (Lin, 2004), computed like Google's `rouge-score` package without stemming:
 * lower-case, every run of characters other than a-z and 0-9 is a separator, no stop-word removal.
 * ROUGE-L is the longest common subsequence over the whole text (rouge-score's `rougeL`, not `rougeLsum`).
 */
export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((token) => token !== '');
}

export function rougeN(candidate: string, reference: string, n: number): RougeScore {
  const candidateGrams = nGramCounts(rougeTokens(candidate), n);
  const referenceGrams = nGramCounts(rougeTokens(reference), n);
  let overlap = 0;
  for (const [gram, count] of candidateGrams) overlap += Math.min(count, referenceGrams.get(gram) ?? 0);
  return score(overlap, total(candidateGrams), total(referenceGrams));
}

export function rougeL(candidate: string, reference: string): RougeScore {
  const a = rougeTokens(candidate);
  const b = rougeTokens(reference);
  return score(longestCommonSubsequence(a, b), a.length, b.length);
}

function nGramCounts(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

function total(counts: Map<string, number>): number {
  let sum = 0;
  for (const count of counts.values()) sum += count;
  return sum;
}

function score(overlap: number, candidateTotal: number, referenceTotal: number): RougeScore {
  const precision = candidateTotal === 0 ? 0 : overlap / candidateTotal;
  const recall = referenceTotal === 0 ? 0 : overlap / referenceTotal;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Classic dynamic programme, two rows of memory. */
function longestCommonSubsequence(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? (previous[j - 1] ?? 0) + 1 : Math.max(previous[j] ?? 0, current[j - 1] ?? 0);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
