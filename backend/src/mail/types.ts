/** A mailbox with the address lower-cased; `name` as displayed, when present. */
export interface Mailbox {
  name?: string;
  address: string;
}

export interface AttachmentInfo {
  filename?: string;
  mimeType: string;
  size: number;
}

/** What the headers alone say about a message. */
export interface HeaderSignals {
  listUnsubscribe: boolean;
  listId?: string;
  precedence?: string; // bulk | list | junk
  autoSubmitted?: string; // auto-generated | auto-replied | ...
  bulkMailer?: string; // e.g. "Mailchimp", "SendGrid" when a fingerprint matched
  calendar?: { method?: string }; // a text/calendar part or invitation was present
  noReplySender: boolean;
  replyToDiffers: boolean;
  inReplyTo?: string;
  references: string[];
}

/**
 * A message after normalisation: decoded, html turned to text with hidden text removed, the new text
 * separated from quoted history and signature (all kept). Produced by `normaliseMessage`.
 */
export interface NormalisedMessage {
  id: string;
  threadId?: string;
  messageId?: string;
  from?: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  replyTo: Mailbox[];
  subject: string;
  date?: Date;
  /** The whole body as plain text (html converted; hidden text, zero-width and bidi characters removed). */
  text: string;
  /** Only what the sender wrote now: no quoted history, no signature. */
  newText: string;
  quoted: string;
  signature: string;
  html?: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  signals: HeaderSignals;
  attachments: AttachmentInfo[];
  /** True when the body was longer than the analysed bound and only a prefix was used. */
  truncated: boolean;
  /** Links and remote images in the HTML body (tracking-heavy mail has many); absent without HTML. */
  linkCount?: number;
  imageCount?: number;
}
