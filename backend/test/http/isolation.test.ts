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

describeIsolation('user isolation', [settingsCase, accountCase]);
