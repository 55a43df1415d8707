/**
 * Drafting as every caller runs it (POST /v1/drafts, `steward draft`, and the background drafts of mail
 * sync): the user's voice and sent examples, their busy time from the connected calendars (so proposed
 * times are really free), the never-send-to-the-model lists, and the engine AI_PROVIDER chose, with the
 * local engine as the fallback.
 */
import type { CrmContext, EmailMessage } from '@steward/shared';
import { mayShareWithModel } from '../ai/privacy.ts';
import type { DraftCall, DraftOutcome, Engines } from '../engines.ts';
import { normaliseMessage } from '../mail/normalise.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import type { ContextScope, ModelContext } from '../model-context.ts';
import type { CalendarPort } from '../scheduling/calendar/port.ts';
import type { Interval } from '../scheduling/solver.ts';
import type { DraftStreamEvent } from './model.ts';

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

export interface DraftingService {
  readonly provider: Engines['provider'];
  /** Gathers what the engine needs: voice, sent examples, busy time. */
  prepare(ctx: DraftUserContext, input: DraftInput): Promise<PreparedDraft>;
  run(prepared: PreparedDraft): Promise<DraftOutcome>;
  stream(prepared: PreparedDraft, signal?: AbortSignal): AsyncIterable<DraftStreamEvent>;
  /** `prepare` then `run`. */
  draft(ctx: DraftUserContext, input: DraftInput): Promise<DraftOutcome>;
}

export interface DraftingServiceDeps {
  engines: Engines;
  /** The user's connected calendars (a calendar that cannot be read counts as no busy time here: a draft is only a proposal). */
  calendars?: (scope: ContextScope) => Promise<CalendarPort | undefined>;
  /** How stored examples are read (the server uses its worker threads); `normaliseMessage` by default. */
  normalise?: (message: EmailMessage) => Promise<NormalisedMessage>;
}

export function createDraftingService(deps: DraftingServiceDeps): DraftingService {
  const { engines } = deps;
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

  const run = (prepared: PreparedDraft) =>
    engines.draft(prepared.call, { userKey: prepared.userKey, modelAllowed: prepared.modelAllowed });

  return {
    provider: engines.provider,
    prepare,
    run,
    stream: (prepared, signal) =>
      engines.streamDraft(prepared.call, {
        userKey: prepared.userKey,
        modelAllowed: prepared.modelAllowed,
        ...(signal ? { signal } : {}),
      }),
    draft: async (ctx, input) => run(await prepare(ctx, input)),
  };
}
