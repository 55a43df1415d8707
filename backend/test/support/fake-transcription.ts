/**
 * A local OpenAI-compatible `/audio/transcriptions` endpoint for tests: it reads the multipart upload the
 * official SDK sends and answers in the requested response_format.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTranscriptionRequest {
  model: string;
  responseFormat: string;
  language?: string;
  filename?: string;
  audio: Buffer;
}

export type FakeTranscriptionAnswer =
  | { status: 200; body: Record<string, unknown> }
  | { status: number; message: string };

export interface FakeTranscription {
  url: string;
  requests: FakeTranscriptionRequest[];
  close(): Promise<void>;
}

export async function startFakeTranscription(
  answer: (req: FakeTranscriptionRequest) => FakeTranscriptionAnswer,
): Promise<FakeTranscription> {
  const requests: FakeTranscriptionRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const boundary = /boundary=(?:"([^"]+)"|([^;]+))/
        .exec(String(req.headers['content-type']))
        ?.slice(1)
        .find(Boolean);
      const fields: Record<string, string> = {};
      let audio = Buffer.alloc(0);
      let filename: string | undefined;
      if (boundary) {
        for (const part of splitBuffer(raw, Buffer.from(`--${boundary}`))) {
          const headerEnd = part.indexOf('\r\n\r\n');
          if (headerEnd < 0) continue;
          const headers = part.subarray(0, headerEnd).toString('utf8');
          const body = part.subarray(headerEnd + 4, part.length - 2);
          const name = /name="([^"]+)"/.exec(headers)?.[1];
          const file = /filename="([^"]*)"/.exec(headers)?.[1];
          if (!name) continue;
          if (file !== undefined) {
            filename = file;
            audio = Buffer.from(body);
          } else fields[name] = body.toString('utf8');
        }
      }
      const request: FakeTranscriptionRequest = {
        model: fields.model ?? '',
        responseFormat: fields.response_format ?? 'json',
        ...(fields.language ? { language: fields.language } : {}),
        ...(filename ? { filename } : {}),
        audio,
      };
      requests.push(request);
      if (!req.url?.endsWith('/audio/transcriptions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'not found' } }));
      }
      const reply = answer(request);
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          'body' in reply ? reply.body : { error: { message: reply.message, type: 'invalid_request_error' } },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function splitBuffer(buffer: Buffer, separator: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = buffer.indexOf(separator);
  while (start >= 0) {
    const next = buffer.indexOf(separator, start + separator.length);
    if (next < 0) break;
    parts.push(buffer.subarray(start + separator.length + 2, next));
    start = next;
  }
  return parts;
}
