import type { Settings } from '@steward/shared';
import {
  type Decision,
  decide,
  findProposedTimes,
  insideWorkingHours,
  ownText,
  type ProposedTime,
  type SlotCheck,
} from './proposed-times.ts';

/** `POST /v1/scheduling/suggest`, reduced to what the re-check reads. */
export type SuggestCall = (body: {
  request: { durationMinutes: number; windows: { start: string; end: string }[] };
  constraints: Record<string, number>;
}) => Promise<{ slots: unknown[]; understood?: { theirTimesUnavailable?: boolean } | null }>;

const FIVE_MINUTES = 5 * 60_000;

/**
 * Asks the scheduling solver, one proposed slot at a time, whether the slot is still free: the slot is
 * the only window, buffers, notice and the daily cap are switched off (the user already chose the time;
 * only a real clash matters), so the solver answers a slot exactly when nothing overlaps it.
 */
export async function checkSlot(
  slot: ProposedTime,
  settings: Pick<Settings, 'timeZone' | 'workingHours'>,
  suggest: SuggestCall,
  now: Date,
): Promise<SlotCheck> {
  const start = Date.parse(slot.start);
  const end = Date.parse(slot.end);
  if (start <= now.getTime()) return { slot, status: 'past' };
  if (!insideWorkingHours(slot, settings.workingHours, settings.timeZone)) return { slot, status: 'outside-hours' };
  const minutes = Math.round((end - start) / 60_000);
  if (minutes < 5 || minutes > 480) return { slot, status: 'unknown' };
  // The solver starts slots on 5-minute steps: widen an odd start or end to the step.
  const window = {
    start: new Date(Math.floor(start / FIVE_MINUTES) * FIVE_MINUTES).toISOString(),
    end: new Date(Math.ceil(end / FIVE_MINUTES) * FIVE_MINUTES).toISOString(),
  };
  try {
    const answer = await suggest({
      request: { durationMinutes: minutes, windows: [window] },
      constraints: { bufferMinutes: 0, minimumNoticeHours: 0, maxMeetingsPerDay: 24, stepMinutes: 5, limit: 1 },
    });
    const free = answer.slots.length > 0 && !answer.understood?.theirTimesUnavailable;
    return { slot, status: free ? 'free' : 'taken' };
  } catch {
    return { slot, status: 'unknown' };
  }
}

export interface RecheckResult {
  found: ProposedTime[];
  checks: SlotCheck[];
  decision: Decision;
}

/** Finds the times the user's own text proposes and re-checks each; no times, no network call. */
export async function recheckProposedTimes(
  body: string,
  settings: Pick<Settings, 'timeZone' | 'workingHours' | 'defaultMeetingMinutes'>,
  suggest: SuggestCall,
  now = new Date(),
): Promise<RecheckResult> {
  const found = findProposedTimes(ownText(body), {
    now,
    timeZone: settings.timeZone,
    defaultMinutes: settings.defaultMeetingMinutes,
  });
  const checks = await Promise.all(found.map((slot) => checkSlot(slot, settings, suggest, now)));
  return { found, checks, decision: decide(checks) };
}
