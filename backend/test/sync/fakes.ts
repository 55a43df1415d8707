/**
 * Local fake Gmail and Microsoft Graph REST servers (node:http, port 0) that keep mailbox state in memory
 * and answer with the providers' real response shapes, plus an OAuth token endpoint for both.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawSpec {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId?: string;
  inReplyTo?: string;
  date?: Date;
}

export function rawMessage(spec: RawSpec): string {
  return [
    `From: ${spec.from}`,
    `To: ${spec.to}`,
    `Subject: ${spec.subject}`,
    `Date: ${(spec.date ?? new Date()).toUTCString()}`,
    `Message-ID: ${spec.messageId ?? `<${Math.random().toString(36).slice(2)}@mail.example>`}`,
    ...(spec.inReplyTo ? [`In-Reply-To: ${spec.inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    spec.text,
    '',
  ].join('\r\n');
}

type Handler = (
  req: http.IncomingMessage,
  url: URL,
  body: string,
) => { status: number; body?: unknown; headers?: Record<string, string>; text?: string };

interface Served {
  base: string;
  requests: string[];
  close(): Promise<void>;
}

async function serve(
  handler: Handler,
  hooks: {
    before?: (req: http.IncomingMessage, url: URL) => ReturnType<Handler> | undefined;
    after?: () => void;
    delayMs?: () => number;
  } = {},
): Promise<Served> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      setTimeout(() => {
        const url = new URL(req.url ?? '/', 'http://fake');
        requests.push(`${req.method} ${url.pathname}`);
        const body = Buffer.concat(chunks).toString('utf8');
        let out: ReturnType<Handler>;
        try {
          out = hooks.before?.(req, url) ?? handler(req, url, body);
        } catch (error) {
          out = { status: 500, body: { error: { message: (error as Error).message } } };
        }
        const payload = out.text ?? (out.body === undefined ? '' : JSON.stringify(out.body));
        res.writeHead(out.status, {
          'content-type': out.text !== undefined ? 'message/rfc822' : 'application/json',
          ...(out.headers ?? {}),
        });
        const delay = hooks.delayMs?.() ?? 0;
        const finish = () => {
          res.end(payload);
          hooks.after?.();
        };
        if (delay > 0) setTimeout(finish, delay);
        else finish();
      }, 0),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The OAuth token endpoint: refresh tokens in `valid` get access tokens; anything else is invalid_grant. */
export interface FakeOAuth {
  base: string;
  tokenUrl: string;
  valid: Set<string>;
  issued: Set<string>;
  /** Authorization codes the fake accepts, with the refresh token and id-token email they yield. */
  codes: Map<string, { refreshToken: string; email: string; verifier?: string; claims?: Record<string, unknown> }>;
  revoked: string[];
  /** The `scope` of every refresh-token request, in order ('' when none was sent). */
  refreshScopes: string[];
  /** Every request, as "METHOD /path". */
  requests: string[];
  /**
   * Whose mailbox a refresh token opens, for fakes holding several mailboxes (the scale benchmark); the
   * access tokens it yields are recorded in `accessOwners`. Tokens not listed open the fake's own mailbox.
   */
  owners: Map<string, string>;
  accessOwners: Map<string, string>;
  /** When true, every refresh also returns a new refresh token, as Microsoft's endpoint does (the old one stays valid). */
  rotate: boolean;
  close(): Promise<void>;
}

export async function startFakeOAuth(): Promise<FakeOAuth> {
  const refreshScopes: string[] = [];
  const valid = new Set<string>();
  const issued = new Set<string>();
  const codes = new Map<
    string,
    { refreshToken: string; email: string; verifier?: string; claims?: Record<string, unknown> }
  >();
  const revoked: string[] = [];
  const owners = new Map<string, string>();
  const accessOwners = new Map<string, string>();
  let n = 0;
  const served = await serve((_req, url, body) => {
    const form = new URLSearchParams(body);
    if (url.pathname.endsWith('/revoke')) {
      revoked.push(form.get('token') ?? url.searchParams.get('token') ?? '');
      return { status: 200, body: {} };
    }
    if (!url.pathname.endsWith('/token')) return { status: 404, body: { error: 'not_found' } };
    if (form.get('grant_type') === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      if (!code) return { status: 400, body: { error: 'invalid_grant' } };
      if (code.verifier !== undefined && code.verifier !== form.get('code_verifier'))
        return { status: 400, body: { error: 'invalid_grant', error_description: 'PKCE' } };
      valid.add(code.refreshToken);
      const access = `access-${++n}`;
      issued.add(access);
      const idToken = fakeJwt({
        email: code.email,
        email_verified: true,
        sub: `sub-${code.email}`,
        preferred_username: code.email,
        ...code.claims,
      });
      return {
        status: 200,
        body: {
          access_token: access,
          refresh_token: code.refreshToken,
          expires_in: 3600,
          token_type: 'Bearer',
          id_token: idToken,
          scope: 'x',
        },
      };
    }
    const refresh = form.get('refresh_token') ?? '';
    refreshScopes.push(form.get('scope') ?? '');
    if (!valid.has(refresh))
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
    const access = `access-${++n}`;
    issued.add(access);
    const owner = owners.get(refresh);
    if (owner) accessOwners.set(access, owner);
    if (fake.rotate) {
      const next = `${refresh.replace(/~\d+$/, '')}~${n}`;
      valid.add(next);
      if (owner) owners.set(next, owner);
      return {
        status: 200,
        body: { access_token: access, refresh_token: next, expires_in: 3600, token_type: 'Bearer' },
      };
    }
    return { status: 200, body: { access_token: access, expires_in: 3600, token_type: 'Bearer' } };
  });
  const fake: FakeOAuth = {
    base: served.base,
    tokenUrl: `${served.base}/token`,
    valid,
    issued,
    codes,
    revoked,
    refreshScopes,
    requests: served.requests,
    owners,
    accessOwners,
    close: served.close,
    rotate: false,
  };
  return fake;
}

function fakeJwt(payload: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ iss: 'fake', aud: 'x', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600, ...payload })}.`;
}

function authorised(req: http.IncomingMessage, oauth: FakeOAuth): boolean {
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  return oauth.issued.has(token);
}

// ---------------------------------------------------------------------------------------------- Gmail

export interface GmailMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  raw: string;
  internalDate: string;
  historyId: string;
  /** The mailbox it is in (the fake's own address unless delivered to another). */
  owner?: string;
}

export interface FakeGmail {
  base: string;
  messages: Map<string, GmailMessage>;
  labels: Map<string, { id: string; name: string; type: string; color?: unknown }>;
  drafts: Map<string, { id: string; message: { id: string; threadId: string }; raw: string }>;
  watches: number;
  requests: string[];
  /** Answer the next n requests with 429 and this Retry-After. */
  throttle(n: number, retryAfter: string): void;
  /** `owner`: another mailbox than the fake's own, opened by refresh tokens listed in `oauth.owners`. */
  deliver(spec: RawSpec & { threadId?: string; sent?: boolean; at?: Date; owner?: string }): GmailMessage;
  labelNamesOf(id: string): string[];
  draftsIn(threadId: string): number;
  close(): Promise<void>;
}

export async function startFakeGmail(oauth: FakeOAuth): Promise<FakeGmail> {
  const OWN = 'me@gmail.example';
  const messages = new Map<string, GmailMessage>();
  const labels = new Map<string, { id: string; name: string; type: string; color?: unknown }>();
  for (const id of ['INBOX', 'SENT', 'DRAFT', 'UNREAD']) labels.set(id, { id, name: id, type: 'system' });
  const drafts = new Map<string, { id: string; message: { id: string; threadId: string }; raw: string }>();
  const history: Array<{
    id: string;
    owner: string;
    messagesAdded: Array<{ message: { id: string; threadId: string; labelIds: string[] } }>;
  }> = [];
  let historyId = 1000;
  let seq = 0;
  let throttled = 0;
  let retryAfter = '0';
  const state = { watches: 0 };

  const addHistory = (m: GmailMessage) => {
    historyId++;
    m.historyId = String(historyId);
    history.push({
      id: String(historyId),
      owner: m.owner ?? OWN,
      messagesAdded: [{ message: { id: m.id, threadId: m.threadId, labelIds: m.labelIds } }],
    });
  };

  const served = await serve(
    (req, url, body) => {
      if (!authorised(req, oauth))
        return {
          status: 401,
          body: { error: { code: 401, message: 'Invalid Credentials', status: 'UNAUTHENTICATED' } },
        };
      const path = url.pathname.replace(/^\/gmail\/v1\/users\/me/, '');
      const json = body ? JSON.parse(body) : {};
      // Whose mailbox the access token opens (several in the scale benchmark; the fake's own otherwise).
      const owner = oauth.accessOwners.get((req.headers.authorization ?? '').replace(/^Bearer /, '')) ?? OWN;
      const mine = (x: GmailMessage) => (x.owner ?? OWN) === owner;
      const method = req.method;
      let m = null as RegExpMatchArray | null;
      const hit = (re: RegExp) => {
        m = re.exec(path);
        return m !== null;
      };
      if (method === 'GET' && path === '/profile')
        return {
          status: 200,
          body: {
            emailAddress: owner,
            messagesTotal: [...messages.values()].filter(mine).length,
            historyId: String(historyId),
          },
        };
      if (method === 'GET' && path === '/history') {
        const start = Number(url.searchParams.get('startHistoryId'));
        if (start < 1000)
          return { status: 404, body: { error: { code: 404, message: 'Requested entity was not found.' } } };
        const page = history.filter((h) => Number(h.id) > start && h.owner === owner).map(({ owner: _, ...h }) => h);
        return { status: 200, body: { history: page, historyId: String(historyId) } };
      }
      if (method === 'GET' && path === '/messages') {
        const after = Number(/after:(\d+)/.exec(url.searchParams.get('q') ?? '')?.[1] ?? 0) * 1000;
        const max = Number(url.searchParams.get('maxResults') ?? 100);
        const all = [...messages.values()]
          .filter((x) => mine(x) && !x.labelIds.includes('DRAFT') && Number(x.internalDate) >= after)
          .sort((a, b) => Number(b.internalDate) - Number(a.internalDate));
        const offset = Number(url.searchParams.get('pageToken') ?? 0);
        const slice = all.slice(offset, offset + max);
        return {
          status: 200,
          body: {
            messages: slice.map((x) => ({ id: x.id, threadId: x.threadId })),
            resultSizeEstimate: all.length,
            ...(offset + max < all.length ? { nextPageToken: String(offset + max) } : {}),
          },
        };
      }
      if (method === 'GET' && hit(/^\/messages\/([^/]+)$/)) {
        const msg = messages.get(decodeURIComponent(m?.[1] ?? ''));
        if (!msg) return { status: 404, body: { error: { code: 404, message: 'Requested entity was not found.' } } };
        return {
          status: 200,
          body: {
            id: msg.id,
            threadId: msg.threadId,
            labelIds: msg.labelIds,
            historyId: msg.historyId,
            internalDate: msg.internalDate,
            sizeEstimate: msg.raw.length,
            raw: Buffer.from(msg.raw).toString('base64url'),
          },
        };
      }
      if (method === 'POST' && hit(/^\/messages\/([^/]+)\/modify$/)) {
        const msg = messages.get(decodeURIComponent(m?.[1] ?? ''));
        if (!msg) return { status: 404, body: { error: { code: 404 } } };
        for (const id of json.addLabelIds ?? []) {
          if (!labels.has(id)) return { status: 400, body: { error: { code: 400, message: `Invalid label: ${id}` } } };
          if (!msg.labelIds.includes(id)) msg.labelIds.push(id);
        }
        msg.labelIds = msg.labelIds.filter((id) => !(json.removeLabelIds ?? []).includes(id));
        return { status: 200, body: { id: msg.id, threadId: msg.threadId, labelIds: msg.labelIds } };
      }
      if (method === 'GET' && hit(/^\/threads\/([^/]+)$/)) {
        const id = decodeURIComponent(m?.[1] ?? '');
        const list = [...messages.values()]
          .filter((x) => x.threadId === id)
          .sort((a, b) => Number(a.internalDate) - Number(b.internalDate));
        if (!list.length) return { status: 404, body: { error: { code: 404 } } };
        return {
          status: 200,
          body: {
            id,
            historyId: String(historyId),
            messages: list.map((x) => ({
              id: x.id,
              threadId: x.threadId,
              labelIds: x.labelIds,
              internalDate: x.internalDate,
            })),
          },
        };
      }
      if (method === 'GET' && path === '/labels') return { status: 200, body: { labels: [...labels.values()] } };
      if (method === 'POST' && path === '/labels') {
        if ([...labels.values()].some((l) => l.name === json.name))
          return { status: 409, body: { error: { code: 409, message: 'Label name exists or conflicts' } } };
        const id = `Label_${labels.size + 1}`;
        const label = { id, name: json.name, type: 'user', color: json.color };
        labels.set(id, label);
        return { status: 200, body: label };
      }
      if (method === 'POST' && path === '/drafts') {
        const id = `r-${++seq}`;
        const msgId = `draftmsg-${seq}`;
        const raw = Buffer.from(json.message.raw, 'base64url').toString('utf8');
        // No threadId: Gmail starts a new thread for the draft.
        const threadId = json.message.threadId ?? `t-${msgId}`;
        if (json.message.threadId && ![...messages.values()].some((x) => x.threadId === threadId))
          return { status: 404, body: { error: { code: 404 } } };
        messages.set(msgId, {
          id: msgId,
          threadId,
          labelIds: ['DRAFT'],
          raw,
          internalDate: String(Date.now()),
          historyId: String(historyId),
          ...(owner !== OWN ? { owner } : {}),
        });
        drafts.set(id, { id, message: { id: msgId, threadId }, raw });
        return { status: 200, body: { id, message: { id: msgId, threadId, labelIds: ['DRAFT'] } } };
      }
      if (method === 'POST' && path === '/watch') {
        state.watches++;
        return { status: 200, body: { historyId: String(historyId), expiration: String(Date.now() + 7 * 86_400_000) } };
      }
      if (method === 'POST' && path === '/stop') return { status: 204 };
      return { status: 404, body: { error: { code: 404, message: `fake gmail: no route ${method} ${path}` } } };
    },
    {
      before: () => {
        if (throttled > 0) {
          throttled--;
          return {
            status: 429,
            headers: { 'retry-after': retryAfter },
            body: { error: { code: 429, message: 'Rate Limit Exceeded' } },
          };
        }
        return undefined;
      },
    },
  );

  return {
    base: served.base,
    messages,
    labels,
    drafts,
    get watches() {
      return state.watches;
    },
    requests: served.requests,
    throttle(n, after) {
      throttled = n;
      retryAfter = after;
    },
    deliver(spec) {
      const id = `m${(++seq).toString(16).padStart(8, '0')}`;
      const at = spec.at ?? spec.date ?? new Date();
      const msg: GmailMessage = {
        id,
        threadId: spec.threadId ?? `t${id}`,
        labelIds: spec.sent ? ['SENT'] : ['INBOX', 'UNREAD'],
        raw: rawMessage({ ...spec, date: at }),
        internalDate: String(at.getTime()),
        historyId: '',
        ...(spec.owner ? { owner: spec.owner } : {}),
      };
      messages.set(id, msg);
      addHistory(msg);
      return msg;
    },
    labelNamesOf(id) {
      return (messages.get(id)?.labelIds ?? []).map((l) => labels.get(l)?.name ?? l);
    },
    draftsIn(threadId) {
      return [...drafts.values()].filter((d) => d.message.threadId === threadId).length;
    },
    close: served.close,
  };
}

// ---------------------------------------------------------------------------------------------- Graph

export interface GraphMessage {
  id: string;
  conversationId: string;
  folder: 'inbox' | 'sentitems' | 'drafts';
  from: string;
  isDraft: boolean;
  categories: string[];
  receivedDateTime: string;
  raw: string;
  body?: { contentType: string; content: string };
  subject?: string;
  /** toRecipients of a message created through POST /me/messages. */
  to?: string[];
  seq: number;
  /** The mailbox it is in (the fake's own address unless delivered to another). */
  owner?: string;
}

export interface FakeGraph {
  base: string;
  messages: Map<string, GraphMessage>;
  categories: Array<{ id: string; displayName: string; color: string }>;
  subscriptions: Map<string, { id: string; clientState: string; notificationUrl: string; expirationDateTime: string }>;
  requests: string[];
  maxConcurrent: number;
  throttle(n: number, retryAfter: string): void;
  /** `owner`: another mailbox than the fake's own, opened by refresh tokens listed in `oauth.owners`. */
  deliver(spec: RawSpec & { conversationId?: string; sent?: boolean; at?: Date; owner?: string }): GraphMessage;
  draftsIn(conversationId: string): number;
  /** The signed-in user's calendar (calendarView, getSchedule, POST /me/events). */
  events: FakeCalendarEvent[];
  close(): Promise<void>;
}

export async function startFakeGraph(
  oauth: FakeOAuth,
  options: { address: string; delay?: number },
): Promise<FakeGraph> {
  const messages = new Map<string, GraphMessage>();
  const categories: Array<{ id: string; displayName: string; color: string }> = [];
  const subscriptions = new Map<
    string,
    { id: string; clientState: string; notificationUrl: string; expirationDateTime: string }
  >();
  let seq = 0;
  let throttled = 0;
  let retryAfter = '0';
  const stats = { active: 0, max: 0 };
  let base = '';
  const events: FakeCalendarEvent[] = [];
  // With `Prefer: outlook.timezone="UTC"` Graph writes UTC times without an offset, to 7 decimals.
  const graphTime = (iso: string) => ({
    dateTime: new Date(iso).toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}0000`),
    timeZone: 'UTC',
  });
  const overlapping = (from: string, to: string) =>
    events.filter((e) => Date.parse(e.start) < Date.parse(to) && Date.parse(e.end) > Date.parse(from));

  const view = (m: GraphMessage) => ({
    id: m.id,
    conversationId: m.conversationId,
    isDraft: m.isDraft,
    categories: m.categories,
    receivedDateTime: m.receivedDateTime,
    from: { emailAddress: { address: m.from } },
    subject: m.subject,
  });

  const handler: Handler = (req, url, body) => {
    if (!authorised(req, oauth))
      return {
        status: 401,
        body: {
          error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' },
        },
      };
    const path = decodeURIComponent(url.pathname.replace(/^\/v1\.0/, ''));
    const json = body ? JSON.parse(body) : {};
    const method = req.method;
    let m = null as RegExpMatchArray | null;
    const hit = (re: RegExp) => {
      m = re.exec(path);
      return m !== null;
    };
    if (method === 'GET' && hit(/^\/me\/mailFolders\/(\w+)\/messages\/delta$/)) {
      const folder = m?.[1];
      const token = Number(url.searchParams.get('$deltatoken') ?? -1);
      const owner =
        oauth.accessOwners.get((req.headers.authorization ?? '').replace(/^Bearer /, '')) ?? options.address;
      const changed = [...messages.values()].filter(
        (x) => x.folder === folder && x.seq > token && (x.owner ?? options.address) === owner,
      );
      const link = `${base}/v1.0/me/mailFolders/${folder}/messages/delta?$deltatoken=${seq}`;
      return {
        status: 200,
        body: {
          '@odata.context': 'x',
          value: changed.map((x) => ({ id: x.id, conversationId: x.conversationId, isDraft: x.isDraft })),
          '@odata.deltaLink': link,
        },
      };
    }
    if (method === 'GET' && hit(/^\/me\/mailFolders\/(\w+)\/messages$/)) {
      const folder = m?.[1];
      const since = Date.parse(
        /receivedDateTime ge (\S+)/.exec(url.searchParams.get('$filter') ?? '')?.[1] ?? '1970-01-01',
      );
      const skip = Number(url.searchParams.get('$skip') ?? 0);
      const all = [...messages.values()]
        .filter((x) => x.folder === folder && Date.parse(x.receivedDateTime) >= since)
        .sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime));
      const page = all.slice(skip, skip + 100);
      const next =
        skip + 100 < all.length
          ? `${base}/v1.0/me/mailFolders/${folder}/messages?$filter=${encodeURIComponent(url.searchParams.get('$filter') ?? '')}&$select=id&$top=100&$skip=${skip + 100}`
          : undefined;
      return {
        status: 200,
        body: { value: page.map((x) => ({ id: x.id })), ...(next ? { '@odata.nextLink': next } : {}) },
      };
    }
    if (method === 'POST' && path === '/me/messages') {
      // messages.create: a new message in Drafts (isDraft true), never sent.
      const owner = oauth.accessOwners.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      const id = `AAMk-draft-${++seq}`;
      const draft: GraphMessage = {
        id,
        conversationId: `conv-${id}`,
        folder: 'drafts',
        from: owner ?? options.address,
        isDraft: true,
        categories: [],
        receivedDateTime: new Date().toISOString(),
        raw: '',
        ...(json.body ? { body: json.body } : {}),
        ...(json.subject ? { subject: json.subject } : {}),
        to: ((json.toRecipients ?? []) as Array<{ emailAddress: { address: string } }>).map(
          (r) => r.emailAddress.address,
        ),
        seq,
        ...(owner ? { owner } : {}),
      };
      messages.set(id, draft);
      return { status: 201, body: { ...view(draft), body: draft.body } };
    }
    if (method === 'GET' && path === '/me/messages') {
      const conv = /conversationId eq '([^']+)'/.exec(url.searchParams.get('$filter') ?? '')?.[1];
      return {
        status: 200,
        body: { value: [...messages.values()].filter((x) => x.conversationId === conv).map(view) },
      };
    }
    if (hit(/^\/me\/messages\/([^/]+)\/\$value$/) && method === 'GET') {
      const msg = messages.get(m?.[1] ?? '');
      return msg ? { status: 200, text: msg.raw } : { status: 404, body: { error: { code: 'ErrorItemNotFound' } } };
    }
    if (hit(/^\/me\/messages\/([^/]+)\/createReply$/) && method === 'POST') {
      const msg = messages.get(m?.[1] ?? '');
      if (!msg) return { status: 404, body: { error: { code: 'ErrorItemNotFound' } } };
      const id = `AAMk-draft-${++seq}`;
      const draft: GraphMessage = {
        id,
        conversationId: msg.conversationId,
        folder: 'drafts',
        from: options.address,
        isDraft: true,
        categories: [],
        receivedDateTime: new Date().toISOString(),
        raw: '',
        body: { contentType: 'html', content: '<div>original</div>' },
        seq,
        ...(msg.owner ? { owner: msg.owner } : {}),
      };
      messages.set(id, draft);
      return { status: 201, body: { ...view(draft), body: draft.body } };
    }
    if (hit(/^\/me\/messages\/([^/]+)$/)) {
      const msg = messages.get(m?.[1] ?? '');
      if (!msg) return { status: 404, body: { error: { code: 'ErrorItemNotFound' } } };
      if (method === 'GET') return { status: 200, body: view(msg) };
      if (method === 'PATCH') {
        if (json.categories) msg.categories = json.categories;
        if (json.body) msg.body = json.body;
        if (json.subject) msg.subject = json.subject;
        return { status: 200, body: view(msg) };
      }
    }
    if (method === 'GET' && path === '/me/calendarView') {
      const from = url.searchParams.get('startDateTime') ?? '';
      const to = url.searchParams.get('endDateTime') ?? '';
      if (!from || !to)
        return {
          status: 400,
          body: { error: { code: 'ErrorInvalidParameter', message: 'startDateTime and endDateTime are required' } },
        };
      return {
        status: 200,
        body: {
          '@odata.context': `${base}/v1.0/$metadata#users('me')/calendarView(start,end,showAs,isCancelled)`,
          value: overlapping(from, to).map((e) => ({
            '@odata.etag': `W/"${e.id}"`,
            id: e.id,
            showAs: e.showAs,
            isCancelled: false,
            isAllDay: false,
            subject: e.summary,
            start: graphTime(e.start),
            end: graphTime(e.end),
          })),
        },
      };
    }
    if (method === 'POST' && path === '/me/calendar/getSchedule') {
      const from = `${json.startTime.dateTime}Z`;
      const to = `${json.endTime.dateTime}Z`;
      return {
        status: 200,
        body: {
          '@odata.context': `${base}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)`,
          value: (json.schedules as string[]).map((id) => ({
            scheduleId: id,
            availabilityView: '',
            scheduleItems:
              id.toLowerCase() === options.address
                ? overlapping(from, to).map((e) => ({
                    isPrivate: false,
                    status: e.showAs,
                    start: graphTime(e.start),
                    end: graphTime(e.end),
                  }))
                : [],
            workingHours: { daysOfWeek: ['monday'], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000' },
          })),
        },
      };
    }
    if (method === 'POST' && path === '/me/events') {
      const ev: FakeCalendarEvent = {
        id: `AAMkEv-${++seq}`,
        summary: json.subject,
        start: `${json.start.dateTime}Z`,
        end: `${json.end.dateTime}Z`,
        showAs: 'busy',
        attendees: (json.attendees ?? []).map((a: { emailAddress: { address: string } }) => a.emailAddress.address),
        body: json,
      };
      events.push(ev);
      return {
        status: 201,
        body: {
          id: ev.id,
          subject: ev.summary,
          start: graphTime(ev.start),
          end: graphTime(ev.end),
          webLink: 'https://outlook.example/ev',
        },
      };
    }
    if (path === '/me/outlook/masterCategories') {
      if (method === 'GET') return { status: 200, body: { value: categories } };
      if (categories.some((c) => c.displayName === json.displayName))
        return { status: 409, body: { error: { code: 'ErrorItemAlreadyExists' } } };
      const cat = { id: `cat-${categories.length + 1}`, displayName: json.displayName, color: json.color };
      categories.push(cat);
      return { status: 201, body: cat };
    }
    if (path === '/subscriptions' && method === 'POST') {
      const id = `sub-${++seq}`;
      const sub = {
        id,
        clientState: json.clientState,
        notificationUrl: json.notificationUrl,
        expirationDateTime: json.expirationDateTime,
      };
      subscriptions.set(id, sub);
      return { status: 201, body: { ...sub, resource: json.resource, changeType: json.changeType } };
    }
    if (hit(/^\/subscriptions\/([^/]+)$/)) {
      const sub = subscriptions.get(m?.[1] ?? '');
      if (!sub) return { status: 404, body: { error: { code: 'ResourceNotFound' } } };
      if (method === 'PATCH') {
        sub.expirationDateTime = json.expirationDateTime;
        return { status: 200, body: sub };
      }
      if (method === 'DELETE') {
        subscriptions.delete(sub.id);
        return { status: 204 };
      }
    }
    return { status: 404, body: { error: { code: 'BadRequest', message: `fake graph: no route ${method} ${path}` } } };
  };

  const served = await serve(handler, {
    before: () => {
      stats.active++;
      stats.max = Math.max(stats.max, stats.active);
      if (throttled > 0) {
        throttled--;
        return { status: 429, headers: { 'retry-after': retryAfter }, body: { error: { code: 'TooManyRequests' } } };
      }
      return undefined;
    },
    after: () => {
      stats.active--;
    },
    delayMs: () => options.delay ?? 0,
  });
  base = served.base;

  return {
    base,
    messages,
    categories,
    subscriptions,
    requests: served.requests,
    get maxConcurrent() {
      return stats.max;
    },
    throttle(n, after) {
      throttled = n;
      retryAfter = after;
    },
    deliver(spec) {
      const id = `AAMk-${++seq}`;
      const at = spec.at ?? spec.date ?? new Date();
      const msg: GraphMessage = {
        id,
        conversationId: spec.conversationId ?? `conv-${id}`,
        folder: spec.sent ? 'sentitems' : 'inbox',
        from: /<([^>]+)>/.exec(spec.from)?.[1] ?? spec.from,
        isDraft: false,
        categories: [],
        receivedDateTime: at.toISOString(),
        raw: rawMessage({ ...spec, date: at }),
        subject: spec.subject,
        seq,
        ...(spec.owner ? { owner: spec.owner } : {}),
      };
      messages.set(id, msg);
      return msg;
    },
    draftsIn(conversationId) {
      return [...messages.values()].filter((x) => x.isDraft && x.conversationId === conversationId).length;
    },
    events,
    close: served.close,
  };
}

// ---------------------------------------------------------------------------------------------- Calendars

/** An event in a fake calendar, as the test sees it (UTC ISO times). */
export interface FakeCalendarEvent {
  id: string;
  summary: string;
  start: string;
  end: string;
  /** Graph showAs; Google events are busy unless "free". */
  showAs: 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere';
  attendees: string[];
  /** The request body that created it (events created through the API). */
  body?: unknown;
}

/** Google Calendar v3 (www.googleapis.com): freeBusy.query, events.list and events.insert on "primary". */
export interface FakeGoogleCalendar {
  base: string;
  events: FakeCalendarEvent[];
  requests: string[];
  /** False: the token lacks the calendar scopes (a mailbox connected before they were asked for). */
  granted: boolean;
  close(): Promise<void>;
}

export async function startFakeGoogleCalendar(
  oauth: FakeOAuth,
  options: { address: string },
): Promise<FakeGoogleCalendar> {
  const events: FakeCalendarEvent[] = [];
  const state = { granted: true };
  let seq = 0;
  const served = await serve((req, url, body) => {
    if (!authorised(req, oauth))
      return { status: 401, body: { error: { code: 401, message: 'Invalid Credentials', status: 'UNAUTHENTICATED' } } };
    if (!state.granted)
      return {
        status: 403,
        body: {
          error: {
            code: 403,
            message: 'Request had insufficient authentication scopes.',
            status: 'PERMISSION_DENIED',
            errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
          },
        },
      };
    const json = body ? JSON.parse(body) : {};
    const path = decodeURIComponent(url.pathname);
    if (req.method === 'POST' && path === '/calendar/v3/freeBusy') {
      const from = Date.parse(json.timeMin);
      const to = Date.parse(json.timeMax);
      const calendars: Record<string, unknown> = {};
      for (const { id } of json.items as Array<{ id: string }>) {
        calendars[id] =
          id === 'primary' || id.toLowerCase() === options.address
            ? {
                busy: events
                  .filter((e) => e.showAs !== 'free' && Date.parse(e.start) < to && Date.parse(e.end) > from)
                  .map((e) => ({ start: new Date(e.start).toISOString(), end: new Date(e.end).toISOString() })),
              }
            : { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
      }
      return {
        status: 200,
        body: { kind: 'calendar#freeBusy', timeMin: json.timeMin, timeMax: json.timeMax, calendars },
      };
    }
    const insert = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/.exec(path);
    if (req.method === 'GET' && insert) {
      // events.list with singleEvents and orderBy=startTime, as the briefing asks.
      if (insert[1] !== 'primary') return { status: 404, body: { error: { code: 404, message: 'Not Found' } } };
      const from = Date.parse(url.searchParams.get('timeMin') ?? '');
      const to = Date.parse(url.searchParams.get('timeMax') ?? '');
      if (!Number.isFinite(from) || !Number.isFinite(to))
        return { status: 400, body: { error: { code: 400, message: 'timeMin and timeMax are required here' } } };
      const items = events
        .filter((e) => Date.parse(e.start) < to && Date.parse(e.end) > from)
        .sort((a, b) => a.start.localeCompare(b.start))
        .map((e) => ({
          kind: 'calendar#event',
          id: e.id,
          status: 'confirmed',
          summary: e.summary,
          start: { dateTime: e.start, timeZone: 'UTC' },
          end: { dateTime: e.end, timeZone: 'UTC' },
          ...(e.showAs === 'free' ? { transparency: 'transparent' } : {}),
        }));
      return { status: 200, body: { kind: 'calendar#events', items } };
    }
    if (req.method === 'POST' && insert) {
      if (insert[1] !== 'primary') return { status: 404, body: { error: { code: 404, message: 'Not Found' } } };
      const ev: FakeCalendarEvent = {
        id: `gev${++seq}`,
        summary: json.summary,
        start: new Date(json.start.dateTime).toISOString(),
        end: new Date(json.end.dateTime).toISOString(),
        showAs: 'busy',
        attendees: (json.attendees ?? []).map((a: { email: string }) => a.email),
        body: { ...json, sendUpdates: url.searchParams.get('sendUpdates') },
      };
      events.push(ev);
      return {
        status: 200,
        body: {
          kind: 'calendar#event',
          id: ev.id,
          status: 'confirmed',
          htmlLink: `https://www.google.com/calendar/event?eid=${ev.id}`,
          summary: ev.summary,
          start: json.start,
          end: json.end,
          attendees: json.attendees ?? [],
        },
      };
    }
    return { status: 404, body: { error: { code: 404, message: `fake calendar: no route ${req.method} ${path}` } } };
  });
  return {
    base: served.base,
    events,
    requests: served.requests,
    get granted() {
      return state.granted;
    },
    set granted(value: boolean) {
      state.granted = value;
    },
    close: served.close,
  };
}
