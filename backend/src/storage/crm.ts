/**
 * The tenant's CRM connection and lookup cache (reach/crm.ts keeps the ports and the caching rules):
 * crm_connections holds one sealed token per tenant; crm_cache one answer per tenant and sender (a
 * CrmContext, or null for a sender the CRM does not know).
 */
import type { CrmContext } from '@steward/shared';
import type { Kysely, Selectable } from 'kysely';
import type { SealedSecret } from '../accounts/crypto.ts';
import type { CrmConnectionsTable, Database } from './schema.ts';

export type CrmConnectionRow = Selectable<CrmConnectionsTable>;

export interface CrmConnectionValues {
  provider: 'hubspot' | 'salesforce';
  instanceUrl: string | null;
  sealed: SealedSecret;
  ttlMinutes: number;
  auth: 'token' | 'oauth';
}

const sealedColumns = (sealed: SealedSecret) => ({
  token_ciphertext: sealed.ciphertext,
  token_iv: sealed.iv,
  token_tag: sealed.tag,
  key_version: sealed.keyVersion,
});

export function crmStore(db: Kysely<Database>) {
  return {
    async connection(tenantId: string): Promise<CrmConnectionRow | undefined> {
      return db.selectFrom('crm_connections').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    },

    /** Stores the tenant's connection (replacing the previous one and emptying its cache), audited — one transaction. */
    async connect(tenantId: string, userId: string, input: CrmConnectionValues): Promise<void> {
      const values = {
        provider: input.provider,
        instance_url: input.instanceUrl,
        ...sealedColumns(input.sealed),
        ttl_minutes: input.ttlMinutes,
        connected_by: userId,
        auth: input.auth,
      };
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('crm_connections')
          .values({ tenant_id: tenantId, ...values })
          .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
          .execute();
        await trx.deleteFrom('crm_cache').where('tenant_id', '=', tenantId).execute();
        await trx
          .insertInto('audit_log')
          .values({
            tenant_id: tenantId,
            user_id: userId,
            action: 'crm.connected',
            detail: JSON.stringify({ provider: input.provider, auth: input.auth }),
          })
          .execute();
      });
    },

    /** Seals renewed OAuth tokens back into the tenant's OAuth connection. */
    async saveOAuthTokens(tenantId: string, sealed: SealedSecret): Promise<void> {
      await db
        .updateTable('crm_connections')
        .set(sealedColumns(sealed))
        .where('tenant_id', '=', tenantId)
        .where('auth', '=', 'oauth')
        .execute();
    },

    /** Removes the connection and its cache; audited when there was one. True when there was one. */
    async disconnect(tenantId: string, userId: string): Promise<boolean> {
      const result = await db.deleteFrom('crm_connections').where('tenant_id', '=', tenantId).executeTakeFirst();
      await db.deleteFrom('crm_cache').where('tenant_id', '=', tenantId).execute();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed)
        await db
          .insertInto('audit_log')
          .values({ tenant_id: tenantId, user_id: userId, action: 'crm.disconnected', detail: JSON.stringify({}) })
          .execute();
      return removed;
    },

    /** The cached answer for a sender; `context` undefined when the CRM did not know them. */
    async cached(
      tenantId: string,
      sender: string,
    ): Promise<{ context: CrmContext | undefined; fetchedAt: Date } | undefined> {
      const row = await db
        .selectFrom('crm_cache')
        .select(['context', 'fetched_at'])
        .where('tenant_id', '=', tenantId)
        .where('sender', '=', sender)
        .executeTakeFirst();
      // The context column holds what `cache` wrote: a CrmContext or null.
      return row
        ? { context: (row.context ?? undefined) as CrmContext | undefined, fetchedAt: new Date(row.fetched_at) }
        : undefined;
    },

    async cache(tenantId: string, sender: string, context: CrmContext | undefined, fetchedAt: Date): Promise<void> {
      await db
        .insertInto('crm_cache')
        .values({
          tenant_id: tenantId,
          sender,
          context: context ? JSON.stringify(context) : null,
          fetched_at: fetchedAt,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'sender']).doUpdateSet({
            context: context ? JSON.stringify(context) : null,
            fetched_at: fetchedAt,
          }),
        )
        .execute();
    },

    /** Every connected tenant, for `steward keys rotate`. */
    async tenantIds(): Promise<string[]> {
      const rows = await db.selectFrom('crm_connections').select('tenant_id').orderBy('tenant_id').execute();
      return rows.map((r) => r.tenant_id);
    },

    /**
     * Re-seals one tenant's token under a row lock: `reseal` sees the row and returns the new sealed secret,
     * or undefined to leave it alone.
     */
    async resealConnection(
      tenantId: string,
      reseal: (row: CrmConnectionRow) => SealedSecret | undefined,
    ): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('crm_connections')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .forUpdate()
          .executeTakeFirst();
        if (!row) return;
        const sealed = reseal(row);
        if (!sealed) return;
        await trx.updateTable('crm_connections').set(sealedColumns(sealed)).where('tenant_id', '=', tenantId).execute();
      });
    },
  };
}
