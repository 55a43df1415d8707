import { createTokenCipher, keyVersionOf, parseKey, tokenContext } from '../../accounts/crypto.ts';
import { loadConfig } from '../../config.ts';
import { rotateReachSecrets } from '../../reach/secrets.ts';
import { openStorage } from '../../storage/database.ts';
import { resealEveryMailboxToken } from '../../storage/mailboxes.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';

const USAGE = `Usage: steward keys rotate [--new-key KEY]

Re-encrypts every stored mailbox refresh token, alert webhook or bot token and CRM token with a new key, one row at a time in a transaction.
The current key is TOKEN_ENCRYPTION_KEY; the new key is --new-key or TOKEN_ENCRYPTION_KEY_NEW
(32 bytes as 64 hex characters or base64; generate one with: openssl rand -hex 32).
Rows already under the new key are left alone, so an interrupted rotation can simply be run again.
Afterwards set TOKEN_ENCRYPTION_KEY to the new key and restart Steward.`;

export const keysCommand: CliCommand = {
  name: 'keys',
  summary: 'Rotate the key that encrypts stored mailbox tokens',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'rotate') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'missing subcommand (rotate)');
    let newRaw = io.env.TOKEN_ENCRYPTION_KEY_NEW;
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--new-key') newRaw = rest[++i];
      else throw new UsageError(`unexpected argument "${rest[i]}"`);
    }
    const config = loadConfig(io.env, io.cwd);
    if (!config.tokenEncryptionKey) throw new UsageError('TOKEN_ENCRYPTION_KEY (the current key) is not set');
    if (!newRaw) throw new UsageError('the new key is missing: pass --new-key or set TOKEN_ENCRYPTION_KEY_NEW');
    const newKey = parseKey(newRaw);
    const oldCipher = createTokenCipher(config.tokenEncryptionKey);
    const newCipher = createTokenCipher(newKey);
    if (oldCipher.keyVersion === newCipher.keyVersion)
      throw new UsageError('the new key is the same as the current key');

    const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    let rotated = 0;
    let already = 0;
    let reachRotated = 0;
    const unreadable: string[] = [];
    try {
      await resealEveryMailboxToken(storage.db, (row) => {
        if (row.key_version === newCipher.keyVersion) {
          already++;
          return undefined;
        }
        if (row.key_version !== oldCipher.keyVersion) {
          unreadable.push(row.id);
          return undefined;
        }
        const context = tokenContext(row);
        const plain = oldCipher.open(
          {
            ciphertext: row.refresh_token_ciphertext,
            iv: row.refresh_token_iv,
            tag: row.refresh_token_tag,
            keyVersion: row.key_version,
          },
          context,
        );
        rotated++;
        return newCipher.seal(plain, context);
      });
      const reach = await rotateReachSecrets(storage.db, oldCipher, newCipher);
      reachRotated = reach.rotated;
      already += reach.already;
      unreadable.push(...reach.unreadable);
    } finally {
      await storage.close();
    }
    io.stdout.write(
      `Re-encrypted ${rotated} mailbox token(s)${reachRotated ? ` and ${reachRotated} alert or CRM secret(s)` : ''} with key ${keyVersionOf(newKey)}` +
        (already ? `; ${already} already used it` : '') +
        `.\nNow set TOKEN_ENCRYPTION_KEY to the new key and restart Steward.\n`,
    );
    if (unreadable.length) {
      io.stderr.write(
        `${unreadable.length} token(s) were sealed with a key that is neither the current nor the new one and were left unchanged.\n`,
      );
      return 1;
    }
    return 0;
  },
};
