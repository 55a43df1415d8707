import type { Settings } from '@steward/shared';
import { extractMeetingAsk, type MeetingAsk, type MeetingAskInput, type Person } from './meeting-ask.ts';
import { formatSlot, writeProposal } from './proposal.ts';
import { findSlots, type Interval, type PreferredWindow, type Slot } from './solver.ts';
import { isValidZone } from './zones.ts';

/** An explicit request, for clients that already know what they want (no message to read). */
export interface ExplicitRequest {
  durationMinutes?: number;
  windows?: Interval[];
  requesterZone?: string;
  attendees?: string[];
}

/** Per-call overrides of the user's settings. */
export interface SchedulingConstraints {
  bufferMinutes?: number;
  minimumNoticeHours?: number;
  maxMeetingsPerDay?: number;
  horizonDays?: number;
  preferred?: PreferredWindow[];
  stepMinutes?: number;
  limit?: number;
}

export interface SuggestInput {
  message?: MeetingAskInput;
  request?: ExplicitRequest;
  /** The user's busy time. */
  busy: Interval[];
  /** Other attendees' busy time, one list each. */
  attendeesBusy?: Interval[][];
  settings: Settings;
  now: Date;
  limit?: number;
  constraints?: SchedulingConstraints;
}

export interface Understood extends MeetingAsk {
  durationMinutes: number;
  /** True when the requester proposed times but none of them was free, so other times are offered. */
  theirTimesUnavailable: boolean;
}

/** A free slot with its label as the proposal writes it: one zone rule for the pane, the proposal and drafts. */
export interface LabelledSlot extends Slot {
  label: string;
}

export interface SuggestResult {
  understood: Understood;
  slots: LabelledSlot[];
  proposal: string;
}

/** What was asked, the free slots that answer it, and a proposal in both zones: for the API and drafts. */
export function suggestTimes(input: SuggestInput): SuggestResult {
  const { settings, request } = input;
  const ask: MeetingAsk = input.message
    ? extractMeetingAsk(input.message, { tz: settings.timeZone })
    : { isMeetingRequest: true, reasons: ['explicit request'], windows: [], participants: [], mode: 'unknown' };

  const durationMinutes = request?.durationMinutes ?? ask.durationMinutes ?? settings.defaultMeetingMinutes;
  const requesterZone = [request?.requesterZone, ask.requesterZone].find((z): z is string =>
    Boolean(z && isValidZone(z)),
  );
  const windows = request?.windows?.length ? request.windows : ask.windows.map(({ start, end }) => ({ start, end }));
  const participants: Person[] = [...ask.participants];
  for (const address of request?.attendees ?? []) {
    if (!participants.some((p) => p.address.toLowerCase() === address.toLowerCase())) participants.push({ address });
  }

  const c = input.constraints ?? {};
  const base = {
    durationMinutes,
    now: input.now,
    zone: settings.timeZone,
    workingHours: settings.workingHours,
    busy: input.busy,
    attendeesBusy: input.attendeesBusy ?? [],
    bufferBeforeMinutes: c.bufferMinutes ?? settings.meetingBufferMinutes,
    bufferAfterMinutes: c.bufferMinutes ?? settings.meetingBufferMinutes,
    minimumNoticeHours: c.minimumNoticeHours ?? settings.minimumNoticeHours,
    maxMeetingsPerDay: c.maxMeetingsPerDay ?? settings.maxMeetingsPerDay,
    ...(c.preferred ? { preferred: c.preferred } : {}),
    ...(c.horizonDays ? { horizonDays: c.horizonDays } : {}),
    ...(c.stepMinutes ? { stepMinutes: c.stepMinutes } : {}),
    ...(requesterZone ? { requester: { zone: requesterZone } } : {}),
    limit: input.limit ?? c.limit ?? 5,
  };
  let slots = windows.length ? findSlots({ ...base, windows }) : findSlots(base);
  const theirTimesUnavailable = windows.length > 0 && slots.length === 0;
  if (theirTimesUnavailable) slots = findSlots(base);

  const understood: Understood = {
    ...ask,
    windows: request?.windows?.length ? request.windows.map((w) => ({ ...w, text: '' })) : ask.windows,
    participants,
    durationMinutes,
    ...(requesterZone ? { requesterZone } : {}),
    theirTimesUnavailable,
  };
  const proposal = writeProposal(slots, {
    userZone: settings.timeZone,
    ...(requesterZone ? { otherZone: requesterZone } : {}),
    durationMinutes,
    theirTimesUnavailable,
  });
  const labelled = slots.map((slot) => ({
    ...slot,
    label: formatSlot(slot.start, settings.timeZone, requesterZone),
  }));
  return { understood, slots: labelled, proposal };
}
