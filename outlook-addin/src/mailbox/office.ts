import type { Address, CategoryId, EmailMessage } from '@steward/shared';
import { OUTLOOK_CATEGORY_COLORS, OUTLOOK_CATEGORY_PREFIX, outlookCategoryName } from './categories.ts';
import type {
  AsyncResult,
  Body,
  CategoryDetails,
  EmailAddressDetails,
  Mailbox,
  MessageCompose,
  MessageRead,
  OfficeApi,
} from './office-api.ts';
import { API_BASE_ROAMING_KEY } from './office-api.ts';
import type {
  CategoryOutcome,
  HostTheme,
  InsertOutcome,
  MailboxCapabilities,
  MailboxPort,
  NewMessage,
  OpenMessage,
  OpenOutcome,
  ReplyContent,
  SentMailRequest,
} from './port.ts';
import { REQUIREMENTS } from './requirements.ts';

type AnyItem = MessageRead | MessageCompose;

export interface OfficeMailboxOptions {
  /**
   * A Microsoft Graph token with Mail.Read (nested app authentication), or null where there is none
   * (local mode, no NestedAppAuth 1.1). Called only when the user asks to learn from sent mail.
   */
  graphToken?: (() => Promise<string>) | null;
  /** Graph's origin; tests point it elsewhere. */
  graphBaseUrl?: string;
}

/** The MailboxPort over Office.js. Every Office call of the pane lives in this file. */
export class OfficeMailbox implements MailboxPort {
  readonly host = 'outlook' as const;

  constructor(
    private readonly office: OfficeApi,
    private readonly options: OfficeMailboxOptions = {},
  ) {}

  private get mailbox(): Mailbox {
    return this.office.context.mailbox;
  }

  private get item(): AnyItem | null {
    return this.mailbox.item ?? null;
  }

  private supports(requirement: { set: string; version: string }): boolean {
    const requirements = this.office.context.requirements;
    return Boolean(requirements?.isSetSupported(requirement.set, requirement.version));
  }

  capabilities(): MailboxCapabilities {
    const item = this.item;
    const compose = item ? isCompose(item) : false;
    return {
      followsSelection: this.supports(REQUIREMENTS.itemChanged),
      categories: this.supports(REQUIREMENTS.categories) && Boolean(this.mailbox.masterCategories),
      insertReply: item
        ? compose
          ? typeof item.body?.setSelectedDataAsync === 'function'
          : typeof (item as MessageRead).displayReplyForm === 'function'
        : false,
      nestedAppAuth: this.supports(REQUIREMENTS.nestedAppAuth),
      dialogApi: this.supports(REQUIREMENTS.dialogApi) && Boolean(this.office.context.ui?.displayDialogAsync),
      sentMail:
        Boolean(this.options.graphToken) &&
        this.supports(REQUIREMENTS.sentMail) &&
        this.supports(REQUIREMENTS.nestedAppAuth),
    };
  }

  async readSentMail(request: SentMailRequest): Promise<EmailMessage[]> {
    const token = this.options.graphToken;
    if (!token || !this.capabilities().sentMail) throw new Error('This Outlook cannot read your sent mail.');
    // Graph code loads only when the user asks for it.
    const { readSentMail } = await import('./graph.ts');
    return readSentMail(
      { token, ...(this.options.graphBaseUrl ? { baseUrl: this.options.graphBaseUrl } : {}) },
      request,
    );
  }

  /**
   * Leaves the backend's URL in the roaming settings for the Smart Alert, whose JavaScript-only runtime
   * (classic Outlook on Windows) has no page URL to find it from. Writes only when it changed.
   */
  rememberApiBaseUrl(url: string): void {
    const settings = this.office.context.roamingSettings;
    if (!settings || settings.get(API_BASE_ROAMING_KEY) === url) return;
    settings.set(API_BASE_ROAMING_KEY, url);
    settings.saveAsync();
  }

  myAddresses(): string[] {
    const address = this.mailbox.userProfile?.emailAddress;
    return address ? [address.toLowerCase()] : [];
  }

  theme(): HostTheme | null {
    const theme = this.office.context.officeTheme;
    if (!theme?.bodyBackgroundColor) return null;
    return {
      bodyBackgroundColor: theme.bodyBackgroundColor,
      bodyForegroundColor: theme.bodyForegroundColor,
      controlBackgroundColor: theme.controlBackgroundColor,
      controlForegroundColor: theme.controlForegroundColor,
    };
  }

  async readCurrentItem(): Promise<OpenMessage | null> {
    const item = this.item;
    if (!item) return null;
    return isCompose(item) ? this.readCompose(item) : this.readReceived(item);
  }

  private async readReceived(item: MessageRead): Promise<OpenMessage> {
    const [text, html] = await Promise.all([
      bodyAs(item.body, this.office.CoercionType.Text),
      bodyAs(item.body, this.office.CoercionType.Html),
    ]);
    const message: EmailMessage = {
      id: item.itemId || `conversation:${item.conversationId}`,
      subject: item.subject ?? '',
      text,
      html,
    };
    if (item.conversationId) message.threadId = item.conversationId;
    if (item.from) message.from = toAddress(item.from);
    if (item.to?.length) message.to = item.to.map(toAddress);
    if (item.cc?.length) message.cc = item.cc.map(toAddress);
    const created = item.dateTimeCreated;
    if (created && typeof created.getTime === 'function' && !Number.isNaN(created.getTime()))
      message.date = created.toISOString();
    return { message, mode: 'read' };
  }

  /** In compose, fields are asynchronous; the message is the one being written (a reply's thread). */
  private async readCompose(item: MessageCompose): Promise<OpenMessage> {
    const [subject, to, cc, text] = await Promise.all([
      callAsync<string>((cb) => item.subject.getAsync(cb)).catch(() => ''),
      callAsync<EmailAddressDetails[]>((cb) => item.to.getAsync(cb)).catch(() => []),
      callAsync<EmailAddressDetails[]>((cb) => item.cc.getAsync(cb)).catch(() => []),
      bodyAs(item.body, this.office.CoercionType.Text),
    ]);
    const message: EmailMessage = {
      id: item.conversationId ? `compose:${item.conversationId}` : 'compose:new',
      subject,
      text,
      to: to.map(toAddress),
      cc: cc.map(toAddress),
    };
    if (item.conversationId) message.threadId = item.conversationId;
    const me = this.mailbox.userProfile;
    if (me?.emailAddress) message.from = { name: me.displayName, address: me.emailAddress };
    return { message, mode: 'compose' };
  }

  onItemChanged(listener: () => void): () => void {
    if (!this.supports(REQUIREMENTS.itemChanged) || typeof this.mailbox.addHandlerAsync !== 'function') {
      return () => {};
    }
    const type = this.office.EventType.ItemChanged;
    this.mailbox.addHandlerAsync(type, listener);
    return () => {
      this.mailbox.removeHandlerAsync?.(type);
    };
  }

  async insertReply(reply: ReplyContent): Promise<InsertOutcome> {
    const item = this.item;
    if (!item) return 'unsupported';
    if (isCompose(item)) {
      const { body } = item;
      const setSelected = body.setSelectedDataAsync;
      if (typeof setSelected !== 'function') return 'unsupported';
      const { Html, Text } = this.office.CoercionType;
      const bodyType = body.getTypeAsync
        ? await callAsync<string>((cb) => body.getTypeAsync?.(cb)).catch(() => Html)
        : Html;
      const html = bodyType === Html;
      await callAsync<void>((cb) =>
        setSelected.call(body, html ? reply.html : reply.text, { coercionType: html ? Html : Text }, cb),
      );
      return 'inserted-at-cursor';
    }
    const open = reply.replyAll ? item.displayReplyAllForm : item.displayReplyForm;
    if (typeof open !== 'function') return 'unsupported';
    open.call(item, { htmlBody: reply.html });
    return 'reply-form-opened';
  }

  async composeNew(message: NewMessage): Promise<InsertOutcome> {
    if (typeof this.mailbox.displayNewMessageForm !== 'function') return 'unsupported';
    this.mailbox.displayNewMessageForm({ toRecipients: message.to, subject: message.subject, htmlBody: message.html });
    return 'new-message-opened';
  }

  async openMessage(messageId: string): Promise<OpenOutcome> {
    const display = this.mailbox.displayMessageForm;
    if (typeof display !== 'function' || !messageId || messageId.includes(':')) return 'unsupported';
    // Mail synced through Microsoft Graph carries REST ids (URL-safe base64: '-' and '_'); the pane's own
    // messages carry the EWS ids Office.js gave it ('+' and '/'). displayMessageForm takes EWS ids.
    const rest = /[-_]/.test(messageId) && !/[+/]/.test(messageId);
    const convert = this.mailbox.convertToEwsId;
    const id =
      rest && typeof convert === 'function'
        ? convert.call(this.mailbox, messageId, this.office.MailboxEnums.RestVersion?.v2_0 ?? 'v2.0')
        : messageId;
    display.call(this.mailbox, id);
    return 'opened';
  }

  async applyCategory(category: CategoryId, displayName: string): Promise<CategoryOutcome> {
    const item = this.item;
    const master = this.mailbox.masterCategories;
    const categories = item?.categories;
    if (!item || !master || !categories || !this.supports(REQUIREMENTS.categories)) return 'unsupported';
    const name = outlookCategoryName(displayName);
    const existing = await callAsync<CategoryDetails[]>((cb) => master.getAsync(cb)).catch(() => []);
    // Outlook compares category names without regard to case.
    const same = (other: string) => other.toLowerCase() === name.toLowerCase();
    if (!existing.some((c) => same(c.displayName))) {
      const color =
        this.office.MailboxEnums.CategoryColor[OUTLOOK_CATEGORY_COLORS[category]] ?? OUTLOOK_CATEGORY_COLORS[category];
      await callAsync<void>((cb) => master.addAsync([{ displayName: name, color }], cb)).catch((error: unknown) => {
        // Another pane (or a second window) may have created it between the read and the add.
        if (!isDuplicateError(error)) throw error;
      });
    }
    const onItem = await callAsync<CategoryDetails[] | null>((cb) => categories.getAsync(cb)).catch(() => null);
    const stale = (onItem ?? [])
      .map((c) => c.displayName)
      .filter((n) => n.toLowerCase().startsWith(OUTLOOK_CATEGORY_PREFIX.toLowerCase()) && !same(n));
    if (stale.length) await callAsync<void>((cb) => categories.removeAsync(stale, cb));
    if (!(onItem ?? []).some((c) => same(c.displayName))) {
      await callAsync<void>((cb) => categories.addAsync([name], cb));
    }
    return 'applied';
  }
}

function isCompose(item: AnyItem): item is MessageCompose {
  // In compose, `subject` is an object with getAsync; in read mode it is a string.
  return typeof item.subject === 'object' && item.subject !== null;
}

function toAddress(details: EmailAddressDetails): Address {
  const address = details.emailAddress ?? '';
  return details.displayName && details.displayName !== address ? { name: details.displayName, address } : address;
}

async function bodyAs(body: Body | undefined, coercion: string): Promise<string> {
  if (!body || typeof body.getAsync !== 'function') return '';
  return callAsync<string>((cb) => body.getAsync(coercion, cb)).catch(() => '');
}

function isDuplicateError(error: unknown): boolean {
  return error instanceof OfficeCallError && /duplicate|exists/i.test(`${error.code} ${error.message}`);
}

export class OfficeCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OfficeCallError';
  }
}

/** Turns Office's callback style into a promise; failures become OfficeCallError. */
export function callAsync<T>(start: (callback: (result: AsyncResult<T>) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((result) => {
      // office.js reports 'failed' at run time; older type declarations model it as a numeric enum.
      const status = result.status;
      if (status === 'failed' || status === 1) {
        const error = result.error;
        reject(
          new OfficeCallError(String(error?.code ?? error?.name ?? 'failed'), error?.message ?? 'Office call failed'),
        );
      } else {
        resolve(result.value);
      }
    });
  });
}
