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

export interface MailboxesTable extends Owned {
  id: Generated<string>;
  provider: 'gmail' | 'graph';
  address: string;
  refresh_token_ciphertext: string;
  refresh_token_iv: string;
  refresh_token_tag: string;
  key_version: string;
  status: ColumnType<
    'active' | 'needs_reauth' | 'disconnected',
    'active' | 'needs_reauth' | 'disconnected' | undefined
  >;
  status_reason: string | null;
  /** Gmail history id, or the Graph delta links (JSON). */
  cursor: string | null;
  watch_id: string | null;
  watch_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  client_state: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ProcessedMessagesTable extends Owned {
  mailbox_id: string;
  provider_message_id: string;
  thread_id: string | null;
  thread_version: string | null;
  source: ColumnType<string, string | undefined, string>;
  category: string | null;
  label_applied: ColumnType<boolean, boolean | undefined, boolean>;
  draft_pending: ColumnType<boolean, boolean | undefined, boolean>;
  draft_id: string | null;
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  lease_token: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  processed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
}

export interface ThreadStatesTable extends Owned {
  mailbox_id: string;
  thread_id: string;
  state: string;
  last_message_id: string;
  last_from_me: boolean;
  last_message_at: ColumnType<Date, Date | string, Date | string>;
  follow_up_due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SyncStatusTable extends Owned {
  mailbox_id: string;
  phase: ColumnType<string, string | undefined, string>;
  backfill_total: ColumnType<number, number | undefined, number>;
  backfill_started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  backfill_finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_sync_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_error: string | null;
}

export interface OAuthStatesTable extends Owned {
  state: string;
  provider: string;
  code_verifier: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  /** A connection waiting for the browser's confirmation: JSON of the address and the sealed token. */
  pending_connection: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One indexed message (Ask Steward). `tsv` is written in SQL and never read by the application. */
export interface MailIndexTable extends Owned {
  id: Generated<string>;
  mailbox_id: string | null;
  message_id: string;
  thread_id: string | null;
  subject: string;
  sender: string;
  sender_name: string;
  recipients: string;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  from_me: boolean;
  body: string;
  model_allowed: boolean;
  tsv: ColumnType<string, never, never>;
  created_at: CreatedAt;
}

export interface MailTermsTable extends Owned {
  lexeme: string;
  df: number;
}

export interface MailChunksTable extends Owned {
  id: Generated<string>;
  entry_id: string;
  chunk: number;
  text: string;
  model: string;
  /** `vector` (pgvector) or `real[]`, depending on the database; written and read in SQL. */
  embedding: ColumnType<unknown, never, never>;
}

/** The table queue (embedded mode); not user-owned: job data holds ids only. */
export interface JobsTable {
  id: Generated<string>;
  name: string;
  data: Json<Record<string, unknown>>;
  state: ColumnType<
    'created' | 'active' | 'completed' | 'failed',
    'created' | undefined,
    'created' | 'active' | 'completed' | 'failed'
  >;
  singleton_key: string | null;
  retry_count: ColumnType<number, number | undefined, number>;
  retry_limit: number;
  retry_delay_ms: number;
  start_after: ColumnType<Date, Date | string | undefined, Date | string>;
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_error: string | null;
  created_at: CreatedAt;
  completed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

type Ts = ColumnType<Date, Date | string, Date | string>;
type TsNull = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface SendersTable extends Owned {
  id: Generated<string>;
  address: string;
  name: string | null;
  category: string;
  message_count: ColumnType<number, number | undefined, number>;
  first_seen: Ts;
  last_seen: Ts;
  list_unsubscribe: string | null;
  list_unsubscribe_post: ColumnType<boolean, boolean | undefined, boolean>;
  last_message_id: string | null;
  mailbox_id: string | null;
  unsubscribed_at: TsNull;
  unsubscribe_method: string | null;
}

export interface MailStatsDailyTable extends Owned {
  day: ColumnType<string, string, string>;
  category: string;
  messages: ColumnType<number, number | undefined, number>;
  drafts_created: ColumnType<number, number | undefined, number>;
}

/** Model calls per user, day (the user's zone when recorded) and model, kept as calls are recorded. */
export interface AiUsageDailyTable extends Owned {
  day: ColumnType<string, string, string>;
  model: string;
  calls: ColumnType<number, number | undefined, number>;
  prompt_tokens: ColumnType<string, number | undefined, number>;
  completion_tokens: ColumnType<string, number | undefined, number>;
}

export interface ReplyEventsTable extends Owned {
  mailbox_id: string;
  message_id: string;
  thread_id: string;
  replied_at: Ts;
  minutes: number;
  drafted: ColumnType<boolean, boolean | undefined, boolean>;
}

/** The morning briefing draft to self: the last local day claimed per user (migration 0010). */
export interface BriefingDraftsTable extends Owned {
  mailbox_id: string;
  /** The user's local date (YYYY-MM-DD). */
  day: ColumnType<string, string, string>;
  draft_id: string | null;
  claimed_at: Ts;
}

export interface AlertChannelsTable extends Owned {
  id: Generated<string>;
  kind: 'slack' | 'teams';
  name: string;
  target: string;
  secret_ciphertext: string;
  secret_iv: string;
  secret_tag: string;
  key_version: string;
  rules: Json<unknown>;
  quiet_hours: ColumnType<unknown, string | null | undefined, string | null>;
  max_per_hour: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: CreatedAt;
}

export interface AlertLogTable extends Owned {
  channel_id: string;
  message_key: string;
  status: string;
  notice: Json<unknown>;
  created_at: CreatedAt;
  sent_at: TsNull;
}

export interface CrmConnectionsTable {
  tenant_id: string;
  provider: 'hubspot' | 'salesforce';
  instance_url: string | null;
  token_ciphertext: string;
  token_iv: string;
  token_tag: string;
  key_version: string;
  ttl_minutes: ColumnType<number, number | undefined, number>;
  connected_by: string;
  /** 'token': a pasted access or private-app token; 'oauth': sealed JSON with the refresh token. */
  auth: ColumnType<'token' | 'oauth', 'token' | 'oauth' | undefined, 'token' | 'oauth'>;
  created_at: CreatedAt;
}

export interface CrmCacheTable {
  tenant_id: string;
  sender: string;
  context: ColumnType<unknown, string | null, string | null>;
  fetched_at: Ts;
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
  mailboxes: MailboxesTable;
  processed_messages: ProcessedMessagesTable;
  thread_states: ThreadStatesTable;
  sync_status: SyncStatusTable;
  oauth_states: OAuthStatesTable;
  jobs: JobsTable;
  mail_index: MailIndexTable;
  mail_terms: MailTermsTable;
  mail_chunks: MailChunksTable;
  senders: SendersTable;
  mail_stats_daily: MailStatsDailyTable;
  reply_events: ReplyEventsTable;
  ai_usage_daily: AiUsageDailyTable;
  alert_channels: AlertChannelsTable;
  alert_log: AlertLogTable;
  crm_connections: CrmConnectionsTable;
  crm_cache: CrmCacheTable;
  briefing_drafts: BriefingDraftsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type MailboxRow = Selectable<MailboxesTable>;
