import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';

const budgetAsk = {
  id: 'm-budget',
  from: 'Ann Lee <ann@partner.example>',
  to: ['me@steward.example'],
  subject: 'Q2 budget approval',
  date: '2026-03-02T09:15:00Z',
  text: 'Hi,\n\nCould you approve the Q2 budget by Friday? The finance team needs it before the board meeting.\n\nThanks,\nAnn',
};

const newsletter = {
  id: 'm-news',
  from: 'Deals Weekly <news@deals.example>',
  to: ['me@steward.example'],
  subject: '50% off everything this weekend only!',
  html: '<html><body><h1>Huge sale</h1><p>Shop now and save 50% on all items. Limited time offer!</p><a href="https://deals.example/unsubscribe">Unsubscribe</a></body></html>',
  headers: { 'list-unsubscribe': '<mailto:unsubscribe@deals.example>', precedence: 'bulk' },
};

for (const database of testDatabases()) {
  describe(`triage API [${database.name}]`, () => {
    const ctx = useTestApp(database, {});

    const post = (payload: unknown) =>
      ctx.app.inject({ method: 'POST', url: '/v1/triage', payload: payload as object });

    it('triages one message and explains why', async () => {
      const res = await post({ message: budgetAsk, me: ['me@steward.example'] });
      expect(res.statusCode).toBe(200);
      const result = res.json();
      expect(result).toMatchObject({ id: 'm-budget', category: 'to_respond', needsReply: true });
      expect(result.reasons.length).toBeGreaterThan(0);
      expect(result.summary.length).toBeGreaterThan(0);
      expect(result.confidence).toBeGreaterThan(0);
      expect(result.confidence).toBeLessThanOrEqual(1);
    });

    it('keeps the result so reopening the message is instant', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/v1/triage/m-budget' });
      expect(res.statusCode).toBe(200);
      expect(res.json().category).toBe('to_respond');
      expect((await ctx.app.inject({ method: 'GET', url: '/v1/triage/never-seen' })).statusCode).toBe(404);
    });

    it('answers a batch item by item; a bad record does not sink the rest', async () => {
      const res = await post({
        messages: [budgetAsk, { id: 'broken', text: 42 }, newsletter, 'not an object'],
        me: ['me@steward.example'],
      });
      expect(res.statusCode).toBe(200);
      const { results } = res.json();
      expect(results).toHaveLength(4);
      expect(results[0]).toMatchObject({ id: 'm-budget', category: 'to_respond' });
      expect(results[1]).toMatchObject({ id: 'broken', error: { code: 'invalid_message' } });
      expect(results[2]).toMatchObject({ id: 'm-news', category: 'marketing' });
      expect(results[3]).toMatchObject({ id: '3', error: { code: 'invalid_message' } });
    });

    it('refuses a batch over 100 and a body with neither message nor messages', async () => {
      const many = Array.from({ length: 101 }, (_, i) => ({ id: `x${i}`, text: 'hi' }));
      expect((await post({ messages: many })).statusCode).toBe(400);
      expect((await post({ me: [] })).json().error.code).toBe('invalid_body');
    });

    it('a correction is stored, shown in reasons, and followed for that sender from then on', async () => {
      const feedback = await ctx.app.inject({
        method: 'POST',
        url: '/v1/triage/feedback',
        payload: { messageId: 'm-budget', category: 'fyi', message: budgetAsk },
      });
      expect(feedback.statusCode).toBe(201);
      expect(feedback.json()).toMatchObject({
        category: 'fyi',
        previousCategory: 'to_respond',
        scope: 'sender',
        rule: { kind: 'sender', value: 'ann@partner.example' },
      });
      const rows = await ctx.storage.db
        .selectFrom('triage_feedback')
        .selectAll()
        .where('message_id', '=', 'm-budget')
        .execute();
      expect(rows).toHaveLength(1);

      const reopened = (await ctx.app.inject({ method: 'GET', url: '/v1/triage/m-budget' })).json();
      expect(reopened.category).toBe('fyi');

      const next = await post({
        message: { ...budgetAsk, id: 'm-budget-2', subject: 'Q3 budget approval', text: 'Could you approve Q3 too?' },
        me: ['me@steward.example'],
      });
      expect(next.json().category).toBe('fyi');
      expect(next.json().reasons.join(' ')).toMatch(/you filed mail from this sender as FYI/i);
    });

    it('a feedback without a known sender cannot make a sender rule', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/triage/feedback',
        payload: { messageId: 'unknown-1', category: 'fyi', scope: 'sender' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('sender_unknown');
    });

    it('a broken raw message gets a clear result, never a crash', async () => {
      const res = await post({
        message: {
          id: 'raw-1',
          raw: 'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Type: text/plain; charset=klingon\r\n\r\n\u0000\u0001 hello?\r\n',
        },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().id).toBe('raw-1');
    });
  });
}
