import type { InboxStats, TriageResult } from '@steward/shared';
import { describe, expect, it } from 'vitest';
import { normaliseMessage } from '../../src/mail/normalise.ts';
import { inQuietHours, matchRules, slackPayload, teamsPayload } from '../../src/reach/alerts.ts';
import { soqlString } from '../../src/reach/crm.ts';
import { checkOutboundUrl, OutboundUrlError, retryAfterMs } from '../../src/reach/http.ts';
import { isOneClickPost, methodOf, parseListUnsubscribe } from '../../src/reach/senders.ts';
import { createStatsCache } from '../../src/reach/stats.ts';
import { localDay } from '../../src/storage/stats.ts';
import { withCrmContext } from '../../src/triage/crm.ts';

const result = (over: Partial<TriageResult> = {}): TriageResult => ({
  id: 'm',
  category: 'to_respond',
  needsReply: true,
  meetingRequest: false,
  priority: 'normal',
  confidence: 0.8,
  reasons: ['asks a question'],
  summary: 'Dana asks for the terms',
  ...over,
});

describe('List-Unsubscribe', () => {
  it('reads https and mailto targets; one-click only with List-Unsubscribe-Post', () => {
    const header = '<mailto:leave@x.example?subject=bye>, <https://x.example/u?id=1>';
    const parsed = parseListUnsubscribe(header, isOneClickPost('List-Unsubscribe=One-Click'));
    expect(parsed).toMatchObject({
      https: 'https://x.example/u?id=1',
      mailto: { to: 'leave@x.example', subject: 'bye' },
      oneClick: true,
    });
    expect(methodOf(parsed)).toBe('one_click');
    expect(methodOf(parseListUnsubscribe(header, false))).toBe('mailto');
    expect(methodOf(parseListUnsubscribe('<https://x.example/u>', false))).toBe('web');
    expect(methodOf(parseListUnsubscribe('<http://x.example/u>', true))).toBe('none');
    expect(methodOf(parseListUnsubscribe('<javascript:alert(1)>', true))).toBe('none');
    expect(methodOf(parseListUnsubscribe(undefined, true))).toBe('none');
    expect(isOneClickPost('List-Unsubscribe=Yes')).toBe(false);
  });
});

describe('outbound URLs', () => {
  it('refuses anything but https on a public host', () => {
    for (const url of [
      'http://hooks.slack.com/x',
      'https://localhost/x',
      'https://127.0.0.1/x',
      'https://[::1]/x',
      'https://169.254.169.254/latest',
      'https://[::ffff:10.0.0.1]/x',
      'https://u:p@example.com/x',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(() => checkOutboundUrl(url), url).toThrow(OutboundUrlError);
    }
    expect(checkOutboundUrl('https://hooks.slack.com/services/x').host).toBe('hooks.slack.com');
  });

  it('reads Retry-After as seconds or a date, bounded', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.UTC(2026, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(10_000);
    expect(retryAfterMs('99999')).toBe(300_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

const message = await normaliseMessage({
  id: 'm',
  from: 'Dana <dana@sales.acme.example>',
  subject: 'Terms <@channel>',
  text: 'the body',
});

describe('alert rules and payloads', () => {
  const none = { toRespondHighPriority: false, meetingRequests: false, senders: [], domains: [] };

  it('match by sender, domain (and subdomains), high-priority to_respond, meeting requests', () => {
    expect(matchRules(none, { message, result: result() })).toBeUndefined();
    expect(matchRules({ ...none, senders: ['DANA@sales.acme.example'] }, { message, result: result() })).toBeDefined();
    expect(matchRules({ ...none, domains: ['acme.example'] }, { message, result: result() })).toBeDefined();
    expect(matchRules({ ...none, domains: ['me.example'] }, { message, result: result() })).toBeUndefined();
    expect(matchRules({ ...none, toRespondHighPriority: true }, { message, result: result() })).toBeUndefined();
    expect(
      matchRules({ ...none, toRespondHighPriority: true }, { message, result: result({ priority: 'high' }) }),
    ).toBeDefined();
    expect(
      matchRules({ ...none, meetingRequests: true }, { message, result: result({ meetingRequest: true }) }),
    ).toBeDefined();
  });

  it('quiet hours in the user zone, across midnight', () => {
    const at = new Date('2026-03-02T22:30:00Z'); // 23:30 in Berlin
    expect(inQuietHours({ start: '22:00', end: '07:00' }, 'UTC', at)).toBe(true);
    expect(inQuietHours({ start: '23:00', end: '23:15' }, 'Europe/Berlin', at)).toBe(false);
    expect(inQuietHours({ start: '23:00', end: '07:00' }, 'Europe/Berlin', at)).toBe(true);
    expect(inQuietHours({ start: '08:00', end: '18:00' }, 'UTC', at)).toBe(false);
    expect(inQuietHours(null, 'UTC', at)).toBe(false);
  });

  it('Slack text is escaped so a subject cannot mention @channel; Teams gets an Adaptive Card', () => {
    const notice = { from: 'Dana', subject: 'Terms <!channel>', reason: 'r', link: 'https://mail.google.com/x' };
    const slack = JSON.stringify(slackPayload([notice], false));
    expect(slack).not.toContain('<!channel>');
    expect(slack).toContain('&lt;!channel&gt;');
    const teams = teamsPayload([notice], false) as { attachments: Array<{ content: { actions: unknown[] } }> };
    expect(teams.attachments[0]?.content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open message', url: 'https://mail.google.com/x' },
    ]);
  });
});

describe('CRM in triage', () => {
  const deal = { name: 'ACME renewal', stage: 'Negotiation' };
  it('an open deal raises priority and leads the reasons; the category never changes', () => {
    const out = withCrmContext(result(), { company: 'ACME', deals: [deal] });
    expect(out.priority).toBe('high');
    expect(out.category).toBe('to_respond');
    expect(out.reasons[0]).toBe("open deal 'ACME renewal', stage Negotiation");
    const marketing = withCrmContext(result({ category: 'marketing', priority: 'low' }), { deals: [deal] });
    expect(marketing.priority).toBe('low');
    expect(marketing.category).toBe('marketing');
    expect(withCrmContext(result({ priority: 'low' }), { company: 'ACME', deals: [] }).priority).toBe('normal');
    expect(withCrmContext(result(), undefined)).toEqual(result());
  });

  it('SOQL literals cannot break out of the quotes', () => {
    expect(soqlString("o'brien@x.example")).toBe("'o\\'brien@x.example'");
    expect(soqlString("a\\' OR Name != '")).toBe("'a\\\\\\' OR Name != \\''");
  });
});

describe('dashboard answers', () => {
  const answer = (to: string) => ({ to }) as unknown as InboxStats;

  it('are cached per user and range for the TTL; concurrent requests share one query', async () => {
    let clock = 0;
    let queries = 0;
    const cache = createStatsCache({ ttlMs: 60_000, now: () => clock });
    const compute = (to: string) => async () => {
      queries++;
      await new Promise((r) => setTimeout(r, 5));
      return answer(to);
    };
    const key = { userId: 'u1', days: 14 };
    const [a, b] = await Promise.all([cache.get(key, compute('first')), cache.get(key, compute('second'))]);
    expect([a.to, b.to, queries]).toEqual(['first', 'first', 1]);
    clock = 59_000;
    expect((await cache.get(key, compute('third'))).to).toBe('first');
    expect((await cache.get({ userId: 'u2', days: 14 }, compute('other user'))).to).toBe('other user');
    expect((await cache.get({ userId: 'u1', days: 30 }, compute('other range'))).to).toBe('other range');
    clock = 60_001;
    expect((await cache.get(key, compute('fresh'))).to).toBe('fresh');
    cache.forget('u1');
    expect((await cache.get(key, compute('forgotten'))).to).toBe('forgotten');
    const off = createStatsCache({ ttlMs: 0 });
    await off.get(key, compute('x'));
    expect((await off.get(key, compute('y'))).to).toBe('y');
  });

  it('a failed query is not cached', async () => {
    const cache = createStatsCache();
    const key = { userId: 'u1', days: 14 };
    await expect(cache.get(key, async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect((await cache.get(key, async () => answer('ok'))).to).toBe('ok');
  });

  it("days are the user's calendar days; an unknown zone is UTC", () => {
    const at = new Date('2026-03-01T23:30:00Z');
    expect(localDay(at, 'UTC')).toBe('2026-03-01');
    expect(localDay(at, 'Europe/Berlin')).toBe('2026-03-02');
    expect(localDay(new Date('2026-03-01T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-02-28');
    expect(localDay(at, 'Mars/Olympus')).toBe('2026-03-01');
    expect(localDay(at, undefined)).toBe('2026-03-01');
  });
});
