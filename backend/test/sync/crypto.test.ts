import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenCipher, KeyMismatchError, keyVersionOf, tokenContext } from '../../src/accounts/crypto.ts';
import { keysCommand } from '../../src/cli/commands/keys.ts';
import { migrateToLatest, openStorage } from '../../src/storage/database.ts';
import { mailboxStore } from '../../src/storage/mailboxes.ts';
import { resolveUser } from '../../src/storage/users.ts';

describe('refresh-token encryption', () => {
  const key = randomBytes(32);
  const cipher = createTokenCipher(key);
  const ctx = tokenContext({ user_id: 'u1', provider: 'gmail', address: 'a@b.example' });

  it('round-trips, with a fresh IV per write and the key version stored', () => {
    const a = cipher.seal('1//refresh-token', ctx);
    const b = cipher.seal('1//refresh-token', ctx);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.keyVersion).toBe(keyVersionOf(key));
    expect(cipher.open(a, ctx)).toBe('1//refresh-token');
  });

  it('refuses a tampered ciphertext, another row, or another key', () => {
    const sealed = cipher.seal('secret', ctx);
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => cipher.open({ ...sealed, ciphertext: flipped.toString('base64') }, ctx)).toThrow();
    expect(() =>
      cipher.open(sealed, tokenContext({ user_id: 'u2', provider: 'gmail', address: 'a@b.example' })),
    ).toThrow();
    expect(() => createTokenCipher(randomBytes(32)).open(sealed, ctx)).toThrow(KeyMismatchError);
  });
});

describe('steward keys rotate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-keys-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('re-encrypts every mailbox token with the new key, and a second run changes nothing', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const storage = await openStorage({ dataDir: dir });
    await migrateToLatest(storage.db);
    const oldCipher = createTokenCipher(oldKey);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const user = await resolveUser(storage.db, {
        provider: 'local',
        tenantExternalId: 'local',
        subject: `u${n}`,
        email: `u${n}@x.example`,
      });
      const address = `u${n}@x.example`;
      const row = await mailboxStore(storage.db, { tenantId: user.tenant_id, userId: user.id }).connect(
        'gmail',
        address,
        oldCipher.seal(`token-${n}`, tokenContext({ user_id: user.id, provider: 'gmail', address })),
      );
      ids.push(row.id);
    }
    await storage.close();

    const run = async () => {
      const stdout = new PassThrough();
      const chunks: string[] = [];
      stdout.on('data', (c) => chunks.push(String(c)));
      const code = await keysCommand.run(['rotate', '--new-key', newKey.toString('base64')], {
        stdin: new PassThrough(),
        stdout,
        stderr: new PassThrough(),
        env: { DATA_DIR: dir, TOKEN_ENCRYPTION_KEY: oldKey.toString('hex'), LOG_LEVEL: 'silent' },
        cwd: dir,
      });
      return { code, out: chunks.join('') };
    };
    const first = await run();
    expect(first.code).toBe(0);
    expect(first.out).toContain('Re-encrypted 3 mailbox token(s)');
    const second = await run();
    expect(second.out).toContain('Re-encrypted 0 mailbox token(s)');
    expect(second.out).toContain('3 already used it');

    const check = await openStorage({ dataDir: dir });
    const rows = await check.db.selectFrom('mailboxes').selectAll().execute();
    const newCipher = createTokenCipher(newKey);
    expect(rows.map((r) => r.key_version)).toEqual([newCipher.keyVersion, newCipher.keyVersion, newCipher.keyVersion]);
    const plain = rows.map((r) =>
      newCipher.open(
        {
          ciphertext: r.refresh_token_ciphertext,
          iv: r.refresh_token_iv,
          tag: r.refresh_token_tag,
          keyVersion: r.key_version,
        },
        tokenContext(r),
      ),
    );
    expect(plain.sort()).toEqual(['token-1', 'token-2', 'token-3']);
    await check.close();
  }, 180_000);
});
