import { type Static, Type } from 'typebox';
import { ErrorBody } from './common.ts';
import { EmailMessage, EmailThread } from './message.ts';

export { CATEGORY_IDS, CATEGORY_LABELS, type CategoryId, INBOX_ORDER, isCategoryId } from './categories.ts';

/** Listed in the inbox's order (INBOX_ORDER), so a validation error names the ids as a person reads them. */
export const Category = Type.Union(
  [
    Type.Literal('to_respond'),
    Type.Literal('awaiting_reply'),
    Type.Literal('fyi'),
    Type.Literal('comment'),
    Type.Literal('meeting_update'),
    Type.Literal('notification'),
    Type.Literal('marketing'),
    Type.Literal('actioned'),
  ],
  { description: 'One of the eight lifecycle categories.' },
);

export const Priority = Type.Union([Type.Literal('high'), Type.Literal('normal'), Type.Literal('low')]);
export type Priority = Static<typeof Priority>;

export const TriageResult = Type.Object(
  {
    id: Type.String(),
    category: Category,
    needsReply: Type.Boolean(),
    meetingRequest: Type.Boolean(),
    priority: Priority,
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    reasons: Type.Array(Type.String({ maxLength: 300 }), { maxItems: 10 }),
    summary: Type.String({ maxLength: 140 }),
  },
  { $id: 'TriageResult', additionalProperties: false },
);
export type TriageResult = Static<typeof TriageResult>;

/** The most messages one POST /v1/triage takes. */
export const TRIAGE_MAX_BATCH = 100;

const Me = Type.Array(Type.String({ maxLength: 320 }), { maxItems: 20 });
/** POST /v1/triage: one message (with its thread), or a batch in `messages`. */
export const TriageRequest = Type.Object(
  {
    message: Type.Optional(EmailMessage),
    messages: Type.Optional(
      Type.Array(Type.Unknown(), {
        maxItems: TRIAGE_MAX_BATCH,
        description: `Up to ${TRIAGE_MAX_BATCH} EmailMessage objects; each is checked on its own.`,
      }),
    ),
    thread: Type.Optional(EmailThread),
    me: Type.Optional(Me),
  },
  { additionalProperties: false },
);
export type TriageRequest = Static<typeof TriageRequest>;

const ItemError = Type.Object({ id: Type.String(), error: ErrorBody.properties.error });
export const TriageBatchResponse = Type.Object({ results: Type.Array(Type.Union([TriageResult, ItemError])) });
export type TriageBatchResponse = Static<typeof TriageBatchResponse>;

/** POST /v1/triage/feedback: a one-click correction. */
export const TriageFeedbackRequest = Type.Object(
  {
    messageId: Type.String({ minLength: 1, maxLength: 1024 }),
    category: Category,
    message: Type.Optional(EmailMessage),
    scope: Type.Optional(
      Type.Union([Type.Literal('message'), Type.Literal('sender'), Type.Literal('domain')], {
        description:
          'message: this message (and similar ones, through the personal model); sender / domain: a rule for all their mail. Default: sender when known.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TriageFeedbackRequest = Static<typeof TriageFeedbackRequest>;
export type FeedbackScope = NonNullable<TriageFeedbackRequest['scope']>;

export const TriageFeedbackResponse = Type.Object({
  id: Type.String(),
  messageId: Type.String(),
  category: Category,
  previousCategory: Type.Union([Category, Type.Null()]),
  scope: Type.String(),
  rule: Type.Union([Type.Object({ kind: Type.String(), value: Type.String() }), Type.Null()]),
  createdAt: Type.String(),
  triage: Type.Union([TriageResult, Type.Null()], {
    description:
      'The stored result as corrected (what GET /v1/triage/{messageId} now answers), or null when the message was never triaged.',
  }),
});
export type TriageFeedbackResponse = Static<typeof TriageFeedbackResponse>;

/** GET /v1/triage/{messageId}. */
export const TriageParams = Type.Object({ messageId: Type.String({ minLength: 1, maxLength: 1024 }) });
export type TriageParams = Static<typeof TriageParams>;
