/**
 * What every feature needs to know about a user before it asks an engine anything: who they are (for usage
 * accounting and the token budget), their settings, voice, sender rules and personal model. The store builds
 * it once (`userStore(...).modelContext()`); HTTP routes, the CLI and mail sync hand it to the feature services.
 */
import type { EmailMessage, Settings, VoiceProfile } from '@steward/shared';
import type { PersonalModel, SenderRule } from './triage/local.ts';

/** Whose data this is: a tenant and a user (the same shape as the store's UserScope). */
export interface ContextScope {
  readonly tenantId: string;
  readonly userId: string;
}

export interface ModelContext {
  scope: ContextScope;
  /** "tenantId:userId", for usage accounting and the daily token budget. */
  userKey: string;
  settings: Settings;
  /** The style card and a few of the user's own sent messages as drafting examples. */
  voice: { profile: VoiceProfile; examples: EmailMessage[] };
  rules: SenderRule[];
  personal?: PersonalModel;
  /** The user's address as their identity provider knows it, when known. */
  email?: string;
}
