import type { AskResponse, Citation, Settings } from '@steward/shared';
import type { Embedder } from '../ai/embeddings.ts';
import type { LanguageModel } from '../ai/port.ts';
import { mayShareWithModel } from '../ai/privacy.ts';
import type { IndexedMessage, MailIndexStore } from '../storage/mail-index.ts';
import { answerLocally, type DraftAnswer } from './local.ts';
import { answerWithModel } from './model.ts';
import { bestPassages, type Passage } from './passages.ts';
import { parseQuestion } from './query.ts';
import { retrieve } from './retrieve.ts';

export interface AskDeps {
  store: MailIndexStore;
  settings: Settings;
  model?: LanguageModel;
  embedder?: Embedder;
  /** The provider of each mailbox, for links that open a message. */
  providers?: Map<string, 'gmail' | 'graph'>;
  userKey?: string;
  now?: Date;
  signal?: AbortSignal;
}

/** A link that opens the message in its mail client, when the message came from a connected mailbox. */
export function webLinkOf(message: IndexedMessage, provider: 'gmail' | 'graph' | undefined): string | undefined {
  if (provider === 'gmail' && message.threadId)
    return `https://mail.google.com/mail/u/0/#all/${encodeURIComponent(message.threadId)}`;
  if (provider === 'graph')
    return `https://outlook.office.com/mail/deeplink/read/${encodeURIComponent(message.messageId)}`;
  return undefined;
}

export function citationOf(passage: Passage, providers?: Map<string, 'gmail' | 'graph'>): Citation {
  const m = passage.message;
  const link = webLinkOf(m, m.mailboxId ? providers?.get(m.mailboxId) : undefined);
  return {
    messageId: m.messageId,
    threadId: m.threadId,
    subject: m.subject,
    from: m.senderName ? `${m.senderName} <${m.sender}>` : m.sender,
    date: m.sentAt ? m.sentAt.toISOString() : null,
    quote: passage.quote,
    ...(link ? { webLink: link } : {}),
  };
}

/**
 * POST /v1/ask: retrieval (text, or hybrid with embeddings), the best passages, then an answer — the
 * model's when one is configured and every passage may be shown to it, checked sentence by sentence;
 * otherwise (or when the model fails or says nothing supported) the local engine's quotes.
 */
export async function askQuestion(deps: AskDeps, question: string): Promise<AskResponse> {
  const now = deps.now ?? new Date();
  const parsed = parseQuestion(question, now, deps.settings.timeZone);
  const retrieved = await retrieve(
    deps.store,
    {
      text: parsed.text,
      limit: 8,
      ...(parsed.window ? { after: parsed.window.start, before: parsed.window.end } : {}),
    },
    { ...(deps.embedder ? { embedder: deps.embedder } : {}), ...(deps.signal ? { signal: deps.signal } : {}) },
  );
  const passages = bestPassages(parsed.text, retrieved.messages, 4);
  let draft: DraftAnswer = answerLocally(parsed.text, passages.slice(0, 3));
  let engine: 'local' | 'openai' = 'local';
  // The user's never-send-to-model lists: a passage from a listed sender or domain keeps the whole answer local.
  const shareable = passages.filter(
    (p) =>
      p.message.modelAllowed &&
      mayShareWithModel({ from: { address: p.message.sender } }, deps.settings.neverSendToModel),
  );
  if (deps.model && draft.found && shareable.length === passages.length) {
    try {
      const answer = await answerWithModel(deps.model, parsed.text, passages, {
        ...(deps.userKey ? { userKey: deps.userKey } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      if (answer?.found) {
        draft = answer;
        engine = 'openai';
      }
    } catch {
      // The local answer stands.
    }
  }
  return {
    answer: draft.answer,
    citations: draft.cited.map((p) => citationOf(p, deps.providers)),
    confidence: draft.confidence,
    found: draft.found,
    engine,
    ...(parsed.window
      ? {
          window: {
            start: parsed.window.start.toISOString(),
            end: parsed.window.end.toISOString(),
            text: parsed.window.text,
          },
        }
      : {}),
  };
}
