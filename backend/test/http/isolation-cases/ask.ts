import { expect } from 'vitest';
import type { IsolationCase } from '../../support/isolation.ts';

export const askCase: IsolationCase<{ threadId: string; secret: string }> = {
  name: 'the mail index: questions, thread summaries, the briefing',
  covers: ['POST /v1/ask', 'POST /v1/threads/summary', 'GET /v1/briefing'],
  async seed({ owner }) {
    const secret = `zanzibar${Math.random().toString(36).slice(2, 8)}`;
    const threadId = `thread-${secret}`;
    expect((await owner.request({ method: 'PUT', url: '/v1/settings', payload: { mailIndex: true } })).statusCode).toBe(
      200,
    );
    const message = {
      id: `msg-${secret}`,
      threadId,
      from: 'Dana <dana@corp.example>',
      to: ['owner@contoso.example'],
      subject: `Renewal ${secret}`,
      text: `The renewal price for ${secret} is $42,000 per year. Can you approve it by Friday?`,
    };
    expect((await owner.request({ method: 'POST', url: '/v1/triage', payload: { message } })).statusCode).toBe(200);
    return { threadId, secret };
  },
  attacks: ({ threadId, secret }) => [
    // The intruder turns on their own index: it holds nothing of the owner's.
    { method: 'PUT', url: '/v1/settings', payload: { mailIndex: true }, expectStatus: [200] },
    {
      method: 'POST',
      url: '/v1/ask',
      payload: { question: `What is the renewal price for ${secret}?` },
      expectStatus: [200],
      mustNotContain: ['42,000', `msg-${secret}`],
    },
    {
      method: 'POST',
      url: '/v1/threads/summary',
      payload: { threadId },
      expectStatus: [404],
      mustNotContain: ['42,000', 'approve'],
    },
    { method: 'GET', url: '/v1/briefing', expectStatus: [200], mustNotContain: [secret, 'Dana'] },
  ],
  async intact({ owner }, { threadId, secret }) {
    const res = await owner.request({
      method: 'POST',
      url: '/v1/ask',
      payload: { question: `What is the renewal price for ${secret}?` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().found).toBe(true);
    expect(res.body).toContain('42,000');
    const summary = await owner.request({ method: 'POST', url: '/v1/threads/summary', payload: { threadId } });
    expect(summary.statusCode).toBe(200);
  },
};
