/**
 * Drafting as every caller runs it (POST /v1/drafts, `steward draft`, and the background drafts of mail
 * sync): the user's voice and sent examples, their busy time from the connected calendars (so proposed
 * times are really free), the never-send-to-the-model lists, and the engine AI_PROVIDER chose, with the
 * local engine as the fallback.
 */
import type { CrmContext, Draft, EmailMessage } from '@steward/shared';
import { type CircuitBreaker, fallbackReason } from '../ai/breaker.ts';
import type { ConfiguredAi } from '../ai/configured.ts';
import type { LanguageModel } from '../ai/port.ts';
import { mayShareWithModel } from '../ai/privacy.ts';
import { normaliseMessage } from '../mail/normalise.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import type { ContextScope, ModelContext } from '../model-context.ts';
import type { CalendarPort } from '../scheduling/calendar/port.ts';
import type { Interval } from '../scheduling/solver.ts';
import { draftReplyLocal, type LocalDraftInput } from './local.ts';
import { type DraftStreamEvent, draftReplyWithModel, streamDraft } from './model.ts';

/** How far ahead busy time is read for proposed meeting times. */
export const BUSY_HORIZON_DAYS = 21;

export type DraftUserContext = Pick<ModelContext, 'scope' | 'userKey' | 'settings' | 'voice'>;

export interface DraftInput {
  message: NormalisedMessage;
  /** Earlier messages of the thread, oldest first. */
  thread?: NormalisedMessage[];
  /** What the user asked for ("shorter", "decline", "follow up"…). */
  instruction?: string;
  /** The user's own addresses. */
  me?: string[];
  /** The user's name as their account knows it, for the signature when the voice profile has none. */
  myName?: string;
  /** Provider labels of the message (the never-send-to-the-model lists may name them). */
  labels?: string[];
  now?: Date;
  /** The user's sent mail, already read (the CLI); otherwise the stored examples of the voice. */
  sent?: NormalisedMessage[];
  /** What the tenant's CRM says about the sender, as facts the draft may cite (reach/crm.ts). */
  facts?: string[];
  /** The same context, structured, for the local engine (the contact's name, the deal a message is about). */
  crm?: CrmContext;
}

export interface PreparedDraft {
  call: DraftCall;
  userKey: string;
  /** False when the user's never-send-to-the-model lists cover this message: the local engine answers. */
  modelAllowed: boolean;
}

export interface DraftOutcome {
  draft: Draft;
  engine: 'local' | 'openai';
  /** Why the local engine answered although a model is configured. */
  fallback?: string;
}

/** What an engine drafts from: the message, the user's voice and settings, busy time, sent examples. */
export interface DraftCall extends LocalDraftInput {
  /** The user's own sent mail, for few-shot examples. */
  sent?: NormalisedMessage[];
  /** What the tenant's CRM says about the sender (reach/crm.ts), as facts the draft may cite. */
  facts?: string[];
}

export interface DraftingService {
  readonly provider: ConfiguredAi['provider'];
  /** Gathers what the engine needs: voice, sent examples, busy time. */
  prepare(ctx: DraftUserContext, input: DraftInput): Promise<PreparedDraft>;
  run(prepared: PreparedDraft): Promise<DraftOutcome>;
  stream(prepared: PreparedDraft, signal?: AbortSignal): AsyncIterable<DraftStreamEvent>;
  /** `prepare` then `run`. */
  draft(ctx: DraftUserContext, input: DraftInput): Promise<DraftOutcome>;
}

export interface DraftingServiceDeps {
  ai: ConfiguredAi;
  /** The user's connected calendars (a calendar that cannot be read counts as no busy time here: a draft is only a proposal). */
  calendars?: (scope: ContextScope) => Promise<CalendarPort | undefined>;
  /** How stored examples are read (the server uses its worker threads); `normaliseMessage` by default. */
  normalise?: (message: EmailMessage) => Promise<NormalisedMessage>;
}

const localDraft = (call: DraftCall): DraftOutcome => ({ draft: draftReplyLocal(call), engine: 'local' });

async function* streamLocal(outcome: DraftOutcome): AsyncIterable<DraftStreamEvent> {
  for (const line of outcome.draft.text.split(/(?<=\n)/)) yield { type: 'delta', text: line };
  yield { type: 'draft', draft: outcome.draft };
}

/**
 * The model's draft through the breaker, events passed on as they arrive; the breaker sees the whole
 * stream as one call. When the model fails, the local draft follows (whole, or its text when the model's
 * deltas already started).
 */
async function* streamModel(
  breaker: CircuitBreaker,
  input: Parameters<typeof streamDraft>[0],
  call: DraftCall,
): AsyncIterable<DraftStreamEvent> {
  const queue: DraftStreamEvent[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failed = false;
  breaker
    .run(async () => {
      for await (const event of streamDraft(input)) {
        queue.push(event);
        wake?.();
      }
    })
    .catch(() => {
      failed = true;
    })
    .finally(() => {
      finished = true;
      wake?.();
    });
  let started = false;
  while (true) {
    const next = queue.shift();
    if (next) {
      started = true;
      yield next;
      continue;
    }
    if (finished) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
  if (failed) {
    if (started) yield { type: 'draft', draft: localDraft(call).draft };
    else yield* streamLocal(localDraft(call));
  }
}

export function createDraftingService(deps: DraftingServiceDeps): DraftingService {
  const { ai } = deps;
  const normalise = deps.normalise ?? ((message: EmailMessage) => normaliseMessage(message));

  async function busyFor(scope: ContextScope, now: Date): Promise<Interval[]> {
    const calendar = await deps.calendars?.(scope);
    if (!calendar) return [];
    const range = {
      start: now.toISOString(),
      end: new Date(now.getTime() + BUSY_HORIZON_DAYS * 86_400_000).toISOString(),
    };
    return calendar.getBusy(range, []).catch(() => []);
  }

  async function prepare(ctx: DraftUserContext, input: DraftInput): Promise<PreparedDraft> {
    const now = input.now ?? new Date();
    const [busy, sent] = await Promise.all([
      busyFor(ctx.scope, now),
      input.sent?.length
        ? input.sent
        : ctx.voice.examples.length
          ? Promise.all(ctx.voice.examples.map((m) => normalise(m)))
          : undefined,
    ]);
    const call: DraftCall = {
      message: input.message,
      ...(input.thread?.length ? { thread: input.thread } : {}),
      voice: ctx.voice.profile,
      ...(input.instruction ? { instruction: input.instruction } : {}),
      settings: ctx.settings,
      busy,
      now,
      ...(input.me?.length ? { me: input.me } : {}),
      ...(input.myName ? { myName: input.myName } : {}),
      ...(sent ? { sent } : {}),
      ...(input.facts?.length ? { facts: input.facts } : {}),
      ...(input.crm ? { crm: input.crm } : {}),
    };
    return {
      call,
      userKey: ctx.userKey,
      modelAllowed: mayShareWithModel(input.message, ctx.settings.neverSendToModel, input.labels),
    };
  }

  const modelInput = (prepared: PreparedDraft, model: LanguageModel, signal?: AbortSignal) => ({
    ...prepared.call,
    model,
    ...(prepared.userKey ? { userKey: prepared.userKey } : {}),
    ...(signal ? { signal } : {}),
  });

  async function run(prepared: PreparedDraft): Promise<DraftOutcome> {
    if (!ai.model || prepared.modelAllowed === false) return localDraft(prepared.call);
    const { model, breaker } = ai;
    try {
      const draft = await breaker.run(() => draftReplyWithModel(modelInput(prepared, model)));
      return { draft, engine: 'openai' };
    } catch (error) {
      return { ...localDraft(prepared.call), fallback: fallbackReason(error) };
    }
  }

  return {
    provider: ai.provider,
    prepare,
    run,
    stream: (prepared, signal) =>
      !ai.model || prepared.modelAllowed === false
        ? streamLocal(localDraft(prepared.call))
        : streamModel(ai.breaker, modelInput(prepared, ai.model, signal), prepared.call),
    draft: async (ctx, input) => run(await prepare(ctx, input)),
  };
}
