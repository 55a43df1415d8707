import { type Static, Type } from 'typebox';
import { Address } from './common.ts';

/** Largest text or html body accepted in one JSON message (the HTTP body limit applies on top). */
export const MAX_BODY_CHARS = 1_000_000;

/**
 * An email as the clients and the CLI hand it to the backend (cli.md "Message input").
 * Only `id` and one of `text`/`html`/`raw` are needed; everything else improves the result.
 */
export const EmailMessage = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 1024 }),
    threadId: Type.Optional(Type.String({ maxLength: 1024 })),
    from: Type.Optional(Address),
    to: Type.Optional(Type.Array(Address, { maxItems: 500 })),
    cc: Type.Optional(Type.Array(Address, { maxItems: 500 })),
    replyTo: Type.Optional(Type.Array(Address, { maxItems: 50 })),
    subject: Type.Optional(Type.String({ maxLength: 4096 })),
    date: Type.Optional(Type.String({ maxLength: 64 })),
    text: Type.Optional(Type.String({ maxLength: MAX_BODY_CHARS })),
    html: Type.Optional(Type.String({ maxLength: MAX_BODY_CHARS })),
    raw: Type.Optional(Type.String({ maxLength: MAX_BODY_CHARS })),
    headers: Type.Optional(
      Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 16_384 }), {
        maxProperties: 500,
      }),
    ),
    labels: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 100 })),
  },
  { $id: 'EmailMessage', additionalProperties: false },
);
export type EmailMessage = Static<typeof EmailMessage>;

/** Earlier messages of the same conversation, oldest first, the current message last. */
export const EmailThread = Type.Array(EmailMessage, { maxItems: 100 });
export type EmailThread = Static<typeof EmailThread>;
