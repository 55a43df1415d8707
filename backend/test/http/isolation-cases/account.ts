import { expect } from 'vitest';
import type { IsolationCase } from '../../support/isolation.ts';

export const accountCase: IsolationCase<{ id: string }> = {
  name: 'account, audit trail and delete-my-data',
  covers: ['GET /v1/me', 'GET /v1/me/identity', 'GET /v1/me/audit', 'DELETE /v1/me'],
  async seed({ owner }) {
    await owner.request({ method: 'PUT', url: '/v1/settings', payload: { maxMeetingsPerDay: 4 } });
    const me = await owner.request({ method: 'GET', url: '/v1/me' });
    expect(me.statusCode).toBe(200);
    return { id: me.json().id as string };
  },
  attacks: ({ id }) => [
    { method: 'GET', url: '/v1/me', expectStatus: [200], mustNotContain: [id] },
    { method: 'GET', url: '/v1/me/identity', expectStatus: [200], mustNotContain: [id] },
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
