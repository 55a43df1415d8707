/**
 * Mailbox sync wiring: which adapter talks to a mailbox, the jobs the worker runs (mailbox delta, backfill,
 * message pipeline, watch renewal, follow-up, the morning briefing draft), and what connecting and disconnecting do. Routes and
 * webhooks only enqueue; everything slow runs here, in the worker.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { TokenCipher } from '../accounts/crypto.ts';
import { type AccessTokenSource, ReauthRequiredError } from '../accounts/http.ts';
import { type AccountTokens, createAccountTokens } from '../accounts/tokens.ts';
import type { ConfiguredAi } from '../ai/configured.ts';
import type { Embedder } from '../ai/embeddings.ts';
import { briefingDraftContent, briefingSlot, buildBriefing } from '../ask/briefing.ts';
import type { Config } from '../config.ts';
import { createDraftingService, type DraftingService } from '../drafting/service.ts';
import { createPgBossQueue } from '../jobs/pg-boss-queue.ts';
import type { Queue } from '../jobs/queue.ts';
import { createTableQueue } from '../jobs/table-queue.ts';
import type { ContextScope } from '../model-context.ts';
import { instrumentQueue, metrics } from '../ops/metrics.ts';
import type { ReachHooks } from '../reach/hooks.ts';
import type { CalendarPort } from '../scheduling/calendar/port.ts';
import { briefingDraftStore } from '../storage/briefing-drafts.ts';
import type { Storage } from '../storage/database.ts';
import { type PruneCounts, pruneOldRows } from '../storage/retention.ts';
import type { Database, MailboxRow } from '../storage/schema.ts';
import { syncStore } from '../storage/sync.ts';
import type { UserScope } from '../storage/user-scope.ts';
import { mergeSettings, userStore } from '../storage/users.ts';
import { createTriageService, type TriageService } from '../triage/service.ts';
import { createGmailPort } from './gmail.ts';
import { createGraphPort } from './graph.ts';
import { type PipelineDeps, type PipelineOutcome, processFollowUp, processMessage } from './pipeline.ts';
import { CursorExpiredError, type MailboxPort } from './port.ts';

export const SYNC_JOBS = {
  mailbox: 'sync-mailbox',
  message: 'sync-message',
  backfill: 'sync-backfill',
  renew: 'sync-renew',
  followUp: 'sync-followup',
  /** The daily retention job (storage/retention.ts). */
  prune: 'sync-prune',
  /** Every quarter hour: enqueues the briefing drafts that are due (ask/briefing.ts briefingSlot). */
  briefings: 'sync-briefings',
  /** One user's morning briefing draft to self. */
  briefing: 'sync-briefing',
} as const;

/** The briefing tick runs at every quarter hour, so a zone 30 or 45 minutes off UTC is served at its hour. */
export const BRIEFING_TICK_MS = 15 * 60_000;

/** What one briefing draft job did. */
export type BriefingDraftOutcome = 'created' | 'exists' | 'not_due' | 'off' | 'no_mailbox';

/** How often the retention job runs. */
export const PRUNE_INTERVAL_MS = 24 * 3600_000;

export const SAFETY_NET_INTERVAL_MS = 15 * 60_000;
const MAX_BACKFILL_MESSAGES = 5_000;
/**
 * A delta sync that finds at most this many new messages processes them in its own job; more are enqueued
 * as `sync-message` jobs (shared by every worker process).
 */
export const INLINE_MESSAGES_PER_SYNC = 3;

export interface SyncServiceOptions {
  config: Config;
  storage: Storage;
  ai: ConfiguredAi;
  /** The app's triage and drafting services; built from `ai` (and `calendars`) when not given. */
  triage?: TriageService;
  drafting?: DraftingService;
  /**
   * The user's connected calendars: today's meetings in the briefing draft, and the busy time of background
   * drafts (when `drafting` is not given).
   */
  calendars?: (scope: ContextScope) => Promise<CalendarPort | undefined>;
  /** Embeds indexed messages (Ask Steward), when configured. */
  embedder?: Embedder;
  /** Where access tokens come from; shared with the calendars (built here when not given: tests). */
  accounts?: AccountTokens;
  /** Another queue than the configured one (tests, benchmarks). */
  queue?: Queue;
  /** Table-queue poll interval (tests use a short one). */
  pollIntervalMs?: number;
  /** Ledger lease (tests of crash recovery use a short one). */
  leaseMs?: number;
  /** The clock that decides when follow-ups are due (tests move it); the system clock by default. */
  now?: () => Date;
  /** CRM context and alerts for each new message (reach/). */
  reach?: ReachHooks;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

export interface SyncService {
  queue: Queue;
  cipher?: TokenCipher;
  /** True when the provider's OAuth client and token encryption are configured. */
  canConnect(provider: 'gmail' | 'graph'): boolean;
  portFor(mailbox: MailboxRow): MailboxPort;
  refreshTokenOf(mailbox: MailboxRow): string;
  /**
   * Access tokens for the mailbox's account, from its sealed refresh token (cached; rotated tokens are
   * re-sealed). `calendar` asks Microsoft for the calendar scope; Google tokens carry every granted scope.
   */
  accessTokens(mailbox: MailboxRow, purpose?: 'mail' | 'calendar'): AccessTokenSource;
  /** Asks for a delta sync of the mailbox (coalesced: many notifications, one waiting job). */
  notify(mailboxId: string, reason: string): Promise<void>;
  afterConnect(mailbox: MailboxRow): Promise<void>;
  disconnect(mailbox: MailboxRow): Promise<void>;
  markNeedsReauth(mailbox: MailboxRow, reason: string): Promise<void>;
  /** Job bodies, exposed for tests and benchmarks. */
  runMailboxSync(mailboxId: string): Promise<number>;
  runBackfill(mailboxId: string, days?: number): Promise<number>;
  runMessage(mailboxId: string, messageId: string, source?: string): Promise<PipelineOutcome | 'inactive'>;
  runRenew(mailboxId: string): Promise<void>;
  /** The follow-up job: a draft in the thread when the user's message is still unanswered and due. */
  runFollowUp(mailboxId: string, threadId: string, sentMessageId: string): Promise<PipelineOutcome | 'inactive'>;
  /**
   * Enqueues every follow-up that is due and not yet done (run by the safety net, so a follow-up whose
   * delayed job was lost is still made). Returns how many were enqueued.
   */
  runDueFollowUps(): Promise<number>;
  /**
   * The retention job: deletes bookkeeping rows older than RETENTION_DAYS (storage/retention.ts) and
   * schedules the next run a day later. Returns what it deleted per table.
   */
  runPrune(): Promise<PruneCounts>;
  /**
   * Enqueues a briefing draft job for every user whose `briefingDraftHour` has come in their time zone today
   * and who has no draft for the day yet (run by the quarter-hour tick). Returns how many were enqueued.
   */
  runDueBriefings(): Promise<number>;
  /** The briefing tick: `runDueBriefings`, then the next tick at the next quarter hour. */
  runBriefingTick(): Promise<number>;
  /**
   * One user's morning briefing as a draft to self in their first active mailbox: at most once per local
   * day (claimed in `briefing_drafts` before the provider is asked), only from the hour on, never sent.
   */
  runBriefingDraft(scope: UserScope): Promise<BriefingDraftOutcome>;
  /** Starts the queue (for sending); workers are separate. */
  start(): Promise<void>;
  startWorkers(options?: { concurrency?: number }): Promise<void>;
  stop(): Promise<void>;
}

export function createQueueFor(config: Config, storage: Storage, pollIntervalMs?: number): Queue {
  if (config.sync.queue === 'pg-boss' && storage.kind === 'postgres' && config.databaseUrl) {
    return createPgBossQueue({
      connectionString: config.databaseUrl,
      schema: storage.schema ?? 'pgboss',
      queues: [
        { name: SYNC_JOBS.mailbox, coalesce: true },
        { name: SYNC_JOBS.message },
        { name: SYNC_JOBS.backfill, coalesce: true },
        { name: SYNC_JOBS.renew, coalesce: true },
        { name: SYNC_JOBS.followUp },
        { name: SYNC_JOBS.prune, coalesce: true },
        { name: SYNC_JOBS.briefings, coalesce: true },
        { name: SYNC_JOBS.briefing, coalesce: true },
      ],
    });
  }
  return createTableQueue(storage.db, { pollIntervalMs });
}

export function createSyncService(options: SyncServiceOptions): SyncService {
  const { config, storage, ai } = options;
  const db: Kysely<Database> = storage.db;
  const rows = syncStore(db);
  const briefingDrafts = briefingDraftStore(db);
  // Every job attempt, failure and retry is counted for /metrics (ops/metrics.ts).
  const queue = instrumentQueue(options.queue ?? createQueueFor(config, storage, options.pollIntervalMs));
  const accounts = options.accounts ?? createAccountTokens({ config, storage });
  const { cipher, refreshTokenOf } = accounts;
  const tokensFor = accounts.accessTokens;
  const forgetTokens = accounts.forget;
  const now = options.now ?? (() => new Date());
  const deps: PipelineDeps = {
    db,
    triage: options.triage ?? createTriageService({ ai }),
    drafting: options.drafting ?? createDraftingService({ ai, calendars: options.calendars }),
    leaseMs: options.leaseMs,
    now,
    reach: options.reach,
    ...(options.embedder ? { embedder: options.embedder } : {}),
  };
  let timer: NodeJS.Timeout | undefined;
  let starting: Promise<void> | undefined;
  let workersStarted = false;

  // Concurrent first notifications share one start.
  const ensureStarted = () => {
    starting ??= queue.start().catch((error) => {
      starting = undefined;
      throw error;
    });
    return starting;
  };

  function portFor(mailbox: MailboxRow): MailboxPort {
    const request = { tokens: tokensFor(mailbox) };
    return mailbox.provider === 'gmail'
      ? createGmailPort({ baseUrl: config.sync.gmailApiUrl, address: mailbox.address, request })
      : createGraphPort({ baseUrl: config.sync.graphApiUrl, mailboxId: mailbox.id, address: mailbox.address, request });
  }

  async function loadActive(mailboxId: string): Promise<MailboxRow | undefined> {
    const row = await rows.mailbox(mailboxId);
    return row && row.status === 'active' ? row : undefined;
  }

  async function markNeedsReauth(mailbox: MailboxRow, reason: string): Promise<void> {
    await rows.markNeedsReauth(mailbox.id, reason);
    forgetTokens(mailbox.id);
    await userStore(db, { tenantId: mailbox.tenant_id, userId: mailbox.user_id }).audit('mailbox.needs_reauth', {
      mailboxId: mailbox.id,
      provider: mailbox.provider,
    });
    options.log?.warn({ mailboxId: mailbox.id }, 'mailbox needs re-authorisation');
  }

  /** Runs a job body for an active mailbox; a rejected token marks the mailbox instead of failing the job. */
  async function withMailbox<T>(
    mailboxId: string,
    fallback: T,
    body: (mailbox: MailboxRow, port: MailboxPort) => Promise<T>,
  ): Promise<T> {
    const mailbox = await loadActive(mailboxId);
    if (!mailbox) return fallback;
    try {
      return await body(mailbox, portFor(mailbox));
    } catch (error) {
      if (error instanceof ReauthRequiredError) {
        await markNeedsReauth(
          mailbox,
          "The provider rejected Steward's access (expired or revoked). Reconnect the mailbox.",
        );
        return fallback;
      }
      throw error;
    }
  }

  const touchStatus = (mailbox: MailboxRow, values: Record<string, unknown>) => rows.touchStatus(mailbox, values);

  const messageJob = (mailboxId: string, messageId: string, source: string) =>
    queue.send(SYNC_JOBS.message, { mailboxId, messageId, source }, { singletonKey: `${mailboxId}:${messageId}` });

  async function runMailboxSync(mailboxId: string): Promise<number> {
    return withMailbox(mailboxId, 0, async (mailbox, port) => {
      if (!mailbox.cursor) {
        await rows.setCursorIfUnset(mailbox.id, await port.startCursor());
        return 0;
      }
      let batch: { messageIds: string[]; cursor: string };
      try {
        batch = await port.changesSince(mailbox.cursor);
      } catch (error) {
        if (!(error instanceof CursorExpiredError)) throw error;
        // History is gone (too old): restart from now and backfill the last day, so nothing recent is lost.
        const cursor = await port.startCursor();
        await rows.setCursor(mailbox.id, cursor);
        await queue.send(SYNC_JOBS.backfill, { mailboxId, days: 1 }, { singletonKey: mailboxId });
        return 0;
      }
      // A notification usually brings one or two messages: they are processed here, in this job, instead of
      // a `sync-message` job each (a job insert, fetch and completion and a mailbox read fewer per message).
      // More than that go to the queue, so that every worker process can share them. A message that fails
      // here goes to the queue too, to be retried with backoff; the ledger keeps either way to one label and
      // one draft. A rejected token stops the sync before the cursor moves (the mailbox is marked).
      const inline = batch.messageIds.length <= INLINE_MESSAGES_PER_SYNC;
      for (const id of batch.messageIds) {
        if (inline) {
          try {
            await processOne(mailbox, port, id, 'push');
            continue;
          } catch (error) {
            if (error instanceof ReauthRequiredError) throw error;
          }
        }
        await messageJob(mailboxId, id, 'push');
      }
      // Compare-and-set: a slower concurrent run cannot move the cursor back.
      await rows.moveCursorAndTouch(mailbox, mailbox.cursor, batch.cursor, {
        last_sync_at: new Date(),
        last_error: null,
      });
      return batch.messageIds.length;
    });
  }

  async function runBackfill(mailboxId: string, days?: number): Promise<number> {
    return withMailbox(mailboxId, 0, async (mailbox, port) => {
      const settings = await userStore(db, { tenantId: mailbox.tenant_id, userId: mailbox.user_id }).settings();
      const window = days ?? settings.backfillDays;
      // The cursor is taken first: anything arriving during the backfill is picked up by the next delta.
      if (!mailbox.cursor) {
        await rows.setCursorIfUnset(mailbox.id, await port.startCursor());
      }
      await touchStatus(mailbox, { phase: 'backfill', backfill_started_at: new Date(), backfill_finished_at: null });
      const ids =
        window > 0
          ? await port.recentMessageIds(new Date(Date.now() - window * 86_400_000), MAX_BACKFILL_MESSAGES)
          : [];
      // Oldest first, so thread state ends on the newest message.
      for (const id of [...ids].reverse()) await messageJob(mailboxId, id, 'backfill');
      await touchStatus(mailbox, { backfill_total: ids.length, last_sync_at: new Date() });
      // Nothing to backfill, or every message already processed before the total was known.
      await finishBackfillIfDone(mailbox);
      return ids.length;
    });
  }

  async function runMessage(
    mailboxId: string,
    messageId: string,
    source = 'push',
  ): Promise<PipelineOutcome | 'inactive'> {
    return withMailbox<PipelineOutcome | 'inactive'>(mailboxId, 'inactive', (mailbox, port) =>
      processOne(mailbox, port, messageId, source),
    );
  }

  /** One message through the pipeline, then its follow-up job and backfill progress (a message job's body). */
  async function processOne(
    mailbox: MailboxRow,
    port: MailboxPort,
    messageId: string,
    source: string,
  ): Promise<PipelineOutcome> {
    const mailboxId = mailbox.id;
    // Only a message of the user's own can start a follow-up: others need no look at the thread state.
    let mayFollowUp = false;
    const outcome = await processMessage(deps, mailbox, port, messageId, {
      source,
      onProcessed: ({ followUpDueAt }) => {
        mayFollowUp = followUpDueAt !== null;
      },
    });
    if (outcome === 'processed') {
      const state = mayFollowUp ? await rows.followUpOf(mailbox.id, messageId) : undefined;
      if (state?.follow_up_due_at) {
        await queue.send(
          SYNC_JOBS.followUp,
          { mailboxId, threadId: state.thread_id, messageId },
          {
            startAfterMs: Math.max(0, new Date(state.follow_up_due_at).getTime() - now().getTime()),
            singletonKey: `${mailboxId}:${messageId}`,
          },
        );
      }
      // Only a backfilled message moves a backfill on (the count is of source = 'backfill').
      if (source === 'backfill') await finishBackfillIfDone(mailbox);
    }
    return outcome;
  }

  async function finishBackfillIfDone(mailbox: MailboxRow): Promise<void> {
    const progress = await rows.backfillProgress(mailbox.id);
    if (progress && progress.done >= progress.total)
      await touchStatus(mailbox, { phase: 'live', backfill_finished_at: new Date() });
  }

  async function runRenew(mailboxId: string): Promise<void> {
    await withMailbox(mailboxId, undefined, async (mailbox, port) => {
      const clientState = mailbox.client_state ?? randomBytes(24).toString('base64url');
      const watch = await port.watch({
        topic: config.sync.gmailTopic,
        notificationUrl: `${config.publicUrl}/webhooks/graph`,
        clientState,
        existingId: mailbox.watch_id ?? undefined,
      });
      await rows.saveWatch(mailbox.id, { id: watch.id, expiresAt: watch.expiresAt, clientState });
      // Renew a day before expiry (Gmail watches last 7 days, Graph mail subscriptions about 7 days).
      const next = Math.max(60_000, watch.expiresAt.getTime() - Date.now() - 86_400_000);
      await queue.send(SYNC_JOBS.renew, { mailboxId }, { startAfterMs: next, singletonKey: mailboxId });
    });
  }

  async function runFollowUp(
    mailboxId: string,
    threadId: string,
    sentMessageId: string,
  ): Promise<PipelineOutcome | 'inactive'> {
    return withMailbox<PipelineOutcome | 'inactive'>(mailboxId, 'inactive', (mailbox, port) =>
      processFollowUp(deps, mailbox, port, threadId, sentMessageId),
    );
  }

  async function runDueFollowUps(): Promise<number> {
    const due = await rows.dueFollowUps(now());
    for (const row of due) {
      // Its own key: the delayed job of the same follow-up may still be waiting (the ledger keeps it to one draft).
      await queue.send(
        SYNC_JOBS.followUp,
        { mailboxId: row.mailbox_id, threadId: row.thread_id, messageId: row.last_message_id },
        { singletonKey: `due:${row.mailbox_id}:${row.last_message_id}` },
      );
    }
    return due.length;
  }

  async function runPrune(): Promise<PruneCounts> {
    const counts = await pruneOldRows(db, config.sync.retention, { now: now() });
    for (const [table, n] of Object.entries(counts)) if (n > 0) metrics().prunedRows.inc({ table }, n);
    const deleted = Object.values(counts).reduce((a, b) => a + b, 0);
    if (deleted > 0) options.log?.info({ ...counts }, 'retention: old rows deleted');
    // The next run; one waiting job at a time however many workers schedule it (a coalescing queue).
    await queue.send(SYNC_JOBS.prune, {}, { startAfterMs: PRUNE_INTERVAL_MS, singletonKey: 'prune' });
    return counts;
  }

  async function runDueBriefings(): Promise<number> {
    const at = now();
    let sent = 0;
    for (const user of await briefingDrafts.candidates()) {
      const slot = briefingSlot(mergeSettings(user.settings), at);
      if (!slot.due || (await briefingDrafts.done(user, slot.day, at))) continue;
      const data = { tenantId: user.tenantId, userId: user.userId };
      if (await queue.send(SYNC_JOBS.briefing, data, { singletonKey: `${user.userId}:${slot.day}` })) sent++;
    }
    return sent;
  }

  async function runBriefingTick(): Promise<number> {
    const sent = await runDueBriefings();
    const t = now().getTime();
    const next = Math.ceil((t + 1) / BRIEFING_TICK_MS) * BRIEFING_TICK_MS - t;
    await queue.send(SYNC_JOBS.briefings, {}, { startAfterMs: next + 1_000, singletonKey: 'briefings' });
    return sent;
  }

  async function runBriefingDraft(scope: UserScope): Promise<BriefingDraftOutcome> {
    const user = userStore(db, scope);
    const settings = await user.settings();
    if (settings.briefingDraftHour === null) return 'off';
    const slot = briefingSlot(settings, now());
    if (!slot.due) return 'not_due';
    const first = (await user.mailboxes.list()).find((m) => m.status === 'active');
    if (!first) return 'no_mailbox';
    return withMailbox<BriefingDraftOutcome>(first.id, 'no_mailbox', async (mailbox, port) => {
      // The claim comes first: a second job, worker or restart finds the day taken and makes nothing.
      if (!(await briefingDrafts.claim(scope, mailbox.id, slot.day, now()))) return 'exists';
      try {
        const calendar = options.calendars ? await options.calendars(scope).catch(() => undefined) : undefined;
        const briefing = await buildBriefing({
          db,
          scope,
          settings,
          store: user.mailIndex,
          now: now(),
          ...(calendar ? { calendar } : {}),
        });
        const draftId = await port.createDraftToSelf(briefingDraftContent(briefing));
        await briefingDrafts.finish(scope, slot.day, draftId);
        await user.audit('briefing.draft_created', { mailboxId: mailbox.id, day: slot.day });
        return 'created';
      } catch (error) {
        // No draft was made: the retry (or the next tick, within the catch-up hours) may claim the day again.
        await briefingDrafts.release(scope, slot.day);
        throw error;
      }
    });
  }

  async function safetyNet(): Promise<void> {
    await runDueFollowUps();
    await queue.send(SYNC_JOBS.prune, {}, { singletonKey: 'prune' });
    await queue.send(SYNC_JOBS.briefings, {}, { singletonKey: 'briefings' });
    const active = await rows.activeMailboxes();
    for (const row of active) {
      await queue.send(SYNC_JOBS.mailbox, { mailboxId: row.id, reason: 'safety-net' }, { singletonKey: row.id });
      if (!row.watch_expires_at || new Date(row.watch_expires_at).getTime() - Date.now() < 86_400_000) {
        await queue.send(SYNC_JOBS.renew, { mailboxId: row.id }, { singletonKey: row.id });
      }
    }
  }

  const service: SyncService = {
    queue,
    cipher,
    canConnect(provider) {
      if (!cipher) return false;
      return provider === 'gmail'
        ? Boolean(config.sync.google.clientId && config.sync.google.clientSecret)
        : Boolean(config.sync.microsoft.clientId && config.sync.microsoft.clientSecret);
    },
    portFor,
    refreshTokenOf,
    accessTokens: tokensFor,
    async notify(mailboxId, reason) {
      await ensureStarted();
      await queue.send(SYNC_JOBS.mailbox, { mailboxId, reason }, { singletonKey: mailboxId });
    },
    async afterConnect(mailbox) {
      await ensureStarted();
      forgetTokens(mailbox.id);
      await touchStatus(mailbox, {
        phase: 'backfill',
        backfill_total: 0,
        backfill_started_at: new Date(),
        backfill_finished_at: null,
        last_error: null,
      });
      await queue.send(SYNC_JOBS.backfill, { mailboxId: mailbox.id }, { singletonKey: mailbox.id });
      await queue.send(SYNC_JOBS.renew, { mailboxId: mailbox.id }, { singletonKey: mailbox.id });
    },
    async disconnect(mailbox) {
      // Best effort towards the provider; the local rows go whatever it answers.
      try {
        await portFor(mailbox).unwatch(mailbox.watch_id);
      } catch {}
      if (mailbox.provider === 'gmail' && cipher) {
        try {
          const token = refreshTokenOf(mailbox);
          await fetch(config.sync.google.revokeUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ token }).toString(),
          });
        } catch {}
      }
      forgetTokens(mailbox.id);
    },
    markNeedsReauth,
    runMailboxSync,
    runBackfill,
    runMessage,
    runRenew,
    runFollowUp,
    runDueFollowUps,
    runPrune,
    runDueBriefings,
    runBriefingTick,
    runBriefingDraft,
    start: () => ensureStarted(),
    async startWorkers(opts = {}) {
      if (workersStarted) return;
      workersStarted = true;
      await ensureStarted();
      const concurrency = opts.concurrency ?? 16;
      type Data = { mailboxId: string; messageId?: string; source?: string; days?: number; threadId?: string };
      await queue.work<Data>(SYNC_JOBS.mailbox, async (job) => void (await runMailboxSync(job.data.mailboxId)), {
        concurrency: config.sync.mailboxConcurrency,
      });
      await queue.work<Data>(
        SYNC_JOBS.backfill,
        async (job) => void (await runBackfill(job.data.mailboxId, job.data.days)),
        { concurrency: 1 },
      );
      await queue.work<Data>(
        SYNC_JOBS.message,
        async (job) => void (await runMessage(job.data.mailboxId, job.data.messageId ?? '', job.data.source)),
        { concurrency },
      );
      await queue.work<Data>(SYNC_JOBS.renew, async (job) => runRenew(job.data.mailboxId), { concurrency: 1 });
      await queue.work<Data>(
        SYNC_JOBS.followUp,
        async (job) => void (await runFollowUp(job.data.mailboxId, job.data.threadId ?? '', job.data.messageId ?? '')),
        { concurrency: 1 },
      );
      await queue.work<Data>(SYNC_JOBS.prune, async () => void (await runPrune()), { concurrency: 1 });
      await queue.work(SYNC_JOBS.briefings, async () => void (await runBriefingTick()), { concurrency: 1 });
      await queue.work<UserScope>(SYNC_JOBS.briefing, async (job) => void (await runBriefingDraft(job.data)), {
        concurrency: 2,
      });
      // The first prune now, unless one is already scheduled (the job schedules the next; the safety net
      // starts the chain again if a run failed every retry).
      await queue.send(SYNC_JOBS.prune, {}, { singletonKey: 'prune' });
      await queue.send(SYNC_JOBS.briefings, {}, { singletonKey: 'briefings' });
      timer = setInterval(() => void safetyNet().catch(() => {}), SAFETY_NET_INTERVAL_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      if (starting) await starting.catch(() => {});
      if (starting) await queue.stop();
      starting = undefined;
      workersStarted = false;
    },
  };
  return service;
}
