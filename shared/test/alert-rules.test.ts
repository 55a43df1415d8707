import { describe, expect, it } from 'vitest';
import { DOMAIN_NAME, describeRules, EMAIL_ADDRESS, parseDomains, parseList } from '../src/alert-rules.ts';

describe('alert rules as both clients read and show them', () => {
  it('reads typed lists: any separator, lower-cased, no repeats, domains without "@"', () => {
    expect(parseList('a@x.example, B@x.example\nb@x.example;  ')).toEqual(['a@x.example', 'b@x.example']);
    expect(parseList(' \n ,; ')).toEqual([]);
    expect(parseDomains('@Acme.example acme.example beta.example')).toEqual(['acme.example', 'beta.example']);
  });

  it('tells addresses and domains from what is neither', () => {
    expect(EMAIL_ADDRESS.test('dana@acme.example')).toBe(true);
    expect(EMAIL_ADDRESS.test('dana')).toBe(false);
    expect(EMAIL_ADDRESS.test('dana@acme')).toBe(false);
    expect(DOMAIN_NAME.test('acme.example')).toBe(true);
    expect(DOMAIN_NAME.test('acme')).toBe(false);
    expect(DOMAIN_NAME.test('acme..example')).toBe(false);
  });

  it('describes a channel in one line', () => {
    expect(
      describeRules({
        rules: { toRespondHighPriority: false, meetingRequests: false, senders: [], domains: [] },
        quietHours: null,
        maxPerHour: 2,
      }),
    ).toBe('nothing · at most 2 an hour');
    expect(
      describeRules({
        rules: {
          toRespondHighPriority: true,
          meetingRequests: true,
          senders: ['dana@acme.example'],
          domains: ['beta.example', 'gamma.example'],
        },
        quietHours: { start: '22:00', end: '07:00' },
        maxPerHour: 10,
      }),
    ).toBe(
      'needs your reply, high priority; meeting requests; from dana@acme.example; from @beta.example, @gamma.example · quiet 22:00–07:00 · at most 10 an hour',
    );
  });
});
