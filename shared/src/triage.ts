import { type Static, Type } from 'typebox';

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
