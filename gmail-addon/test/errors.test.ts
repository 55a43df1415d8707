import { describe, expect, it } from 'vitest';
import { type BackendError, interpretFetchException, interpretResponse } from '../src/api/errors.ts';

function failed(status: number, text: string): BackendError {
  const r = interpretResponse(status, text);
  if (r.ok) throw new Error('expected a failure');
  return r.error;
}

describe('interpretResponse', () => {
  it('parses success, and treats 204 or an empty body as no data', () => {
    expect(interpretResponse(200, '{"a":1}')).toEqual({ ok: true, status: 200, data: { a: 1 } });
    expect(interpretResponse(201, '')).toEqual({ ok: true, status: 201, data: null });
    expect(interpretResponse(204, '')).toEqual({ ok: true, status: 204, data: null });
  });

  it('surfaces the backend error body word for word', () => {
    const e = failed(400, '{"error":{"code":"invalid_body","message":"body/message must have id"}}');
    expect([e.code, e.message, e.status, e.retryable]).toEqual([
      'invalid_body',
      'body/message must have id',
      400,
      false,
    ]);
  });

  it.each([
    [401, 'unauthorized', false],
    [403, 'forbidden', false],
    [404, 'not_found', false],
    [408, 'timeout', true],
    [413, 'too_large', false],
    [429, 'rate_limited', true],
    [500, 'server_error', true],
    [502, 'unavailable', true],
    [503, 'unavailable', true],
    [504, 'timeout', true],
    [599, 'server_error', true],
    [302, 'redirected', false],
    [418, 'unexpected_status', false],
  ])('HTTP %i without a JSON body is %s (retryable: %s)', (status, code, retryable) => {
    const e = failed(status, '<html>Bad Gateway</html>');
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
    expect(e.message.length).toBeGreaterThan(10);
  });

  it('reports a 200 that is not JSON as a bad response, not a crash', () => {
    expect(failed(200, '<html>captive portal</html>').code).toBe('bad_response');
  });
});

it('names network failures from UrlFetchApp exceptions', () => {
  expect(interpretFetchException(new Error('Exception: Timeout: https://s.example/v1/triage')).code).toBe('timeout');
  expect(interpretFetchException(new Error('Exception: Address unavailable: https://s.example/v1/triage')).code).toBe(
    'unreachable',
  );
  expect(interpretFetchException(new Error('The URL x is not allowed by the urlFetchWhitelist')).code).toBe(
    'not_allowed',
  );
});
