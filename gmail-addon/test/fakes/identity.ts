/** A stand-in for Google's token issuer: an RSA key, its published PEM, and ID tokens signed with it. */
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';

export interface IdentityClaims {
  clientId: string;
  email: string;
  sub: string;
  name?: string;
  hd?: string;
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export function createTestIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID().replace(/-/g, '');
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    kid,
    /** The body Google serves at its PEM certificates URL: key id → PEM. */
    certs: { [kid]: publicPem } as Record<string, string>,
    mint(claims: IdentityClaims, overrides: Record<string, unknown> = {}): string {
      const now = Math.floor(Date.now() / 1000);
      const header = { alg: 'RS256', kid, typ: 'JWT' };
      const payload = {
        iss: 'https://accounts.google.com',
        azp: claims.clientId,
        aud: claims.clientId,
        sub: claims.sub,
        email: claims.email,
        email_verified: true,
        ...(claims.name ? { name: claims.name } : {}),
        ...(claims.hd ? { hd: claims.hd } : {}),
        iat: now,
        exp: now + 3600,
        ...overrides,
      };
      const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
      const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey);
      return `${signingInput}.${b64url(signature)}`;
    },
  };
}
export type TestIssuer = ReturnType<typeof createTestIssuer>;
