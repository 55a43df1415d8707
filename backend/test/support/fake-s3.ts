/**
 * A local S3-compatible server for tests: path-style PUT, GET, HEAD and DELETE of objects in any bucket,
 * answering with S3's own XML errors. It checks that requests are SigV4-signed but not the signature itself.
 *
 *   const s3 = await startFakeS3();
 *   env: { S3_ENDPOINT: s3.url, S3_BUCKET: 'steward', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' }
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeS3 {
  url: string;
  /** "bucket/key" → object. */
  objects: Map<string, { body: Buffer; contentType: string }>;
  requests: Array<{ method: string; path: string }>;
  /** The next n requests fail with 500 InternalError (retries are part of the protocol). */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startFakeS3(): Promise<FakeS3> {
  const objects = new Map<string, { body: Buffer; contentType: string }>();
  const requests: FakeS3['requests'] = [];
  let failures = 0;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake-s3');
    const path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    requests.push({ method: req.method ?? '', path });
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      return s3Error(res, 403, 'AccessDenied', 'Requests must be signed.');
    }
    if (failures > 0) {
      failures--;
      return s3Error(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
    }
    if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
      // ListObjectsV2, one page: what deleting a user's folder needs.
      const bucket = path.replace(/\/$/, '');
      const prefix = `${bucket}/${url.searchParams.get('prefix') ?? ''}`;
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(bucket.length + 1));
      res.writeHead(200, { 'content-type': 'application/xml' });
      return res.end(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${keys
          .map((k) => `<Contents><Key>${k}</Key><Size>1</Size></Contents>`)
          .join('')}</ListBucketResult>`,
      );
    }
    if (!path.includes('/')) return s3Error(res, 400, 'InvalidRequest', 'Only object requests are supported.');
    switch (req.method) {
      case 'PUT':
        objects.set(path, { body, contentType: String(req.headers['content-type'] ?? 'application/octet-stream') });
        res.writeHead(200, { etag: '"fake"' });
        return res.end();
      case 'GET':
      case 'HEAD': {
        const object = objects.get(path);
        if (!object) return s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        res.writeHead(200, {
          'content-type': object.contentType,
          'content-length': String(object.body.length),
          etag: '"fake"',
        });
        return res.end(req.method === 'GET' ? object.body : undefined);
      }
      case 'DELETE':
        objects.delete(path);
        res.writeHead(204);
        return res.end();
      default:
        return s3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed.');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    failNext: (n) => {
      failures = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function s3Error(res: ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fake</RequestId></Error>`,
  );
}
