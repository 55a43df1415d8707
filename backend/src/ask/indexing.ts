import { chunkText, type Embedder } from '../ai/embeddings.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import type { IndexInput, MailIndexStore } from '../storage/mail-index.ts';

/** What the index takes from a normalised message (quoted history and signature kept apart). */
export function indexInputOf(
  message: NormalisedMessage,
  extra: { mailboxId?: string; fromMe?: boolean; modelAllowed?: boolean; receivedAt?: Date } = {},
): IndexInput {
  const date = message.date ?? extra.receivedAt;
  return {
    messageId: message.id,
    ...(message.threadId ? { threadId: message.threadId } : {}),
    ...(extra.mailboxId ? { mailboxId: extra.mailboxId } : {}),
    subject: message.subject,
    ...(message.from ? { from: message.from } : {}),
    to: message.to,
    cc: message.cc,
    ...(date ? { date } : {}),
    newText: message.newText || message.text,
    quoted: message.quoted,
    signature: message.signature,
    fromMe: extra.fromMe ?? false,
    modelAllowed: extra.modelAllowed ?? true,
  };
}

/**
 * Indexes messages and, with an embedder, embeds the chunks of those the user allows a model to see.
 * Embedding failures leave the text index in place (search falls back to text for those messages).
 */
export async function indexMessages(
  store: MailIndexStore,
  items: readonly IndexInput[],
  embedder?: Embedder,
): Promise<{ indexed: number; embedded: number }> {
  const ids = await store.index(items);
  if (!embedder || ids.size === 0) return { indexed: ids.size, embedded: 0 };
  const chunks: { entryId: string; chunk: number; text: string }[] = [];
  for (const item of items) {
    const entryId = ids.get(item.messageId);
    if (!entryId || item.modelAllowed === false) continue;
    for (const [chunk, text] of chunkText(`${item.subject}\n${item.newText}`).entries())
      chunks.push({ entryId, chunk, text });
  }
  if (chunks.length === 0) return { indexed: ids.size, embedded: 0 };
  try {
    const vectors = await embedder.embed(chunks.map((c) => c.text));
    await store.addChunks(
      embedder.model,
      chunks.map((c, i) => ({ ...c, embedding: vectors[i] ?? [] })).filter((c) => c.embedding.length > 0),
    );
    return { indexed: ids.size, embedded: chunks.length };
  } catch {
    return { indexed: ids.size, embedded: 0 };
  }
}
