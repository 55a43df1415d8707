import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { UserScope } from './user-scope.ts';

/** The user's voice profile (the style card) and a few of their own sent messages as drafting examples. */
export function voiceStore(db: Kysely<Database>, scope: UserScope) {
  return {
    async get(): Promise<{ profile: unknown; examples: unknown; updatedAt: Date } | undefined> {
      const row = await db
        .selectFrom('voice_profiles')
        .select(['profile', 'examples', 'updated_at'])
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .executeTakeFirst();
      return row ? { profile: row.profile, examples: row.examples, updatedAt: new Date(row.updated_at) } : undefined;
    },

    async put(profile: unknown, examples?: unknown): Promise<void> {
      const values = {
        tenant_id: scope.tenantId,
        user_id: scope.userId,
        profile: JSON.stringify(profile),
        examples: JSON.stringify(examples ?? []),
        updated_at: new Date(),
      };
      await db
        .insertInto('voice_profiles')
        .values(values)
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet(
              examples === undefined
                ? { profile: values.profile, updated_at: values.updated_at }
                : { profile: values.profile, examples: values.examples, updated_at: values.updated_at },
            ),
        )
        .execute();
    },
  };
}
