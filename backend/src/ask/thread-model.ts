import type { SummaryPoint, ThreadSummary } from '@steward/shared';
import type { LanguageModel } from '../ai/port.ts';
import { sanitiseModelOutput, spotlight, UNTRUSTED_CONTENT_RULES } from '../ai/safety.ts';
import type { IndexedMessage } from '../storage/mail-index.ts';
import { fold } from './passages.ts';

const SYSTEM = [
  'You summarise an email thread for its reader. List who wants what (requests), decisions, and open',
  'questions. Every point names the message it comes from by number and quotes, verbatim, the words of that',
  'message it rests on. Write each point as one short sentence and add nothing the quoted words do not say.',
  UNTRUSTED_CONTENT_RULES,
].join(' ');

const POINT = {
  type: 'object',
  additionalProperties: false,
  required: ['text', 'source', 'quote'],
  properties: {
    text: { type: 'string', maxLength: 300 },
    source: { type: 'integer', minimum: 1, maximum: 200 },
    quote: { type: 'string', maxLength: 400 },
  },
};
const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['requests', 'decisions', 'openQuestions'],
  properties: {
    requests: { type: 'array', maxItems: 10, items: POINT },
    decisions: { type: 'array', maxItems: 10, items: POINT },
    openQuestions: { type: 'array', maxItems: 10, items: POINT },
  },
};

interface ModelPoint {
  text: string;
  source: number;
  quote: string;
}

/**
 * The model thread summary: each point must quote its message verbatim, or it is dropped; the safety
 * pipeline removes links, addresses and numbers the thread does not hold. Undefined when nothing survives.
 */
export async function summariseThreadWithModel(
  model: LanguageModel,
  threadId: string,
  messages: readonly IndexedMessage[],
  options: { userKey?: string; signal?: AbortSignal } = {},
): Promise<ThreadSummary | undefined> {
  const recent = messages.slice(-20);
  const content = recent
    .map((m, i) =>
      spotlight(
        `message ${i + 1}`,
        `From: ${m.senderName || m.sender}\nSubject: ${m.subject}\n${m.body.slice(0, 6000)}`,
      ),
    )
    .join('\n\n');
  const response = await model.complete({
    purpose: 'notes',
    ...(options.userKey ? { userKey: options.userKey } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    system: SYSTEM,
    messages: [{ role: 'user', content }],
    jsonSchema: { name: 'thread_summary', schema: SCHEMA },
    maxTokens: 900,
    temperature: 0,
  });
  const json = response.json as Record<'requests' | 'decisions' | 'openQuestions', ModelPoint[]> | undefined;
  if (!json) return undefined;
  const sources = recent.map((m) => `${m.subject}\n${m.body}`);
  const check = (points: ModelPoint[] | undefined): SummaryPoint[] =>
    (points ?? []).flatMap((p) => {
      const m = recent[p.source - 1];
      if (!m || fold(p.quote).length < 3 || !fold(`${m.subject}\n${m.body}`).includes(fold(p.quote))) return [];
      const clean = sanitiseModelOutput(p.text, { allowedSources: sources });
      if (clean.removed.length > 0 || !clean.text.trim()) return [];
      return [
        { text: clean.text.trim(), who: m.senderName || m.sender, messageId: m.messageId, quote: p.quote.trim() },
      ];
    });
  const summary: ThreadSummary = {
    threadId,
    subject: messages[0]?.subject ?? '',
    messages: messages.length,
    participants: [...new Set(messages.map((m) => m.senderName || m.sender))],
    requests: check(json.requests),
    decisions: check(json.decisions),
    openQuestions: check(json.openQuestions),
    engine: 'openai',
  };
  return summary.requests.length + summary.decisions.length + summary.openQuestions.length > 0 ? summary : undefined;
}
