import { type Static, Type } from 'typebox';

/** Every HTTP error Steward returns has this body. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'Stable machine-readable code, e.g. `invalid_body`.' }),
        message: Type.String({ description: 'A sentence a person can act on.' }),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'ErrorBody', additionalProperties: false },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** An email address, either bare or with a display name. */
export const AddressObject = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 512 })), address: Type.String({ maxLength: 512 }) },
  { additionalProperties: false },
);
export type AddressObject = Static<typeof AddressObject>;
export const Address = Type.Union([Type.String({ maxLength: 1024 }), AddressObject]);
export type Address = Static<typeof Address>;

export const IsoDateTime = Type.String({ format: 'date-time', maxLength: 64 });

/** `:id` of a row the user owns (a sender, an alert channel, meeting notes). */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type IdParams = Static<typeof IdParams>;

/** GET /health: the process answers. */
export const Health = Type.Object({ status: Type.Literal('ok') });
export type Health = Static<typeof Health>;

/** GET /ready: the process answers and its database too. */
export const Readiness = Type.Object({ status: Type.Literal('ready'), database: Type.String() });
export type Readiness = Static<typeof Readiness>;
