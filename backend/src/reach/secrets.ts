/**
 * `steward keys rotate` for reach secrets: alert webhook URLs and bot tokens, and CRM tokens, re-sealed
 * with the new key row by row (the same rules as mailbox tokens: rows already under the new key are left
 * alone; rows under an unknown key are reported and left unchanged).
 */
import type { Kysely } from 'kysely';
import type { SealedSecret, TokenCipher } from '../accounts/crypto.ts';
import { alertStore } from '../storage/alerts.ts';
import { crmStore } from '../storage/crm.ts';
import type { Database } from '../storage/schema.ts';
import { channelSecretContext } from './alerts.ts';
import { crmTokenContext } from './crm.ts';

export interface RotationCount {
  rotated: number;
  already: number;
  unreadable: string[];
}

/** The decision for one row, shared by both tables: left alone, unreadable, or opened and sealed anew. */
function reseal(
  out: RotationCount,
  label: string,
  sealed: SealedSecret,
  context: string,
  oldCipher: TokenCipher,
  newCipher: TokenCipher,
): SealedSecret | undefined {
  if (sealed.keyVersion === newCipher.keyVersion) {
    out.already++;
    return undefined;
  }
  if (sealed.keyVersion !== oldCipher.keyVersion) {
    out.unreadable.push(label);
    return undefined;
  }
  out.rotated++;
  return newCipher.seal(oldCipher.open(sealed, context), context);
}

export async function rotateReachSecrets(
  db: Kysely<Database>,
  oldCipher: TokenCipher,
  newCipher: TokenCipher,
): Promise<RotationCount> {
  const out: RotationCount = { rotated: 0, already: 0, unreadable: [] };
  const alerts = alertStore(db);
  for (const id of await alerts.channelIds()) {
    await alerts.resealChannel(id, (row) =>
      reseal(
        out,
        `alert channel ${id}`,
        { ciphertext: row.secret_ciphertext, iv: row.secret_iv, tag: row.secret_tag, keyVersion: row.key_version },
        channelSecretContext({ tenantId: row.tenant_id, userId: row.user_id }, row.kind, row.id),
        oldCipher,
        newCipher,
      ),
    );
  }
  const crm = crmStore(db);
  for (const tenantId of await crm.tenantIds()) {
    await crm.resealConnection(tenantId, (row) =>
      reseal(
        out,
        `CRM connection of tenant ${tenantId}`,
        { ciphertext: row.token_ciphertext, iv: row.token_iv, tag: row.token_tag, keyVersion: row.key_version },
        crmTokenContext(tenantId, row.provider),
        oldCipher,
        newCipher,
      ),
    );
  }
  return out;
}
