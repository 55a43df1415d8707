import { expect } from 'vitest';
import type { IsolationCase } from '../../support/isolation.ts';

export const triageCase: IsolationCase<{ id: string }> = {
  name: 'triage results, corrections and rules',
  covers: ['POST /v1/triage', 'GET /v1/triage/:messageId', 'POST /v1/triage/feedback'],
  async seed({ owner }) {
    const id = `secret-${Math.random().toString(36).slice(2)}`;
    const message = {
      id,
      from: 'Boss <boss@corp.example>',
      to: ['owner@contoso.example'],
      subject: 'Confidential merger',
      text: 'Can you review the merger terms by Friday?',
    };
    expect((await owner.request({ method: 'POST', url: '/v1/triage', payload: { message } })).statusCode).toBe(200);
    const fb = await owner.request({
      method: 'POST',
      url: '/v1/triage/feedback',
      payload: { messageId: id, category: 'fyi', message },
    });
    expect(fb.statusCode).toBe(201);
    return { id };
  },
  attacks: ({ id }) => [
    { method: 'GET', url: `/v1/triage/${id}`, expectStatus: [404], mustNotContain: ['merger'] },
    // The intruder's correction lands in their own account and must not change the owner's result.
    {
      method: 'POST',
      url: '/v1/triage/feedback',
      payload: { messageId: id, category: 'marketing', scope: 'message' },
      expectStatus: [201],
    },
    {
      method: 'POST',
      url: '/v1/triage',
      payload: {
        message: {
          id: 'probe',
          from: 'boss@corp.example',
          to: ['x@y.example'],
          subject: 'hi',
          text: 'Can you call me?',
        },
      },
      expectStatus: [200],
      mustNotContain: ['you filed mail from this sender'],
    },
  ],
  async intact({ owner }, { id }) {
    const res = await owner.request({ method: 'GET', url: `/v1/triage/${id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().category).toBe('fyi');
  },
};
