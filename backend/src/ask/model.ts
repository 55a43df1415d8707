import type { LanguageModel } from '../ai/port.ts';
import { sanitiseModelOutput, spotlight, UNTRUSTED_CONTENT_RULES } from '../ai/safety.ts';
import { contentTerms } from '../notes/text.ts';
import type { DraftAnswer } from './local.ts';
import { NOT_FOUND } from './local.ts';
import { fold, type Passage } from './passages.ts';

const SYSTEM = [
  'You answer a user’s question about their own email using only the numbered passages given.',
  'Answer in at most four short sentences. Every sentence must cite exactly one passage by its number and',
  'quote, verbatim, the words of that passage that support it. Say nothing a cited passage does not say.',
  'When the passages do not answer the question, return no sentences.',
  UNTRUSTED_CONTENT_RULES,
].join(' ');

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['sentences'],
  properties: {
    sentences: {
      type: 'array',
      maxItems: 6,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['text', 'source', 'quote'],
        properties: {
          text: { type: 'string', maxLength: 600 },
          source: { type: 'integer', minimum: 1, maximum: 20 },
          quote: { type: 'string', maxLength: 600 },
        },
      },
    },
  },
};

interface ModelSentence {
  text: string;
  source: number;
  quote: string;
}

/**
 * A sentence is supported when its quote is verbatim in the cited passage's message and the sentence's
 * facts come from that quote: every number in it is in the quote, and most of its content words are in the
 * quote or the question.
 */
export function supported(sentence: ModelSentence, passage: Passage | undefined, question: string): boolean {
  if (!passage) return false;
  const quote = fold(sentence.quote);
  const source = fold(`${passage.message.subject}\n${passage.message.body}`);
  if (quote.length < 3 || !source.includes(quote)) return false;
  for (const n of sentence.text.match(/\d[\d,.:]*/g) ?? []) if (!quote.includes(n.replace(/[.,:]$/, ''))) return false;
  const allowed = new Set([...contentTerms(sentence.quote), ...contentTerms(question)]);
  const terms = contentTerms(sentence.text);
  if (terms.length === 0) return false;
  return terms.filter((t) => allowed.has(t)).length / terms.length >= 0.6;
}

/**
 * The model engine: retrieval has chosen the passages; the model may only restate them. Each sentence is
 * checked against its citation and dropped when unsupported; links, addresses and numbers the sources do
 * not hold are removed by the safety pipeline. Returns undefined when nothing survives (the caller answers
 * locally).
 */
export async function answerWithModel(
  model: LanguageModel,
  question: string,
  passages: readonly Passage[],
  options: { userKey?: string; signal?: AbortSignal } = {},
): Promise<DraftAnswer | undefined> {
  if (passages.length === 0) return { answer: NOT_FOUND, cited: [], confidence: 0, found: false };
  const numbered = passages
    .map((p, i) =>
      spotlight(
        `passage ${i + 1}`,
        `From: ${p.message.senderName || p.message.sender}\nSubject: ${p.message.subject}\n${p.quote}`,
      ),
    )
    .join('\n\n');
  const response = await model.complete({
    purpose: 'draft',
    ...(options.userKey ? { userKey: options.userKey } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    system: SYSTEM,
    messages: [{ role: 'user', content: `Question: ${spotlight('question', question)}\n\nPassages:\n${numbered}` }],
    jsonSchema: { name: 'grounded_answer', schema: SCHEMA },
    maxTokens: 500,
    temperature: 0,
  });
  const sentences = ((response.json as { sentences?: ModelSentence[] } | undefined)?.sentences ?? []).slice(0, 6);
  const sources = passages.map((p) => `${p.message.subject}\n${p.message.body}`);
  const kept: { text: string; passage: Passage }[] = [];
  for (const s of sentences) {
    const passage = passages[s.source - 1];
    if (!passage || !supported(s, passage, question)) continue;
    const clean = sanitiseModelOutput(s.text, { allowedSources: sources });
    if (clean.removed.length > 0 || !clean.text.trim()) continue;
    kept.push({ text: clean.text.trim(), passage: { ...passage, quote: s.quote.trim() } });
  }
  if (kept.length === 0)
    return sentences.length === 0 ? { answer: NOT_FOUND, cited: [], confidence: 0.2, found: false } : undefined;
  const cited: Passage[] = [];
  const parts = kept.map((k) => {
    let n = cited.findIndex((c) => c.message.id === k.passage.message.id && c.quote === k.passage.quote);
    if (n < 0) n = cited.push(k.passage) - 1;
    return `${k.text} [${n + 1}]`;
  });
  const confidence = Math.min(1, 0.4 + (0.6 * kept.length) / Math.max(1, sentences.length));
  return { answer: parts.join(' '), cited, confidence: Number(confidence.toFixed(2)), found: true };
}
