import type { EmailMessage } from '@steward/shared';
import {
  BODY_LIMITS,
  type GmailFields,
  otherMessages,
  TRIAGE_HEADERS,
  toEmailMessage,
  truncate,
} from '../core/message.ts';

export interface GmailContext {
  messageId: string;
  threadId: string;
  accessToken: string;
}

type LegacyEvent = { messageMetadata?: { messageId?: string; threadId?: string; accessToken?: string } };

/** The open message from either event shape (Workspace add-on `gmail`, or the older `messageMetadata`). */
export function gmailContext(e: GoogleAppsScript.Addons.EventObject | undefined): GmailContext | null {
  const gmail = e?.gmail;
  const legacy = (e as LegacyEvent | undefined)?.messageMetadata;
  const messageId = gmail?.messageId || legacy?.messageId || '';
  if (!messageId) return null;
  return {
    messageId,
    threadId: gmail?.threadId || legacy?.threadId || '',
    accessToken: gmail?.accessToken || legacy?.accessToken || '',
  };
}

function fieldsOf(message: GoogleAppsScript.Gmail.GmailMessage, withHeaders: boolean): GmailFields {
  const headers: Record<string, string> = {};
  if (withHeaders) {
    for (const name of TRIAGE_HEADERS) {
      try {
        const value = message.getHeader(name);
        if (value) headers[name] = value;
      } catch {
        // Some headers are unreadable for some messages; triage works without them.
      }
    }
  }
  return {
    id: message.getId(),
    threadId: message.getThread().getId(),
    from: message.getFrom(),
    to: message.getTo(),
    cc: message.getCc(),
    replyTo: message.getReplyTo(),
    subject: message.getSubject(),
    date: message.getDate() as unknown as Date,
    plainBody: message.getPlainBody(),
    htmlBody: message.getBody(),
    headers,
  };
}

export interface OpenMessage {
  gmail: GoogleAppsScript.Gmail.GmailMessage;
  message: EmailMessage;
  thread: EmailMessage[];
}

/**
 * Reads the open message and the rest of its thread (oldest first, later replies included, so the backend
 * can tell who wrote last) through GmailApp with the event's access token.
 */
export function readOpenMessage(context: GmailContext, threadMax = 10): OpenMessage {
  if (context.accessToken) GmailApp.setCurrentMessageAccessToken(context.accessToken);
  const gmail = GmailApp.getMessageById(context.messageId);
  const message = toEmailMessage(fieldsOf(gmail, true));
  let thread: EmailMessage[] = [];
  try {
    const all = gmail.getThread().getMessages();
    const others = all.slice(-(threadMax + 1)).map((m) => {
      const fields = fieldsOf(m, false);
      fields.plainBody = truncate(fields.plainBody, BODY_LIMITS.threadText);
      return toEmailMessage(fields, { text: BODY_LIMITS.threadText, html: 0 });
    });
    thread = otherMessages(others, context.messageId, threadMax);
  } catch {
    // The thread is context, not a requirement.
  }
  return { gmail, message, thread };
}

/** The user's own addresses, so the backend knows who "me" is in the thread. */
export function myAddresses(): string[] {
  try {
    const email = Session.getActiveUser().getEmail();
    return email ? [email.toLowerCase()] : [];
  } catch {
    return [];
  }
}
