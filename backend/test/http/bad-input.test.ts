import { describe, expect, it } from 'vitest';
import { buildTestApp, useTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';

for (const database of testDatabases()) {
  describe(`bad input gets a clear 4xx [${database.name}]`, () => {
    const ctx = useTestApp(database, { BODY_LIMIT_BYTES: '4096', RATE_LIMIT_MAX: '1000' });

    const put = (payload: string | Buffer, contentType = 'application/json') =>
      ctx.app.inject({ method: 'PUT', url: '/v1/settings', payload, headers: { 'content-type': contentType } });

    function expectError(res: Awaited<ReturnType<typeof put>>, status: number, code: string) {
      expect(res.statusCode).toBe(status);
      expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
      expect(res.body).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    }

    it('malformed JSON → 400 invalid_json', async () => {
      expectError(await put('{"timeZone": '), 400, 'invalid_json');
    });
    it('an empty body → 400 empty_body', async () => {
      expectError(await put(''), 400, 'empty_body');
    });
    it('wrong types → 400 naming the field', async () => {
      const res = await put(JSON.stringify({ maxMeetingsPerDay: 'three' }));
      expectError(res, 400, 'invalid_body');
      expect(res.json().error.message).toContain('maxMeetingsPerDay');
    });
    it('unknown fields are refused, not silently dropped', async () => {
      const res = await put(JSON.stringify({ timeZone: 'UTC', colour: 'blue' }));
      expectError(res, 400, 'invalid_body');
      expect(res.json().error.message).toContain('colour');
    });
    it('unknown nested fields are refused too', async () => {
      const res = await put(JSON.stringify({ neverSendToModel: { senders: [], domains: [], labels: [], extra: 1 } }));
      expectError(res, 400, 'invalid_body');
    });
    it('an unknown time zone is refused', async () => {
      expectError(await put(JSON.stringify({ timeZone: 'Mars/Olympus' })), 400, 'invalid_body');
    });
    it('working hours that end before they start are refused', async () => {
      const res = await put(
        JSON.stringify({
          workingHours: {
            mon: [{ start: '17:00', end: '09:00' }],
            tue: [],
            wed: [],
            thu: [],
            fri: [],
            sat: [],
            sun: [],
          },
        }),
      );
      expectError(res, 400, 'invalid_body');
    });
    it('an oversized body → 413', async () => {
      const res = await put(JSON.stringify({ locale: 'x'.repeat(10_000) }));
      expectError(res, 413, 'body_too_large');
    });
    it('bytes that are not UTF-8 → 400 invalid_encoding', async () => {
      const res = await put(
        Buffer.concat([Buffer.from('{"locale":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
      );
      expectError(res, 400, 'invalid_encoding');
    });
    it('prototype poisoning → 400', async () => {
      expectError(await put('{"__proto__": {"admin": true}}'), 400, 'invalid_json');
    });
    it('a non-JSON content type → 415, text/plain too, saying what to send', async () => {
      expectError(await put('timeZone=UTC', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
      const res = await put('{"timeZone":"UTC"}', 'text/plain');
      expectError(res, 415, 'unsupported_media_type');
      expect(res.json().error.message).toBe(
        'A body of type "text/plain" is not accepted here; send it as application/json.',
      );
    });
    it('a value outside a fixed set → 400 listing the allowed values', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/triage/feedback',
        payload: { messageId: 'm1', category: 'urgent' },
      });
      expectError(res, 400, 'invalid_body');
      expect(res.json().error.message).toBe(
        'body.category must be one of "to_respond", "awaiting_reply", "fyi", "comment", "meeting_update", "notification", "marketing", "actioned".',
      );
    });
    it('an unknown route → 404 in the error shape', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/v1/nothing-here' });
      expectError(res, 404, 'not_found');
    });
    it('a good update still works after all of that', async () => {
      const res = await put(JSON.stringify({ timeZone: 'Asia/Kathmandu', replyThreshold: 0.7 }));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ timeZone: 'Asia/Kathmandu', replyThreshold: 0.7, locale: 'en' });
    });
  });
}

describe('rate limits', () => {
  // Opens its own database and app: bounded generously for a loaded machine (nothing is timed).
  it('answers 429 with Retry-After once a user exceeds the limit', { timeout: 120_000 }, async () => {
    const storage = await testDatabases()[0]!.open();
    const app = await buildTestApp(storage, { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof app.inject>> | undefined;
      for (let i = 0; i < 5; i++) {
        last = await app.inject({ method: 'GET', url: '/v1/settings' });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      expect(last!.json().error.code).toBe('rate_limited');
      // Health checks are never rate limited.
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await storage.close();
    }
  });
});
