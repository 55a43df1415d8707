/**
 * Meeting notes as every caller makes them (POST /v1/meetings/notes and `steward notes`): the engine
 * AI_PROVIDER chose with the local engine as the fallback, the follow-up in the user's learned voice, and
 * the never-send-to-the-model lists applied to the attendees.
 */
import { type NotesRequest, type Settings, VoiceProfile } from '@steward/shared';
import { Compile } from 'typebox/compile';
import type { LanguageModel } from '../ai/port.ts';
import { mayShareWithModel } from '../ai/privacy.ts';
import { parseAddress } from '../mail/addresses.ts';
import type { ModelContext } from '../model-context.ts';
import { type VoiceHint, voiceHintFromProfile } from './follow-up.ts';
import { createNotesEngine, type NotesEngineOptions, type NotesOutcome } from './model.ts';

export interface NotesUserContext extends Pick<ModelContext, 'userKey' | 'settings'> {
  /**
   * The voice profile learned from the user's sent mail, as stored; absent before one is learned (the
   * follow-up then uses its own neutral greeting and sign-off, not the drafting default).
   */
  learnedVoice?: unknown;
}

export interface NotesService {
  readonly provider: 'local' | 'openai';
  notes(ctx: NotesUserContext, request: NotesRequest, options?: { signal?: AbortSignal }): Promise<NotesOutcome>;
}

export interface NotesServiceDeps {
  /** The language model, when AI_PROVIDER configures one. */
  model?: LanguageModel;
  /** Where the local notes are made (the server runs them in a worker thread under a time budget). */
  local?: NotesEngineOptions['local'];
}

const checkVoice = Compile(VoiceProfile);

/** The follow-up's voice; a profile from an older version, or half-written, is ignored rather than trusted. */
export function voiceHintOf(learned: unknown): VoiceHint | undefined {
  return learned !== undefined && checkVoice.Check(learned) ? voiceHintFromProfile(learned) : undefined;
}

/** The attendees' addresses, checked against the user's "never send to the language model" lists. */
export function attendeesMayGoToModel(
  attendees: readonly string[] | undefined,
  lists: Settings['neverSendToModel'],
): boolean {
  return (attendees ?? []).every((attendee) => {
    const mailbox = parseAddress(attendee);
    return !mailbox?.address || mayShareWithModel({ from: mailbox }, lists);
  });
}

export function createNotesService(deps: NotesServiceDeps): NotesService {
  const engine = createNotesEngine(deps.model, deps.local ? { local: deps.local } : {});
  return {
    provider: deps.model ? 'openai' : 'local',
    notes(ctx, request, options = {}) {
      const voice = voiceHintOf(ctx.learnedVoice);
      return engine(request, {
        ...(voice ? { voice } : {}),
        userKey: ctx.userKey,
        modelAllowed: attendeesMayGoToModel(request.attendees, ctx.settings.neverSendToModel),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    },
  };
}
