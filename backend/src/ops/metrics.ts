import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerState } from '../ai/breaker.ts';
import type { UsageSink } from '../ai/port.ts';
import type { JobHandler, Queue } from '../jobs/queue.ts';

/**
 * Steward's Prometheus metrics. They describe the process (Prometheus scrapes processes), so there is one
 * registry per process, not per app. Labels are only ever closed sets chosen here or route templates
 * (`/v1/triage/:messageId`), never a message id, an address, a subject or any text from mail.
 */
export interface StewardMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  webhookAcks: Counter<'provider' | 'status'>;
  triageResults: Counter<'category' | 'engine'>;
  modelCalls: Counter<'purpose' | 'outcome'>;
  modelTokens: Counter<'kind'>;
  modelLatency: Histogram<'purpose'>;
  breakerState: Gauge<'state'>;
  jobsRun: Counter<'job' | 'outcome'>;
  jobRetries: Counter<'job'>;
  /** Set at scrape time from the database (storage/operations.ts). */
  queueDepth: Gauge<'queue' | 'state'>;
  deadLetters: Gauge<'queue'>;
  syncLag: Gauge<'provider'>;
  mailboxes: Gauge<'provider' | 'status'>;
  prunedRows: Counter<'table'>;
}

let current: StewardMetrics | undefined;

/** The process's metrics, created on first use. */
export function metrics(): StewardMetrics {
  current ??= createMetrics();
  return current;
}

function createMetrics(): StewardMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'steward_' });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'steward_http_request_duration_seconds',
      help: 'HTTP request latency by route template (never the raw URL)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    webhookAcks: new Counter({
      name: 'steward_webhook_acknowledgements_total',
      help: 'Provider notifications answered, by provider and HTTP status',
      labelNames: ['provider', 'status'],
      registers,
    }),
    triageResults: new Counter({
      name: 'steward_triage_results_total',
      help: 'Messages triaged, by category and the engine that answered',
      labelNames: ['category', 'engine'],
      registers,
    }),
    modelCalls: new Counter({
      name: 'steward_model_calls_total',
      help: 'Language-model calls by purpose and outcome (ok, error)',
      labelNames: ['purpose', 'outcome'],
      registers,
    }),
    modelTokens: new Counter({
      name: 'steward_model_tokens_total',
      help: 'Language-model tokens by kind (prompt, completion, cached)',
      labelNames: ['kind'],
      registers,
    }),
    modelLatency: new Histogram({
      name: 'steward_model_call_duration_seconds',
      help: 'Language-model call latency, retries included',
      labelNames: ['purpose'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60],
      registers,
    }),
    breakerState: new Gauge({
      name: 'steward_model_breaker_state',
      help: 'The language-model circuit breaker: 1 for the current state (closed, open, half-open)',
      labelNames: ['state'],
      registers,
    }),
    jobsRun: new Counter({
      name: 'steward_jobs_total',
      help: 'Background job attempts by job name and outcome (ok, failed)',
      labelNames: ['job', 'outcome'],
      registers,
    }),
    jobRetries: new Counter({
      name: 'steward_job_retries_total',
      help: 'Background job attempts that were retries of a failed attempt',
      labelNames: ['job'],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'steward_job_queue_depth',
      help: 'Jobs waiting or running (read from the database at scrape time)',
      labelNames: ['queue', 'state'],
      registers,
    }),
    deadLetters: new Gauge({
      name: 'steward_job_dead_letters',
      help: 'Jobs that failed every retry and are kept for inspection (GET /v1/admin/jobs)',
      labelNames: ['queue'],
      registers,
    }),
    syncLag: new Gauge({
      name: 'steward_mailbox_sync_lag_seconds',
      help: 'Seconds since the least recently synced active mailbox was last synced, by provider',
      labelNames: ['provider'],
      registers,
    }),
    mailboxes: new Gauge({
      name: 'steward_mailboxes',
      help: 'Connected mailboxes by provider and status',
      labelNames: ['provider', 'status'],
      registers,
    }),
    prunedRows: new Counter({
      name: 'steward_pruned_rows_total',
      help: 'Rows deleted by the daily retention job, by table (RETENTION_DAYS, AUDIT_RETENTION_DAYS)',
      labelNames: ['table'],
      registers,
    }),
  };
}

const BREAKER_STATES: BreakerState[] = ['closed', 'open', 'half-open'];

/** Records the breaker's state as one gauge per state, 1 for the current one. */
export function recordBreakerState(state: BreakerState): void {
  for (const s of BREAKER_STATES) metrics().breakerState.set({ state: s }, s === state ? 1 : 0);
}

/** Purposes are Steward's own words (triage, draft, notes…); anything else is folded into "other". */
function purposeLabel(purpose: string | undefined): string {
  return purpose && /^[a-z][a-z0-9_.-]{0,39}$/.test(purpose) ? purpose : 'other';
}

/** A usage sink that also counts model calls, tokens and latency; the wrapped sink still records every call. */
export function observeUsage(sink: UsageSink): UsageSink {
  return {
    record(event) {
      const m = metrics();
      const purpose = purposeLabel(event.purpose);
      m.modelCalls.inc({ purpose, outcome: event.ok ? 'ok' : 'error' });
      m.modelTokens.inc({ kind: 'prompt' }, event.usage.promptTokens);
      m.modelTokens.inc({ kind: 'completion' }, event.usage.completionTokens);
      if (event.usage.cachedTokens) m.modelTokens.inc({ kind: 'cached' }, event.usage.cachedTokens);
      m.modelLatency.observe({ purpose }, Math.max(0, event.latencyMs) / 1000);
      return sink.record(event);
    },
  };
}

/** Job names are Steward's own (sync.mailbox, sync.message…); folded defensively like purposes. */
function jobLabel(name: string): string {
  return /^[a-z][a-z0-9_.-]{0,59}$/i.test(name) ? name : 'other';
}

/** A queue whose handlers count attempts, failures and retries. Nothing else about the queue changes. */
export function instrumentQueue(queue: Queue): Queue {
  const work: Queue['work'] = (name, handler, options) => {
    const counted: JobHandler<never> = async (job) => {
      const m = metrics();
      const label = jobLabel(name);
      if (job.retryCount > 0) m.jobRetries.inc({ job: label });
      try {
        await (handler as JobHandler<unknown>)(job);
        m.jobsRun.inc({ job: label, outcome: 'ok' });
      } catch (error) {
        m.jobsRun.inc({ job: label, outcome: 'failed' });
        throw error;
      }
    };
    return queue.work(name, counted as never, options);
  };
  return new Proxy(queue, {
    get(target, property, receiver) {
      if (property === 'work') return work;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
