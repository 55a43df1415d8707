/**
 * The job queue port. Two engines implement it: pg-boss on a PostgreSQL server, and a small table queue
 * (`jobs`, claimed with FOR UPDATE SKIP LOCKED) for embedded PGlite, where pg-boss cannot run.
 */
export interface JobOptions {
  /** At most one *waiting* job per (name, key): replayed notifications coalesce. */
  singletonKey?: string;
  /** Not before this many milliseconds from now. */
  startAfterMs?: number;
  retryLimit?: number;
  /** Base delay of the exponential backoff (with jitter) between attempts. */
  retryDelayMs?: number;
}

export interface Job<T = Record<string, unknown>> {
  id: string;
  name: string;
  data: T;
  /** 0 on the first attempt. */
  retryCount: number;
}

export interface DeadJob {
  id: string;
  name: string;
  data: Record<string, unknown>;
  attempts: number;
  error: string | null;
  failedAt: string | null;
}

export type JobHandler<T = Record<string, unknown>> = (job: Job<T>) => Promise<void>;

export interface WorkOptions {
  concurrency?: number;
}

export interface Queue {
  readonly engine: 'pg-boss' | 'table';
  start(): Promise<void>;
  /** Returns the job id, or null when a waiting job with the same singleton key already exists. */
  send(name: string, data: Record<string, unknown>, options?: JobOptions): Promise<string | null>;
  work<T = Record<string, unknown>>(name: string, handler: JobHandler<T>, options?: WorkOptions): Promise<void>;
  /** Jobs that failed every retry, newest first. */
  deadLetters(limit?: number): Promise<DeadJob[]>;
  /** Stops fetching, waits for running handlers (bounded), releases connections. */
  stop(): Promise<void>;
}

/**
 * Thrown by a handler that cannot proceed yet (a provider said Retry-After, another worker holds the
 * message): the job runs again after `delayMs` and the attempt does not count towards the retry limit.
 */
export class RetryLaterError extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'RetryLaterError';
  }
}

export const DEFAULT_RETRY_LIMIT = 5;
export const DEFAULT_RETRY_DELAY_MS = 2_000;

/** Exponential backoff with full-range jitter: base·2^n scaled by a random factor in [0.5, 1). */
export function backoffMs(baseMs: number, retryCount: number, random: () => number = Math.random): number {
  const exp = baseMs * 2 ** Math.min(16, retryCount);
  return Math.round(exp * (0.5 + random() / 2));
}

/** Error text for the dead-letter list: the message only, bounded (never a token or mail text, by construction). */
export function describeJobError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 500);
}
