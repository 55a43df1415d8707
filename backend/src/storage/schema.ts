import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

/** One row per organisation: an Entra tenant, a Google Workspace domain or consumer Google, or "local". */
export interface TenantsTable {
  id: Generated<string>;
  provider: string;
  external_id: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  tenant_id: string;
  provider: string;
  /** The identity provider's stable id for the person: Entra `oid`, Google `sub`, "local". */
  subject: string;
  email: string | null;
  display_name: string | null;
  settings: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AuditLogTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  action: string;
  detail: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

interface Owned {
  tenant_id: string;
  user_id: string;
}

export interface TriageResultsTable extends Owned {
  message_id: string;
  content_hash: string;
  result: Json<unknown>;
  engine: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface TriageFeedbackTable extends Owned {
  id: Generated<string>;
  message_id: string;
  category: string;
  previous_category: string | null;
  scope: string;
  sender: string | null;
  created_at: CreatedAt;
}

export interface TriageRulesTable extends Owned {
  kind: string;
  value: string;
  category: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PersonalModelsTable extends Owned {
  model: Json<unknown>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface VoiceProfilesTable extends Owned {
  profile: Json<unknown>;
  examples: Json<unknown>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MeetingNotesTable extends Owned {
  id: Generated<string>;
  title: string | null;
  meeting_date: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  notes: Json<unknown>;
  transcript_key: string | null;
  created_at: CreatedAt;
}

export interface AiUsageTable extends Owned {
  id: Generated<string>;
  purpose: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  latency_ms: number;
  ok: boolean;
  created_at: CreatedAt;
}

/** Every table Steward owns. User-owned tables carry tenant_id and user_id on every row. */
export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  audit_log: AuditLogTable;
  triage_results: TriageResultsTable;
  triage_feedback: TriageFeedbackTable;
  triage_rules: TriageRulesTable;
  personal_models: PersonalModelsTable;
  voice_profiles: VoiceProfilesTable;
  meeting_notes: MeetingNotesTable;
  ai_usage: AiUsageTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type AuditRow = Selectable<AuditLogTable>;
