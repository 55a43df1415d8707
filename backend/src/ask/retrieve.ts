import type { Embedder } from '../ai/embeddings.ts';
import type { IndexedMessage, MailIndexStore, SearchQuery } from '../storage/mail-index.ts';

/** Reciprocal rank fusion (Cormack et al. 2009): each list adds 1 / (k + rank); k = 60 as in the paper. */
export function reciprocalRankFusion(lists: readonly (readonly string[])[], k = 60): string[] {
  const score = new Map<string, number>();
  for (const list of lists) {
    for (const [rank, id] of list.entries()) score.set(id, (score.get(id) ?? 0) + 1 / (k + rank + 1));
  }
  return [...score.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
}

export interface Retrieved {
  messages: IndexedMessage[];
  mode: 'text' | 'hybrid';
}

/**
 * The messages most likely to answer: full-text ranks, fused with embedding ranks when an embedder is
 * configured and the index holds vectors of its model. A failing embeddings endpoint leaves text search.
 */
export async function retrieve(
  store: MailIndexStore,
  query: SearchQuery,
  options: { embedder?: Embedder; depth?: number; signal?: AbortSignal } = {},
): Promise<Retrieved> {
  const depth = options.depth ?? 20;
  const text = await store.search({ ...query, limit: depth });
  if (!options.embedder || !query.text.trim()) return { messages: text.slice(0, query.limit ?? depth), mode: 'text' };
  let near: { id: string }[] = [];
  try {
    const [vector] = await options.embedder.embed([query.text], options.signal);
    if (vector) {
      const { text: _t, limit: _l, ...filter } = query;
      near = await store.nearest(options.embedder.model, vector, depth, filter);
    }
  } catch {
    return { messages: text.slice(0, query.limit ?? depth), mode: 'text' };
  }
  if (near.length === 0) return { messages: text.slice(0, query.limit ?? depth), mode: 'text' };
  const fused = reciprocalRankFusion([text.map((m) => m.id), near.map((n) => n.id)]).slice(0, query.limit ?? depth);
  const known = new Map<string, IndexedMessage>(text.map((m) => [m.id, m]));
  const missing = fused.filter((id) => !known.has(id));
  for (const m of await store.get({ entryIds: missing })) known.set(m.id, m);
  return { messages: fused.map((id) => known.get(id)).filter((m): m is IndexedMessage => !!m), mode: 'hybrid' };
}
