import type { Config } from '../config.ts';
import type { VerifiedIdentity } from '../storage/users.ts';

/**
 * The immutable key of a verified identity, as ADMIN_IDENTITIES names administrators: the Entra tenant and
 * object id ("microsoft:<tid>:<oid>"), or Google's subject ("google:<sub>"; Google subjects are unique
 * across all Google accounts). Email addresses never decide who someone is.
 */
export function identityKey(identity: VerifiedIdentity): string {
  if (identity.provider === 'microsoft')
    return `microsoft:${identity.tenantExternalId.toLowerCase()}:${identity.subject.toLowerCase()}`;
  if (identity.provider === 'google') return `google:${identity.subject}`;
  return 'local';
}

/** The local user (one-user mode) always is an administrator; anyone else only by ADMIN_IDENTITIES. */
export function isAdmin(config: Pick<Config, 'adminIdentities'>, identity: VerifiedIdentity | undefined): boolean {
  if (!identity) return false;
  if (identity.provider === 'local') return true;
  return config.adminIdentities.includes(identityKey(identity));
}
