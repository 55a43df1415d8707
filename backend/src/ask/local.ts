import { contentTerms } from '../notes/text.ts';
import { coverage, type Passage } from './passages.ts';

export interface DraftAnswer {
  answer: string;
  /** The passages the answer quotes, in the order cited. */
  cited: Passage[];
  confidence: number;
  found: boolean;
}

export const NOT_FOUND = 'I could not find this in your indexed mail.';

/** At or below this share of the question's words held by the passages, the answer is "not found". */
export const MIN_COVERAGE = 0.5;

const who = (p: Passage) => p.message.senderName || p.message.sender || 'Unknown sender';
const when = (p: Passage) => (p.message.sentAt ? p.message.sentAt.toISOString().slice(0, 10) : 'undated');

/**
 * The local engine: no model, only the mail's own words. The best passages are quoted, each numbered to
 * its citation; nothing is said that a passage does not say.
 */
export function answerLocally(question: string, passages: readonly Passage[]): DraftAnswer {
  const share = coverage(question, passages);
  // The best sentence itself must hold two of the question's words (one, for a one-word question).
  const asked = new Set(contentTerms(question)).size;
  const strong = passages.some((p) => p.inSentence >= Math.min(2, asked));
  if (passages.length === 0 || share <= MIN_COVERAGE || !strong) {
    return { answer: NOT_FOUND, cited: [], confidence: passages.length === 0 ? 0 : share / 2, found: false };
  }
  const lines = passages.map((p, i) => `[${i + 1}] ${who(p)} (${when(p)}): “${p.quote}”`);
  const top = passages[0]!;
  const margin = passages.length > 1 ? Math.min(1, (top.score - passages[1]!.score) / Math.max(top.score, 1e-9)) : 1;
  const confidence = Math.max(0, Math.min(1, 0.25 + 0.55 * share + 0.2 * margin));
  return { answer: lines.join('\n'), cited: [...passages], confidence: Number(confidence.toFixed(2)), found: true };
}
