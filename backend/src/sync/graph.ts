import { createLimiter, type Limiter, providerRequest, type RequestContext } from '../accounts/http.ts';
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

/** Microsoft asks for at most 4 concurrent requests per mailbox; shared by every job of this process. */
export const GRAPH_CONCURRENCY_PER_MAILBOX = 4;
const limiters = new Map<string, Limiter>();

export function graphLimiterFor(mailboxId: string): Limiter {
  let limiter = limiters.get(mailboxId);
  if (!limiter) {
    limiter = createLimiter(GRAPH_CONCURRENCY_PER_MAILBOX);
    if (limiters.size > 10_000) limiters.clear();
    limiters.set(mailboxId, limiter);
  }
  return limiter;
}

interface GraphMessage {
  id: string;
  conversationId?: string;
  isDraft?: boolean;
  categories?: string[];
  receivedDateTime?: string;
  from?: { emailAddress?: { address?: string } };
  '@removed'?: unknown;
}

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export interface GraphOptions {
  /** https://graph.microsoft.com, or a local fake in tests. */
  baseUrl: string;
  mailboxId: string;
  address: string;
  request: RequestContext;
}

const FOLDERS = ['inbox', 'sentitems'] as const;
/** Graph allows mail subscriptions to live at most 10,080 minutes; renewals ask for a little less. */
const SUBSCRIPTION_MINUTES = 10_000;

/** Microsoft Graph adapter: delta, messages and MIME, categories, drafts (replies, to self), subscriptions. Never sends or deletes mail. */
export function createGraphPort(options: GraphOptions): MailboxPort {
  const base = `${options.baseUrl}/v1.0`;
  const ctx: RequestContext = {
    ...options.request,
    limiter: options.request.limiter ?? graphLimiterFor(options.mailboxId),
  };
  const call = <T>(method: string, pathOrUrl: string, body?: unknown, allow?: number[]) =>
    providerRequest<T>(ctx, method, pathOrUrl.startsWith('http') ? pathOrUrl : `${base}${pathOrUrl}`, { body, allow });
  let categories: Set<string> | undefined;
  const me = options.address.toLowerCase();

  async function runDelta(link: string, collect: Set<string> | undefined): Promise<string> {
    let next: string | undefined = link;
    while (next) {
      const page: Page<GraphMessage> | undefined = await call<Page<GraphMessage>>('GET', next, undefined, [404, 410]);
      if (!page) throw new CursorExpiredError();
      for (const m of page.value ?? []) if (collect && !m['@removed'] && !m.isDraft) collect.add(m.id);
      if (page['@odata.deltaLink']) return page['@odata.deltaLink'];
      next = page['@odata.nextLink'];
    }
    throw new CursorExpiredError();
  }

  const initialDelta = (folder: string) =>
    `${base}/me/mailFolders/${folder}/messages/delta?$select=id,conversationId,isDraft`;

  return {
    provider: 'graph',

    async startCursor() {
      const links: Record<string, string> = {};
      for (const folder of FOLDERS) links[folder] = await runDelta(initialDelta(folder), undefined);
      return JSON.stringify(links);
    },

    async changesSince(cursor): Promise<ChangeBatch> {
      let links: Record<string, string>;
      try {
        links = JSON.parse(cursor) as Record<string, string>;
      } catch {
        throw new CursorExpiredError();
      }
      const ids = new Set<string>();
      const next: Record<string, string> = {};
      for (const folder of FOLDERS) next[folder] = await runDelta(links[folder] ?? initialDelta(folder), ids);
      return { messageIds: [...ids], cursor: JSON.stringify(next) };
    },

    async recentMessageIds(since, limit) {
      const ids: string[] = [];
      for (const folder of FOLDERS) {
        const filter = encodeURIComponent(`receivedDateTime ge ${since.toISOString()}`);
        let next: string | undefined =
          `/me/mailFolders/${folder}/messages?$filter=${filter}&$select=id&$orderby=receivedDateTime%20desc&$top=100`;
        while (next && ids.length < limit) {
          const page: Page<GraphMessage> | undefined = await call<Page<GraphMessage>>('GET', next);
          for (const m of page?.value ?? []) ids.push(m.id);
          next = page?.['@odata.nextLink'];
        }
      }
      return ids.slice(0, limit);
    },

    async getMessage(id) {
      const path = `/me/messages/${encodeURIComponent(id)}`;
      const meta = await call<GraphMessage>(
        'GET',
        `${path}?$select=id,conversationId,from,isDraft,categories,receivedDateTime`,
        undefined,
        [404],
      );
      if (!meta) return undefined;
      const raw = await providerRequest<string>(ctx, 'GET', `${base}${path}/$value`, { text: true, allow: [404] });
      if (raw === undefined) return undefined;
      return {
        id: meta.id,
        threadId: meta.conversationId ?? meta.id,
        raw,
        labels: meta.categories ?? [],
        fromMe: meta.from?.emailAddress?.address?.toLowerCase() === me,
        isDraft: meta.isDraft === true,
        receivedAt: meta.receivedDateTime ? new Date(meta.receivedDateTime) : undefined,
      } satisfies FetchedMessage;
    },

    async threadInfo(threadId): Promise<ThreadInfo> {
      const filter = encodeURIComponent(`conversationId eq '${threadId.replace(/'/g, "''")}'`);
      const page = await call<Page<GraphMessage>>(
        'GET',
        `/me/messages?$filter=${filter}&$select=id,isDraft,receivedDateTime&$top=100`,
      );
      const messages = page?.value ?? [];
      const sent = messages.filter((m) => !m.isDraft);
      const latest = sent.reduce<GraphMessage | undefined>(
        (a, m) => (!a || Date.parse(m.receivedDateTime ?? '') >= Date.parse(a.receivedDateTime ?? '') ? m : a),
        undefined,
      );
      return { latestMessageId: latest?.id, draftIds: messages.filter((m) => m.isDraft).map((m) => m.id) };
    },

    async ensureLabel(spec: LabelSpec) {
      if (!categories) {
        const list = await call<Page<{ displayName: string }>>('GET', '/me/outlook/masterCategories');
        categories = new Set((list?.value ?? []).map((c) => c.displayName));
      }
      if (!categories.has(spec.name)) {
        // 409: another worker created it first, which is just as good.
        await call('POST', '/me/outlook/masterCategories', { displayName: spec.name, color: spec.color.preset }, [409]);
        categories.add(spec.name);
      }
      return spec.name;
    },

    async applyLabel(message, name, remove) {
      const next = [...message.labels.filter((c) => c !== name && !remove.includes(c)), name];
      await call('PATCH', `/me/messages/${encodeURIComponent(message.id)}`, { categories: next });
    },

    async createReplyDraft(message, draft: DraftContent) {
      const created = await call<{ id: string; body?: { contentType?: string; content?: string } }>(
        'POST',
        `/me/messages/${encodeURIComponent(message.id)}/createReply`,
        {},
      );
      if (!created?.id) throw new Error('Graph did not return a draft id');
      const quoted = created.body?.content ?? '';
      await call('PATCH', `/me/messages/${encodeURIComponent(created.id)}`, {
        subject: draft.subject,
        body: { contentType: 'html', content: `${draft.html}${quoted ? `<br>${quoted}` : ''}` },
      });
      return created.id;
    },

    async createDraftToSelf(draft: SelfDraftContent) {
      // POST /me/messages creates the message in Drafts (isDraft true); only /send would send it.
      const created = await call<{ id: string }>('POST', '/me/messages', {
        subject: draft.subject,
        body: { contentType: 'html', content: draft.html },
        toRecipients: [{ emailAddress: { address: options.address } }],
      });
      if (!created?.id) throw new Error('Graph did not return a draft id');
      return created.id;
    },

    async watch(request: WatchRequest): Promise<Watch> {
      const expirationDateTime = new Date(Date.now() + SUBSCRIPTION_MINUTES * 60_000).toISOString();
      if (request.existingId) {
        const renewed = await call<{ id: string; expirationDateTime: string }>(
          'PATCH',
          `/subscriptions/${encodeURIComponent(request.existingId)}`,
          { expirationDateTime },
          [404],
        );
        if (renewed)
          return { id: renewed.id, expiresAt: new Date(renewed.expirationDateTime), clientState: request.clientState };
      }
      if (!request.notificationUrl) throw new Error('PUBLIC_URL is needed for Graph notifications');
      const created = await call<{ id: string; expirationDateTime: string }>('POST', '/subscriptions', {
        changeType: 'created',
        notificationUrl: request.notificationUrl,
        lifecycleNotificationUrl: request.notificationUrl,
        resource: "me/mailFolders('inbox')/messages",
        expirationDateTime,
        clientState: request.clientState,
      });
      if (!created?.id) throw new Error('Graph did not return a subscription id');
      return { id: created.id, expiresAt: new Date(created.expirationDateTime), clientState: request.clientState };
    },

    async unwatch(watchId) {
      if (watchId) await call('DELETE', `/subscriptions/${encodeURIComponent(watchId)}`, undefined, [404]);
    },
  };
}
