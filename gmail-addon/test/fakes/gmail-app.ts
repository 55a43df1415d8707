/**
 * GmailApp for the add-on's scopes: a message is readable only after setCurrentMessageAccessToken with the
 * token of the open message; createDraftReply / createDraftReplyAll / createDraft record the draft a user would see.
 */
import type { Json, Recordable } from './card-service.ts';

export interface MessageData {
  id: string;
  threadId: string;
  from: string;
  to: string;
  cc?: string;
  replyTo?: string;
  subject: string;
  date: Date;
  plainBody: string;
  htmlBody?: string;
  headers?: Record<string, string>;
}

export interface RecordedDraft {
  id: string;
  kind: 'reply' | 'replyAll' | 'standalone';
  threadId: string;
  inReplyTo: string;
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  htmlBody: string;
}

type GmailMessage = GoogleAppsScript.Gmail.GmailMessage;

/** Address list → bare lower-case addresses; commas inside quoted display names do not split. */
function addressesOf(list: string): string[] {
  const parts = list.match(/(?:"[^"]*"|[^,])+/g) ?? [];
  return parts.map((a) => (/<([^>]+)>/.exec(a)?.[1] ?? a).trim().toLowerCase()).filter(Boolean);
}

export class FakeGmailDraft implements Recordable {
  constructor(readonly draft: RecordedDraft) {}
  getId(): string {
    return this.draft.id;
  }
  toCardJson(): Json {
    return { kind: 'GmailDraft', id: this.draft.id, threadId: this.draft.threadId };
  }
}

export class FakeGmailMessage {
  constructor(
    private readonly app: FakeGmailApp,
    readonly data: MessageData,
  ) {}
  getId() {
    return this.data.id;
  }
  getThread() {
    return this.app.thread(this.data.threadId);
  }
  getFrom() {
    return this.data.from;
  }
  getTo() {
    return this.data.to;
  }
  getCc() {
    return this.data.cc ?? '';
  }
  getReplyTo() {
    return this.data.replyTo ?? '';
  }
  getSubject() {
    return this.data.subject;
  }
  getDate() {
    return new Date(this.data.date);
  }
  getPlainBody() {
    return this.data.plainBody;
  }
  getBody() {
    return this.data.htmlBody ?? this.data.plainBody;
  }
  getHeader(name: string) {
    const entry = Object.entries(this.data.headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase());
    return entry?.[1] ?? '';
  }
  createDraftReply(body: string, options?: { htmlBody?: string }) {
    return this.app.recordDraft(this.data, 'reply', body, options);
  }
  createDraftReplyAll(body: string, options?: { htmlBody?: string }) {
    return this.app.recordDraft(this.data, 'replyAll', body, options);
  }
}

export class FakeGmailThread {
  constructor(
    private readonly app: FakeGmailApp,
    readonly id: string,
  ) {}
  getId() {
    return this.id;
  }
  getMessages() {
    return this.app.messagesOf(this.id);
  }
}

export class FakeGmailApp {
  readonly drafts: RecordedDraft[] = [];
  readonly tokens: string[] = [];
  private readonly messages = new Map<string, MessageData>();

  /** `accessTokens`: message id → the token Gmail puts in the event for it. */
  constructor(
    messages: MessageData[],
    private readonly owner: string,
    private readonly accessTokens: Map<string, string> = new Map(messages.map((m) => [m.id, `token-${m.id}`])),
  ) {
    for (const m of messages) this.messages.set(m.id, m);
  }

  accessTokenFor(messageId: string): string {
    return this.accessTokens.get(messageId) ?? '';
  }

  setCurrentMessageAccessToken(token: string): void {
    if (!token) throw new Error('Invalid argument: accessToken');
    this.tokens.push(token);
  }

  private readable(threadId: string): boolean {
    // The token of any message in the thread grants the thread, as with the add-on scopes.
    return this.tokens.some((t) =>
      [...this.messages.values()].some((m) => m.threadId === threadId && this.accessTokens.get(m.id) === t),
    );
  }

  getMessageById(id: string): GmailMessage {
    const data = this.messages.get(id);
    if (!data) throw new Error(`Invalid argument: id`);
    if (!this.readable(data.threadId)) {
      throw new Error('Access denied: : Missing access token for per message scope.');
    }
    return new FakeGmailMessage(this, data) as unknown as GmailMessage;
  }

  thread(id: string) {
    return new FakeGmailThread(this, id) as unknown as GoogleAppsScript.Gmail.GmailThread;
  }

  messagesOf(threadId: string): GmailMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.threadId === threadId)
      .sort((a, b) => a.date.getTime() - b.date.getTime())
      .map((m) => new FakeGmailMessage(this, m) as unknown as GmailMessage);
  }

  /** A standalone draft (GmailApp.createDraft): allowed in a compose action callback with the add-on scopes. */
  createDraft(recipient: string, subject: string, body: string, options?: { htmlBody?: string }) {
    const draft: RecordedDraft = {
      id: `d-${this.drafts.length + 1}`,
      kind: 'standalone',
      threadId: '',
      inReplyTo: '',
      to: addressesOf(recipient),
      cc: [],
      subject,
      body,
      htmlBody: options?.htmlBody ?? '',
    };
    this.drafts.push(draft);
    return new FakeGmailDraft(draft) as unknown as GoogleAppsScript.Gmail.GmailDraft;
  }

  recordDraft(
    message: MessageData,
    kind: RecordedDraft['kind'],
    body: string,
    options?: { htmlBody?: string },
  ): GoogleAppsScript.Gmail.GmailDraft {
    const replyTarget = addressesOf(message.replyTo || message.from);
    const others =
      kind === 'replyAll'
        ? addressesOf(`${message.to},${message.cc ?? ''}`).filter((a) => a !== this.owner && !replyTarget.includes(a))
        : [];
    const draft: RecordedDraft = {
      id: `r-${this.drafts.length + 1}`,
      kind,
      threadId: message.threadId,
      inReplyTo: message.id,
      to: replyTarget,
      cc: others,
      subject: /^re:/i.test(message.subject) ? message.subject : `Re: ${message.subject}`,
      body,
      htmlBody: options?.htmlBody ?? '',
    };
    this.drafts.push(draft);
    return new FakeGmailDraft(draft) as unknown as GoogleAppsScript.Gmail.GmailDraft;
  }
}
