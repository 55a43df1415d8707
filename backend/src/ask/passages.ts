import { sentencesOf } from '../drafting/asks.ts';
import { contentTerms } from '../notes/text.ts';
import type { IndexedMessage } from '../storage/mail-index.ts';

/** A sentence of an indexed message, verbatim, with the message it is from. */
export interface Passage {
  message: IndexedMessage;
  /** Verbatim text of the subject or body. */
  quote: string;
  score: number;
  /** Question terms this passage holds (its sentence or its message's subject). */
  matched: Set<string>;
  /** How many question terms the sentence itself holds. */
  inSentence: number;
}

const MAX_QUOTE = 400;

/** Whitespace folded and case ignored, for checking that a quote is in its message. */
export const fold = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** True when `quote` appears in the message's subject or body (whitespace and case aside). */
export function quotedIn(quote: string, message: Pick<IndexedMessage, 'subject' | 'body'>): boolean {
  const q = fold(quote);
  return q.length > 0 && (fold(message.body).includes(q) || fold(message.subject).includes(q));
}

/** Sentences as they stand in the body (whitespace folded), cut to a readable length at a word boundary. */
function sentencesIn(message: IndexedMessage): string[] {
  const out: string[] = [];
  for (const sentence of sentencesOf(message.body.slice(0, 20_000))) {
    if (sentence.length <= MAX_QUOTE) out.push(sentence);
    else
      out.push(
        sentence.slice(0, sentence.lastIndexOf(' ', MAX_QUOTE) > 0 ? sentence.lastIndexOf(' ', MAX_QUOTE) : MAX_QUOTE),
      );
    if (out.length >= 200) break;
  }
  return out;
}

/**
 * The best sentences for a question among the retrieved messages. A term counts by its rarity among the
 * retrieved messages (a word every hit has explains nothing); the message's own rank adds a little.
 */
export function bestPassages(question: string, messages: readonly IndexedMessage[], limit = 3): Passage[] {
  const terms = [...new Set(contentTerms(question))];
  if (terms.length === 0 || messages.length === 0) return [];
  const docs = messages.map((m) => new Set(contentTerms(`${m.subject} ${m.body.slice(0, 20_000)}`)));
  const weight = new Map(
    terms.map((t) => {
      const df = docs.filter((d) => d.has(t)).length;
      return [t, Math.log(1 + (messages.length + 1) / (df + 0.5))];
    }),
  );
  const candidates: Passage[] = [];
  messages.forEach((message, rank) => {
    const rankBonus = 1 / (rank + 2);
    const subjectTerms = new Set(contentTerms(message.subject));
    for (const sentence of sentencesIn(message)) {
      const sentenceTerms = new Set(contentTerms(sentence));
      const matched = new Set(terms.filter((t) => sentenceTerms.has(t) || subjectTerms.has(t)));
      const inSentence = terms.filter((t) => sentenceTerms.has(t));
      if (inSentence.length === 0) continue;
      let score = rankBonus;
      for (const t of matched) score += (weight.get(t) ?? 0) * (sentenceTerms.has(t) ? 1 : 0.4);
      // Answers carry facts: a number, a date, a money amount.
      if (/\d/.test(sentence)) score += 0.3;
      candidates.push({ message, quote: sentence, score, matched, inSentence: inSentence.length });
    }
  });
  candidates.sort((a, b) => b.score - a.score);
  const chosen: Passage[] = [];
  const perMessage = new Map<string, number>();
  for (const c of candidates) {
    if ((perMessage.get(c.message.id) ?? 0) >= 2) continue;
    if (chosen.some((p) => p.quote === c.quote)) continue;
    chosen.push(c);
    perMessage.set(c.message.id, (perMessage.get(c.message.id) ?? 0) + 1);
    if (chosen.length >= limit) break;
  }
  return chosen;
}

/** Share of the question's terms the passages hold, weighted by nothing: 0..1. */
export function coverage(question: string, passages: readonly Passage[]): number {
  const terms = [...new Set(contentTerms(question))];
  if (terms.length === 0) return 0;
  const held = new Set<string>();
  for (const p of passages) for (const t of p.matched) held.add(t);
  return held.size / terms.length;
}
