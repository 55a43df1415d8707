import type { CategoryId } from '@steward/shared';

/** Every Outlook category Steward creates starts with this, so Steward's own can be told apart. */
export const OUTLOOK_CATEGORY_PREFIX = 'Steward: ';

/**
 * Outlook's preset colours (Office.MailboxEnums.CategoryColor) per Steward category: the ones that ask for
 * attention are warm, the ones that don't are muted.
 */
export const OUTLOOK_CATEGORY_COLORS: Record<CategoryId, `Preset${number}`> = {
  to_respond: 'Preset0', // red
  awaiting_reply: 'Preset1', // orange
  meeting_update: 'Preset8', // purple
  fyi: 'Preset7', // blue
  comment: 'Preset5', // teal
  notification: 'Preset12', // gray
  actioned: 'Preset4', // green
  marketing: 'Preset3', // yellow
};

export function outlookCategoryName(displayName: string): string {
  return `${OUTLOOK_CATEGORY_PREFIX}${displayName}`;
}
