/**
 * A stand-in embeddings endpoint for the Ask eval: an OpenAI-compatible `POST /v1/embeddings` on 127.0.0.1
 * that answers in the real shape ({object, data: [{object, embedding, index}], model, usage}) with a
 * deterministic vector computed from the text. No model and no weights: it is TF-IDF, not a trained embedding.
 *
 * Vector: word features (lightly stemmed words) and character trigrams of those words, each weighted
 * (1 + ln tf) · idf, hashed into DIMS dimensions with a sign bit (so collisions cancel rather than pile up),
 * L2-normalised. The idf table is fitted on the texts given at start (the eval passes only its tuning half).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lightStem } from '../../src/notes/text.ts';

const DIMS = 1024;
/** Weight of the character-trigram block relative to the word block (each block is normalised first). */
const TRIGRAM_WEIGHT = 0.5;

const words = (text: string) => (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(lightStem);
const trigrams = (word: string) => {
  const padded = `<${word}>`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
};

function fnv(feature: string): number {
  let h = 2166136261;
  for (let i = 0; i < feature.length; i++) h = Math.imul(h ^ feature.charCodeAt(i), 16777619);
  return h >>> 0;
}

function counts(features: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of features) m.set(f, (m.get(f) ?? 0) + 1);
  return m;
}

/** The embedding function, with idf fitted on `fitTexts`. */
export function standInEmbedding(fitTexts: readonly string[]): (text: string) => number[] {
  const df = new Map<string, number>();
  for (const text of fitTexts) {
    const ws = words(text);
    for (const f of new Set([...ws.map((w) => `w:${w}`), ...ws.flatMap((w) => trigrams(w).map((t) => `c:${t}`))]))
      df.set(f, (df.get(f) ?? 0) + 1);
  }
  const n = fitTexts.length;
  const idf = (f: string) => Math.log((n + 1) / ((df.get(f) ?? 0) + 1)) + 1;
  const block = (features: readonly string[]) => {
    const v = new Float64Array(DIMS);
    for (const [f, tf] of counts(features)) {
      const h = fnv(f);
      v[h % DIMS]! += (h & 0x80000000 ? -1 : 1) * (1 + Math.log(tf)) * idf(f);
    }
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  };
  return (text) => {
    const ws = words(text);
    const w = block(ws.map((x) => `w:${x}`));
    const c = block(ws.flatMap((x) => trigrams(x).map((t) => `c:${t}`)));
    const v = Array.from(w, (x, i) => x + TRIGRAM_WEIGHT * (c[i] ?? 0));
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  };
}

export interface StandInServer {
  /** Base URL for an OpenAI client, ending in /v1. */
  baseURL: string;
  model: string;
  /** Requests served (to show the eval really went through HTTP). */
  requests(): number;
  close(): Promise<void>;
}

/** Starts the endpoint on 127.0.0.1 (a free port). */
export async function startStandInEmbeddings(fitTexts: readonly string[]): Promise<StandInServer> {
  const model = 'stand-in-tfidf-hash-1024';
  const embed = standInEmbedding(fitTexts);
  let served = 0;
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/v1/embeddings')
      return send(res, 404, { error: { code: 'not_found', message: 'only POST /v1/embeddings' } });
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    let input: unknown;
    try {
      input = (JSON.parse(Buffer.concat(parts).toString('utf8')) as { input?: unknown }).input;
    } catch {
      return send(res, 400, { error: { code: 'bad_json', message: 'the body is not JSON' } });
    }
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string'))
      return send(res, 400, { error: { code: 'bad_input', message: 'input must be a string or strings' } });
    served++;
    send(res, 200, {
      object: 'list',
      data: texts.map((t, index) => ({ object: 'embedding', embedding: embed(t), index })),
      model,
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { error: { code: 'internal', message: 'stand-in failed' } }));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    model,
    requests: () => served,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
