// The OnMessageSend Smart Alert (event-based activation). Outlook runs this file on Send: in a browser
// runtime (launchevent.html) in Outlook on the web, new Outlook and Mac, and in a JavaScript-only runtime
// in classic Outlook on Windows. It re-checks the meeting times the outgoing message proposes against the
// user's current availability and, if one is taken or past, asks the user (SendMode PromptUser: "Send
// anyway" stays one click away). It never sends, never edits the message, and lets the mail go whenever
// it cannot check (no backend, no token, a timeout): a broken check must not hold mail back.
import type { Settings } from '@steward/shared';
import {
  API_BASE_ROAMING_KEY,
  type OfficeApi,
  officeGlobal,
  officeRuntimeGlobal,
  type SendEvent,
  type SendEventCompletion,
} from './mailbox/office-api.ts';
import { recheckProposedTimes, type SuggestCall } from './smart-alert/check.ts';

/** The whole check has this long; then the mail goes. */
const CHECK_BUDGET_MS = 8_000;
const REQUEST_TIMEOUT_MS = 5_000;
/** The compose ribbon button that opens the pane (manifest id): "Pick other times" opens Steward. */
const OPEN_PANE_COMMAND = 'msgComposeOpenPaneButton';

class HttpFailure extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

function apiBaseUrl(office: OfficeApi): string | null {
  // The URL the pane uses (it may point the API elsewhere with ?api=); the only way in the JavaScript-only runtime.
  const stored = office.context.roamingSettings?.get(API_BASE_ROAMING_KEY);
  if (typeof stored === 'string' && /^https?:\/\//.test(stored)) return stored.replace(/\/+$/, '');
  // Browser runtime before the pane was ever opened: launchevent.html is served by the backend.
  const location = (globalThis as { location?: { protocol?: string; origin?: string } }).location;
  if (location?.origin && /^https?:$/.test(location.protocol ?? '')) return location.origin;
  return null;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A small JSON client: no streaming, no Response constructor (the JavaScript-only runtime lacks some). */
export function launchApi(baseUrl: string, fetchImpl: typeof fetch = (i, init) => fetch(i, init)) {
  let token: string | null = null;
  let triedToken = false;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const send = async () => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (token) headers.authorization = `Bearer ${token}`;
      return withTimeout(
        fetchImpl(`${baseUrl}${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body) }),
        REQUEST_TIMEOUT_MS,
      );
    };
    let response = await send();
    // A local-mode server needs no token; otherwise single sign-on, silently (no prompt on Send).
    if (response.status === 401 && !triedToken) {
      triedToken = true;
      const auth = officeRuntimeGlobal()?.auth;
      if (!auth) throw new HttpFailure(401);
      token = await auth.getAccessToken({ allowSignInPrompt: false, allowConsentPrompt: false });
      response = await send();
    }
    if (!response.ok) throw new HttpFailure(response.status);
    return (await response.json()) as T;
  };
  return {
    settings: () => call<Settings>('GET', '/v1/settings'),
    suggest: ((body) => call('POST', '/v1/scheduling/suggest', body)) as SuggestCall,
  };
}

function readBody(office: OfficeApi): Promise<string> {
  return new Promise((resolve, reject) => {
    const item = office.context.mailbox.item;
    if (!item?.body) return resolve('');
    item.body.getAsync(office.CoercionType.Text, (result) => {
      if (result.status === 'failed' || result.status === 1) reject(new Error(result.error?.message ?? 'body'));
      else resolve(result.value ?? '');
    });
  });
}

export async function decideOnSend(office: OfficeApi, now = new Date()): Promise<SendEventCompletion> {
  const base = apiBaseUrl(office);
  if (!base) return { allowEvent: true };
  const body = await readBody(office);
  // Cheap test first: no digit followed by a clock-like pattern, no network call at all.
  if (!/\d(?:[:.]\d{2}|\s*[ap]\.?m)/i.test(body)) return { allowEvent: true };
  const api = launchApi(base);
  const settings = await api.settings();
  const result = await recheckProposedTimes(body, settings, api.suggest, now);
  if (!result.decision.warn) return { allowEvent: true };
  const completion: SendEventCompletion = { allowEvent: false, errorMessage: result.decision.message };
  if (office.context.requirements?.isSetSupported('Mailbox', '1.14')) {
    completion.cancelLabel = 'Pick other times';
    completion.commandId = OPEN_PANE_COMMAND;
  }
  return completion;
}

export function onMessageSendHandler(event: SendEvent): void {
  const office = officeGlobal();
  if (!office) {
    event.completed({ allowEvent: true });
    return;
  }
  withTimeout(decideOnSend(office), CHECK_BUDGET_MS).then(
    (completion) => event.completed(completion),
    () => event.completed({ allowEvent: true }),
  );
}

const office = officeGlobal();
if (office) {
  void office.onReady?.();
  office.actions?.associate('onMessageSendHandler', onMessageSendHandler);
}
