import { type Static, Type } from 'typebox';

/** The eight lifecycle categories of product.md section 2, in precedence order (highest first). */
export const CATEGORY_IDS = [
  'meeting_update',
  'marketing',
  'notification',
  'comment',
  'awaiting_reply',
  'actioned',
  'to_respond',
  'fyi',
] as const;
export type CategoryId = (typeof CATEGORY_IDS)[number];

export const CATEGORY_LABELS: Record<CategoryId, string> = {
  to_respond: 'To respond',
  fyi: 'FYI',
  comment: 'Comment',
  notification: 'Notification',
  meeting_update: 'Meeting update',
  awaiting_reply: 'Awaiting reply',
  actioned: 'Done',
  marketing: 'Marketing',
};

export const Category = Type.Union(
  [
    Type.Literal('meeting_update'),
    Type.Literal('marketing'),
    Type.Literal('notification'),
    Type.Literal('comment'),
    Type.Literal('awaiting_reply'),
    Type.Literal('actioned'),
    Type.Literal('to_respond'),
    Type.Literal('fyi'),
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

export function isCategoryId(value: unknown): value is CategoryId {
  return typeof value === 'string' && (CATEGORY_IDS as readonly string[]).includes(value);
}
