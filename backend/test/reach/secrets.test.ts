import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenCipher } from '../../src/accounts/crypto.ts';
import { createAlerts } from '../../src/reach/alerts.ts';
import { createCrm } from '../../src/reach/crm.ts';
import { rotateReachSecrets } from '../../src/reach/secrets.ts';
import type { Storage } from '../../src/storage/database.ts';
import { resolveUser } from '../../src/storage/users.ts';
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
