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
