import { expect } from 'vitest';
import type { IsolationCase } from '../../support/isolation.ts';

/** Scheduling keeps no rows of its own; what must not leak is the owner's settings shaping another's slots. */
export const schedulingCase: IsolationCase<{ zone: string }> = {
  name: "scheduling uses only the caller's own settings",
  covers: ['POST /v1/scheduling/suggest', 'POST /v1/scheduling/ics', 'POST /v1/scheduling/events'],
  async seed({ owner }) {
    const zone = 'Asia/Kathmandu';
    await owner.request({ method: 'PUT', url: '/v1/settings', payload: { timeZone: zone } });
    const res = await owner.request({
      method: 'POST',
      url: '/v1/scheduling/suggest',
      payload: { request: { durationMinutes: 30 } },
    });
    expect(res.statusCode).toBe(200);
    return { zone };
  },
  attacks: () => [
    {
      method: 'POST',
      url: '/v1/scheduling/suggest',
      payload: { request: { durationMinutes: 30 } },
      expectStatus: [200],
      mustNotContain: ['+05:45'],
    },
    {
      method: 'POST',
      url: '/v1/scheduling/ics',
      payload: { start: '2026-03-10T14:00:00Z', end: '2026-03-10T14:30:00Z', summary: 'x', attendees: [] },
      expectStatus: [200, 400],
    },
    {
      method: 'POST',
      url: '/v1/scheduling/events',
      payload: { start: '2026-03-10T14:00:00Z', end: '2026-03-10T14:30:00Z', summary: 'x', attendees: [] },
      expectStatus: [409],
    },
  ],
  async intact({ owner }, { zone }) {
    expect((await owner.request({ method: 'GET', url: '/v1/settings' })).json().timeZone).toBe(zone);
  },
};
