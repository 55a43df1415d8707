import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { countMessage } from '../../../src/storage/stats.ts';
import type { IsolationCase } from '../../support/isolation.ts';

type Handle = { senderId: string; sender: string; channelId: string; channel: string };

/**
 * Senders, stats and alert channels are the owner's; the CRM connection is an admin's (none of these callers
 * is one). The isolation app has no TOKEN_ENCRYPTION_KEY, so the channel is seeded straight into storage.
 */
export const reachCase: IsolationCase<Handle> = {
  name: 'senders, unsubscribe, stats, alert channels and the CRM connection',
  covers: [
    'GET /v1/senders',
    'POST /v1/senders/:id/unsubscribe',
    'GET /v1/stats',
    'GET /v1/alerts/channels',
    'POST /v1/alerts/channels',
    'PATCH /v1/alerts/channels/:id',
    'DELETE /v1/alerts/channels/:id',
    'POST /v1/alerts/channels/:id/test',
    'GET /v1/admin/crm',
    'PUT /v1/admin/crm',
    'DELETE /v1/admin/crm',
    'POST /v1/admin/crm/connect/:provider',
  ],
  async seed({ app, owner }) {
    const tag = randomBytes(4).toString('hex');
    const sender = `promo-${tag}@secret-sender.example`;
    const triaged = await owner.request({
      method: 'POST',
      url: '/v1/triage',
      payload: {
        message: {
          id: `promo-${tag}`,
          from: `Promo <${sender}>`,
          subject: 'Sale',
          text: 'Huge sale, 50% off. Unsubscribe here.',
          headers: {
            precedence: 'bulk',
            'list-unsubscribe': '<https://secret-sender.example/u>',
            'list-unsubscribe-post': 'List-Unsubscribe=One-Click',
          },
        },
      },
    });
    expect(triaged.statusCode).toBe(200);
    const senders = (await owner.request({ method: 'GET', url: '/v1/senders' })).json().senders as Array<{
      id: string;
      address: string;
    }>;
    const senderId = senders.find((s) => s.address === sender)?.id ?? '';
    expect(senderId).not.toBe('');

    const me = (await owner.request({ method: 'GET', url: '/v1/me' })).json() as { id: string; tenantId: string };
    const db = app.services.storage.db;
    await countMessage(db, { tenantId: me.tenantId, userId: me.id }, new Date(), 'comment', { messages: 777 });
    const channel = `owner-channel-${tag}`;
    const row = await db
      .insertInto('alert_channels')
      .values({
        tenant_id: me.tenantId,
        user_id: me.id,
        kind: 'slack',
        name: channel,
        target: 'Slack webhook hooks.slack.com/…',
        secret_ciphertext: 'x',
        secret_iv: 'x',
        secret_tag: 'x',
        key_version: 'x',
        rules: JSON.stringify({ toRespondHighPriority: true, meetingRequests: false, senders: [], domains: [] }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { senderId, sender, channelId: row.id, channel };
  },
  attacks: ({ senderId, sender, channelId, channel }) => [
    { method: 'GET', url: '/v1/senders', expectStatus: [200], mustNotContain: [sender, senderId] },
    { method: 'GET', url: '/v1/senders?category=marketing', expectStatus: [200], mustNotContain: [sender] },
    { method: 'POST', url: `/v1/senders/${senderId}/unsubscribe`, payload: { confirm: true }, expectStatus: [404] },
    { method: 'GET', url: '/v1/stats', expectStatus: [200], mustNotContain: ['777'] },
    { method: 'GET', url: '/v1/alerts/channels', expectStatus: [200], mustNotContain: [channel, channelId] },
    {
      method: 'PATCH',
      url: `/v1/alerts/channels/${channelId}`,
      payload: { name: 'hijacked', maxPerHour: 60 },
      expectStatus: [404],
    },
    { method: 'DELETE', url: `/v1/alerts/channels/${channelId}`, expectStatus: [404] },
    { method: 'POST', url: `/v1/alerts/channels/${channelId}/test`, expectStatus: [404] },
    {
      method: 'POST',
      url: '/v1/alerts/channels',
      payload: {
        kind: 'slack',
        name: 'intruder',
        url: 'https://hooks.slack.com/services/T/B/x',
        rules: { toRespondHighPriority: true, meetingRequests: false, senders: [], domains: [] },
      },
      expectStatus: [201, 503],
    },
    { method: 'GET', url: '/v1/admin/crm', expectStatus: [403] },
    {
      method: 'PUT',
      url: '/v1/admin/crm',
      payload: { provider: 'hubspot', token: 'pat-intruder-token' },
      expectStatus: [403],
    },
    { method: 'DELETE', url: '/v1/admin/crm', expectStatus: [403] },
    { method: 'POST', url: '/v1/admin/crm/connect/hubspot', expectStatus: [403] },
    { method: 'POST', url: '/v1/admin/crm/connect/salesforce', expectStatus: [403] },
  ],
  async intact({ owner }, { sender, channel }) {
    const senders = (await owner.request({ method: 'GET', url: '/v1/senders' })).json().senders as Array<{
      address: string;
      unsubscribedAt: string | null;
    }>;
    expect(senders.find((s) => s.address === sender)?.unsubscribedAt).toBeNull();
    const stats = (await owner.request({ method: 'GET', url: '/v1/stats' })).json();
    expect(stats.totals.comment).toBeGreaterThanOrEqual(777);
    const channels = (await owner.request({ method: 'GET', url: '/v1/alerts/channels' })).json().channels as Array<{
      name: string;
    }>;
    expect(channels.map((c) => c.name)).toContain(channel);
  },
};
