import type { CategoryId, Settings, TriageResult } from '@steward/shared';

/** A triage result as the backend answers it. */
export type Triage = TriageResult;

import type { EmailMessage } from '@steward/shared';
import { CATEGORY_MENU_ORDER, categoryLabel, confidenceText, priorityText } from './format.ts';
import { displayName } from './message.ts';

/** What the message card shows, decided without CardService so it can be tested as data. */
export interface MessageView {
  messageId: string;
  /** The Gmail thread, for "Summarise thread" (empty when unknown). */
  threadId: string;
  subject: string;
  from: string;
  fromAddress: string;
  category: CategoryId;
  categoryLabel: string;
  confidence: string;
  priority: string;
  reasons: string[];
  summary: string;
  /** The reply button is the primary action only when someone expects an answer. */
  replyIsPrimary: boolean;
  timesIsPrimary: boolean;
  corrected: boolean;
}

/** A triage result as cached per message, with what the user corrected. */
export interface CachedTriage {
  triage: Triage;
  /** Absent in entries cached before "Summarise thread" existed. */
  threadId?: string;
  subject: string;
  from: string;
  fromAddress: string;
  corrected?: boolean;
}

export function cachedTriage(message: EmailMessage, triage: Triage): CachedTriage {
  const from = message.from;
  return {
    triage,
    threadId: message.threadId ?? '',
    subject: message.subject ?? '',
    from: displayName(from),
    fromAddress: from ? (typeof from === 'string' ? from : from.address) : '',
  };
}

export function messageView(entry: CachedTriage, settings?: Pick<Settings, 'categories'> | null): MessageView {
  const t = entry.triage;
  return {
    messageId: t.id,
    threadId: entry.threadId ?? '',
    subject: entry.subject,
    from: entry.from,
    fromAddress: entry.fromAddress,
    category: t.category,
    categoryLabel: categoryLabel(t.category, settings),
    confidence: confidenceText(t.confidence),
    priority: priorityText(t.priority),
    reasons: t.reasons.slice(0, 4),
    summary: t.summary,
    replyIsPrimary: t.needsReply || t.category === 'to_respond',
    timesIsPrimary: t.meetingRequest,
    corrected: entry.corrected === true,
  };
}

export interface Choice {
  value: string;
  label: string;
  selected: boolean;
}

export function categoryChoices(current: CategoryId, settings?: Pick<Settings, 'categories'> | null): Choice[] {
  return CATEGORY_MENU_ORDER.map((id) => ({ value: id, label: categoryLabel(id, settings), selected: id === current }));
}

export function scopeChoices(fromAddress: string): Choice[] {
  const address = fromAddress.toLowerCase();
  const domain = address.includes('@') ? address.slice(address.lastIndexOf('@') + 1) : '';
  const choices: Choice[] = [{ value: 'message', label: 'Just this message', selected: true }];
  if (address) choices.push({ value: 'sender', label: `Everything from ${address}`, selected: false });
  if (domain) choices.push({ value: 'domain', label: `Everything from @${domain}`, selected: false });
  return choices;
}
