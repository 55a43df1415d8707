import type { CategoryId, EmailMessage } from '@steward/shared';

/** What the pane needs from the mail client. React components talk to this, never to Office.js. */
export interface MailboxPort {
  /** Which host the pane runs in: shown in the footer and used to pick the auth path. */
  readonly host: 'outlook' | 'preview';
  /** The addresses that are the user's own (triage needs them to tell who wrote last). */
  myAddresses(): string[];
  /** The open message, or null when nothing is selected (pinned pane with an empty reading pane). */
  readCurrentItem(): Promise<OpenMessage | null>;
  /** Calls `listener` whenever the user selects another message; returns an unsubscribe. */
  onItemChanged(listener: () => void): () => void;
  /** Opens a reply form (read mode) or inserts at the cursor (compose mode). */
  insertReply(reply: ReplyContent): Promise<InsertOutcome>;
  /** Opens a new message form (a meeting follow-up to the attendees). */
  composeNew(message: NewMessage): Promise<InsertOutcome>;
  /**
   * Opens a message of this mailbox by id (a cited source, a briefing item) in the mail client's own
   * reading form; 'unsupported' where the host cannot.
   */
  openMessage(messageId: string): Promise<OpenOutcome>;
  /** Tags the open message with Steward's category as a coloured mail-client category. */
  applyCategory(category: CategoryId, displayName: string): Promise<CategoryOutcome>;
  /** What this host can do, so the UI hides what it cannot offer instead of failing on click. */
  capabilities(): MailboxCapabilities;
  /** The host's colours, when it tells them (Office.context.officeTheme). */
  theme(): HostTheme | null;
  /**
   * The user's recent sent mail, newest last, for learning their writing style. Only where
   * `capabilities().sentMail`; rejects with a message for the user (no consent, throttled).
   */
  readSentMail(options: SentMailRequest): Promise<EmailMessage[]>;
}

export interface SentMailRequest {
  max: number;
  /** Listing, then reading: `done` of `total`. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface OpenMessage {
  /** In the shape the backend expects. */
  message: EmailMessage;
  /** 'read' for a received message, 'compose' while the user writes. */
  mode: 'read' | 'compose';
}

export interface ReplyContent {
  html: string;
  text: string;
  replyAll?: boolean;
}

export interface NewMessage {
  to: string[];
  subject: string;
  html: string;
}

export type InsertOutcome = 'reply-form-opened' | 'inserted-at-cursor' | 'new-message-opened' | 'unsupported';
export type OpenOutcome = 'opened' | 'unsupported';
export type CategoryOutcome = 'applied' | 'unsupported';

export interface MailboxCapabilities {
  /** The pane follows the selection (Mailbox 1.5 ItemChanged). */
  followsSelection: boolean;
  /** Outlook categories with colours (Mailbox 1.8). */
  categories: boolean;
  /** Inserting a reply in the current mode. */
  insertReply: boolean;
  /** Nested app authentication (NestedAppAuth 1.1). */
  nestedAppAuth: boolean;
  /** The Office dialog API (DialogApi 1.1), the fallback sign-in. */
  dialogApi: boolean;
  /** Reading the Sent Items folder (Microsoft Graph with a nested-app-auth token, Mailbox 1.5+). */
  sentMail: boolean;
}

export interface HostTheme {
  bodyBackgroundColor: string;
  bodyForegroundColor: string;
  controlBackgroundColor: string;
  controlForegroundColor: string;
}
