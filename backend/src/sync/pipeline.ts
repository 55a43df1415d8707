/**
 * The per-message pipeline of mailbox sync: fetch → normalise → triage → label or category → for
 * `to_respond`, a draft inside the thread → thread state. Exactly once: every message has one ledger row
 * (processed_messages, unique per mailbox and provider id) that a worker leases before working and marks
 * processed when done; each side effect is recorded as it happens, so a retry after a crash resumes
 * instead of repeating. Nothing is lost: the job is only completed after the ledger says processed.
 */
import type { CategoryId, Settings } from '@steward/shared';
import type { Kysely } from 'kysely';
import type { Embedder } from '../ai/embeddings.ts';
import { mayShareWithModel } from '../ai/privacy.ts';
import { indexInputOf, indexMessages } from '../ask/indexing.ts';
import { shouldAutoDraft } from '../drafting/auto.ts';
import type { DraftingService } from '../drafting/service.ts';
import { RetryLaterError } from '../jobs/queue.ts';
import { normaliseMessage } from '../mail/normalise.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import type { ModelContext } from '../model-context.ts';
import type { ReachHooks } from '../reach/hooks.ts';
import { sightingOf } from '../reach/senders.ts';
import { type LedgerRow, type LedgerValues, ledgerStore } from '../storage/ledger.ts';
import { mailIndexStore } from '../storage/mail-index.ts';
import type { Database, MailboxRow } from '../storage/schema.ts';
import { recordReplyIfAny } from '../storage/stats.ts';
import { userStore } from '../storage/users.ts';
import { crmFacts } from '../triage/crm.ts';
import type { TriageService } from '../triage/service.ts';
import { CATEGORY_COLOURS, type FetchedMessage, type MailboxPort, STEWARD_LABEL_PREFIX } from './port.ts';

export interface PipelineDeps {
  db: Kysely<Database>;
  /** The same triage and drafting as POST /v1/triage and POST /v1/drafts (engine, voice, busy time). */
  triage: TriageService;
  drafting: DraftingService;
  now?: () => Date;
  /** How long a worker owns a message before another may take over (its process died). */
  leaseMs?: number;
  /** Embeds indexed messages for Ask Steward's hybrid search, when configured. */
  embedder?: Embedder;
  /** CRM context for triage and alerts to Slack or Teams (reach/), when configured. */
  reach?: ReachHooks;
}

export type PipelineOutcome = 'processed' | 'already_processed' | 'skipped';

/** Leases the message's ledger row; undefined when it is already processed. Throws RetryLaterError when another worker holds it. */
export async function leaseMessage(
  deps: PipelineDeps,
  mailbox: MailboxRow,
  providerMessageId: string,
  source: string,
): Promise<LedgerRow | undefined> {
  const leaseMs = deps.leaseMs ?? 120_000;
  const claim = await ledgerStore(deps.db).lease(mailbox, providerMessageId, source, leaseMs);
  if (claim.kind === 'leased') return claim.row;
  if (claim.kind === 'processed') return undefined;
  const wait = claim.leaseUntil ? claim.leaseUntil.getTime() - Date.now() : 1000;
  throw new RetryLaterError(Math.max(1000, Math.min(wait, leaseMs)), 'another worker is processing this message');
}

/**
 * Before every write to the mailbox: proves this worker still owns the message and extends the lease. A
 * worker that stalled past its lease (and may have been replaced) stops here instead of writing twice.
 */
async function holdLease(
  deps: PipelineDeps,
  mailbox: MailboxRow,
  providerMessageId: string,
  token: string | null,
): Promise<void> {
  const held = await ledgerStore(deps.db).extendLease(mailbox.id, providerMessageId, token, deps.leaseMs ?? 120_000);
  if (!held) throw new RetryLaterError(1000, 'the lease on this message passed to another worker');
}

/** Records `values` only while this worker still holds the lease (extending it): holdLease and record in one statement. */
async function recordHeld(
  deps: PipelineDeps,
  mailbox: MailboxRow,
  providerMessageId: string,
  token: string | null,
  values: LedgerValues,
): Promise<void> {
  const held = await ledgerStore(deps.db).recordHeld(
    mailbox.id,
    providerMessageId,
    token,
    deps.leaseMs ?? 120_000,
    values,
  );
  if (!held) throw new RetryLaterError(1000, 'the lease on this message passed to another worker');
}

async function record(
  deps: PipelineDeps,
  mailbox: MailboxRow,
  providerMessageId: string,
  values: LedgerValues,
): Promise<void> {
  await ledgerStore(deps.db).record(mailbox.id, providerMessageId, values);
}

export function labelName(settings: Settings, category: CategoryId): string {
  return `${STEWARD_LABEL_PREFIX}${settings.categories[category]?.displayName ?? category}`;
}

export interface UserContext extends ModelContext {
  /** The user's own addresses: the mailbox's and the one they signed in with. */
  me: string[];
}

export async function loadUserContext(db: Kysely<Database>, mailbox: MailboxRow): Promise<UserContext> {
  const ctx = await userStore(db, { tenantId: mailbox.tenant_id, userId: mailbox.user_id }).modelContext();
  return { ...ctx, me: [...new Set([mailbox.address, ...(ctx.email ? [ctx.email.toLowerCase()] : [])])] };
}

export async function normaliseFetched(message: FetchedMessage): Promise<NormalisedMessage> {
  return normaliseMessage({ id: message.id, threadId: message.threadId, raw: message.raw, labels: message.labels });
}

/**
 * Runs the pipeline for one message. Safe to call any number of times, in any order, from any number of
 * processes: only the first call that completes has effects, and a call after a crash resumes.
 */
export async function processMessage(
  deps: PipelineDeps,
  mailbox: MailboxRow,
  port: MailboxPort,
  providerMessageId: string,
  options: {
    source?: string;
    user?: UserContext;
    /** Called once the message is processed: whether the user wrote it and when its follow-up falls due. */
    onProcessed?: (info: { fromMe: boolean; followUpDueAt: Date | null }) => void;
  } = {},
): Promise<PipelineOutcome> {
  const ledger = await leaseMessage(deps, mailbox, providerMessageId, options.source ?? 'push');
  if (!ledger) return 'already_processed';
  const message = await port.getMessage(providerMessageId);
  if (!message || message.isDraft) {
    await record(deps, mailbox, providerMessageId, { processed_at: new Date(), lease_until: null });
    return 'skipped';
  }
  const user = options.user ?? (await loadUserContext(deps.db, mailbox));
  const normalised = await normaliseFetched(message);
  const fromMe = message.fromMe || (normalised.from ? user.me.includes(normalised.from.address) : false);
  const modelAllowed = mayShareWithModel(normalised, user.settings.neverSendToModel, message.labels);

  // Ask Steward's index takes the message already fetched (no second download); opt-in per user. Indexing
  // is idempotent, and a failure here must not hold up triage and labels.
  if (user.settings.mailIndex) {
    try {
      await indexMessages(
        mailIndexStore(deps.db, { tenantId: mailbox.tenant_id, userId: mailbox.user_id }),
        [
          indexInputOf(normalised, {
            mailboxId: mailbox.id,
            fromMe,
            modelAllowed,
            ...(message.receivedAt ? { receivedAt: message.receivedAt } : {}),
          }),
        ],
        deps.embedder,
      );
    } catch {}
  }

  const scope = { tenantId: mailbox.tenant_id, userId: mailbox.user_id };
  const receivedAt = message.receivedAt ?? normalised.date ?? new Date();
  let category = ledger.category as CategoryId | null;
  /** The last statement proved and extended the lease, and nothing that waits came after it. */
  let leaseJustHeld = false;
  if (!category) {
    let result = await deps.triage.triage(user, normalised, { me: user.me, labels: message.labels });
    if (!fromMe && deps.reach?.crm) result = await deps.reach.crm(scope, normalised, result);
    // The user wrote last: the thread waits for the other side, unless the user closed it.
    const decided: CategoryId = fromMe
      ? result.category === 'actioned'
        ? 'actioned'
        : 'awaiting_reply'
      : result.category;
    category = decided;
    // The category and the dashboard's count are written together (one statement), so a retry never counts
    // twice; the sender's row (reach/senders.ts) goes in the same statement. The category is written only
    // while this worker holds the lease (and extends it), so the label below needs no lease check of its own
    // unless something that waits (an alert) comes in between.
    const held = await ledgerStore(deps.db).recordAndCount(
      mailbox.id,
      providerMessageId,
      { category: decided, thread_id: message.threadId },
      { scope, at: receivedAt, category: decided, counts: { messages: 1 }, zone: user.settings.timeZone },
      fromMe ? undefined : sightingOf({ message: normalised, category: decided, receivedAt, mailboxId: mailbox.id }),
      { token: ledger.lease_token, leaseMs: deps.leaseMs ?? 120_000 },
    );
    if (!held) throw new RetryLaterError(1000, 'the lease on this message passed to another worker');
    leaseJustHeld = true;
    if (!fromMe) {
      if (deps.reach?.alerts) {
        leaseJustHeld = false;
        await deps.reach.alerts(scope, {
          message: normalised,
          result: { ...result, category },
          provider: mailbox.provider,
          providerMessageId,
          labels: message.labels,
        });
      }
    }
  }

  if (!ledger.label_applied && user.settings.categories[category]?.enabled !== false) {
    if (!leaseJustHeld) await holdLease(deps, mailbox, providerMessageId, ledger.lease_token);
    const labelId = await port.ensureLabel({
      name: labelName(user.settings, category),
      color: CATEGORY_COLOURS[category] ?? CATEGORY_COLOURS.fyi!,
    });
    await port.applyLabel(message, labelId, []);
    await record(deps, mailbox, providerMessageId, { label_applied: true });
  }

  if (fromMe) await recordReplyIfAny(deps.db, mailbox, message.threadId, providerMessageId, receivedAt);
  // Thread state follows the newest message only; it is written with the ledger's last write (below).
  const followUpDue =
    fromMe && category === 'awaiting_reply'
      ? new Date(receivedAt.getTime() + user.settings.followUpAfterDays * 86_400_000)
      : null;

  // Background drafts only where someone waits for an answer (drafting/auto.ts); "Write a reply" is unaffected.
  if (!fromMe && !ledger.draft_id && shouldAutoDraft(normalised, { category }, user.me).draft) {
    const thread = await port.threadInfo(message.threadId);
    // One draft per thread version: only the newest message of the thread gets one.
    const isLatest = !thread.latestMessageId || thread.latestMessageId === providerMessageId;
    if (isLatest) {
      let draftId: string | undefined;
      // A previous attempt may have created the draft and died before recording it: adopt that one.
      if (ledger.draft_pending && thread.draftIds.length > 0) draftId = thread.draftIds[thread.draftIds.length - 1];
      if (!draftId) {
        await recordHeld(deps, mailbox, providerMessageId, ledger.lease_token, { draft_pending: true });
        // The configured engine, the user's voice, busy time and the sender's CRM facts: the same draft
        // "Write a reply" (POST /v1/drafts) would give.
        const sender = normalised.from?.address;
        const crm = sender && deps.reach?.crmContext ? await deps.reach.crmContext(scope, sender) : undefined;
        const facts = crmFacts(crm);
        const { draft } = await deps.drafting.draft(user, {
          message: normalised,
          me: user.me,
          labels: message.labels,
          now: deps.now?.() ?? new Date(),
          ...(facts.length ? { facts } : {}),
          ...(crm ? { crm } : {}),
        });
        const to = (normalised.replyTo.length ? normalised.replyTo : normalised.from ? [normalised.from] : []).map(
          (a) => a.address,
        );
        draftId = await port.createReplyDraft(message, {
          to,
          subject: draft.subject,
          text: draft.text,
          html: draft.html,
          inReplyTo: normalised.messageId,
          references: normalised.signals.references,
        });
      }
      await ledgerStore(deps.db).recordAndCount(
        mailbox.id,
        providerMessageId,
        { draft_id: draftId, draft_pending: false, thread_version: providerMessageId },
        { scope, at: receivedAt, category, counts: { drafts: 1 }, zone: user.settings.timeZone },
      );
    }
  }

  // Processed (while this worker still holds the lease), the thread state and the audit entry: one statement.
  const finished = await ledgerStore(deps.db).finish(mailbox, providerMessageId, ledger.lease_token, {
    threadState: {
      threadId: message.threadId,
      messageId: providerMessageId,
      fromMe,
      state: category,
      at: receivedAt,
      followUpDueAt: followUpDue,
    },
    audit: { action: 'sync.message', detail: { mailboxId: mailbox.id, category } },
  });
  if (!finished) throw new RetryLaterError(1000, 'the lease on this message passed to another worker');
  options.onProcessed?.({ fromMe, followUpDueAt: followUpDue });
  return 'processed';
}

/**
 * The follow-up after N days of silence: runs when due, and only if the user's message is still the last
 * one in the thread (a reply that arrived meanwhile cancels it). Once per sent message, through the ledger.
 */
export async function processFollowUp(
  deps: PipelineDeps,
  mailbox: MailboxRow,
  port: MailboxPort,
  threadId: string,
  sentMessageId: string,
): Promise<PipelineOutcome> {
  const state = await ledgerStore(deps.db).threadState(mailbox.id, threadId);
  if (!state || state.last_message_id !== sentMessageId || state.state !== 'awaiting_reply') return 'skipped';
  if (!state.follow_up_due_at) return 'skipped';
  // Not due yet (the job ran early, or the setting grew since it was scheduled): run again when it is.
  const wait = new Date(state.follow_up_due_at).getTime() - (deps.now?.() ?? new Date()).getTime();
  if (wait > 0) throw new RetryLaterError(wait, 'the follow-up is not due yet');
  const key = `followup:${sentMessageId}`;
  const ledger = await leaseMessage(deps, mailbox, key, 'followup');
  if (!ledger) return 'already_processed';
  const thread = await port.threadInfo(threadId);
  if (thread.latestMessageId && thread.latestMessageId !== sentMessageId) {
    await record(deps, mailbox, key, { processed_at: new Date(), lease_until: null });
    return 'skipped';
  }
  const message = await port.getMessage(sentMessageId);
  if (!message) {
    await record(deps, mailbox, key, { processed_at: new Date(), lease_until: null });
    return 'skipped';
  }
  let draftId = ledger.draft_pending ? thread.draftIds[thread.draftIds.length - 1] : undefined;
  if (!draftId) {
    await recordHeld(deps, mailbox, key, ledger.lease_token, { draft_pending: true });
    const user = await loadUserContext(deps.db, mailbox);
    const normalised = await normaliseFetched(message);
    const { draft } = await deps.drafting.draft(user, {
      message: normalised,
      me: user.me,
      labels: message.labels,
      now: deps.now?.() ?? new Date(),
      instruction: 'follow up',
    });
    draftId = await port.createReplyDraft(message, {
      to: normalised.to.map((a) => a.address),
      subject: draft.subject,
      text: draft.text,
      html: draft.html,
      inReplyTo: normalised.messageId,
      references: normalised.signals.references,
    });
  }
  await record(deps, mailbox, key, {
    draft_id: draftId,
    draft_pending: false,
    thread_id: threadId,
    processed_at: new Date(),
    lease_until: null,
  });
  return 'processed';
}
