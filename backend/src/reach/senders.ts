/**
 * Bulk senders and leaving them. Every processed message updates its sender's row (count, last seen, the
 * latest category and List-Unsubscribe header). Unsubscribing uses only what that header says: RFC 8058
 * one-click (an HTTPS POST of `List-Unsubscribe=One-Click`, sent only when the user clicked and only when
 * the sender also sent `List-Unsubscribe-Post`), else a mailto left as a draft for the user to send, else
 * the web link for the user to open. Never for a sender that is not classified as marketing.
 */
import type { CategoryId, Sender, UnsubscribeMethod, UnsubscribeResult } from '@steward/shared';
import type { Kysely } from 'kysely';
import type { NormalisedMessage } from '../mail/types.ts';
import type { Database } from '../storage/schema.ts';
import { type SenderRow, type SenderSighting, senderStore } from '../storage/senders.ts';
import type { UserScope } from '../storage/user-scope.ts';
import { userStore } from '../storage/users.ts';
import { type OutboundOptions, OutboundUrlError, request } from './http.ts';

export interface ListUnsubscribe {
  https?: string;
  mailto?: { to: string; subject: string; body: string };
  /** The raw mailto URI, as the sender wrote it. */
  mailtoUri?: string;
  oneClick: boolean;
}

/** Reads `List-Unsubscribe` (RFC 2369) and `List-Unsubscribe-Post` (RFC 8058). */
export function parseListUnsubscribe(header: string | null | undefined, post: boolean): ListUnsubscribe {
  const out: ListUnsubscribe = { oneClick: false };
  for (const match of (header ?? '').matchAll(/<([^>]{1,2048})>/g)) {
    const uri = (match[1] ?? '').trim();
    if (!out.https && /^https:\/\//i.test(uri)) {
      try {
        out.https = new URL(uri).toString();
      } catch {
        // not a URL: ignored
      }
    } else if (!out.mailto && /^mailto:/i.test(uri)) {
      try {
        const url = new URL(uri);
        const to = decodeURIComponent(url.pathname);
        if (/^[^\s@,;<>]+@[^\s@,;<>]+$/.test(to)) {
          out.mailto = {
            to,
            subject: url.searchParams.get('subject') ?? 'unsubscribe',
            body: url.searchParams.get('body') ?? 'unsubscribe',
          };
          out.mailtoUri = uri;
        }
      } catch {
        // not a URL: ignored
      }
    }
  }
  out.oneClick = post && out.https !== undefined;
  return out;
}

export function isOneClickPost(value: string | undefined): boolean {
  return (value ?? '').replace(/\s+/g, '').toLowerCase() === 'list-unsubscribe=one-click';
}

export function methodOf(parsed: ListUnsubscribe): UnsubscribeMethod {
  if (parsed.oneClick) return 'one_click';
  if (parsed.mailto) return 'mailto';
  if (parsed.https) return 'web';
  return 'none';
}

export interface SeenMessage {
  message: NormalisedMessage;
  category: CategoryId;
  receivedAt: Date;
  mailboxId?: string;
}

/** Records the sender of a message someone else wrote (idempotent per message id). */
export async function recordSender(db: Kysely<Database>, scope: UserScope, seen: SeenMessage): Promise<void> {
  const sighting = sightingOf(seen);
  if (sighting) await senderStore(db, scope).record(sighting);
}

/** What a message someone else wrote tells about its sender; undefined when it names no sender. */
export function sightingOf(seen: SeenMessage): SenderSighting | undefined {
  const from = seen.message.from?.address?.toLowerCase();
  if (!from) return undefined;
  const header = seen.message.headers['list-unsubscribe'] ?? null;
  const post = isOneClickPost(seen.message.headers['list-unsubscribe-post']);
  return {
    address: from,
    name: seen.message.from?.name ?? null,
    category: seen.category,
    at: seen.receivedAt,
    listUnsubscribe: header ? header.slice(0, 4096) : null,
    listUnsubscribePost: post,
    messageId: seen.message.id,
    mailboxId: seen.mailboxId ?? null,
  };
}

function toSender(row: SenderRow): Sender {
  return {
    id: row.id,
    address: row.address,
    name: row.name,
    category: row.category,
    messages: row.message_count,
    firstSeen: new Date(row.first_seen).toISOString(),
    lastSeen: new Date(row.last_seen).toISOString(),
    unsubscribe: methodOf(parseListUnsubscribe(row.list_unsubscribe, row.list_unsubscribe_post)),
    unsubscribedAt: row.unsubscribed_at ? new Date(row.unsubscribed_at).toISOString() : null,
  };
}

export async function listSenders(
  db: Kysely<Database>,
  scope: UserScope,
  options: { category?: CategoryId; limit?: number } = {},
): Promise<Sender[]> {
  return (await senderStore(db, scope).list(options)).map(toSender);
}

export class UnsubscribeRefused extends Error {
  constructor(
    readonly code: 'not_found' | 'not_marketing' | 'no_unsubscribe',
    message: string,
  ) {
    super(message);
    this.name = 'UnsubscribeRefused';
  }
}

export interface UnsubscribeDeps {
  db: Kysely<Database>;
  scope: UserScope;
  outbound?: OutboundOptions;
  /** Leaves a draft to the mailto address in the sender's thread; undefined when no mailbox is connected. */
  createDraft?: (input: {
    mailboxId: string;
    messageId: string;
    to: string;
    subject: string;
    body: string;
  }) => Promise<string | undefined>;
}

/** The user clicked "Unsubscribe": do what the sender's own header allows, record it, say what happened. */
export async function unsubscribe(
  deps: UnsubscribeDeps,
  senderId: string,
  prefer?: UnsubscribeMethod,
): Promise<UnsubscribeResult> {
  const { db, scope } = deps;
  const senders = senderStore(db, scope);
  const row = await senders.get(senderId);
  if (!row) throw new UnsubscribeRefused('not_found', 'No such sender.');
  if (row.category !== 'marketing') {
    throw new UnsubscribeRefused(
      'not_marketing',
      `This sender is filed as ${row.category}, not marketing; Steward only unsubscribes from bulk senders.`,
    );
  }
  const parsed = parseListUnsubscribe(row.list_unsubscribe, row.list_unsubscribe_post);
  const available: UnsubscribeMethod[] = [];
  if (parsed.oneClick) available.push('one_click');
  if (parsed.mailto) available.push('mailto');
  if (parsed.https) available.push('web');
  if (available.length === 0) {
    throw new UnsubscribeRefused('no_unsubscribe', "This sender's mail has no List-Unsubscribe header.");
  }
  const method = prefer && available.includes(prefer) ? prefer : (available[0] as UnsubscribeMethod);
  let result: UnsubscribeResult;
  if (method === 'one_click' && parsed.https) {
    result = await oneClick(parsed.https, deps.outbound);
  } else if (method === 'mailto' && parsed.mailto) {
    const mailto = parsed.mailto;
    let draftId: string | undefined;
    if (deps.createDraft && row.mailbox_id && row.last_message_id) {
      draftId = await deps.createDraft({
        mailboxId: row.mailbox_id,
        messageId: row.last_message_id,
        to: mailto.to,
        subject: mailto.subject,
        body: mailto.body,
      });
    }
    result = draftId
      ? { method, status: 'draft_created', draftId, mailto }
      : { method, status: 'open_link', url: parsed.mailtoUri ?? `mailto:${mailto.to}`, mailto };
  } else {
    result = { method: 'web', status: 'open_link', url: parsed.https ?? '' };
  }
  if (result.status === 'unsubscribed' || result.status === 'draft_created') {
    await senders.markUnsubscribed(senderId, method);
  }
  await userStore(db, scope).audit('sender.unsubscribe', {
    senderId,
    sender: row.address,
    method,
    status: result.status,
    ...(result.url && method === 'web' ? { url: result.url } : {}),
  });
  return result;
}

async function oneClick(url: string, outbound: OutboundOptions | undefined): Promise<UnsubscribeResult> {
  try {
    // RFC 8058 §3.2: a POST with exactly this body, no cookies or authorization; a redirect is not followed.
    const res = await request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      },
      { timeoutMs: 10_000, maxBytes: 64 * 1024, ...outbound },
    );
    if (res.status >= 200 && res.status < 300) return { method: 'one_click', status: 'unsubscribed' };
    return {
      method: 'one_click',
      status: 'failed',
      detail: `the sender answered ${res.status}`,
      url,
    };
  } catch (error) {
    const detail =
      error instanceof OutboundUrlError
        ? error.message
        : `the sender could not be reached (${(error as Error).message})`;
    return { method: 'one_click', status: 'failed', detail };
  }
}
