import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { createTokenCipher, tokenContext } from '../../../src/accounts/crypto.ts';
import { mailboxStore } from '../../../src/storage/mailboxes.ts';
import type { IsolationCase } from '../../support/isolation.ts';

/** A connected mailbox is seeded straight into storage (the OAuth dance needs a browser). */
export const syncCase: IsolationCase<{ id: string; address: string }> = {
  name: 'connected mailboxes, sync status and dead letters',
  covers: [
    'GET /v1/sync/status',
    'POST /v1/mailboxes/connect/:provider',
    'DELETE /v1/mailboxes/:id',
    'GET /v1/admin/jobs',
  ],
  async seed({ app, owner }) {
    const me = await owner.request({ method: 'GET', url: '/v1/me' });
    const user = me.json() as { id: string };
    const row = await app.services.storage.db
      .selectFrom('users')
      .select(['id', 'tenant_id'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    const address = `owner-${randomBytes(4).toString('hex')}@secret-mailbox.example`;
    const cipher = createTokenCipher(randomBytes(32));
    const sealed = cipher.seal('refresh-secret', tokenContext({ user_id: row.id, provider: 'gmail', address }));
    const mailbox = await mailboxStore(app.services.storage.db, { tenantId: row.tenant_id, userId: row.id }).connect(
      'gmail',
      address,
      sealed,
    );
    const status = await owner.request({ method: 'GET', url: '/v1/sync/status' });
    expect(status.statusCode).toBe(200);
    expect(status.body).toContain(address);
    return { id: mailbox.id, address };
  },
  attacks: ({ id, address }) => [
    { method: 'GET', url: '/v1/sync/status', expectStatus: [200], mustNotContain: [address, id] },
    { method: 'DELETE', url: `/v1/mailboxes/${id}`, expectStatus: [404] },
    // Connecting starts the intruder's own handshake (or says sync is not configured); nothing of the owner's.
    { method: 'POST', url: '/v1/mailboxes/connect/google', expectStatus: [200, 503], mustNotContain: [address] },
    { method: 'GET', url: '/v1/admin/jobs', expectStatus: [403], mustNotContain: [id] },
  ],
  async intact({ owner }, { id, address }) {
    const status = await owner.request({ method: 'GET', url: '/v1/sync/status' });
    expect(status.json().mailboxes).toEqual(
      expect.arrayContaining([expect.objectContaining({ id, address, status: 'active' })]),
    );
  },
};
