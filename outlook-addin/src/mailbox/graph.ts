/**
 * The user's sent mail through Microsoft Graph, for voice learning. Loaded on demand by the Office
 * adapter (never by components); the token comes from nested app authentication (Mail.Read).
 */
import type { Address, EmailMessage } from '@steward/shared';

export const GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
/** Delegated permission the Entra app needs for "Learn from my sent mail". */
export const GRAPH_MAIL_SCOPES = ['Mail.Read'];
const PAGE_SIZE = 50;
const SELECT = 'id,subject,sentDateTime,from,toRecipients,ccRecipients,conversationId,body';
const MIME_CONCURRENCY = 4;

export interface GraphReaderOptions {
  token: () => Promise<string>;
  fetch?: typeof fetch;
  baseUrl?: string;
}

export interface SentMailOptions {
  /** At most this many messages, newest first. */
  max: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export class GraphError extends Error {
  constructor(
    readonly code: 'consent' | 'throttled' | 'failed',
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

interface GraphRecipient {
  emailAddress?: { name?: string; address?: string };
}
interface GraphMessage {
  id: string;
  subject?: string | null;
  sentDateTime?: string | null;
  conversationId?: string | null;
  from?: GraphRecipient | null;
  toRecipients?: GraphRecipient[] | null;
  ccRecipients?: GraphRecipient[] | null;
  body?: { contentType?: string; content?: string } | null;
}

function toAddress(recipient: GraphRecipient | null | undefined): Address | null {
  const address = recipient?.emailAddress?.address;
  if (!address) return null;
  const name = recipient?.emailAddress?.name;
  return name && name !== address ? { name, address } : address;
}

function present<T>(value: T | null): value is T {
  return value !== null;
}

/**
 * Lists the Sent Items folder newest first (`$top=50`, following `@odata.nextLink`) with the body as
 * text; a message whose body comes back empty is fetched as MIME (`/$value`) instead.
 */
export async function readSentMail(reader: GraphReaderOptions, options: SentMailOptions): Promise<EmailMessage[]> {
  const base = (reader.baseUrl ?? GRAPH_BASE_URL).replace(/\/+$/, '');
  const fetchImpl = reader.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const token = await reader.token();

  const get = async (url: string, accept: string, retried = false): Promise<Response> => {
    const response = await fetchImpl(url, {
      headers: {
        authorization: `Bearer ${token}`,
        accept,
        prefer: 'outlook.body-content-type="text"',
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (response.status === 429 && !retried) {
      const wait = Math.min(10, Number(response.headers.get('retry-after') ?? 2) || 2);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      return get(url, accept, true);
    }
    if (response.status === 401 || response.status === 403)
      throw new GraphError(
        'consent',
        'Steward may not read your sent mail. An administrator must grant the Mail.Read permission to the Steward app; until then, upload exported messages instead.',
        response.status,
      );
    if (response.status === 429)
      throw new GraphError('throttled', 'Microsoft 365 is busy. Try again in a minute.', 429);
    if (!response.ok) throw new GraphError('failed', `Microsoft 365 answered ${response.status}.`, response.status);
    return response;
  };

  const listed: GraphMessage[] = [];
  const top = Math.min(PAGE_SIZE, options.max);
  let next: string | null =
    `${base}/me/mailFolders/sentitems/messages?$top=${top}&$select=${SELECT}&$orderby=sentDateTime%20desc`;
  while (next && listed.length < options.max) {
    const page = (await (await get(next, 'application/json')).json()) as {
      value?: GraphMessage[];
      '@odata.nextLink'?: string;
    };
    listed.push(...(page.value ?? []));
    next = page['@odata.nextLink'] ?? null;
    options.onProgress?.(Math.min(listed.length, options.max), options.max);
  }
  const messages = listed.slice(0, options.max);
  options.onProgress?.(0, messages.length);

  const out: EmailMessage[] = new Array(messages.length);
  let done = 0;
  let cursor = 0;
  const work = async () => {
    while (cursor < messages.length) {
      const index = cursor++;
      const m = messages[index];
      if (!m) continue;
      const message: EmailMessage = { id: m.id, subject: m.subject ?? '' };
      if (m.sentDateTime) message.date = m.sentDateTime;
      if (m.conversationId) message.threadId = m.conversationId;
      const from = toAddress(m.from);
      if (from) message.from = from;
      message.to = (m.toRecipients ?? []).map(toAddress).filter(present);
      message.cc = (m.ccRecipients ?? []).map(toAddress).filter(present);
      const content = m.body?.content ?? '';
      if (content.trim()) {
        if (m.body?.contentType?.toLowerCase() === 'html') message.html = content;
        else message.text = content;
      } else {
        message.raw = await (
          await get(`${base}/me/messages/${encodeURIComponent(m.id)}/$value`, 'message/rfc822')
        ).text();
      }
      out[index] = message;
      options.onProgress?.(++done, messages.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MIME_CONCURRENCY, messages.length) }, work));
  // Oldest first, like an mbox export (fitForUpload keeps the end of the list when it must cut).
  return out.filter(Boolean).reverse();
}
