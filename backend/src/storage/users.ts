import {
  defaultSettings,
  type EmailMessage,
  type Settings,
  type SettingsPatch,
  type VoiceProfile,
} from '@steward/shared';
import { type Kysely, sql } from 'kysely';
import { defaultVoice } from '../drafting/voice.ts';
import type { ModelContext } from '../model-context.ts';
import type { PersonalModel, SenderRule } from '../triage/local.ts';
import { mailIndexStore } from './mail-index.ts';
import { mailboxStore } from './mailboxes.ts';
import { notesStore } from './notes.ts';
import type { Database, UserRow } from './schema.ts';
import { triageStore } from './triage.ts';
import { usageStore } from './usage.ts';
import type { UserScope } from './user-scope.ts';
import { voiceStore } from './voice.ts';

export interface VerifiedIdentity {
  provider: 'microsoft' | 'google' | 'local';
  /** The organisation as the provider names it: Entra `tid`, Google `hd` or "consumer", "local". */
  tenantExternalId: string;
  subject: string;
  email?: string;
  displayName?: string;
}

/**
 * Finds the user behind a verified identity, creating tenant and user on the first call. This is the only
 * unscoped user query, and it only ever runs with an identity the identity plugin has verified.
 */
export async function resolveUser(db: Kysely<Database>, identity: VerifiedIdentity): Promise<UserRow> {
  const tenant = await db
    .insertInto('tenants')
    .values({ provider: identity.provider, external_id: identity.tenantExternalId })
    .onConflict((oc) => oc.columns(['provider', 'external_id']).doUpdateSet({ provider: identity.provider }))
    .returning('id')
    .executeTakeFirstOrThrow();
  const existing = await db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenant.id)
    .where('provider', '=', identity.provider)
    .where('subject', '=', identity.subject)
    .executeTakeFirst();
  if (existing) {
    const emailChanged = identity.email !== undefined && identity.email !== existing.email;
    const nameChanged = identity.displayName !== undefined && identity.displayName !== existing.display_name;
    if (!emailChanged && !nameChanged) return existing;
    return db
      .updateTable('users')
      .set({
        email: identity.email ?? existing.email,
        display_name: identity.displayName ?? existing.display_name,
        updated_at: new Date(),
      })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  return db
    .insertInto('users')
    .values({
      tenant_id: tenant.id,
      provider: identity.provider,
      subject: identity.subject,
      email: identity.email ?? null,
      display_name: identity.displayName ?? null,
      settings: JSON.stringify({}),
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'provider', 'subject']).doUpdateSet({ updated_at: new Date() }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Stored settings are partial; defaults fill the rest, so a setting added later appears for everyone. */
export function mergeSettings(stored: Record<string, unknown> | null | undefined): Settings {
  const base = defaultSettings();
  const merged = { ...base, ...(stored ?? {}) } as Settings;
  merged.categories = { ...base.categories, ...((stored?.categories as Settings['categories']) ?? {}) };
  merged.neverSendToModel = { ...base.neverSendToModel, ...((stored?.neverSendToModel as object) ?? {}) };
  return merged;
}

export type UserStore = ReturnType<typeof userStore>;

type VoiceRow = { profile: unknown; examples: unknown };

/** The user's own rows. Constructed only with a scope, so a query without tenant and user cannot be written. */
export function userStore(db: Kysely<Database>, scope: UserScope) {
  const own = () => db.selectFrom('users').where('id', '=', scope.userId).where('tenant_id', '=', scope.tenantId);
  const triage = triageStore(db, scope);
  const voice = voiceStore(db, scope);
  /** The style card (the neutral default before anything is learned) and the stored sent examples. */
  const voiceCard = async (): Promise<ModelContext['voice']> => {
    const stored = await voice.get();
    return stored
      ? { profile: stored.profile as VoiceProfile, examples: (stored.examples as EmailMessage[] | null) ?? [] }
      : { profile: defaultVoice(), examples: [] };
  };

  return {
    scope,
    triage,
    voice,
    voiceCard,
    notes: notesStore(db, scope),
    usage: usageStore(db, scope),
    mailIndex: mailIndexStore(db, scope),
    mailboxes: mailboxStore(db, scope),

    async profile(): Promise<UserRow | undefined> {
      return own().selectAll().executeTakeFirst();
    },

    /** Who the user is at their identity provider (and their tenant's external id), with name and address. */
    async identity(): Promise<
      { identity: VerifiedIdentity; email: string | null; displayName: string | null } | undefined
    > {
      const row = await db
        .selectFrom('users')
        .innerJoin('tenants', 'tenants.id', 'users.tenant_id')
        .select(['users.provider', 'users.subject', 'users.email', 'users.display_name', 'tenants.external_id'])
        .where('users.id', '=', scope.userId)
        .where('users.tenant_id', '=', scope.tenantId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        identity: {
          provider: row.provider as VerifiedIdentity['provider'],
          tenantExternalId: row.external_id,
          subject: row.subject,
        },
        email: row.email,
        displayName: row.display_name,
      };
    },

    /** Everything the feature services need about the user, read once: settings, voice, rules, personal model. */
    async modelContext(): Promise<ModelContext> {
      // One statement (mail sync reads this for every message): the user row, voice, rules and personal
      // model as scalar subqueries.
      const row = await db
        .selectNoFrom((eb) => [
          own().select('settings').as('settings'),
          own().select('email').as('email'),
          eb
            .selectFrom('voice_profiles')
            .select(sql<VoiceRow>`json_build_object('profile', profile, 'examples', examples)`.as('voice'))
            .where('tenant_id', '=', scope.tenantId)
            .where('user_id', '=', scope.userId)
            .as('voice'),
          eb
            .selectFrom('triage_rules')
            .select(
              sql<
                SenderRule[]
              >`coalesce(json_agg(json_build_object('kind', kind, 'value', value, 'category', category)), '[]'::json)`.as(
                'rules',
              ),
            )
            .where('tenant_id', '=', scope.tenantId)
            .where('user_id', '=', scope.userId)
            .as('rules'),
          eb
            .selectFrom('personal_models')
            .select('model')
            .where('tenant_id', '=', scope.tenantId)
            .where('user_id', '=', scope.userId)
            .as('personal'),
        ])
        .executeTakeFirstOrThrow();
      const voiceRow = row.voice as VoiceRow | null;
      return {
        scope,
        userKey: `${scope.tenantId}:${scope.userId}`,
        settings: mergeSettings(row.settings as Record<string, unknown> | null),
        voice: voiceRow
          ? { profile: voiceRow.profile as VoiceProfile, examples: (voiceRow.examples as EmailMessage[] | null) ?? [] }
          : { profile: defaultVoice(), examples: [] },
        rules: (row.rules as SenderRule[] | null) ?? [],
        ...(row.personal ? { personal: row.personal as PersonalModel } : {}),
        ...(row.email ? { email: row.email } : {}),
      };
    },

    async settings(): Promise<Settings> {
      const row = await own().select('settings').executeTakeFirst();
      return mergeSettings(row?.settings as Record<string, unknown> | undefined);
    },

    async updateSettings(patch: SettingsPatch): Promise<Settings> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('users')
          .select('settings')
          .where('id', '=', scope.userId)
          .where('tenant_id', '=', scope.tenantId)
          .forUpdate()
          .executeTakeFirst();
        const next = { ...((row?.settings as Record<string, unknown>) ?? {}), ...patch };
        await trx
          .updateTable('users')
          .set({ settings: JSON.stringify(next), updated_at: new Date() })
          .where('id', '=', scope.userId)
          .where('tenant_id', '=', scope.tenantId)
          .execute();
        await trx
          .insertInto('audit_log')
          .values({
            tenant_id: scope.tenantId,
            user_id: scope.userId,
            action: 'settings.updated',
            detail: JSON.stringify({ keys: Object.keys(patch) }),
          })
          .execute();
        return mergeSettings(next);
      });
    },

    async audit(action: string, detail: Record<string, unknown> = {}): Promise<void> {
      await db
        .insertInto('audit_log')
        .values({ tenant_id: scope.tenantId, user_id: scope.userId, action, detail: JSON.stringify(detail) })
        .execute();
    },

    async auditTrail(limit = 100) {
      return db
        .selectFrom('audit_log')
        .select(['id', 'action', 'detail', 'created_at'])
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
    },

    /**
     * Deletes everything the user owns. Tables that reference users cascade; the audit trail is replaced by
     * one row saying the deletion happened (ids only, no personal data), so an operator can prove it did.
     */
    async deleteEverything(): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('audit_log')
          .where('tenant_id', '=', scope.tenantId)
          .where('user_id', '=', scope.userId)
          .execute();
        await trx.deleteFrom('users').where('id', '=', scope.userId).where('tenant_id', '=', scope.tenantId).execute();
        await trx
          .insertInto('audit_log')
          .values({
            tenant_id: scope.tenantId,
            user_id: scope.userId,
            action: 'user.deleted',
            detail: JSON.stringify({}),
          })
          .execute();
      });
    },
  };
}
