/**
 * `steward keys rotate` for reach secrets: alert webhook URLs and bot tokens, and CRM tokens, re-sealed
 * with the new key row by row (the same rules as mailbox tokens: rows already under the new key are left
 * alone; rows under an unknown key are reported and left unchanged).
 */
import type { Kysely } from 'kysely';
import type { SealedSecret, TokenCipher } from '../accounts/crypto.ts';
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
  const channels = await db.selectFrom('alert_channels').select('id').orderBy('id').execute();
  for (const { id } of channels) {
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('alert_channels')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return;
      const sealed = reseal(
        out,
        `alert channel ${id}`,
        { ciphertext: row.secret_ciphertext, iv: row.secret_iv, tag: row.secret_tag, keyVersion: row.key_version },
        channelSecretContext({ tenantId: row.tenant_id, userId: row.user_id }, row.kind, row.id),
        oldCipher,
        newCipher,
      );
      if (!sealed) return;
      await trx
        .updateTable('alert_channels')
        .set({
          secret_ciphertext: sealed.ciphertext,
          secret_iv: sealed.iv,
          secret_tag: sealed.tag,
          key_version: sealed.keyVersion,
        })
        .where('id', '=', id)
        .execute();
    });
  }
  const tenants = await db.selectFrom('crm_connections').select('tenant_id').orderBy('tenant_id').execute();
  for (const { tenant_id } of tenants) {
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('crm_connections')
        .selectAll()
        .where('tenant_id', '=', tenant_id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return;
      const sealed = reseal(
        out,
        `CRM connection of tenant ${tenant_id}`,
        { ciphertext: row.token_ciphertext, iv: row.token_iv, tag: row.token_tag, keyVersion: row.key_version },
        crmTokenContext(tenant_id, row.provider),
        oldCipher,
        newCipher,
      );
      if (!sealed) return;
      await trx
        .updateTable('crm_connections')
        .set({
          token_ciphertext: sealed.ciphertext,
          token_iv: sealed.iv,
          token_tag: sealed.tag,
          key_version: sealed.keyVersion,
        })
        .where('tenant_id', '=', tenant_id)
        .execute();
    });
  }
  return out;
}
