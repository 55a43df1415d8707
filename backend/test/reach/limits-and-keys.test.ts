import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenCipher } from '../../src/accounts/crypto.ts';
import { normaliseMessage } from '../../src/mail/normalise.ts';
import { createAlerts } from '../../src/reach/alerts.ts';
import { createCrm } from '../../src/reach/crm.ts';
import { rotateReachSecrets } from '../../src/reach/secrets.ts';
import type { Storage } from '../../src/storage/database.ts';
import { resolveUser, userStore } from '../../src/storage/users.ts';
import { testDatabases } from '../support/db.ts';
import { type FakeReach, HUBSPOT_TOKEN, startFakeReach } from '../support/fake-reach.ts';

for (const database of testDatabases()) {
  describe(`reach secrets under key rotation [${database.name}]`, () => {
    let storage: Storage;
    let fake: FakeReach;
    beforeAll(async () => {
      storage = await database.open();
      fake = await startFakeReach();
    });
    afterAll(async () => {
      await fake?.close();
      await storage?.close();
    });

    it('re-seals alert and CRM secrets with the new key; the old key no longer opens them; a rerun changes nothing', async () => {
      const oldCipher = createTokenCipher(randomBytes(32));
      const newCipher = createTokenCipher(randomBytes(32));
      const user = await resolveUser(storage.db, { provider: 'local', tenantExternalId: 'local', subject: 'rot' });
      const scope = { tenantId: user.tenant_id, userId: user.id };
      const outbound = { redirect: fake.redirect };
      const before = createAlerts({ db: storage.db, cipher: oldCipher, outbound });
      const channel = await before.create(scope, {
        kind: 'slack',
        name: 'rot',
        url: 'https://hooks.slack.com/services/T/B/rotation',
        rules: { toRespondHighPriority: true, meetingRequests: false, senders: [], domains: [] },
      });
      await createCrm({ db: storage.db, cipher: oldCipher, outbound }).connect(user.tenant_id, user.id, {
        provider: 'hubspot',
        token: HUBSPOT_TOKEN,
      });

      expect(await rotateReachSecrets(storage.db, oldCipher, newCipher)).toEqual({
        rotated: 2,
        already: 0,
        unreadable: [],
      });
      expect(await rotateReachSecrets(storage.db, oldCipher, newCipher)).toEqual({
        rotated: 0,
        already: 2,
        unreadable: [],
      });

      const after = createAlerts({ db: storage.db, cipher: newCipher, outbound });
      expect(await after.test(scope, channel.id)).toEqual({ delivered: true, status: 200 });
      await expect(before.test(scope, channel.id)).rejects.toThrow(/sealed with key/);
      const crm = createCrm({ db: storage.db, cipher: newCipher, outbound });
      expect((await crm.contextFor(user.tenant_id, 'dana@acme.example'))?.deals[0]?.name).toBe('ACME renewal');
    });
  });
}

for (const database of testDatabases()) {
  describe(`alert limits [${database.name}]`, () => {
    let storage: Storage;
    let fake: FakeReach;
    beforeAll(async () => {
      storage = await database.open();
      fake = await startFakeReach();
    });
    afterAll(async () => {
      await fake?.close();
      await storage?.close();
    });

    it('past the hourly limit notices are held, then sent as one digest; the never-send list drops the summary', async () => {
      const user = await resolveUser(storage.db, { provider: 'local', tenantExternalId: 'local', subject: 'limit' });
      const scope = { tenantId: user.tenant_id, userId: user.id };
      let clock = Date.parse('2026-03-02T10:00:00Z');
      const alerts = createAlerts({
        db: storage.db,
        cipher: createTokenCipher(randomBytes(32)),
        outbound: { redirect: fake.redirect },
        now: () => new Date(clock),
      });
      await alerts.create(scope, {
        kind: 'slack',
        name: 'limited',
        url: 'https://hooks.slack.com/services/T/B/limited',
        rules: { toRespondHighPriority: false, meetingRequests: false, senders: [], domains: ['acme.example'] },
        maxPerHour: 2,
      });
      await userStore(storage.db, scope).updateSettings({
        neverSendToModel: { senders: ['secret@acme.example'], domains: [], labels: [] },
      });
      const event = async (id: string, from: string) => ({
        message: await normaliseMessage({ id, from, subject: `Subject ${id}`, text: 'body' }),
        result: {
          id,
          category: 'to_respond' as const,
          needsReply: true,
          meetingRequest: false,
          priority: 'normal' as const,
          confidence: 0.9,
          reasons: [],
          summary: `Summary ${id}`,
        },
        provider: 'gmail' as const,
        providerMessageId: id,
      });
      await alerts.onMessage(scope, await event('a', 'dana@acme.example'));
      await alerts.onMessage(scope, await event('b', 'secret@acme.example'));
      await alerts.onMessage(scope, await event('c', 'dana@acme.example'));
      await alerts.onMessage(scope, await event('d', 'dana@acme.example'));
      await alerts.onMessage(scope, await event('a', 'dana@acme.example')); // replayed: nothing new
      const posts = fake.of('/services/T/B/limited');
      expect(posts).toHaveLength(2);
      expect(posts[0]?.body).toContain('Summary a');
      expect(posts[1]?.body).toContain('Subject b');
      expect(posts[1]?.body).not.toContain('Summary b');

      expect(await alerts.flushAll()).toBe(0); // still inside the hour
      clock += 61 * 60_000;
      expect(await alerts.flushAll()).toBe(1);
      const digest = fake.of('/services/T/B/limited')[2];
      expect(digest?.body).toContain('2 messages held back');
      expect(digest?.body).toContain('Subject c');
      expect(digest?.body).toContain('Subject d');
      expect(await alerts.flushAll()).toBe(0);
    });
  });
}
