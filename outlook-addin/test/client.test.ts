import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../src/api/client.ts';

type Handler = (request: Request) => Response | Promise<Response>;

/** A fetch that answers from a handler and remembers every request. */
function fakeFetch(handler: Handler) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    return new Promise<Response>((resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      Promise.resolve(handler(request)).then(resolve, reject);
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const message = { id: 'm1', subject: 'Pricing?', text: 'Could you send pricing by Friday?' };

describe('ApiClient', () => {
  it('sends the bearer token and the JSON body, and returns the typed answer', async () => {
    const { fetch, requests } = fakeFetch(() =>
      json({
        id: 'm1',
        category: 'to_respond',
        needsReply: true,
        meetingRequest: false,
        priority: 'normal',
        confidence: 0.9,
        reasons: ['asks for pricing'],
        summary: 'Wants pricing',
      }),
    );
    const api = new ApiClient({
      baseUrl: 'https://steward.example/',
      fetch,
      tokens: { getToken: async () => 'tok-1' },
    });
    const result = await api.triage({ message, me: ['alex@northwind.example'] });
    expect(result.category).toBe('to_respond');
    const request = requests[0];
    expect(request?.url).toBe('https://steward.example/v1/triage');
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('authorization')).toBe('Bearer tok-1');
    expect(await request?.json()).toEqual({ message, me: ['alex@northwind.example'] });
  });

  it('sends no authorization header when the token source has none (local mode)', async () => {
    const { fetch, requests } = fakeFetch(() => json({ localMode: true }));
    await new ApiClient({ baseUrl: 'http://127.0.0.1:1', fetch, tokens: { getToken: async () => null } }).me();
    expect(requests[0]?.headers.has('authorization')).toBe(false);
  });

  it('maps {"error":{code,message}} to an ApiError with the status', async () => {
    const { fetch } = fakeFetch(() =>
      json({ error: { code: 'invalid_body', message: 'message.id is required' } }, 400),
    );
    const error = await new ApiClient({ baseUrl: 'http://x', fetch }).triage({ message }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'invalid_body', message: 'message.id is required', status: 400 });
  });

  it('keeps a status-based code when the error body is not JSON', async () => {
    const { fetch } = fakeFetch(
      () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    const error = await new ApiClient({ baseUrl: 'http://x', fetch }).getSettings().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'http_502', status: 502 });
  });

  it('retries a 401 once with a refreshed token', async () => {
    const seen: (string | null)[] = [];
    const { fetch } = fakeFetch((request) => {
      seen.push(request.headers.get('authorization'));
      return request.headers.get('authorization') === 'Bearer fresh'
        ? json({ ok: true })
        : json({ error: { code: 'unauthorized', message: 'expired' } }, 401);
    });
    const tokens = { getToken: async (o?: { forceRefresh?: boolean }) => (o?.forceRefresh ? 'fresh' : 'stale') };
    await new ApiClient({ baseUrl: 'http://x', fetch, tokens }).getSettings();
    expect(seen).toEqual(['Bearer stale', 'Bearer fresh']);
  });

  it('times out a request that does not answer', async () => {
    const { fetch } = fakeFetch(() => new Promise<Response>(() => {}));
    const error = await new ApiClient({ baseUrl: 'http://x', fetch, timeoutMs: 20 }).health().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout' });
  });

  it('reports an unreachable server as offline', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    const error = await new ApiClient({ baseUrl: 'http://x', fetch }).health().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'offline', status: null });
  });

  it('streams a draft: delta pieces in order, then the done event', async () => {
    const draft = {
      subject: 'Re: Pricing?',
      text: 'Hi Priya, here it is.',
      html: '<p>Hi Priya, here it is.</p>',
      placeholders: [],
      proposedTimes: [],
    };
    const body = [
      'event: delta\ndata: {"text":"Hi Priya,"}\n\n',
      'event: delta\ndata: {"text":" here it is."}\n\n',
      `event: done\ndata: ${JSON.stringify(draft)}\n\n`,
    ].join('');
    const { fetch, requests } = fakeFetch(() => {
      const bytes = new TextEncoder().encode(body);
      // Deliver in awkward 9-byte pieces, as a network would.
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 9) controller.enqueue(bytes.slice(i, i + 9));
          controller.close();
        },
      });
      return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
    });
    const pieces: string[] = [];
    const result = await new ApiClient({ baseUrl: 'http://x', fetch }).draftStream(
      { message },
      { onDelta: (t) => pieces.push(t) },
    );
    expect(requests[0]?.headers.get('accept')).toBe('text/event-stream');
    expect(pieces).toEqual(['Hi Priya,', ' here it is.']);
    expect(result).toEqual(draft);
  });

  it('accepts a plain JSON draft from a server that does not stream', async () => {
    const draft = { subject: 'Re: x', text: 'Thanks!', html: '<p>Thanks!</p>', placeholders: [], proposedTimes: [] };
    const { fetch } = fakeFetch(() => json(draft));
    const pieces: string[] = [];
    expect(
      await new ApiClient({ baseUrl: 'http://x', fetch }).draftStream({ message }, { onDelta: (t) => pieces.push(t) }),
    ).toEqual(draft);
    expect(pieces).toEqual(['Thanks!']);
  });

  it('fails a stream that ends without its done event', async () => {
    const { fetch } = fakeFetch(
      () => new Response('event: delta\ndata: {"text":"Hi"}\n\n', { headers: { 'content-type': 'text/event-stream' } }),
    );
    const error = await new ApiClient({ baseUrl: 'http://x', fetch }).draftStream({ message }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'bad_response' });
  });

  it('surfaces an error event from the stream', async () => {
    const { fetch } = fakeFetch(
      () =>
        new Response('event: error\ndata: {"error":{"code":"model_unavailable","message":"The model is down."}}\n\n', {
          headers: { 'content-type': 'text/event-stream' },
        }),
    );
    const error = await new ApiClient({ baseUrl: 'http://x', fetch }).draftStream({ message }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'model_unavailable', message: 'The model is down.' });
  });

  it('encodes message ids in paths', async () => {
    const { fetch, requests } = fakeFetch(() => json({}));
    await new ApiClient({ baseUrl: 'http://x', fetch }).getTriage('AAMk/abc+=');
    expect(requests[0]?.url).toBe('http://x/v1/triage/AAMk%2Fabc%2B%3D');
  });
});
