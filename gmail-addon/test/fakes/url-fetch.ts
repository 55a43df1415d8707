/**
 * UrlFetchApp doing real, synchronous HTTP. Apps Script's fetch blocks; here the add-on's thread blocks in
 * Atomics.wait while a worker thread performs the request, so a server in another process (or thread)
 * answers for real. Like Apps Script it throws on network failure even with muteHttpExceptions, throws on
 * HTTP >= 400 without it, and refuses URLs outside the manifest's urlFetchWhitelist.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

type Options = GoogleAppsScript.URL_Fetch.URLFetchRequestOptions;

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  status?: number;
  /** What the server answered, for comparing what the add-on did with what it was told. */
  responseText?: string;
  error?: string;
  ms: number;
}

export interface UrlFetchOptions {
  /** Prefixes from appsscript.json; when set, other URLs are refused as Apps Script does. */
  whitelist?: string[];
  /** Public URL prefix → where it really runs (a tunnel, in effect), e.g. https://steward.test/ → http://127.0.0.1:PORT/ */
  routes?: Record<string, string>;
  /** Apps Script gives up after about a minute; tests use less. */
  timeoutMs?: number;
}

interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  error?: string;
  message?: string;
}

class HttpResponse {
  constructor(private readonly answer: Required<Pick<Answer, 'status' | 'headers' | 'body'>>) {}
  getResponseCode() {
    return this.answer.status;
  }
  getContentText() {
    return this.answer.body;
  }
  getHeaders() {
    return { ...this.answer.headers };
  }
  getAllHeaders() {
    return { ...this.answer.headers };
  }
}

export class FakeUrlFetchApp {
  readonly requests: RecordedRequest[] = [];
  private worker: Worker | null = null;

  constructor(private readonly options: UrlFetchOptions = {}) {}

  private thread(): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL('./http-worker.mjs', import.meta.url));
      this.worker.unref();
    }
    return this.worker;
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }

  fetch(url: string, params: Options = {}): GoogleAppsScript.URL_Fetch.HTTPResponse {
    const whitelist = this.options.whitelist;
    if (whitelist && !whitelist.some((prefix) => url.startsWith(prefix))) {
      throw new Error(`Exception: The URL ${url} is not allowed by the urlFetchWhitelist in the manifest.`);
    }
    let target = url;
    for (const [from, to] of Object.entries(this.options.routes ?? {})) {
      if (url.startsWith(from)) target = to + url.slice(from.length);
    }
    const method = (params.method ?? 'get').toUpperCase();
    const headers: Record<string, string> = { ...((params.headers as Record<string, string>) ?? {}) };
    let body: string | undefined;
    if (params.payload !== undefined) {
      if (typeof params.payload !== 'string') throw new Error('This fake only sends string payloads.');
      body = params.payload;
      headers['Content-Type'] = params.contentType ?? 'application/x-www-form-urlencoded';
    }
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const started = performance.now();
    const answer = this.roundTrip(
      { url: target, method, headers, body, followRedirects: params.followRedirects ?? true },
      timeoutMs,
    );
    const record: RecordedRequest = {
      url,
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ms: performance.now() - started,
    };
    this.requests.push(record);
    if (answer.error !== undefined || answer.status === undefined) {
      record.error = answer.error ?? 'unknown';
      if (/Timeout|Abort/i.test(record.error)) throw new Error(`Exception: Timeout: ${url}`);
      if (/ENOTFOUND|EAI_AGAIN/.test(record.error)) throw new Error(`Exception: DNS error: ${url}`);
      throw new Error(`Exception: Address unavailable: ${url}`);
    }
    record.status = answer.status;
    record.responseText = answer.body ?? '';
    if (answer.status >= 400 && !params.muteHttpExceptions) {
      throw new Error(
        `Exception: Request failed for ${url} returned code ${answer.status}. Truncated server response: ${(answer.body ?? '').slice(0, 100)}`,
      );
    }
    return new HttpResponse({
      status: answer.status,
      headers: answer.headers ?? {},
      body: answer.body ?? '',
    }) as unknown as GoogleAppsScript.URL_Fetch.HTTPResponse;
  }

  private roundTrip(
    request: { url: string; method: string; headers: Record<string, string>; body?: string; followRedirects: boolean },
    timeoutMs: number,
  ): Answer {
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    try {
      this.thread().postMessage({ signal, port: port2, request, timeoutMs }, [port2]);
      Atomics.wait(signal, 0, 0, timeoutMs + 5_000);
      const message = receiveMessageOnPort(port1);
      return message ? (message.message as Answer) : { error: 'Timeout' };
    } finally {
      port1.close();
    }
  }
}
