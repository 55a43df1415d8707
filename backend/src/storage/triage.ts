import type { TriageResult } from '@steward/shared';
import { type Kysely, sql } from 'kysely';
import type { PersonalModel, SenderRule } from '../triage/local.ts';
import type { Database } from './schema.ts';
import type { UserScope } from './user-scope.ts';

export interface StoredRule {
  kind: 'sender' | 'domain';
  value: string;
  category: string;
}

/** A stored triage (triage_results.result): the result, and the sender it was for when known. */
export interface StoredTriage {
  result: TriageResult;
  sender?: string | undefined;
}

/** The user's triage memory: cached results, corrections, sender and domain rules, the personal model. */
export function triageStore(db: Kysely<Database>, scope: UserScope) {
  const mine = <T extends 'triage_results' | 'triage_feedback' | 'triage_rules' | 'personal_models'>(table: T) =>
    db
      .selectFrom(table as 'triage_results')
      .where('tenant_id', '=', scope.tenantId)
      .where('user_id', '=', scope.userId);

  return {
    /**
     * Everything a triage needs, in one round trip: the stored settings, rules and personal model, and a
     * result computed earlier for this exact content, if any.
     */
    async context(messageId: string, contentHash: string) {
      const { rows } = await sql<{
        settings: unknown;
        rules: SenderRule[] | null;
        personal: PersonalModel | null;
        cached: StoredTriage | null;
      }>`
        select u.settings,
          (select json_agg(json_build_object('kind', r.kind, 'value', r.value, 'category', r.category))
             from triage_rules r where r.tenant_id = ${scope.tenantId} and r.user_id = ${scope.userId}) as rules,
          (select p.model from personal_models p where p.tenant_id = ${scope.tenantId} and p.user_id = ${scope.userId}) as personal,
          (select t.result from triage_results t
             where t.tenant_id = ${scope.tenantId} and t.user_id = ${scope.userId}
               and t.message_id = ${messageId} and t.content_hash = ${contentHash}) as cached
        from users u where u.id = ${scope.userId} and u.tenant_id = ${scope.tenantId}`.execute(db);
      const row = rows[0];
      return {
        settings: (row?.settings ?? {}) as Record<string, unknown>,
        rules: row?.rules ?? [],
        personal: row?.personal ?? undefined,
        cached: row?.cached ?? undefined,
      };
    },

    /** Stores a result and the audit entry for it in one round trip. */
    async saveResultAudited(
      messageId: string,
      contentHash: string,
      result: StoredTriage,
      engine: string,
      audit: { action: string; detail: Record<string, unknown> },
    ): Promise<void> {
      const json = JSON.stringify(result);
      await sql`
        with saved as (
          insert into triage_results (tenant_id, user_id, message_id, content_hash, result, engine, updated_at)
          values (${scope.tenantId}, ${scope.userId}, ${messageId}, ${contentHash}, ${json}::jsonb, ${engine}, now())
          on conflict (user_id, message_id) do update
            set content_hash = excluded.content_hash, result = excluded.result, engine = excluded.engine, updated_at = now()
          returning 1
        )
        insert into audit_log (tenant_id, user_id, action, detail)
        select ${scope.tenantId}, ${scope.userId}, ${audit.action}, ${JSON.stringify(audit.detail)}::jsonb from saved`.execute(
        db,
      );
    },

    /** A result computed earlier for this exact message content, if any. */
    async cached(messageId: string, contentHash: string): Promise<StoredTriage | undefined> {
      const row = await mine('triage_results')
        .select('result')
        .where('message_id', '=', messageId)
        .where('content_hash', '=', contentHash)
        .executeTakeFirst();
      return row?.result as StoredTriage | undefined;
    },

    // triage_results.result holds what saveResult and saveResultAudited wrote (a StoredTriage): typed here, once.
    async result(messageId: string): Promise<StoredTriage | undefined> {
      const row = await mine('triage_results').select('result').where('message_id', '=', messageId).executeTakeFirst();
      return row?.result as StoredTriage | undefined;
    },

    async saveResult(messageId: string, contentHash: string, result: StoredTriage, engine: string): Promise<void> {
      const values = {
        tenant_id: scope.tenantId,
        user_id: scope.userId,
        message_id: messageId,
        content_hash: contentHash,
        result: JSON.stringify(result),
        engine,
        updated_at: new Date(),
      };
      await db
        .insertInto('triage_results')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['user_id', 'message_id']).doUpdateSet({
            content_hash: values.content_hash,
            result: values.result,
            engine,
            updated_at: values.updated_at,
          }),
        )
        .execute();
    },

    /** Corrections change future results, so every cached result is recomputed after one. */
    async forgetResults(): Promise<void> {
      await db
        .deleteFrom('triage_results')
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .execute();
    },

    async recordFeedback(entry: {
      messageId: string;
      category: string;
      previousCategory?: string;
      scope: string;
      sender?: string;
    }): Promise<{ id: string; createdAt: Date }> {
      const row = await db
        .insertInto('triage_feedback')
        .values({
          tenant_id: scope.tenantId,
          user_id: scope.userId,
          message_id: entry.messageId,
          category: entry.category,
          previous_category: entry.previousCategory ?? null,
          scope: entry.scope,
          sender: entry.sender ?? null,
        })
        .returning(['id', 'created_at'])
        .executeTakeFirstOrThrow();
      return { id: row.id, createdAt: new Date(row.created_at) };
    },

    async feedback(limit = 100) {
      return db
        .selectFrom('triage_feedback')
        .selectAll()
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
    },

    async rules(): Promise<StoredRule[]> {
      const rows = await db
        .selectFrom('triage_rules')
        .select(['kind', 'value', 'category'])
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .execute();
      return rows as StoredRule[];
    },

    async upsertRule(rule: StoredRule): Promise<void> {
      await db
        .insertInto('triage_rules')
        .values({ tenant_id: scope.tenantId, user_id: scope.userId, ...rule, updated_at: new Date() })
        .onConflict((oc) =>
          oc.columns(['user_id', 'kind', 'value']).doUpdateSet({ category: rule.category, updated_at: new Date() }),
        )
        .execute();
    },

    async deleteRule(kind: string, value: string): Promise<boolean> {
      const result = await db
        .deleteFrom('triage_rules')
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .where('kind', '=', kind)
        .where('value', '=', value)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** The personal_models.model column holds what savePersonalModel wrote. */
    async personalModel(): Promise<PersonalModel | undefined> {
      const row = await db
        .selectFrom('personal_models')
        .select('model')
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .executeTakeFirst();
      return row?.model as PersonalModel | undefined;
    },

    async savePersonalModel(model: PersonalModel): Promise<void> {
      const json = JSON.stringify(model);
      await db
        .insertInto('personal_models')
        .values({ tenant_id: scope.tenantId, user_id: scope.userId, model: json, updated_at: new Date() })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ model: json, updated_at: new Date() }))
        .execute();
    },
  };
}
