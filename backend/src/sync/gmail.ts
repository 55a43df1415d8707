import { createLimiter, type Limiter, providerRequest, type RequestContext } from '../accounts/http.ts';
import { buildReplyMime } from './mime.ts';
import {
  type ChangeBatch,
  CursorExpiredError,
  type DraftContent,
  type FetchedMessage,
  type LabelSpec,
  type MailboxPort,
  type SelfDraftContent,
  type ThreadInfo,
  type Watch,
  type WatchRequest,
} from './port.ts';

interface GmailMessage {
  id: string;
  threadId: string;
  labelIds?: string[];
  raw?: string;
  internalDate?: string;
}

export interface GmailOptions {
  /** https://gmail.googleapis.com, or a local fake in tests. */
  baseUrl: string;
  address: string;
  request: RequestContext;
}

/** Gmail REST adapter: history, messages (format=raw), labels, drafts, watch. Nothing that sends or deletes. */
export function createGmailPort(options: GmailOptions): MailboxPort {
  const base = `${options.baseUrl}/gmail/v1/users/me`;
  const limiter: Limiter = options.request.limiter ?? createLimiter(10);
  const ctx: RequestContext = { ...options.request, limiter };
  const call = <T>(method: string, path: string, body?: unknown, allow?: number[]) =>
    providerRequest<T>(ctx, method, `${base}${path}`, { body, allow });
  let labelCache: Map<string, string> | undefined;

  return {
    provider: 'gmail',

    async startCursor() {
      const profile = await call<{ historyId: string }>('GET', '/profile');
      return String(profile?.historyId ?? '');
    },

    async changesSince(cursor): Promise<ChangeBatch> {
      const ids = new Set<string>();
      let pageToken: string | undefined;
      let latest = cursor;
      do {
        const query = new URLSearchParams({ startHistoryId: cursor, historyTypes: 'messageAdded', maxResults: '500' });
        if (pageToken) query.set('pageToken', pageToken);
        const page = await call<{
          history?: Array<{ messagesAdded?: Array<{ message: GmailMessage }> }>;
          historyId?: string;
          nextPageToken?: string;
        }>('GET', `/history?${query}`, undefined, [404]);
        if (!page) throw new CursorExpiredError();
        for (const h of page.history ?? []) {
          for (const added of h.messagesAdded ?? []) {
            if (!added.message.labelIds?.includes('DRAFT')) ids.add(added.message.id);
          }
        }
        if (page.historyId) latest = page.historyId;
        pageToken = page.nextPageToken;
      } while (pageToken);
      return { messageIds: [...ids], cursor: latest };
    },

    async recentMessageIds(since, limit) {
      const ids: string[] = [];
      let pageToken: string | undefined;
      do {
        const query = new URLSearchParams({
          q: `after:${Math.floor(since.getTime() / 1000)} -in:drafts -in:chats -in:spam -in:trash`,
          maxResults: String(Math.min(500, limit - ids.length)),
        });
        if (pageToken) query.set('pageToken', pageToken);
        const page = await call<{ messages?: GmailMessage[]; nextPageToken?: string }>('GET', `/messages?${query}`);
        for (const m of page?.messages ?? []) ids.push(m.id);
        pageToken = page?.nextPageToken;
      } while (pageToken && ids.length < limit);
      return ids.slice(0, limit);
    },

    async getMessage(id) {
      const m = await call<GmailMessage>('GET', `/messages/${encodeURIComponent(id)}?format=raw`, undefined, [404]);
      if (!m) return undefined;
      const labels = m.labelIds ?? [];
      return {
        id: m.id,
        threadId: m.threadId,
        raw: Buffer.from(m.raw ?? '', 'base64url').toString('utf8'),
        labels,
        fromMe: labels.includes('SENT'),
        isDraft: labels.includes('DRAFT'),
        receivedAt: m.internalDate ? new Date(Number(m.internalDate)) : undefined,
      } satisfies FetchedMessage;
    },

    async threadInfo(threadId): Promise<ThreadInfo> {
      const thread = await call<{ messages?: GmailMessage[] }>(
        'GET',
        `/threads/${encodeURIComponent(threadId)}?format=minimal`,
        undefined,
        [404],
      );
      const messages = thread?.messages ?? [];
      const sent = messages.filter((m) => !m.labelIds?.includes('DRAFT'));
      const latest = sent.reduce<GmailMessage | undefined>(
        (a, m) => (!a || Number(m.internalDate ?? 0) >= Number(a.internalDate ?? 0) ? m : a),
        undefined,
      );
      return {
        latestMessageId: latest?.id,
        draftIds: messages.filter((m) => m.labelIds?.includes('DRAFT')).map((m) => m.id),
      };
    },

    async ensureLabel(spec: LabelSpec) {
      if (!labelCache) {
        const list = await call<{ labels?: Array<{ id: string; name: string }> }>('GET', '/labels');
        labelCache = new Map((list?.labels ?? []).map((l) => [l.name, l.id]));
      }
      const known = labelCache.get(spec.name);
      if (known) return known;
      const created = await call<{ id: string }>(
        'POST',
        '/labels',
        {
          name: spec.name,
          labelListVisibility: 'labelShow',
          messageListVisibility: 'show',
          color: { backgroundColor: spec.color.background, textColor: spec.color.text },
        },
        [409],
      );
      if (!created) {
        // Created meanwhile by another worker: read the list again.
        labelCache = undefined;
        const list = await call<{ labels?: Array<{ id: string; name: string }> }>('GET', '/labels');
        const found = list?.labels?.find((l) => l.name === spec.name);
        if (!found) throw new Error(`Gmail label "${spec.name}" could not be created`);
        return found.id;
      }
      labelCache.set(spec.name, created.id);
      return created.id;
    },

    async applyLabel(message, labelId, removeLabelIds) {
      await call('POST', `/messages/${encodeURIComponent(message.id)}/modify`, {
        addLabelIds: [labelId],
        removeLabelIds: removeLabelIds.filter((id) => id !== labelId && message.labels.includes(id)),
      });
    },

    async createReplyDraft(message, draft: DraftContent) {
      const raw = Buffer.from(buildReplyMime(options.address, draft), 'utf8').toString('base64url');
      const created = await call<{ id: string }>('POST', '/drafts', { message: { raw, threadId: message.threadId } });
      if (!created?.id) throw new Error('Gmail did not return a draft id');
      return created.id;
    },

    async createDraftToSelf(draft: SelfDraftContent) {
      // users.drafts.create with no threadId: a new thread holding one draft, To the mailbox itself.
      const raw = Buffer.from(buildReplyMime(options.address, { ...draft, to: [options.address] }), 'utf8').toString(
        'base64url',
      );
      const created = await call<{ id: string }>('POST', '/drafts', { message: { raw } });
      if (!created?.id) throw new Error('Gmail did not return a draft id');
      return created.id;
    },

    async watch(request: WatchRequest): Promise<Watch> {
      if (!request.topic) throw new Error('GMAIL_PUBSUB_TOPIC is not configured');
      const result = await call<{ historyId: string; expiration: string }>('POST', '/watch', {
        topicName: request.topic,
        labelIds: ['INBOX', 'SENT'],
        labelFilterBehavior: 'include',
      });
      return { id: request.topic, expiresAt: new Date(Number(result?.expiration ?? Date.now() + 7 * 86_400_000)) };
    },

    async unwatch() {
      await call('POST', '/stop', undefined, [404]);
    },
  };
}
