/**
 * Issue 12, HTTP layer: authentication on the routed path whatever the URL spelling, fail-closed routes,
 * rate limits before any body is read, failed sign-ins limited per address, the Host check of local mode,
 * X-Forwarded-For only from a configured proxy, secrets kept out of logged URLs, NUL and lone surrogates
 * refused, and slow clients cut off. Requests that depend on exact bytes go over real sockets.
 */
import { once } from 'node:events';
import net from 'node:net';
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { registerErrorHandling } from '../../src/http/errors.ts';
import { identityPlugin } from '../../src/http/plugins/auth.ts';
import { redactUrl } from '../../src/http/plugins/guards.ts';
import { LOCAL_IDENTITY } from '../../src/identity/verifier.ts';
import type { Storage } from '../../src/storage/database.ts';
import { bearer, buildTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import { startTestIdp, type TestIdp } from '../support/idp.ts';

interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/** One HTTP/1.1 request written byte for byte (no client normalises the path), the answer read to close. */
async function raw(port: number, request: string | Buffer): Promise<RawResponse> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  // A server that answers before reading the whole body may reset the connection: the answer still counts.
  socket.on('error', () => {});
  // Written without half-closing, as real clients do; "Connection: close" makes the server end it.
  socket.write(request);
  await once(socket, 'close');
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body };
}

function get(path: string, headers: Record<string, string> = {}): string {
  const lines = [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function post(path: string, body: string, headers: Record<string, string> = {}): string {
  const lines = [
    `POST ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

const portOf = (app: FastifyInstance) => (app.server.address() as net.AddressInfo).port;

/** Every spelling of a /v1 path a router or a proxy might treat as the same route. */
const SPELLINGS = [
  '/%761/me',
  '/v%31/me',
  '/%76%31/me',
  '/%56%31/me',
  '/v1/%6de',
  '/v1%2Fme',
  '/%2Fv1/me',
  '/%2fv1%2fme',
  '/%25761/me',
  '/%2576%2531/me',
  '/V1/me',
  '/v1/ME',
  '/v1/me.',
  '/v1./me',
  '/v1/me/',
  '/v1//me',
  '//v1/me',
  '/./v1/me',
  '/v1/./me',
  '/x/../v1/me',
  '/v1/me;x=1',
  '/v1/me%00',
  '/v1/me%20',
  '/v1/me?x=%00',
  '/v1/me#frag',
  '/v1/me%23',
  '/v1\\me',
];

for (const database of testDatabases()) {
  describe(`authentication on the routed path [${database.name}]`, () => {
    let storage: Storage;
    let idp: TestIdp;
    let app: FastifyInstance;
    let port: number;

    beforeAll(async () => {
      storage = await database.open();
      idp = await startTestIdp();
      app = await buildTestApp(storage, { ...idp.env, AUTH_FAILURE_LIMIT: '1000000' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      port = portOf(app);
    });
    afterAll(async () => {
      await app.close();
      await idp.close();
      await storage.close();
    });

    it.each(SPELLINGS)(
      'GET %s without a token never reaches a handler (401 or 404, never 200 or 500)',
      async (path) => {
        const res = await raw(port, get(path));
        expect([400, 401, 404], `${path} → ${res.status} ${res.body}`).toContain(res.status);
        expect(res.body).not.toMatch(/"tenantId"|Cannot read properties/);
      },
    );

    it.each(SPELLINGS.filter((p) => !p.includes('?') && !p.includes('#')))(
      'GET %s with a valid token is either the route or no route, never an error',
      async (path) => {
        const token = await idp.entraToken();
        const res = await raw(port, get(path, { Authorization: `Bearer ${token}` }));
        expect([200, 400, 404], `${path} → ${res.status} ${res.body}`).toContain(res.status);
      },
    );

    it('POST /%761/triage with a batch and no token is refused with 401, not triaged', async () => {
      const body = JSON.stringify({ messages: [{ id: 'm1', subject: 'Hello', text: 'Can we talk?' }] });
      for (const path of ['/%761/triage', '/v1/triag%65', '/%76%31/triage']) {
        const res = await raw(port, post(path, body));
        expect(res.status, `${path}: ${res.body}`).toBe(401);
        expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'token_missing' } });
      }
    });

    it('an 8 MB body to /%761/voice/learn is answered 401 before it is read', async () => {
      // Only the headers and the first bytes are sent: the answer must come without the rest of the body.
      const socket = net.connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.on('error', () => {});
      let answer = '';
      const head = new Promise<void>((resolve) =>
        socket.on('data', (c: Buffer) => {
          answer += c.toString('utf8');
          if (answer.includes('\r\n\r\n')) resolve();
        }),
      );
      socket.write(
        `POST /%761/voice/learn HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${8 * 1024 * 1024}\r\n\r\n{"messages":["`,
      );
      await head;
      socket.destroy();
      expect(answer).toMatch(/^HTTP\/1\.1 401/);
    });

    it('an unknown /v1 route answers 401 or 404 with our error shape', async () => {
      const res = await raw(port, get('/v1/nothing-here'));
      expect([401, 404]).toContain(res.status);
      expect(JSON.parse(res.body).error.code).toBeTruthy();
    });
  });

  describe(`rate limits before the body, failed sign-ins per address [${database.name}]`, () => {
    let storage: Storage;
    let idp: TestIdp;

    beforeAll(async () => {
      storage = await database.open();
      idp = await startTestIdp();
    });
    afterAll(async () => {
      await idp.close();
      await storage.close();
    });

    // Opens its own database and app: bounded generously for a loaded machine (nothing is timed).
    it('after AUTH_FAILURE_LIMIT failed sign-ins an address gets 429 without its token being checked', {
      timeout: 120_000,
    }, async () => {
      const app = await buildTestApp(storage, { ...idp.env, AUTH_FAILURE_LIMIT: '5' });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) {
          const res = await app.inject({ method: 'GET', url: '/%761/me', headers: bearer('not.a-jwt') });
          statuses.push(res.statusCode);
        }
        expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
        const blocked = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer('not.a-jwt') });
        expect(blocked.json().error.code).toBe('too_many_failed_sign_ins');
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
        // Another address is not affected.
        const elsewhere = await app.inject({
          method: 'GET',
          url: '/v1/me',
          remoteAddress: '10.9.8.7',
          headers: bearer(await idp.entraToken()),
        });
        expect(elsewhere.statusCode).toBe(200);
      } finally {
        await app.close();
      }
    });

    // Opens its own database and app: bounded generously for a loaded machine (nothing is timed).
    it('X-Forwarded-For does not reset the failure count unless TRUST_PROXY names the proxy', {
      timeout: 120_000,
    }, async () => {
      const app = await buildTestApp(storage, { ...idp.env, AUTH_FAILURE_LIMIT: '2' });
      try {
        const statuses: number[] = [];
        for (const spoof of ['6.6.6.1', '6.6.6.2', '6.6.6.3']) {
          const res = await app.inject({
            method: 'GET',
            url: '/v1/me',
            headers: { ...bearer('not.a-jwt'), 'x-forwarded-for': spoof },
          });
          statuses.push(res.statusCode);
        }
        expect(statuses).toEqual([401, 401, 429]);
      } finally {
        await app.close();
      }
      const proxied = await buildTestApp(storage, { ...idp.env, AUTH_FAILURE_LIMIT: '2', TRUST_PROXY: '127.0.0.1' });
      try {
        const statuses: number[] = [];
        for (const client of ['6.6.6.1', '6.6.6.2', '6.6.6.3']) {
          const res = await proxied.inject({
            method: 'GET',
            url: '/v1/me',
            headers: { ...bearer('not.a-jwt'), 'x-forwarded-for': client },
          });
          statuses.push(res.statusCode);
        }
        expect(statuses).toEqual([401, 401, 401]);
      } finally {
        await proxied.close();
      }
    });

    // Opens its own database and app: bounded generously for a loaded machine (nothing is timed).
    it('the per-user limit answers 429 before a body over the size limit is read (no 413)', {
      timeout: 120_000,
    }, async () => {
      const app = await buildTestApp(storage, { RATE_LIMIT_MAX: '3', BODY_LIMIT_BYTES: '2048' });
      try {
        const big = JSON.stringify({ messages: [{ id: 'x', text: 'y'.repeat(10_000) }] });
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) {
          const res = await app.inject({
            method: 'POST',
            url: '/v1/triage',
            headers: { 'content-type': 'application/json' },
            payload: big,
          });
          statuses.push(res.statusCode);
        }
        expect(statuses).toEqual([413, 413, 413, 429, 429]);
      } finally {
        await app.close();
      }
    });
  });

  describe(`local mode: Host check, text guard, logs [${database.name}]`, () => {
    let storage: Storage;
    let app: FastifyInstance;
    let port: number;
    const lines: string[] = [];

    beforeAll(async () => {
      storage = await database.open();
      const config = loadConfig({ LOG_LEVEL: 'info', DATA_DIR: '/tmp/steward-security-test' });
      const sink = new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const options = loggerOptions(config) as Record<string, unknown>;
      app = await buildTestApp(storage, {}, { logger: { ...options, stream: sink } });
      await app.listen({ port: 0, host: '127.0.0.1' });
      port = portOf(app);
    });
    afterAll(async () => {
      await app.close();
      await storage.close();
    });

    it.each([
      ['evil.example:PORT', 421],
      ['evil.example', 421],
      ['127.0.0.1.nip.io:PORT', 421],
      ['localhost.evil.example:PORT', 421],
      ['127.0.0.1:1', 421],
      ['', 421],
      ['127.0.0.1:PORT', 200],
      ['localhost:PORT', 200],
      ['LOCALHOST:PORT', 200],
      ['[::1]:PORT', 200],
      ['127.0.0.1', 200],
    ])('Host "%s" → %i', async (host, status) => {
      const headers = [`GET /v1/me HTTP/1.1`, `Host: ${host.replace('PORT', String(port))}`, 'Connection: close'];
      const res = await raw(port, `${headers.join('\r\n')}\r\n\r\n`);
      expect(res.status, res.body).toBe(status);
      if (status === 421) expect(JSON.parse(res.body).error.code).toBe('host_not_allowed');
    });

    const nulCases: Array<[string, string, string, string]> = [
      ['a message id', 'POST', '/v1/triage', '{"messages":[{"id":"a\\u0000b","subject":"Hi","text":"Hello"}]}'],
      ['a subject', 'POST', '/v1/triage', '{"messages":[{"id":"s1","subject":"Hi \\ud83d","text":"Hello"}]}'],
      ['a low surrogate alone', 'POST', '/v1/triage', '{"messages":[{"id":"s1","subject":"\\ude00x","text":"Hi"}]}'],
      ['a feedback id', 'POST', '/v1/triage/feedback', '{"messageId":"m\\u0000","category":"fyi","scope":"message"}'],
      [
        'a settings list',
        'PUT',
        '/v1/settings',
        '{"neverSendToModel":{"senders":["a\\u0000@b.c"],"domains":[],"labels":[]}}',
      ],
      ['a notes title', 'POST', '/v1/meetings/notes', '{"transcript":"Ann: We ship Friday.","title":"t\\u0000"}'],
      ['a key', 'PUT', '/v1/settings', '{"locale\\u0000":"en"}'],
      [
        'a draft message id',
        'POST',
        '/v1/drafts',
        '{"message":{"id":"d\\ud800","subject":"Hi","text":"Can we meet?"}}',
      ],
    ];
    it.each(nulCases)('NUL or a lone surrogate in %s → 400 invalid_text', async (_name, method, url, payload) => {
      const res = await app.inject({
        method: method as 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('invalid_text');
    });

    it('NUL in a path parameter or the query string → 400', async () => {
      for (const url of ['/v1/triage/abc%00def', '/v1/meetings/notes/%ED%A0%80', '/v1/admin/jobs?limit=1%00']) {
        const res = await app.inject({ method: 'GET', url });
        expect([400, 404], `${url}: ${res.body}`).toContain(res.statusCode);
        expect(res.statusCode).not.toBe(500);
      }
      const nul = await app.inject({ method: 'GET', url: '/v1/triage/abc%00def' });
      expect(nul.json().error.code).toBe('invalid_text');
    });

    it('binary bytes inside message content are data, not an error: the batch is triaged', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/triage',
        payload: { messages: [{ id: 'bin-1', subject: 'Hi', text: 'Hello \u0000 there \ud83d', from: 'a@b.example' }] },
      });
      expect(res.statusCode, res.body).toBe(200);
    });

    it('the OAuth code and state, and tokens in the query, never reach the log', async () => {
      lines.length = 0;
      await raw(port, get('/oauth/callback/google?code=4/SECRET-CODE&state=SECRET-STATE', { Host: '127.0.0.1' }));
      await raw(port, get('/v1/me?access_token=eyJhbGciOi.SECRET-JWT.sig&keep=visible'));
      const log = lines.join('');
      expect(log).toContain('/oauth/callback/google?code=[redacted]&state=[redacted]');
      expect(log).toContain('keep=visible');
      for (const secret of ['SECRET-CODE', 'SECRET-STATE', 'SECRET-JWT']) expect(log).not.toContain(secret);
    });

    it('X-Forwarded-For is not logged as the remote address without TRUST_PROXY', async () => {
      lines.length = 0;
      await raw(port, get('/health', { 'X-Forwarded-For': '6.6.6.6' }));
      const log = lines.join('');
      expect(log).toContain('"remoteAddress":"127.0.0.1"');
      expect(log).not.toContain('6.6.6.6');
    });
  });
}

describe('redactUrl', () => {
  it.each([
    ['/cb?code=abc&state=def', '/cb?code=[redacted]&state=[redacted]'],
    ['/x?access_token=a.b.c&id_token=q', '/x?access_token=[redacted]&id_token=[redacted]'],
    ['/x?Access_Token=a&%63ode=b&a=1', '/x?Access_Token=[redacted]&%63ode=[redacted]&a=1'],
    [
      '/x?refresh_token=r&client_secret=s&validationToken=v',
      '/x?refresh_token=[redacted]&client_secret=[redacted]&validationToken=[redacted]',
    ],
    ['/x?%zz=1&code', '/x?%zz=1&code'],
    ['/plain', '/plain'],
  ])('%s → %s', (url, expected) => expect(redactUrl(url)).toBe(expected));
});

describe('fail closed', () => {
  it('a handler that reads request.store without a signed-in user answers 401, never 500', async () => {
    const app = Fastify();
    registerErrorHandling(app);
    await app.register(identityPlugin, {
      verify: async () => LOCAL_IDENTITY,
      storage: {} as Storage,
    });
    app.get('/outside', async (request) => ({ settings: await request.store.settings() }));
    try {
      const res = await app.inject({ method: 'GET', url: '/outside' });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
    } finally {
      await app.close();
    }
  });
});

describe('slow clients are cut off', () => {
  let app: FastifyInstance;
  let port: number;
  let storage: Storage;

  beforeAll(async () => {
    storage = await testDatabases()[0]!.open();
    app = await buildTestApp(storage, { REQUEST_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '1000' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = portOf(app);
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
  });

  /** Opens a socket, runs `feed` until the server ends the connection, and returns what it answered. */
  async function until(feed: (socket: net.Socket) => void): Promise<{ answer: string }> {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {});
    const closed = once(socket, 'close');
    feed(socket);
    await closed;
    return { answer: Buffer.concat(chunks).toString('utf8') };
  }

  it('a client that sends its headers and then stops sending the body is answered 408 and closed', async () => {
    const { answer } = await until((socket) => {
      socket.write(
        'POST /v1/triage HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"messages":',
      );
    });
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('a client that trickles its body a byte at a time is cut off', async () => {
    let timer: NodeJS.Timeout | undefined;
    const { answer } = await until((socket) => {
      socket.write(
        'POST /v1/triage HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
      );
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write(' ');
      }, 100);
      socket.once('close', () => clearInterval(timer));
    });
    clearInterval(timer);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('a client that trickles its headers is cut off', async () => {
    let timer: NodeJS.Timeout | undefined;
    const { answer } = await until((socket) => {
      socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write('X-Slow: 1\r\n');
      }, 100);
      socket.once('close', () => clearInterval(timer));
    });
    clearInterval(timer);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });
});
