import { type Static, Type } from 'typebox';

export const IdentityProvider = Type.Union([Type.Literal('microsoft'), Type.Literal('google'), Type.Literal('local')]);
export type IdentityProvider = Static<typeof IdentityProvider>;

export const Me = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    provider: IdentityProvider,
    email: Type.Union([Type.String(), Type.Null()]),
    displayName: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    localMode: Type.Boolean({ description: 'True when the server runs without an identity provider.' }),
  },
  { $id: 'Me', additionalProperties: false },
);
export type Me = Static<typeof Me>;

/** GET /v1/me/identity: the immutable identity behind the caller, as ADMIN_IDENTITIES names administrators. */
export const MeIdentity = Type.Object({
  provider: Type.Union([Type.Literal('microsoft'), Type.Literal('google'), Type.Literal('local')]),
  tenant: Type.String(),
  subject: Type.String(),
  adminIdentity: Type.String({ description: 'The entry to put in ADMIN_IDENTITIES for this account' }),
  admin: Type.Boolean(),
});
export type MeIdentity = Static<typeof MeIdentity>;

export const AuditEntry = Type.Object({
  id: Type.String(),
  action: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
});
export type AuditEntry = Static<typeof AuditEntry>;

/** GET /v1/me/audit: what Steward read and wrote for the user, newest first. */
export const AuditTrail = Type.Object({ entries: Type.Array(AuditEntry) });
export type AuditTrail = Static<typeof AuditTrail>;
