import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A refresh token as stored: AES-256-GCM ciphertext, its IV and tag (base64), and which key sealed it. */
export interface SealedSecret {
  ciphertext: string;
  iv: string;
  tag: string;
  keyVersion: string;
}

export class KeyMismatchError extends Error {
  constructor(readonly keyVersion: string) {
    super(`This secret was sealed with key ${keyVersion}, which is not the configured TOKEN_ENCRYPTION_KEY.`);
    this.name = 'KeyMismatchError';
  }
}

/**
 * A key's version is derived from the key itself (a short SHA-256 fingerprint), so the database never needs
 * to be told which key is which and a wrong key is reported as such instead of as a corrupt row.
 */
export function keyVersionOf(key: Buffer): string {
  return `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** Parses a key given as 64 hex characters or base64 (the TOKEN_ENCRYPTION_KEY format). */
export function parseKey(raw: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('An encryption key must be 32 bytes, as 64 hex characters or base64.');
  return key;
}

export interface TokenCipher {
  readonly keyVersion: string;
  seal(plaintext: string, context: string): SealedSecret;
  open(sealed: SealedSecret, context: string): string;
}

/**
 * AES-256-GCM with a fresh 96-bit IV per write. `context` (the mailbox's user and address) is bound as
 * additional authenticated data, so a ciphertext copied onto another row does not decrypt.
 */
export function createTokenCipher(key: Buffer): TokenCipher {
  if (key.length !== 32) throw new Error('TOKEN_ENCRYPTION_KEY must be 32 bytes');
  const keyVersion = keyVersionOf(key);
  return {
    keyVersion,
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return {
        ciphertext: ciphertext.toString('base64'),
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        keyVersion,
      };
    },
    open(sealed, context) {
      if (sealed.keyVersion !== keyVersion) throw new KeyMismatchError(sealed.keyVersion);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}

/** The AAD for a mailbox's refresh token. */
export function tokenContext(mailbox: { user_id: string; provider: string; address: string }): string {
  return `steward-refresh-token|${mailbox.user_id}|${mailbox.provider}|${mailbox.address}`;
}
