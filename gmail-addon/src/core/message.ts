import type { Address, AddressObject, EmailMessage } from '@steward/shared';

/** What the Gmail adapter reads off a GmailMessage: plain strings, so the conversion below is pure. */
export interface GmailFields {
  id: string;
  threadId: string;
  from: string;
  to: string;
  cc: string;
  replyTo: string;
  subject: string;
  date: Date | null;
  plainBody: string;
  htmlBody: string;
  headers: Record<string, string>;
}

/** Bodies are capped so a request stays small and fast; the backend needs the start of a message, not all of it. */
export const BODY_LIMITS = { text: 100_000, html: 200_000, threadText: 4_000 } as const;

/** Headers triage uses; Gmail exposes them one by one through GmailMessage.getHeader. */
export const TRIAGE_HEADERS = [
  'List-Unsubscribe',
  'List-Id',
  'Auto-Submitted',
  'Precedence',
  'X-Auto-Response-Suppress',
  'Content-Type',
  'In-Reply-To',
  'References',
  'Message-ID',
] as const;

/** Splits a header address list on commas outside quotes and angle brackets. */
export function splitAddressList(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let inQuotes = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '\\' && inQuotes && i + 1 < value.length) {
      current += ch + value[++i];
      continue;
    }
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === '<') angle++;
    else if (!inQuotes && ch === '>') angle = Math.max(0, angle - 1);
    if ((ch === ',' || ch === ';') && !inQuotes && angle === 0) {
      if (current.trim()) parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** `"Doe, Jane" <jane@example.com>` → `{ name: 'Doe, Jane', address: 'jane@example.com' }`. */
export function parseAddress(value: string): AddressObject | null {
  const text = value.trim();
  if (!text) return null;
  const angled = /^(.*)<([^<>]+)>\s*$/.exec(text);
  if (angled) {
    const address = (angled[2] as string).trim();
    const name = unquote((angled[1] as string).trim());
    return name ? { name, address } : { address };
  }
  return { address: text };
}

function unquote(name: string): string {
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) {
    return name.slice(1, -1).replace(/\\(.)/g, '$1').trim();
  }
  return name;
}

export function parseAddressList(value: string): AddressObject[] {
  return splitAddressList(value)
    .map(parseAddress)
    .filter((a): a is AddressObject => a !== null);
}

export function addressOf(address: Address): string {
  return (typeof address === 'string' ? (parseAddress(address)?.address ?? address) : address.address).toLowerCase();
}

export function displayName(address: Address | undefined): string {
  if (!address) return '';
  if (typeof address === 'string') return displayName(parseAddress(address) ?? undefined);
  return address.name || address.address;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}

/** The EmailMessage the backend expects, from what Gmail reports. Empty fields are left out. */
export function toEmailMessage(
  fields: GmailFields,
  limits: { text: number; html: number } = BODY_LIMITS,
): EmailMessage {
  const message: EmailMessage = { id: fields.id };
  if (fields.threadId) message.threadId = fields.threadId;
  const from = parseAddress(fields.from);
  if (from) message.from = from;
  const to = parseAddressList(fields.to);
  if (to.length) message.to = to;
  const cc = parseAddressList(fields.cc);
  if (cc.length) message.cc = cc;
  const replyTo = parseAddressList(fields.replyTo);
  if (replyTo.length) message.replyTo = replyTo;
  if (fields.subject) message.subject = fields.subject;
  if (fields.date && !Number.isNaN(fields.date.getTime())) message.date = fields.date.toISOString();
  if (fields.plainBody) message.text = truncate(fields.plainBody, limits.text);
  if (fields.htmlBody && limits.html > 0) message.html = truncate(fields.htmlBody, limits.html);
  const headers = Object.fromEntries(Object.entries(fields.headers).filter(([, v]) => v !== ''));
  if (Object.keys(headers).length) message.headers = headers;
  return message;
}

/**
 * Reply to everyone when other people besides the sender and the user were on the message,
 * as a person would; a one-to-one message gets a plain reply.
 */
export function shouldReplyAll(message: EmailMessage, me: readonly string[]): boolean {
  const mine = new Set(me.map((a) => a.toLowerCase()));
  const sender = message.from ? addressOf(message.from) : '';
  const others = [...(message.to ?? []), ...(message.cc ?? [])]
    .map(addressOf)
    .filter((a) => a !== sender && !mine.has(a));
  return new Set(others).size > 0;
}

/** The thread without the current message, newest `max` kept, oldest first as the API wants. */
export function otherMessages(thread: EmailMessage[], currentId: string, max = 10): EmailMessage[] {
  const others = thread.filter((m) => m.id !== currentId);
  return others.slice(Math.max(0, others.length - max));
}
