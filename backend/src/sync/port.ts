/**
 * The mailbox port: what background sync may do to a connected mailbox. It reads messages, adds labels or
 * categories, and creates drafts. There is deliberately no send, no delete, no move and no invitation
 * response here: Steward cannot do those things to a mailbox, whatever a model or a message says.
 */
export type MailProvider = 'gmail' | 'graph';

export interface FetchedMessage {
  id: string;
  threadId: string;
  /** The RFC 5322 source. */
  raw: string;
  /** Gmail label ids or Outlook categories currently on the message. */
  labels: string[];
  /** The mailbox owner wrote it (Gmail SENT label; Graph from-address is the mailbox). */
  fromMe: boolean;
  isDraft: boolean;
  receivedAt?: Date;
}

export interface ChangeBatch {
  messageIds: string[];
  cursor: string;
}

export interface ThreadInfo {
  /** The newest message that is not a draft: the thread's current version. */
  latestMessageId?: string;
  draftIds: string[];
}

export interface DraftContent {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Threading headers of the message replied to. */
  inReplyTo?: string;
  references?: string[];
}

/** A draft to the mailbox owner: no recipients to choose, no thread. */
export type SelfDraftContent = Pick<DraftContent, 'subject' | 'text' | 'html'>;

export interface Watch {
  id: string;
  expiresAt: Date;
  /** For Graph, the clientState the notifications will carry. */
  clientState?: string;
}

export interface WatchRequest {
  /** Gmail: the Pub/Sub topic. */
  topic?: string;
  /** Graph: where notifications and lifecycle notifications are posted. */
  notificationUrl?: string;
  clientState?: string;
  /** Graph: the current subscription to renew, if any. */
  existingId?: string;
}

export interface LabelSpec {
  /** "Steward/To respond" */
  name: string;
  /** Gmail palette colours or an Outlook preset ("preset0"). */
  color: { background: string; text: string; preset: string };
}

export class CursorExpiredError extends Error {
  constructor() {
    super('The provider no longer knows this sync position; a resync is needed.');
    this.name = 'CursorExpiredError';
  }
}

export interface MailboxPort {
  readonly provider: MailProvider;
  /** The position "now", without listing history (Gmail profile historyId; Graph delta links). */
  startCursor(): Promise<string>;
  /** New messages since the cursor, and the next cursor. Throws CursorExpiredError when it is too old. */
  changesSince(cursor: string): Promise<ChangeBatch>;
  /** Messages received since the date (backfill), newest first, at most `limit`. */
  recentMessageIds(since: Date, limit: number): Promise<string[]>;
  getMessage(id: string): Promise<FetchedMessage | undefined>;
  threadInfo(threadId: string): Promise<ThreadInfo>;
  /** Returns the label id (Gmail) or category name (Graph), creating it with its colour when missing. */
  ensureLabel(spec: LabelSpec): Promise<string>;
  /** Adds the label and removes the other Steward labels given. */
  applyLabel(message: FetchedMessage, labelId: string, removeLabelIds: string[]): Promise<void>;
  /** A draft reply inside the message's thread; returns the draft id. */
  createReplyDraft(message: FetchedMessage, draft: DraftContent): Promise<string>;
  /**
   * A new draft addressed to the mailbox itself (the morning briefing), in its own thread; returns the
   * draft id. It is only ever a draft: nothing here sends it.
   */
  createDraftToSelf(draft: SelfDraftContent): Promise<string>;
  watch(request: WatchRequest): Promise<Watch>;
  /** Stops push notifications (on disconnect). */
  unwatch(watchId: string | null): Promise<void>;
}

export const STEWARD_LABEL_PREFIX = 'Steward/';

/** Label colours per category: Gmail's allowed palette and the nearest Outlook preset. */
export const CATEGORY_COLOURS: Record<string, LabelSpec['color']> = {
  to_respond: { background: '#fb4c2f', text: '#ffffff', preset: 'preset0' },
  fyi: { background: '#4a86e8', text: '#ffffff', preset: 'preset7' },
  comment: { background: '#ffad47', text: '#ffffff', preset: 'preset1' },
  notification: { background: '#16a766', text: '#ffffff', preset: 'preset4' },
  meeting_update: { background: '#a479e2', text: '#ffffff', preset: 'preset8' },
  awaiting_reply: { background: '#fad165', text: '#000000', preset: 'preset3' },
  actioned: { background: '#cccccc', text: '#000000', preset: 'preset12' },
  marketing: { background: '#f691b3', text: '#000000', preset: 'preset9' },
};
