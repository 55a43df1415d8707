import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { prettyLogStream } from '../../src/pretty-log.ts';

function pretty(lines: object[]): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  const stream = prettyLogStream(out);
  return new Promise((resolve) => {
    stream.end(`${lines.map((l) => JSON.stringify(l)).join('\n')}\nnot json\n`, () => resolve(text));
  });
}

describe('the start log for a person at a terminal', () => {
  it('prints the links one per line and a request as one line when it completes', async () => {
    const time = Date.UTC(2026, 2, 2, 9, 15, 7);
    const text = await pretty([
      {
        level: 30,
        time,
        msg: 'Steward is running at http://127.0.0.1:8787',
        urls: { preview: 'http://127.0.0.1:8787/preview', 'API docs': 'http://127.0.0.1:8787/docs' },
      },
      { level: 30, time, reqId: 'req-1', req: { method: 'GET', url: '/health' }, msg: 'incoming request' },
      { level: 30, time, reqId: 'req-1', res: { statusCode: 200 }, responseTime: 3.4, msg: 'request completed' },
      { level: 40, time, msg: 'local mode' },
    ]);
    expect(text.split('\n')).toEqual([
      '09:15:07 INFO  Steward is running at http://127.0.0.1:8787',
      '    preview    http://127.0.0.1:8787/preview',
      '    API docs   http://127.0.0.1:8787/docs',
      '09:15:07 INFO  GET /health 200 3 ms',
      '09:15:07 WARN  local mode',
      'not json',
      '',
    ]);
  });
});
