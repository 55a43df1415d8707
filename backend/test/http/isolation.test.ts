import { expect } from 'vitest';
import { describeIsolation, type IsolationCase } from '../support/isolation.ts';

const settingsCase: IsolationCase<{ zone: string }> = {
  name: 'settings',
  covers: ['GET /v1/settings', 'PUT /v1/settings'],
  async seed({ owner }) {
    const zone = 'Pacific/Chatham';
    const res = await owner.request({
      method: 'PUT',
      url: '/v1/settings',
      payload: { timeZone: zone, maxMeetingsPerDay: 3 },
    });
    expect(res.statusCode).toBe(200);
    return { zone };
  },
  attacks: ({ zone }) => [
    { method: 'GET', url: '/v1/settings', expectStatus: [200], mustNotContain: [zone] },
    { method: 'PUT', url: '/v1/settings', payload: { timeZone: 'Europe/Paris' }, expectStatus: [200] },
  ],
  async intact({ owner }, { zone }) {
    const res = await owner.request({ method: 'GET', url: '/v1/settings' });
    expect(res.json()).toMatchObject({ timeZone: zone, maxMeetingsPerDay: 3 });
  },
};

const accountCase: IsolationCase<{ id: string }> = {
  name: 'account, audit trail and delete-my-data',
  covers: ['GET /v1/me', 'GET /v1/me/audit', 'DELETE /v1/me'],
  async seed({ owner }) {
    const me = await owner.request({ method: 'GET', url: '/v1/me' });
    expect(me.statusCode).toBe(200);
    return { id: me.json().id as string };
  },
  attacks: ({ id }) => [
    { method: 'GET', url: '/v1/me', expectStatus: [200], mustNotContain: [id] },
    { method: 'GET', url: '/v1/me/audit', expectStatus: [200], mustNotContain: ['maxMeetingsPerDay'] },
    // The intruder deletes *their own* account; the owner's must survive.
    { method: 'DELETE', url: '/v1/me', expectStatus: [204] },
  ],
  async intact({ owner }, { id }) {
    const me = await owner.request({ method: 'GET', url: '/v1/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(id);
    const audit = await owner.request({ method: 'GET', url: '/v1/me/audit' });
    expect(audit.body).toContain('maxMeetingsPerDay');
  },
};

const triageCase: IsolationCase<{ id: string }> = {
  name: 'triage results, corrections and rules',
  covers: ['POST /v1/triage', 'GET /v1/triage/:messageId', 'POST /v1/triage/feedback'],
  async seed({ owner }) {
    const id = `secret-${Math.random().toString(36).slice(2)}`;
    const message = { id, from: 'Boss <boss@corp.example>', to: ['owner@contoso.example'], subject: 'Confidential merger', text: 'Can you review the merger terms by Friday?' };
    expect((await owner.request({ method: 'POST', url: '/v1/triage', payload: { message } })).statusCode).toBe(200);
    const fb = await owner.request({ method: 'POST', url: '/v1/triage/feedback', payload: { messageId: id, category: 'fyi', message } });
    expect(fb.statusCode).toBe(201);
    return { id };
  },
  attacks: ({ id }) => [
    { method: 'GET', url: `/v1/triage/${id}`, expectStatus: [404], mustNotContain: ['merger'] },
    // The intruder's correction lands in their own account and must not change the owner's result.
    { method: 'POST', url: '/v1/triage/feedback', payload: { messageId: id, category: 'marketing', scope: 'message' }, expectStatus: [201] },
    {
      method: 'POST',
      url: '/v1/triage',
      payload: { message: { id: 'probe', from: 'boss@corp.example', to: ['x@y.example'], subject: 'hi', text: 'Can you call me?' } },
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

describeIsolation('user isolation', [settingsCase, accountCase, triageCase]);
