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

/** Every table Steward owns. User-owned tables carry tenant_id and user_id on every row. */
export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  audit_log: AuditLogTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type AuditRow = Selectable<AuditLogTable>;
