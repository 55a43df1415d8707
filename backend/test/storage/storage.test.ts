import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openStorage, type Storage } from '../../src/storage/database.ts';
import { resolveUser, userStore } from '../../src/storage/users.ts';
import { testDatabases } from '../support/db.ts';

for (const database of testDatabases()) {
  describe(`storage [${database.name}]`, () => {
    let storage: Storage;
    beforeAll(async () => {
      storage = await database.open();
    });
    afterAll(async () => storage.close());

    it('migrations are idempotent', async () => {
      expect((await migrateToLatest(storage.db, storage.schema)).applied).toEqual([]);
    });

    it('creates a tenant and user once per identity, and updates the profile when it changes', async () => {
      const identity = {
        provider: 'microsoft' as const,
        tenantExternalId: 't-1',
        subject: 'oid-1',
        email: 'a@x.example',
        displayName: 'A',
      };
      const first = await resolveUser(storage.db, identity);
      const again = await resolveUser(storage.db, identity);
      expect(again.id).toBe(first.id);
      const renamed = await resolveUser(storage.db, { ...identity, displayName: 'A. Person' });
      expect(renamed.id).toBe(first.id);
      expect(renamed.display_name).toBe('A. Person');
      const tenants = await storage.db.selectFrom('tenants').selectAll().where('external_id', '=', 't-1').execute();
      expect(tenants).toHaveLength(1);
    });

    it('the same subject in another tenant or provider is another user', async () => {
      const a = await resolveUser(storage.db, { provider: 'microsoft', tenantExternalId: 't-2', subject: 'same' });
      const b = await resolveUser(storage.db, { provider: 'microsoft', tenantExternalId: 't-3', subject: 'same' });
      const c = await resolveUser(storage.db, { provider: 'google', tenantExternalId: 't-2', subject: 'same' });
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    });

    it('a user store only ever sees its own rows', async () => {
      const a = await resolveUser(storage.db, { provider: 'google', tenantExternalId: 'consumer', subject: 'iso-a' });
      const b = await resolveUser(storage.db, {
        provider: 'google',
        tenantExternalId: 'other.example',
        subject: 'iso-b',
      });
      const storeA = userStore(storage.db, { tenantId: a.tenant_id, userId: a.id });
      const storeB = userStore(storage.db, { tenantId: b.tenant_id, userId: b.id });
      await storeA.updateSettings({ timeZone: 'Asia/Kolkata' });
      await storeA.audit('triage.read', { messageId: 'm1' });
      expect((await storeB.settings()).timeZone).toBe('UTC');
      expect(await storeB.auditTrail()).toEqual([]);
      // A scope with the right user but a wrong tenant sees nothing either.
      const forged = userStore(storage.db, { tenantId: b.tenant_id, userId: a.id });
      expect(await forged.profile()).toBeUndefined();
      expect((await forged.settings()).timeZone).toBe('UTC');
      await forged.deleteEverything();
      expect((await storeA.profile())?.id).toBe(a.id);
      expect((await storeA.auditTrail()).map((r) => r.action)).toEqual(['triage.read', 'settings.updated']);
    });
  });
}

describe('embedded storage on disk', () => {
  it('persists under DATA_DIR across restarts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-data-'));
    try {
      const first = await openStorage({ dataDir: dir });
      await migrateToLatest(first.db);
      const user = await resolveUser(first.db, { provider: 'local', tenantExternalId: 'local', subject: 'local' });
      await userStore(first.db, { tenantId: user.tenant_id, userId: user.id }).updateSettings({ locale: 'de' });
      await first.close();

      const second = await openStorage({ dataDir: dir });
      expect((await migrateToLatest(second.db)).applied).toEqual([]);
      const again = await resolveUser(second.db, { provider: 'local', tenantExternalId: 'local', subject: 'local' });
      expect(again.id).toBe(user.id);
      expect((await userStore(second.db, { tenantId: again.tenant_id, userId: again.id }).settings()).locale).toBe(
        'de',
      );
      await second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
