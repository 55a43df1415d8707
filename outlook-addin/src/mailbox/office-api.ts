/**
 * The part of Office.js the pane uses, typed here because the installed @types/office-js (0.0.51)
 * predates Mailbox 1.8 (categories, masterCategories, removeHandlerAsync). It is also the contract the
 * fake Office host in tests/outlook/fake-office.ts implements.
 */

export interface AsyncResult<T> {
  /** 'succeeded' | 'failed' at run time. */
  status: string | number;
  value: T;
  error?: { name?: string; code?: number | string; message?: string };
}

export type Callback<T> = (result: AsyncResult<T>) => void;

export interface EmailAddressDetails {
  emailAddress: string;
  displayName: string;
  recipientType?: string;
}

export interface CategoryDetails {
  displayName: string;
  color: string;
}

export interface Body {
  getAsync(coercionType: string, callback: Callback<string>): void;
  getTypeAsync?(callback: Callback<string>): void;
  setSelectedDataAsync?(data: string, options: { coercionType: string }, callback: Callback<void>): void;
}

export interface Categories {
  getAsync(callback: Callback<CategoryDetails[] | null>): void;
  addAsync(categories: string[], callback: Callback<void>): void;
  removeAsync(categories: string[], callback: Callback<void>): void;
}

export interface ReplyFormData {
  htmlBody?: string;
}

/** A message in read mode: fields are plain values. */
export interface MessageRead {
  itemType?: string;
  itemId: string;
  conversationId?: string;
  subject: string;
  from?: EmailAddressDetails;
  to?: EmailAddressDetails[];
  cc?: EmailAddressDetails[];
  dateTimeCreated?: Date;
  body: Body;
  categories?: Categories;
  displayReplyForm?(formData: string | ReplyFormData): void;
  displayReplyAllForm?(formData: string | ReplyFormData): void;
}

export interface Recipients {
  getAsync(callback: Callback<EmailAddressDetails[]>): void;
}

/** A message being written: fields are asynchronous. */
export interface MessageCompose {
  itemType?: string;
  conversationId?: string;
  subject: { getAsync(callback: Callback<string>): void };
  to: Recipients;
  cc: Recipients;
  body: Body;
  categories?: Categories;
}

export interface MasterCategories {
  getAsync(callback: Callback<CategoryDetails[]>): void;
  addAsync(categories: CategoryDetails[], callback: Callback<void>): void;
}

/** Mailbox 1.1 roaming settings: small per-user values that follow the user to every Outlook. */
export interface RoamingSettings {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  saveAsync(callback?: Callback<void>): void;
}

/** What an OnMessageSend handler answers (Mailbox 1.12; cancelLabel and commandId 1.14). */
export interface SendEventCompletion {
  allowEvent: boolean;
  errorMessage?: string;
  cancelLabel?: string;
  commandId?: string;
}

export interface SendEvent {
  completed(options?: SendEventCompletion): void;
}

export interface Mailbox {
  item: MessageRead | MessageCompose | null;
  userProfile?: { emailAddress: string; displayName: string; timeZone?: string };
  masterCategories?: MasterCategories;
  addHandlerAsync?(eventType: string, handler: (event: unknown) => void, callback?: Callback<void>): void;
  removeHandlerAsync?(eventType: string, callback?: Callback<void>): void;
  displayNewMessageForm?(parameters: { toRecipients?: string[]; subject?: string; htmlBody?: string }): void;
  /** Mailbox 1.1: opens a message of the mailbox by its EWS id. */
  displayMessageForm?(itemId: string): void;
  /** Mailbox 1.3: a REST (Microsoft Graph) id as the EWS id displayMessageForm takes. */
  convertToEwsId?(itemId: string, restVersion: string): string;
}

export interface Dialog {
  addEventHandler(eventType: string, handler: (arg: { message?: string; error?: number }) => void): void;
  close(): void;
}

export interface OfficeTheme {
  bodyBackgroundColor: string;
  bodyForegroundColor: string;
  controlBackgroundColor: string;
  controlForegroundColor: string;
}

export interface OfficeApi {
  onReady(callback?: (info: { host: string | null; platform: string | null }) => void): Promise<unknown>;
  context: {
    mailbox: Mailbox;
    roamingSettings?: RoamingSettings;
    requirements?: { isSetSupported(name: string, minVersion?: string): boolean };
    officeTheme?: OfficeTheme;
    ui?: {
      displayDialogAsync(
        url: string,
        options: { height?: number; width?: number; promptBeforeOpen?: boolean },
        callback: Callback<Dialog>,
      ): void;
      messageParent(message: string): void;
    };
  };
  CoercionType: { Text: string; Html: string };
  EventType: { ItemChanged: string; DialogMessageReceived: string; DialogEventReceived: string };
  MailboxEnums: { CategoryColor: Record<string, string>; RestVersion?: Record<string, string> };
  /** Event-based activation: binds a manifest FunctionName / actionId to its handler. */
  actions?: { associate(name: string, handler: (event: SendEvent) => void): void };
}

/** OfficeRuntime (Identity API): the single sign-on token, the one way to a token in the JavaScript-only runtime. */
export interface OfficeRuntimeApi {
  auth?: {
    getAccessToken(options?: {
      allowSignInPrompt?: boolean;
      allowConsentPrompt?: boolean;
      forMSGraphAccess?: boolean;
    }): Promise<string>;
  };
}

export function officeRuntimeGlobal(): OfficeRuntimeApi | undefined {
  return (globalThis as { OfficeRuntime?: OfficeRuntimeApi }).OfficeRuntime;
}

/** The Office global, when office.js has loaded. */
export function officeGlobal(): OfficeApi | undefined {
  return (globalThis as { Office?: OfficeApi }).Office;
}

/** Roaming setting where the pane leaves the backend's URL for the Smart Alert runtime (which has no page URL in classic Outlook). */
export const API_BASE_ROAMING_KEY = 'steward.apiBaseUrl';
