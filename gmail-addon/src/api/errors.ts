/** A backend call that did not give the add-on what it asked for, said in words a person can act on. */
export class BackendError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;

  constructor(code: string, message: string, status = 0, retryable = false) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
    this.status = status;
    this.retryable = retryable;
  }
}

export type Interpreted<T> = { ok: true; status: number; data: T } | { ok: false; error: BackendError };

interface ErrorBody {
  error: { code: string; message: string };
}

function errorBody(text: string): ErrorBody['error'] | null {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody> | null;
    const err = body?.error;
    if (err && typeof err.code === 'string' && typeof err.message === 'string') return err;
  } catch {
    // Not JSON: a proxy or load balancer answered, not Steward.
  }
  return null;
}

const FALLBACK: Record<number, [code: string, message: string, retryable: boolean]> = {
  400: ['invalid_request', 'Steward could not read this request.', false],
  401: [
    'unauthorized',
    'Steward could not verify your Google identity. Reopen the add-on, or ask your admin to add this add-on to GOOGLE_CLIENT_IDS.',
    false,
  ],
  403: ['forbidden', 'Your account is not allowed to use this Steward server.', false],
  404: ['not_found', 'This Steward server does not offer that yet. It may need an update.', false],
  408: ['timeout', 'Steward took too long to answer.', true],
  409: ['conflict', 'Something changed at the same time. Try again.', true],
  413: ['too_large', 'This message is too large for Steward.', false],
  415: ['unsupported_media_type', 'Steward could not read this request.', false],
  422: ['invalid_request', 'Steward could not process this message.', false],
  429: ['rate_limited', 'Too many requests right now. Wait a moment and try again.', true],
  500: ['server_error', 'Steward hit an internal error.', true],
  502: ['unavailable', 'The Steward server is not reachable behind its proxy.', true],
  503: ['unavailable', 'The Steward server is starting or overloaded.', true],
  504: ['timeout', 'Steward took too long to answer.', true],
};

/** Turns any status and body into data or a BackendError; the backend's own error message wins. */
export function interpretResponse<T>(status: number, text: string): Interpreted<T> {
  if (status >= 200 && status < 300) {
    if (status === 204 || text.trim() === '') return { ok: true, status, data: null as T };
    try {
      return { ok: true, status, data: JSON.parse(text) as T };
    } catch {
      return {
        ok: false,
        error: new BackendError(
          'bad_response',
          'The Steward server sent an answer the add-on cannot read.',
          status,
          true,
        ),
      };
    }
  }
  const fallback =
    FALLBACK[status] ??
    (status >= 500
      ? (['server_error', `The Steward server failed (HTTP ${status}).`, true] as const)
      : status >= 300 && status < 400
        ? ([
            'redirected',
            `The Steward URL redirects (HTTP ${status}); set STEWARD_URL to the final address.`,
            false,
          ] as const)
        : (['unexpected_status', `Unexpected answer from Steward (HTTP ${status}).`, false] as const));
  const body = errorBody(text);
  const [code, message, retryable] = fallback;
  return { ok: false, error: new BackendError(body?.code ?? code, body?.message ?? message, status, retryable) };
}

/** UrlFetchApp throws (even with muteHttpExceptions) when no HTTP answer arrived at all. */
export function interpretFetchException(err: unknown): BackendError {
  const text = err instanceof Error ? err.message : String(err);
  if (/timeout|timed out|deadline/i.test(text)) {
    return new BackendError('timeout', 'Steward did not answer in time.', 0, true);
  }
  if (/whitelist|allowlist|urlFetchWhitelist/i.test(text)) {
    return new BackendError(
      'not_allowed',
      'This add-on is not allowed to call the configured Steward URL (urlFetchWhitelist).',
      0,
      false,
    );
  }
  return new BackendError('unreachable', 'The Steward server cannot be reached right now.', 0, true);
}
