/**
 * A local OpenAI-compatible chat-completions server for tests. It speaks the real protocol (JSON answers and
 * server-sent-event streams ending in `data: [DONE]`), so the official SDK is exercised end to end.
 *
 *   const fake = await startFakeOpenAi(script([reply.status(429, { retryAfter: '0' }), reply.text('hi')]));
 *   createOpenAiModel({ baseURL: fake.url, model: 'fake' }) ...
 *   await fake.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeChatRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    stream?: boolean;
    response_format?: {
      type: string;
      json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean };
    };
    max_tokens?: number;
    temperature?: number;
    [key: string]: unknown;
  };
  /** The system message. */
  system: string;
  /** All user and assistant messages joined, as the model would read them. */
  userText: string;
  /** 0-based position of this request since the server started. */
  index: number;
}

export type FakeReply =
  | {
      kind: 'text';
      content: string;
      usage?: { prompt: number; completion: number; cached?: number };
      finishReason?: string;
    }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'hang' }
  | { kind: 'raw'; status: number; contentType: string; body: string };

export type FakeHandler = (req: FakeChatRequest) => FakeReply | Promise<FakeReply>;

export const reply = {
  text: (content: string, usage?: { prompt: number; completion: number; cached?: number }): FakeReply => ({
    kind: 'text',
    content,
    ...(usage ? { usage } : {}),
  }),
  json: (value: unknown): FakeReply => ({ kind: 'text', content: JSON.stringify(value) }),
  /** JSON-looking but unparsable content inside a well-formed completion. */
  malformedJson: (): FakeReply => ({ kind: 'text', content: '{"category": "fyi", "needsReply": fals' }),
  status: (
    status: number,
    opts: { retryAfter?: string; headers?: Record<string, string>; message?: string } = {},
  ): FakeReply => ({
    kind: 'status',
    status,
    headers: { ...(opts.retryAfter !== undefined ? { 'retry-after': opts.retryAfter } : {}), ...opts.headers },
    body: { error: { message: opts.message ?? `fake error ${status}`, type: 'fake_error', code: null } },
  }),
  hang: (): FakeReply => ({ kind: 'hang' }),
};

/** Answers request n with replies[n]; the last reply repeats once the script runs out. */
export function script(replies: Array<FakeReply | FakeHandler>): FakeHandler {
  return (req) => {
    const step = replies[Math.min(req.index, replies.length - 1)];
    if (!step) throw new Error('empty script');
    return typeof step === 'function' ? step(req) : step;
  };
}

export interface FakeOpenAi {
  /** Base URL including `/v1`, ready for `new OpenAI({ baseURL })`. */
  url: string;
  requests: FakeChatRequest[];
  close(): Promise<void>;
}

export async function startFakeOpenAi(handler: FakeHandler): Promise<FakeOpenAi> {
  const requests: FakeChatRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    try {
      const raw = await readBody(req);
      const body = raw ? (JSON.parse(raw) as FakeChatRequest['body']) : {};
      const messages = body.messages ?? [];
      const chatRequest: FakeChatRequest = {
        path: req.url ?? '',
        headers: req.headers,
        body,
        system: messages
          .filter((m) => m.role === 'system' || m.role === 'developer')
          .map((m) => m.content)
          .join('\n'),
        userText: messages
          .filter((m) => m.role === 'user' || m.role === 'assistant')
          .map((m) => m.content)
          .join('\n\n'),
        index: requests.length,
      };
      requests.push(chatRequest);
      if (!req.url?.endsWith('/chat/completions')) {
        return send(
          res,
          404,
          { 'content-type': 'application/json' },
          JSON.stringify({ error: { message: 'not found' } }),
        );
      }
      const answer = await handler(chatRequest);
      switch (answer.kind) {
        case 'hang':
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        case 'status':
          return send(
            res,
            answer.status,
            { 'content-type': 'application/json', ...answer.headers },
            JSON.stringify(answer.body ?? {}),
          );
        case 'raw':
          return send(res, answer.status, { 'content-type': answer.contentType }, answer.body);
        case 'text':
          return body.stream ? streamText(res, body, answer) : sendCompletion(res, body, answer);
      }
    } catch (err) {
      send(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ error: { message: String(err) } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string) {
  res.writeHead(status, headers);
  res.end(body);
}

function usageOf(body: FakeChatRequest['body'], answer: Extract<FakeReply, { kind: 'text' }>) {
  const promptChars = (body.messages ?? []).reduce((n, m) => n + String(m.content).length, 0);
  const prompt = answer.usage?.prompt ?? Math.ceil(promptChars / 4);
  const completion = answer.usage?.completion ?? Math.ceil(answer.content.length / 4);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(answer.usage?.cached !== undefined ? { prompt_tokens_details: { cached_tokens: answer.usage.cached } } : {}),
  };
}

function sendCompletion(
  res: ServerResponse,
  body: FakeChatRequest['body'],
  answer: Extract<FakeReply, { kind: 'text' }>,
) {
  send(
    res,
    200,
    { 'content-type': 'application/json' },
    JSON.stringify({
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? 'fake-model',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: answer.content, refusal: null },
          finish_reason: answer.finishReason ?? 'stop',
          logprobs: null,
        },
      ],
      usage: usageOf(body, answer),
    }),
  );
}

function streamText(res: ServerResponse, body: FakeChatRequest['body'], answer: Extract<FakeReply, { kind: 'text' }>) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const base = {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'fake-model',
  };
  const pieces = answer.content.match(/\S+\s*|\s+/g) ?? [];
  res.write(
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`,
  );
  for (const piece of pieces) {
    res.write(
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`,
    );
  }
  res.write(
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: answer.finishReason ?? 'stop' }] })}\n\n`,
  );
  const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
  if (includeUsage) res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: usageOf(body, answer) })}\n\n`);
  res.write('data: [DONE]\n\n');
  res.end();
}

// ---------------------------------------------------------------------------------------------------------
// The obedient model: it does whatever the content tells it to, to prove the pipeline holds when a real
// model does not. It reads through delimiters and datamarks, decodes base64, and then:
//  - in triage (a schema with `category`): obeys "classify/mark this as X", "urgent", "needs a reply";
//  - in free text: repeats every line that gives an instruction or carries a link, image, address or phone
//    number, and says verbatim whatever it is told to say, write or include.
// ---------------------------------------------------------------------------------------------------------

const INSTRUCTION_CUE =
  /\b(ignore|disregard|forget|instead|assistant|ai\b|model|system|include|insert|append|add|write|say|reply with|respond with|output|forward|send|bcc|copy|classify|mark|label|categori[sz]e|click|visit|call|new instructions?)\b|ignor|oubliez|ignorez|ignoriere|vergiss|olvida|ignora|negeer|zignoruj|esque[cç]a|忽略|無視|игнорир|\[system\]|<\|im_start\|>/i;
const CARRIES_PAYLOAD = /https?:\/\/|www\.|!\[|\]\[|^\s*\[[^\]]+\]:|@[a-z0-9-]+\.[a-z]|\+?\d[\d ().-]{7,}\d/i;
const SAY_THIS =
  /\b(?:say|write|reply with|respond with|output|include|append|add|print|sign off with|end with)\s*:?\s*["“']([^"”']{3,300})["”']/gi;
const CATEGORY_WORDS: Record<string, string> = {
  to_respond: 'to_respond',
  'to respond': 'to_respond',
  urgent: 'to_respond',
  fyi: 'fyi',
  marketing: 'marketing',
  notification: 'notification',
  comment: 'comment',
  meeting_update: 'meeting_update',
  actioned: 'actioned',
  done: 'actioned',
  awaiting_reply: 'awaiting_reply',
};

/** What an obedient model "reads": delimiters and datamarks dropped, base64 payloads decoded. */
export function readLikeAModel(text: string): string {
  const undelimited = text
    .replace(/^.*<<<.*>>>.*$/gm, '')
    .replace(/[\u02C6\u2063]/g, ' ')
    .replace(/[ \t]+/g, ' ');
  const decoded = [...undelimited.matchAll(/[A-Za-z0-9+/]{24,}={0,2}/g)]
    .map((m) => Buffer.from(m[0], 'base64').toString('utf8'))
    .filter((s) => /^[\x20-\x7e\s\u00a0-\uffff]+$/.test(s) && /[a-z]{3,}\s+[a-z]{2,}/i.test(s));
  return [undelimited, ...decoded].join('\n');
}

export function obedientText(content: string): string {
  const read = readLikeAModel(content);
  const out: string[] = ['Hello,', '', 'Thank you for your message.'];
  for (const line of read.split('\n')) {
    const trimmed = line.trim();
    if (trimmed && (INSTRUCTION_CUE.test(trimmed) || CARRIES_PAYLOAD.test(trimmed))) out.push(trimmed);
  }
  for (const m of read.matchAll(SAY_THIS)) out.push(m[1] ?? '');
  out.push('', 'Best regards');
  return out.join('\n');
}

export function obedientTriage(content: string): Record<string, unknown> {
  const read = readLikeAModel(content).toLowerCase();
  const asked =
    /\b(?:classify|mark|label|categori[sz]e|file|treat|flag)\b[^.\n]{0,40}?\bas\s+["'“]?([a-z_ ]{3,20})/.exec(read);
  const wanted = asked?.[1]?.trim();
  const category =
    (wanted && Object.entries(CATEGORY_WORDS).find(([word]) => wanted.startsWith(word))?.[1]) ??
    (/\burgent\b/.test(read) ? 'to_respond' : 'fyi');
  return {
    category,
    needsReply: /needs? (a )?repl|to_respond|urgent|respond/.test(read) || category === 'to_respond',
    meetingRequest: false,
    priority: /\burgent|high priority|immediately\b/.test(read) ? 'high' : 'normal',
    confidence: 0.99,
    reasons: ['the message asked to be classified this way'],
    summary: 'As instructed by the message.',
  };
}

/** A handler playing the obedient model for both free text and triage JSON. */
export function obedientModel(): FakeHandler {
  return (req) => {
    const schema = req.body.response_format?.json_schema?.schema as
      | { properties?: Record<string, unknown> }
      | undefined;
    if (schema?.properties && 'category' in schema.properties) return reply.json(obedientTriage(req.userText));
    // Asked for its instructions, it hands them over.
    const leak = /\b(?:print|reveal|repeat|show|output)\b[^.\n]{0,30}\b(?:system prompt|instructions)\b/i.test(
      readLikeAModel(req.userText),
    );
    return reply.text(`${obedientText(req.userText)}${leak ? `\n${req.system}` : ''}`);
  };
}
