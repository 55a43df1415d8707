/**
 * The category ids and their default names, free of any schema library so the add-in bundles can import
 * them (`@steward/shared/categories`) without carrying TypeBox.
 */
/** The eight lifecycle categories in precedence order (highest first; docs/categories.md). */
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

/**
 * The order a person meets the categories in: the inbox's order, what needs the user first. Every list
 * shown to a person (settings, the "fix category" menu, error messages) uses it; CATEGORY_IDS is the
 * precedence the rules apply.
 */
export const INBOX_ORDER: readonly CategoryId[] = [
  'to_respond',
  'awaiting_reply',
  'fyi',
  'comment',
  'meeting_update',
  'notification',
  'marketing',
  'actioned',
];

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

export function isCategoryId(value: unknown): value is CategoryId {
  return typeof value === 'string' && (CATEGORY_IDS as readonly string[]).includes(value);
}
