/**
 * A fake Office host: the parts of Office.js (Outlook, Mailbox requirement sets) that Steward's pane
 * uses, with Office's own rules — callbacks run asynchronously with {status:'succeeded'|'failed'},
 * features exist only when their requirement set is supported, master categories reject duplicates,
 * reply forms reject HTML over 32 KB. Every call is recorded in `calls`.
 *
 * Used two ways: imported by unit tests (installFakeOffice(globalThisLike, options)), and bundled
 * as a script that answers the office.js request in the end-to-end tests (see browser-script.ts).
 * It imports nothing so it can be bundled on its own.
 */

export interface FakeAddress {
  displayName: string;
  emailAddress: string;
}

export interface FakeMessage {
  itemId: string;
  conversationId: string;
  subject: string;
  from: FakeAddress;
  to: FakeAddress[];
  cc?: FakeAddress[];
  /** ISO date-time. */
  dateTimeCreated: string;
  bodyText: string;
  bodyHtml: string;
  categories?: string[];
  /** Open the message in compose mode (a reply being written) instead of read mode. */
  compose?: boolean;
}

export interface FakeOfficeOptions {
  messages: FakeMessage[];
  /** Index of the message open at start; -1 for none (a pinned pane with nothing selected). */
  selected?: number;
  user?: FakeAddress;
  /** Highest supported version per requirement set, e.g. { Mailbox: '1.13', NestedAppAuth: '1.1' }. */
  requirementSets?: Record<string, string>;
  theme?: {
    bodyBackgroundColor: string;
    bodyForegroundColor: string;
    controlBackgroundColor: string;
    controlForegroundColor: string;
  };
  masterCategories?: { displayName: string; color: string }[];
  /** Roaming settings already saved for the user. */
  roamingSettings?: Record<string, unknown>;
}

export interface RecordedCall {
  method: string;
  args: unknown[];
}

export interface FakeOfficeHost {
  office: Record<string, unknown>;
  calls: RecordedCall[];
  masterCategories: { displayName: string; color: string }[];
  /** Simulates the user selecting another message in a pinned pane. */
  select(index: number): void;
  /** Categories currently on a message. */
  categoriesOf(itemId: string): string[];
  /**
   * Simulates the user pressing Send with an OnMessageSend add-in: runs the handler associated with
   * `name` (Office.actions.associate) and resolves with what it passed to event.completed().
   */
  send(
    name?: string,
  ): Promise<{ allowEvent?: boolean; errorMessage?: string; cancelLabel?: string; commandId?: string }>;
  /** The roaming settings as saved (saveAsync). */
  savedRoamingSettings(): Record<string, unknown>;
}

const REPLY_HTML_LIMIT = 32 * 1024;

export const DEFAULT_REQUIREMENT_SETS: Record<string, string> = {
  Mailbox: '1.13',
  DialogApi: '1.2',
  NestedAppAuth: '1.1',
  IdentityAPI: '1.3',
};

/** Outlook category names are case-insensitive. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function versionAtLeast(available: string, wanted: string): boolean {
  const a = available.split('.').map(Number);
  const b = wanted.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

export function installFakeOffice(target: Record<string, unknown>, options: FakeOfficeOptions): FakeOfficeHost {
  const calls: RecordedCall[] = [];
  const record = (method: string, ...args: unknown[]) => calls.push({ method, args });
  const sets = options.requirementSets ?? DEFAULT_REQUIREMENT_SETS;
  const supports = (name: string, version = '1.1') => {
    const available = sets[name];
    return available !== undefined && versionAtLeast(available, version);
  };
  const user = options.user ?? { displayName: 'Alex Morgan', emailAddress: 'alex@northwind.example' };
  const masterCategories = [...(options.masterCategories ?? [])];
  const itemCategories = new Map<string, string[]>(options.messages.map((m) => [m.itemId, [...(m.categories ?? [])]]));
  const handlers = new Map<string, (event: unknown) => void>();
  const actions = new Map<string, (event: unknown) => void>();
  const roaming: Record<string, unknown> = { ...(options.roamingSettings ?? {}) };
  let savedRoaming: Record<string, unknown> = { ...roaming };

  type Callback<T> = ((result: { status: string; value: T; error?: unknown }) => void) | undefined;
  const succeed = <T>(callback: Callback<T>, value: T) =>
    setTimeout(() => callback?.({ status: 'succeeded', value }), 0);
  const fail = (callback: Callback<unknown>, name: string, message: string, code: number) =>
    setTimeout(() => callback?.({ status: 'failed', value: undefined, error: { name, message, code } }), 0);

  const CoercionType = { Text: 'text', Html: 'html' };
  const EventType = {
    ItemChanged: 'olkItemSelectedChanged',
    DialogMessageReceived: 'dialogMessageReceived',
    DialogEventReceived: 'dialogEventReceived',
    OfficeThemeChanged: 'officeThemeChanged',
  };
  const CategoryColor: Record<string, string> = { None: 'None' };
  for (let i = 0; i <= 24; i++) CategoryColor[`Preset${i}`] = `Preset${i}`;

  const categoriesApi = (itemId: string) => ({
    getAsync(callback: Callback<{ displayName: string; color: string }[] | null>) {
      record('item.categories.getAsync', itemId);
      const names = itemCategories.get(itemId) ?? [];
      const details = names.map((name) => ({
        displayName: name,
        color: masterCategories.find((c) => sameName(c.displayName, name))?.color ?? 'None',
      }));
      succeed(callback, details.length ? details : null);
    },
    addAsync(categories: string[], callback: Callback<void>) {
      record('item.categories.addAsync', itemId, categories);
      const unknown = categories.filter((name) => !masterCategories.some((c) => sameName(c.displayName, name)));
      if (unknown.length)
        return fail(
          callback as Callback<unknown>,
          'InvalidCategory',
          `Not in the master list: ${unknown.join(', ')}`,
          9044,
        );
      const current = itemCategories.get(itemId) ?? [];
      itemCategories.set(itemId, [...current, ...categories.filter((c) => !current.some((n) => sameName(n, c)))]);
      succeed(callback, undefined);
    },
    removeAsync(categories: string[], callback: Callback<void>) {
      record('item.categories.removeAsync', itemId, categories);
      itemCategories.set(
        itemId,
        (itemCategories.get(itemId) ?? []).filter((c) => !categories.includes(c)),
      );
      succeed(callback, undefined);
    },
  });

  const readItem = (m: FakeMessage) => {
    const item: Record<string, unknown> = {
      itemType: 'message',
      itemId: m.itemId,
      conversationId: m.conversationId,
      subject: m.subject,
      normalizedSubject: m.subject.replace(/^(re|fw|fwd):\s*/i, ''),
      from: m.from,
      sender: m.from,
      to: m.to,
      cc: m.cc ?? [],
      dateTimeCreated: new Date(m.dateTimeCreated),
      body: {
        getAsync(coercionType: string, callback: Callback<string>) {
          record('item.body.getAsync', coercionType);
          if (coercionType !== 'text' && coercionType !== 'html')
            return fail(callback as Callback<unknown>, 'InvalidCoercion', 'Unknown coercion type', 1000);
          succeed(callback, coercionType === 'html' ? m.bodyHtml : m.bodyText);
        },
      },
      displayReplyForm(formData: string | { htmlBody?: string }) {
        record('displayReplyForm', formData);
        const html = typeof formData === 'string' ? formData : (formData.htmlBody ?? '');
        if (html.length > REPLY_HTML_LIMIT) throw new Error('htmlBody exceeds 32 KB');
      },
      displayReplyAllForm(formData: string | { htmlBody?: string }) {
        record('displayReplyAllForm', formData);
        const html = typeof formData === 'string' ? formData : (formData.htmlBody ?? '');
        if (html.length > REPLY_HTML_LIMIT) throw new Error('htmlBody exceeds 32 KB');
      },
    };
    if (supports('Mailbox', '1.8')) item.categories = categoriesApi(m.itemId);
    return item;
  };

  const composeItem = (m: FakeMessage) => {
    let bodyHtml = m.bodyHtml;
    const item: Record<string, unknown> = {
      itemType: 'message',
      conversationId: m.conversationId,
      subject: { getAsync: (callback: Callback<string>) => succeed(callback, m.subject) },
      to: { getAsync: (callback: Callback<FakeAddress[]>) => succeed(callback, m.to) },
      cc: { getAsync: (callback: Callback<FakeAddress[]>) => succeed(callback, m.cc ?? []) },
      body: {
        getAsync(coercionType: string, callback: Callback<string>) {
          record('item.body.getAsync', coercionType);
          succeed(callback, coercionType === 'html' ? bodyHtml : bodyHtml.replace(/<[^>]+>/g, ''));
        },
        getTypeAsync(callback: Callback<string>) {
          succeed(callback, 'html');
        },
        setSelectedDataAsync(data: string, opts: { coercionType?: string }, callback: Callback<void>) {
          record('item.body.setSelectedDataAsync', data, opts);
          bodyHtml = data + bodyHtml;
          succeed(callback, undefined);
        },
      },
    };
    if (supports('Mailbox', '1.8')) item.categories = categoriesApi(`compose:${m.conversationId}`);
    return item;
  };

  const itemFor = (index: number) => {
    const m = options.messages[index];
    if (!m) return null;
    return m.compose ? composeItem(m) : readItem(m);
  };

  const mailbox: Record<string, unknown> = {
    item: itemFor(options.selected ?? 0),
    userProfile: {
      displayName: user.displayName,
      emailAddress: user.emailAddress,
      timeZone: 'UTC',
      accountType: 'enterprise',
    },
    diagnostics: { hostName: 'OutlookWebApp', hostVersion: '16.0' },
    displayNewMessageForm(parameters: unknown) {
      record('displayNewMessageForm', parameters);
    },
    displayMessageForm(itemId: string) {
      record('displayMessageForm', itemId);
    },
  };
  if (supports('Mailbox', '1.3')) {
    // Office turns a REST id into an EWS id; the fake marks it so a test can see the conversion happened.
    mailbox.convertToEwsId = (itemId: string, restVersion: string) => {
      record('convertToEwsId', itemId, restVersion);
      return `ews:${itemId}`;
    };
  }
  if (supports('Mailbox', '1.5')) {
    mailbox.addHandlerAsync = (eventType: string, handler: (event: unknown) => void, callback?: Callback<void>) => {
      record('mailbox.addHandlerAsync', eventType);
      handlers.set(eventType, handler);
      succeed(callback, undefined);
    };
    mailbox.removeHandlerAsync = (eventType: string, callback?: Callback<void>) => {
      record('mailbox.removeHandlerAsync', eventType);
      handlers.delete(eventType);
      succeed(callback, undefined);
    };
  }
  if (supports('Mailbox', '1.8')) {
    mailbox.masterCategories = {
      getAsync(callback: Callback<{ displayName: string; color: string }[]>) {
        record('masterCategories.getAsync');
        succeed(
          callback,
          masterCategories.map((c) => ({ ...c })),
        );
      },
      addAsync(categories: { displayName: string; color: string }[], callback: Callback<void>) {
        record('masterCategories.addAsync', categories);
        if (categories.some((c) => masterCategories.some((m) => sameName(m.displayName, c.displayName)))) {
          return fail(
            callback as Callback<unknown>,
            'DuplicateCategory',
            'A category with this name already exists.',
            9045,
          );
        }
        masterCategories.push(...categories.map((c) => ({ ...c })));
        succeed(callback, undefined);
      },
    };
  }

  const office: Record<string, unknown> = {
    onReady(callback?: (info: { host: string; platform: string }) => void) {
      const info = { host: 'Outlook', platform: 'OfficeOnline' };
      return new Promise((resolve) =>
        setTimeout(() => {
          callback?.(info);
          resolve(info);
        }, 0),
      );
    },
    actions: {
      associate(name: string, handler: (event: unknown) => void) {
        record('actions.associate', name);
        actions.set(name, handler);
      },
    },
    context: {
      mailbox,
      roamingSettings: {
        get(name: string) {
          return roaming[name];
        },
        set(name: string, value: unknown) {
          record('roamingSettings.set', name, value);
          roaming[name] = value;
        },
        remove(name: string) {
          delete roaming[name];
        },
        saveAsync(callback?: Callback<void>) {
          record('roamingSettings.saveAsync');
          savedRoaming = { ...roaming };
          succeed(callback, undefined);
        },
      },
      requirements: {
        isSetSupported(name: string, version?: string) {
          return supports(name, version);
        },
      },
      officeTheme: options.theme,
      ui: {
        displayDialogAsync(url: string, opts: unknown, callback: Callback<unknown>) {
          record('ui.displayDialogAsync', url, opts);
          fail(callback, 'DialogUnavailable', 'The fake host does not open dialogs.', 12009);
        },
        messageParent(message: string) {
          record('ui.messageParent', message);
        },
      },
    },
    AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
    CoercionType,
    EventType,
    MailboxEnums: {
      CategoryColor,
      RestVersion: { v1_0: 'v1.0', v2_0: 'v2.0', Beta: 'beta' },
      ItemType: { Message: 'message', Appointment: 'appointment' },
    },
  };

  target.Office = office;
  return {
    office,
    calls,
    masterCategories,
    select(index: number) {
      mailbox.item = itemFor(index);
      record('host.select', index);
      handlers.get(EventType.ItemChanged)?.({ type: EventType.ItemChanged });
    },
    categoriesOf(itemId: string) {
      return [...(itemCategories.get(itemId) ?? [])];
    },
    send(name = 'onMessageSendHandler') {
      const handler = actions.get(name);
      if (!handler) return Promise.reject(new Error(`No handler associated as ${name}`));
      record('host.send', name);
      return new Promise((resolve) => {
        let done = false;
        handler({
          completed(result?: { allowEvent?: boolean; errorMessage?: string }) {
            record('event.completed', result);
            // Outlook ignores a second completed() call.
            if (done) return;
            done = true;
            resolve(result ?? {});
          },
        });
      });
    },
    savedRoamingSettings() {
      return { ...savedRoaming };
    },
  };
}
