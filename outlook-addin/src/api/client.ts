import type {
  AlertChannel,
  AlertChannelInput,
  AlertChannelList,
  AlertChannelPatch,
  AlertTestResult,
  AskResponse,
  Briefing,
  CrmConnection,
  CrmConnectionInput,
  CrmConnectStart,
  CrmProvider,
  Draft,
  DraftRequest,
  EmailMessage,
  InboxStats,
  Me,
  MeetingNotesRecord,
  NotesRequest,
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
  UnsubscribeMethod,
  UnsubscribeRequest,
  UnsubscribeResult,
  VoiceLearnResponse,
  VoiceProfile,
} from '@steward/shared';
import { SseParser } from './sse.ts';

export type ApiErrorCode = 'offline' | 'timeout' | 'aborted' | 'unauthorized' | 'bad_response' | (string & {});

/** Every failure of a call, mapped from `{"error":{"code","message"}}` or from the network. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface TokenSource {
  /** A bearer token for the backend, or null when the server needs none (local mode). */
  getToken(options?: { forceRefresh?: boolean }): Promise<string | null>;
}

export interface ApiClientOptions {
  /** Origin (and optional path prefix) of the backend, e.g. https://steward.example.com */
  baseUrl: string;
  tokens?: TokenSource;
  fetch?: typeof fetch;
  /** Per request; streaming drafts use `streamTimeoutMs` between chunks instead. */
  timeoutMs?: number;
  streamTimeoutMs?: number;
}

export interface DraftStreamHandlers {
  /** Called with each piece of text as the model writes it. */
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly streamTimeoutMs: number;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.streamTimeoutMs = options.streamTimeoutMs ?? 30_000;
  }

  health(): Promise<{ status: string }> {
    return this.request('GET', '/health', undefined, { auth: false });
  }

  /** Works without a token against a local-mode server, which says so with `localMode: true`. */
  me(): Promise<Me> {
    return this.request('GET', '/v1/me');
  }

  getSettings(): Promise<Settings> {
    return this.request('GET', '/v1/settings');
  }

  updateSettings(patch: SettingsPatch): Promise<Settings> {
    return this.request('PUT', '/v1/settings', patch);
  }

  triage(body: TriageRequest, signal?: AbortSignal): Promise<TriageResult> {
    return this.request('POST', '/v1/triage', body, { signal });
  }

  getTriage(messageId: string): Promise<TriageResult> {
    return this.request('GET', `/v1/triage/${encodeURIComponent(messageId)}`);
  }

  /** The answer holds the stored result as corrected by the user (null when the message was never triaged). */
  sendFeedback(body: TriageFeedbackRequest): Promise<TriageFeedbackResponse> {
    return this.request('POST', '/v1/triage/feedback', body);
  }

  draft(body: DraftRequest, signal?: AbortSignal): Promise<Draft> {
    return this.request('POST', '/v1/drafts', body, { signal });
  }

  /**
   * Asks for the draft as server-sent events (`delta` {text} … `done` {draft}); a server that answers
   * plain JSON instead is fine too — the draft then arrives in one piece.
   */
  async draftStream(body: DraftRequest, handlers: DraftStreamHandlers = {}): Promise<Draft> {
    const response = await this.send('POST', '/v1/drafts', body, {
      signal: handlers.signal,
      accept: 'text/event-stream',
      timeoutMs: this.timeoutMs,
      keepTimerForBody: false,
    });
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('text/event-stream') || !response.body) {
      const draft = (await readJson(response)) as Draft;
      handlers.onDelta?.(draft.text);
      return draft;
    }
    return this.readDraftEvents(response.body, handlers);
  }

  private async readDraftEvents(body: ReadableStream<Uint8Array>, handlers: DraftStreamHandlers): Promise<Draft> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    const abort = () => void reader.cancel().catch(() => {});
    handlers.signal?.addEventListener('abort', abort, { once: true });
    try {
      for (;;) {
        const chunk = await withTimeout(reader.read(), this.streamTimeoutMs, () => abort());
        const events = chunk.done
          ? parser.push(`${decoder.decode()}\n\n`)
          : parser.push(decoder.decode(chunk.value, { stream: true }));
        for (const event of events) {
          const data = parseEventData(event.data);
          if (event.event === 'delta') {
            const text = (data as { text?: unknown }).text;
            if (typeof text === 'string') handlers.onDelta?.(text);
          } else if (event.event === 'done') {
            return data as Draft;
          } else if (event.event === 'error') {
            const error = (data as { error?: { code?: string; message?: string } }).error;
            throw new ApiError(
              error?.code ?? 'stream_error',
              error?.message ?? 'The draft could not be written.',
              null,
            );
          }
        }
        if (chunk.done) break;
      }
    } catch (error) {
      if (handlers.signal?.aborted) throw new ApiError('aborted', 'Cancelled.', null);
      throw error;
    } finally {
      handlers.signal?.removeEventListener('abort', abort);
    }
    throw new ApiError('bad_response', 'The draft stream ended before the draft was complete.', null);
  }

  getVoice(): Promise<VoiceProfile> {
    return this.request('GET', '/v1/voice');
  }

  updateVoice(profile: VoiceProfile): Promise<VoiceProfile> {
    return this.request('PUT', '/v1/voice', profile);
  }

  /** Learns from up to 500 sent messages in one go (each call replaces the learned profile). */
  learnVoice(messages: EmailMessage[], signal?: AbortSignal): Promise<VoiceLearnResponse> {
    return this.request('POST', '/v1/voice/learn', { messages }, { signal, timeoutMs: 120_000 });
  }

  syncStatus(): Promise<SyncStatus> {
    return this.request('GET', '/v1/sync/status');
  }

  /** `GET /v1/stats`: the dashboard's numbers for the last `days` days. */
  stats(days = 14): Promise<InboxStats> {
    return this.request('GET', `/v1/stats?days=${days}`);
  }

  senders(category = 'marketing'): Promise<SenderList> {
    return this.request('GET', `/v1/senders?category=${encodeURIComponent(category)}`);
  }

  alertChannels(): Promise<AlertChannelList> {
    return this.request('GET', '/v1/alerts/channels');
  }

  testAlert(channelId: string): Promise<AlertTestResult> {
    return this.request('POST', `/v1/alerts/channels/${encodeURIComponent(channelId)}/test`, {});
  }

  createAlertChannel(input: AlertChannelInput): Promise<AlertChannel> {
    return this.request('POST', '/v1/alerts/channels', input);
  }

  updateAlertChannel(channelId: string, patch: AlertChannelPatch): Promise<AlertChannel> {
    return this.request('PATCH', `/v1/alerts/channels/${encodeURIComponent(channelId)}`, patch);
  }

  deleteAlertChannel(channelId: string): Promise<void> {
    return this.request('DELETE', `/v1/alerts/channels/${encodeURIComponent(channelId)}`);
  }

  /** `GET /v1/admin/crm`: the organisation's CRM connection (403 for users who are not administrators). */
  crmStatus(): Promise<CrmConnection> {
    return this.request('GET', '/v1/admin/crm');
  }

  connectCrmToken(input: CrmConnectionInput): Promise<CrmConnection> {
    return this.request('PUT', '/v1/admin/crm', input);
  }

  /** The CRM's consent page, for the admin to open (the CRM returns to the server, which stores the tokens). */
  startCrmOAuth(provider: CrmProvider): Promise<CrmConnectStart> {
    return this.request('POST', `/v1/admin/crm/connect/${provider}`, {});
  }

  disconnectCrm(): Promise<void> {
    return this.request('DELETE', '/v1/admin/crm');
  }

  /** Only ever called from the user's click on "Unsubscribe". */
  unsubscribe(senderId: string, prefer?: UnsubscribeMethod): Promise<UnsubscribeResult> {
    const body: UnsubscribeRequest = { confirm: true, ...(prefer ? { prefer } : {}) };
    return this.request('POST', `/v1/senders/${encodeURIComponent(senderId)}/unsubscribe`, body);
  }

  suggestTimes(body: SuggestRequest): Promise<SuggestResponse> {
    return this.request('POST', '/v1/scheduling/suggest', body);
  }

  meetingNotes(body: NotesRequest): Promise<MeetingNotesRecord> {
    return this.request('POST', '/v1/meetings/notes', body);
  }

  /** `POST /v1/ask`: an answer from the user's mail index, each statement cited (409 `mail_index_off` when off). */
  ask(question: string, signal?: AbortSignal): Promise<AskResponse> {
    return this.request('POST', '/v1/ask', { question }, { signal });
  }

  /** `POST /v1/threads/summary`: who wants what, decisions, open questions (404 when the thread is not indexed). */
  threadSummary(threadId: string, signal?: AbortSignal): Promise<ThreadSummary> {
    return this.request('POST', '/v1/threads/summary', { threadId }, { signal });
  }

  /** `GET /v1/briefing`: what needs a reply, replies overdue, today's meetings. */
  briefing(signal?: AbortSignal): Promise<Briefing> {
    return this.request('GET', '/v1/briefing', undefined, { signal });
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    options: { auth?: boolean; signal?: AbortSignal | undefined; timeoutMs?: number } = {},
  ): Promise<T> {
    const response = await this.send(method, path, body, {
      ...options,
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
      keepTimerForBody: true,
    });
    if (response.status === 204) return undefined as T;
    return (await readJson(response)) as T;
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    options: {
      auth?: boolean;
      signal?: AbortSignal | undefined;
      accept?: string;
      timeoutMs: number;
      keepTimerForBody: boolean;
    },
  ): Promise<Response> {
    const attempt = async (forceRefresh: boolean): Promise<{ response: Response; hadToken: boolean }> => {
      const token = options.auth === false ? null : await this.options.tokens?.getToken({ forceRefresh });
      const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await this.fetchWithTimeout(
        `${this.baseUrl}${path}`,
        { method, headers, body: body === undefined ? null : JSON.stringify(body) },
        options,
      );
      return { response, hadToken: Boolean(token) };
    };
    let { response, hadToken } = await attempt(false);
    // An expired token gets one fresh try; a missing one means sign-in is needed.
    if (response.status === 401 && hadToken) ({ response } = await attempt(true));
    if (!response.ok) throw await toApiError(response);
    return response;
  }

  private async fetchWithTimeout(
    url: string,
    init: RequestInit,
    options: { signal?: AbortSignal | undefined; timeoutMs: number; keepTimerForBody: boolean },
  ): Promise<Response> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const onAbort = () => controller.abort();
    if (options.signal?.aborted) controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.fetchImpl(url, { ...init, signal: controller.signal });
      if (!options.keepTimerForBody) return response;
      // Reading the body is part of the request: buffer it under the same timer.
      const text = await response.text();
      return new Response(response.status === 204 || response.status === 304 ? null : text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      if (timedOut) throw new ApiError('timeout', 'Steward took too long to answer. Try again.', null);
      if (options.signal?.aborted) throw new ApiError('aborted', 'Cancelled.', null);
      if (error instanceof ApiError) throw error;
      const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
      throw new ApiError(
        'offline',
        offline
          ? 'You are offline. Steward will work again when the connection is back.'
          : 'Steward cannot be reached.',
        null,
      );
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('bad_response', 'Steward sent an answer the pane could not read.', response.status);
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  let code = response.status === 401 ? 'unauthorized' : `http_${response.status}`;
  let message = response.statusText || `Request failed with status ${response.status}.`;
  try {
    const body = JSON.parse(await response.text()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON (a proxy's error page, say): keep the status-based code.
  }
  return new ApiError(code, message, response.status);
}

function parseEventData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new ApiError('bad_response', 'The draft stream sent an event the pane could not read.', null);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new ApiError('timeout', 'The draft stopped arriving. Try again.', null));
    }, ms);
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
