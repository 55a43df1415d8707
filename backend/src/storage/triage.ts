import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { UserScope } from './users.ts';

export interface StoredRule {
  kind: 'sender' | 'domain';
  value: string;
  category: string;
}

/** The user's triage memory: cached results, corrections, sender and domain rules, the personal model. */
export function triageStore(db: Kysely<Database>, scope: UserScope) {
  const mine = <T extends 'triage_results' | 'triage_feedback' | 'triage_rules' | 'personal_models'>(table: T) =>
    db.selectFrom(table as 'triage_results').where('tenant_id', '=', scope.tenantId).where('user_id', '=', scope.userId);

  return {
    /** A result computed earlier for this exact message content, if any. */
    async cached(messageId: string, contentHash: string): Promise<unknown | undefined> {
      const row = await mine('triage_results')
        .select('result')
        .where('message_id', '=', messageId)
        .where('content_hash', '=', contentHash)
        .executeTakeFirst();
      return row?.result;
    },

    async result(messageId: string): Promise<unknown | undefined> {
      const row = await mine('triage_results').select('result').where('message_id', '=', messageId).executeTakeFirst();
      return row?.result;
    },

    async saveResult(messageId: string, contentHash: string, result: unknown, engine: string): Promise<void> {
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
      await db.deleteFrom('triage_results').where('tenant_id', '=', scope.tenantId).where('user_id', '=', scope.userId).execute();
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
        .onConflict((oc) => oc.columns(['user_id', 'kind', 'value']).doUpdateSet({ category: rule.category, updated_at: new Date() }))
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

    async personalModel(): Promise<unknown | undefined> {
      const row = await db
        .selectFrom('personal_models')
        .select('model')
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .executeTakeFirst();
      return row?.model;
    },

    async savePersonalModel(model: unknown): Promise<void> {
      const json = JSON.stringify(model);
      await db
        .insertInto('personal_models')
        .values({ tenant_id: scope.tenantId, user_id: scope.userId, model: json, updated_at: new Date() })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ model: json, updated_at: new Date() }))
        .execute();
    },
  };
}
