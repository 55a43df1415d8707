import { describe, expect, it } from 'vitest';
import { SseParser } from '../src/api/sse.ts';

const stream = [
  ': keep-alive comment',
  'event: delta',
  'data: {"text":"Hi Priya,"}',
  '',
  'event: delta',
  'data: {"text":" thanks"}',
  '',
  'event: done',
  'data: {"subject":"Re: Pricing",',
  'data: "text":"Hi Priya, thanks"}',
  '',
  '',
].join('\n');

describe('SseParser', () => {
  it('parses named events and joins multi-line data', () => {
    const events = new SseParser().push(stream);
    expect(events.map((e) => e.event)).toEqual(['delta', 'delta', 'done']);
    expect(JSON.parse(events[2]?.data ?? '')).toEqual({ subject: 'Re: Pricing', text: 'Hi Priya, thanks' });
  });

  it('gives the same events whatever the chunk boundaries are', () => {
    const whole = new SseParser().push(stream);
    for (const size of [1, 2, 3, 7, 13]) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < stream.length; i += size) events.push(...parser.push(stream.slice(i, i + size)));
      expect(events).toEqual(whole);
    }
  });

  it('accepts CRLF and CR line endings, even split across chunks', () => {
    const crlf = stream.replace(/\n/g, '\r\n');
    const parser = new SseParser();
    const events = [];
    for (let i = 0; i < crlf.length; i += 5) events.push(...parser.push(crlf.slice(i, i + 5)));
    expect(events.map((e) => e.event)).toEqual(['delta', 'delta', 'done']);
    expect(new SseParser().push('data: a\rdata: b\r\r')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('drops an event whose blank line never came', () => {
    const parser = new SseParser();
    expect(parser.push('event: done\ndata: {}\n')).toEqual([]);
    expect(parser.end()).toEqual([]);
  });
});
