import { expect } from 'vitest';
import type { IsolationCase } from '../../support/isolation.ts';

export const settingsCase: IsolationCase<{ zone: string }> = {
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
