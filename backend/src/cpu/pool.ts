/**
 * CPU work on untrusted input runs off the event loop, in a small pool of worker threads (piscina), each
 * task under a time budget: one message or transcript can never stall the server, and one that takes too
 * long is answered 422 while its thread is stopped and replaced. See docs/security.md.
 *
 * The pool is shared by every app in the process (tests build many) and started on first use; it stops
 * when the last app using it closes.
 */
import os from 'node:os';
import type { EmailMessage, TriageResult } from '@steward/shared';
import { Piscina } from 'piscina';
import { HttpError } from '../http/errors.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import type * as Tasks from './tasks.ts';

export interface CpuPoolOptions {
  /** Worker threads; default: the cores, between 1 and 4. */
  threads?: number;
  /** Wall time one task may take before it is stopped. */
  budgetMs: number;
}

export interface CpuPool {
  readonly budgetMs: number;
  normalise(message: EmailMessage): Promise<NormalisedMessage>;
  triage(input: Parameters<typeof Tasks.triage>[0]): Promise<TriageResult>;
  notes(input: Parameters<typeof Tasks.notes>[0]): Promise<ReturnType<typeof Tasks.notes>>;
  /** Test hook: a task that burns CPU for `ms`. */
  spin(ms: number): Promise<number>;
  close(): Promise<void>;
}

/** A task stopped at its time budget (the message, transcript… is too costly to read). */
export class BudgetExceededError extends HttpError {
  constructor(what: string, budgetMs: number) {
    super(
      422,
      'too_complex',
      `${what} took longer than ${budgetMs} ms to process and was stopped; it is too complex to handle (nothing was stored).`,
    );
    this.name = 'BudgetExceededError';
  }
}

const WORKER = new URL('./worker.mjs', import.meta.url).href;

/** The threads, a permit per thread (so a task's budget starts when it runs, not while it queues). */
interface Threads {
  piscina: Piscina;
  size: number;
  free: number;
  waiting: Array<() => void>;
  /** Resolves once a thread has loaded the task modules (thread start-up is not charged to a task). */
  warm: Promise<unknown>;
  users: number;
  /** Set while the last user is gone: the threads stop unless another app takes them up first. */
  stopping?: NodeJS.Timeout;
}

let shared: Threads | undefined;
/** Apps closed and opened in quick succession (tests, restarts in process) keep the warm threads. */
const LINGER_MS = 2_000;

function acquire(size: number): Threads {
  if (shared && shared.size === size) {
    shared.users++;
    clearTimeout(shared.stopping);
    shared.stopping = undefined;
    return shared;
  }
  const piscina = new Piscina({
    filename: WORKER,
    minThreads: size,
    maxThreads: size,
    // A runaway task is stopped by its budget; this caps what one can allocate meanwhile.
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  const threads: Threads = {
    piscina,
    size,
    free: size,
    waiting: [],
    warm: Promise.resolve(),
    users: 1,
  };
  threads.warm = warmUp(threads);
  if (!shared) shared = threads;
  return threads;
}

/** One empty task per thread: resolves when every thread has loaded the task modules. */
function warmUp(threads: Threads): Promise<unknown> {
  return Promise.all(
    Array.from({ length: threads.size }, () => threads.piscina.run(0, { name: 'spin' }).catch(() => undefined)),
  );
}

async function release(threads: Threads): Promise<void> {
  threads.users--;
  if (threads.users > 0) return;
  if (shared !== threads) {
    await threads.piscina.destroy();
    return;
  }
  threads.stopping = setTimeout(() => {
    if (shared === threads && threads.users === 0) {
      shared = undefined;
      void threads.piscina.destroy();
    }
  }, LINGER_MS);
}

async function permit(threads: Threads): Promise<() => void> {
  if (threads.free > 0) threads.free--;
  else await new Promise<void>((resolve) => threads.waiting.push(resolve));
  return () => {
    const next = threads.waiting.shift();
    if (next) next();
    else threads.free++;
  };
}

export function createCpuPool(options: CpuPoolOptions): CpuPool {
  const threads = options.threads ?? Math.max(1, Math.min(4, os.availableParallelism()));
  const budgetMs = options.budgetMs;
  let pool: Threads | undefined;
  let closed = false;

  async function run<T>(name: string, input: unknown, what: string, factor = 1): Promise<T> {
    const budget = budgetMs * factor;
    if (closed) throw new HttpError(503, 'shutting_down', 'The server is shutting down.');
    pool ??= acquire(threads);
    const current = pool;
    await current.warm;
    const done = await permit(current);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), budget);
    try {
      return (await current.piscina.run(input, { name, signal: controller.signal })) as T;
    } catch (error) {
      if (controller.signal.aborted) {
        // The stopped thread is replaced; later tasks start their budget once the new one has loaded.
        current.warm = warmUp(current);
        throw new BudgetExceededError(what, budget);
      }
      throw error;
    } finally {
      clearTimeout(timer);
      done();
    }
  }

  return {
    budgetMs,
    normalise: (message) => run('normalise', message, 'Reading this message'),
    triage: (input) => run('triage', input, 'Triaging this message'),
    // Transcripts may be four times the size of a mail body (2 M characters), and get four times the budget.
    notes: (input) => run('notes', input, 'Reading this transcript', 4),
    spin: (ms) => run('spin', ms, 'This task'),
    async close() {
      closed = true;
      if (pool) await release(pool);
      pool = undefined;
    },
  };
}
