import type {
  AlertChannel,
  AlertChannelInput,
  AlertChannelList,
  AlertChannelPatch,
  AlertTestResult,
  AskResponse,
  Briefing,
  ConnectMailboxResponse,
  ConnectProvider,
  CrmConnection,
  CrmConnectionInput,
  CrmConnectStart,
  CrmProvider,
  Draft,
  DraftRequest,
  EmailMessage,
  InboxStats,
  Me,
  SenderList,
  Settings,
  SettingsPatch,
  SuggestRequest,
  SuggestResponse,
  SyncStatus,
  ThreadSummary,
  TriageFeedbackRequest,
  TriageFeedbackResponse,
  TriageRequest,
  TriageResult,
  UnsubscribeRequest,
  UnsubscribeResult,
  VoiceProfile,
} from '@steward/shared';
import { backendUrl, VERSION } from '../config.ts';
import { BackendError, interpretFetchException, interpretResponse } from './errors.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

function identityToken(): string {
  let token = '';
  try {
    token = ScriptApp.getIdentityToken();
  } catch {
    // Falls through to the error below.
  }
  if (!token) {
    throw new BackendError(
      'no_identity',
      'Google did not provide your identity to the add-on. Reopen it and grant access.',
      0,
      false,
    );
  }
  return token;
}

/** One backend call. Returns the parsed JSON, or throws a BackendError; never an Apps Script exception. */
export function call<T>(method: Method, path: string, body?: unknown): T {
  const base = backendUrl();
  if (!base) {
    throw new BackendError(
      'not_configured',
      'No Steward server is configured. Set the STEWARD_URL script property.',
      0,
      false,
    );
  }
  const options: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions = {
    method,
    muteHttpExceptions: true,
    followRedirects: false,
    headers: {
      Authorization: `Bearer ${identityToken()}`,
      Accept: 'application/json',
      'X-Steward-Client': `gmail-addon/${VERSION}`,
    },
  };
  if (body !== undefined) {
    options.contentType = 'application/json';
    options.payload = JSON.stringify(body);
  }
  let response: GoogleAppsScript.URL_Fetch.HTTPResponse;
  try {
    response = UrlFetchApp.fetch(base + path, options);
  } catch (err) {
    throw interpretFetchException(err);
  }
  const result = interpretResponse<T>(response.getResponseCode(), response.getContentText());
  if (!result.ok) throw result.error;
  return result.data;
}

export type TimesSuggestion = SuggestResponse;
export type { FeedbackScope } from '@steward/shared';

export const api = {
  me: () => call<Me>('get', '/v1/me'),
  settings: () => call<Settings>('get', '/v1/settings'),
  saveSettings: (patch: SettingsPatch) => call<Settings>('put', '/v1/settings', patch),
  voice: () => call<VoiceProfile>('get', '/v1/voice'),
  triage: (message: EmailMessage, thread: EmailMessage[], me: string[]) =>
    call<TriageResult>('post', '/v1/triage', {
      message,
      ...(thread.length ? { thread } : {}),
      ...(me.length ? { me } : {}),
    } satisfies TriageRequest),
  /** The correction is stored; the answer holds the stored result as corrected (null when never triaged). */
  feedback: (body: TriageFeedbackRequest) => call<TriageFeedbackResponse>('post', '/v1/triage/feedback', body),
  draft: (message: EmailMessage, thread: EmailMessage[], instruction?: string) =>
    call<Draft>('post', '/v1/drafts', {
      message,
      ...(thread.length ? { thread } : {}),
      ...(instruction ? { instruction } : {}),
    } satisfies DraftRequest),
  suggestTimes: (message: EmailMessage) =>
    call<TimesSuggestion>('post', '/v1/scheduling/suggest', { message } satisfies SuggestRequest),
  /** Connected mailboxes and their background sync; older servers answer 404. */
  syncStatus: () => call<SyncStatus>('get', '/v1/sync/status'),
  /** The dashboard's numbers; older servers answer 404. */
  stats: (days = 14) => call<InboxStats>('get', `/v1/stats?days=${days}`),
  senders: (category = 'marketing') => call<SenderList>('get', `/v1/senders?category=${category}`),
  /** Only from the user's click on "Unsubscribe". */
  unsubscribe: (senderId: string) =>
    call<UnsubscribeResult>('post', `/v1/senders/${encodeURIComponent(senderId)}/unsubscribe`, {
      confirm: true,
    } satisfies UnsubscribeRequest),
  /** Ask Steward: an answer from the user's mail index with cited quotes (409 mail_index_off while it is off). */
  ask: (question: string) => call<AskResponse>('post', '/v1/ask', { question }),
  /** Who wants what, decisions, open questions of an indexed thread (404 when the thread is not indexed). */
  threadSummary: (threadId: string) => call<ThreadSummary>('post', '/v1/threads/summary', { threadId }),
  /** The morning briefing: what needs a reply, replies overdue, today's meetings. */
  briefing: () => call<Briefing>('get', '/v1/briefing'),
  alertChannels: () => call<AlertChannelList>('get', '/v1/alerts/channels'),
  createAlertChannel: (input: AlertChannelInput) => call<AlertChannel>('post', '/v1/alerts/channels', input),
  updateAlertChannel: (id: string, patch: AlertChannelPatch) =>
    call<AlertChannel>('patch', `/v1/alerts/channels/${encodeURIComponent(id)}`, patch),
  deleteAlertChannel: (id: string) => call<null>('delete', `/v1/alerts/channels/${encodeURIComponent(id)}`),
  testAlert: (id: string) => call<AlertTestResult>('post', `/v1/alerts/channels/${encodeURIComponent(id)}/test`, {}),
  /** The organisation's CRM connection; 403 for users who are not administrators. */
  crmStatus: () => call<CrmConnection>('get', '/v1/admin/crm'),
  connectCrmToken: (input: CrmConnectionInput) => call<CrmConnection>('put', '/v1/admin/crm', input),
  /** The CRM's consent page for the administrator to open (the server's callback stores the tokens). */
  startCrmOAuth: (provider: CrmProvider) => call<CrmConnectStart>('post', `/v1/admin/crm/connect/${provider}`, {}),
  disconnectCrm: () => call<null>('delete', '/v1/admin/crm'),
  /**
   * Starts the OAuth flow that gives the server access to a mailbox; the answer is the URL to open. The empty
   * JSON body is deliberate: without a payload Apps Script still sends a form content type, which the
   * server would refuse (415).
   */
  connectMailbox: (provider: ConnectProvider) =>
    call<ConnectMailboxResponse>('post', `/v1/mailboxes/connect/${provider}`, {}),
};
