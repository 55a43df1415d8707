import { type Static, Type } from 'typebox';
import { IsoDateTime } from './common.ts';
import { EmailMessage } from './message.ts';

/** `POST /v1/drafts`: the message to answer, optionally its thread, and what the user wants changed. */
export const DraftRequest = Type.Object(
  {
    message: EmailMessage,
    thread: Type.Optional(Type.Array(EmailMessage, { maxItems: 100, description: 'Earlier messages, oldest first.' })),
    me: Type.Optional(
      Type.Array(Type.String({ maxLength: 320 }), {
        maxItems: 20,
        description:
          "The user's own addresses (the add-in's mailbox): the draft signs with the name they carry on the message.",
      }),
    ),
    instruction: Type.Optional(
      Type.String({
        maxLength: 500,
        description: '"shorter", "longer", "more formal", "decline politely" or free text.',
      }),
    ),
  },
  { $id: 'DraftRequest', additionalProperties: false },
);
export type DraftRequest = Static<typeof DraftRequest>;

/** A meeting time the draft proposes, computed by the scheduling solver (never by a language model). */
export const ProposedTime = Type.Object(
  {
    start: IsoDateTime,
    end: IsoDateTime,
    label: Type.String({
      maxLength: 200,
      description: 'As written in the draft, e.g. "Tue 4 Feb, 15:00 CET / 09:00 ET".',
    }),
  },
  { additionalProperties: false },
);
export type ProposedTime = Static<typeof ProposedTime>;

/** A reply draft. Never sent by Steward: the user edits it and presses send. */
export const Draft = Type.Object(
  {
    subject: Type.String({ maxLength: 4096 }),
    text: Type.String(),
    html: Type.String(),
    placeholders: Type.Array(Type.String({ maxLength: 300 }), {
      maxItems: 50,
      description: 'Every `[confirm: …]` the user must fill in before sending, as written in the text.',
    }),
    proposedTimes: Type.Array(ProposedTime, { maxItems: 10 }),
  },
  { $id: 'Draft', additionalProperties: false },
);
export type Draft = Static<typeof Draft>;
