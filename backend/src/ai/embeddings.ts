import OpenAI from 'openai';
import type { Config } from '../config.ts';

/** Turns texts into vectors, one per text, in order. */
export interface Embedder {
  /** Stored with every vector: a query is compared only with vectors of the same model. */
  readonly model: string;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

/** Texts sent per request at most. */
const BATCH = 64;
/** Characters per text at most (about 2,000 tokens): a chunk, never a whole mailbox. */
const MAX_TEXT_CHARS = 8_000;

/** An OpenAI-compatible /embeddings endpoint (OpenAI, Ollama, vLLM, llama.cpp, text-embeddings-inference). */
export function createOpenAiEmbedder(options: {
  model: string;
  baseURL?: string;
  apiKey?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): Embedder {
  const client = new OpenAI({
    baseURL: options.baseURL ?? 'https://api.openai.com/v1',
    apiKey: options.apiKey || 'not-needed',
    maxRetries: 2,
    timeout: options.timeoutMs ?? 20_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    model: options.model,
    async embed(texts, signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        const input = texts.slice(i, i + BATCH).map((t) => t.slice(0, MAX_TEXT_CHARS) || ' ');
        const response = await client.embeddings.create(
          { model: options.model, input, encoding_format: 'float' },
          signal ? { signal } : {},
        );
        const ordered = [...response.data].sort((a, b) => a.index - b.index);
        if (ordered.length !== input.length) throw new Error('the embeddings endpoint returned a wrong count');
        for (const d of ordered) out.push(d.embedding);
      }
      return out;
    },
  };
}

/** The configured embedder, or none (text search only) when EMBEDDINGS_MODEL is not set. */
export function embedderFromConfig(config: Config): Embedder | undefined {
  const { model, baseUrl, apiKey, timeoutMs } = config.embeddings;
  if (!model || (!baseUrl && !apiKey)) return undefined;
  return createOpenAiEmbedder({
    model,
    timeoutMs,
    ...(baseUrl ? { baseURL: baseUrl } : {}),
    ...(apiKey ? { apiKey } : {}),
  });
}

/** Body text in overlapping chunks of about `size` characters, cut at sentence or word ends. */
export function chunkText(text: string, size = 1200, overlap = 150, maxChunks = 8): string[] {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (!clean) return [];
  const chunks: string[] = [];
  let start = 0;
  while (start < clean.length && chunks.length < maxChunks) {
    let end = Math.min(clean.length, start + size);
    if (end < clean.length) {
      const stop = clean.lastIndexOf('. ', end);
      const space = clean.lastIndexOf(' ', end);
      end = stop > start + size / 2 ? stop + 1 : space > start + size / 2 ? space : end;
    }
    chunks.push(clean.slice(start, end).trim());
    if (end >= clean.length) break;
    start = Math.max(end - overlap, start + 1);
    const space = clean.indexOf(' ', start);
    if (space > 0 && space < end) start = space + 1;
  }
  return chunks;
}
