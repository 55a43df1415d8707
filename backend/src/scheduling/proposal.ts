import { DateTime } from 'luxon';
import type { Slot } from './solver.ts';
import { isValidZone, zoneLabel } from './zones.ts';

/**
 * "Tue 4 Feb, 15:00 CET / 09:00 EST": the user's zone first, the other side's when its clock differs,
 * with the other side's date when it is a different day there.
 */
export function formatSlot(start: string, userZone: string, otherZone?: string): string {
  const instant = DateTime.fromISO(start, { setZone: true });
  const mine = instant.setZone(userZone);
  let label = `${mine.toFormat('ccc d LLL')}, ${mine.toFormat('HH:mm')} ${zoneLabel(userZone, start)}`;
  if (otherZone && isValidZone(otherZone)) {
    const theirs = instant.setZone(otherZone);
    if (theirs.offset !== mine.offset) {
      const otherDay = theirs.toISODate() !== mine.toISODate() ? ` (${theirs.toFormat('ccc d LLL')})` : '';
      label += ` / ${theirs.toFormat('HH:mm')} ${zoneLabel(otherZone, start)}${otherDay}`;
    }
  }
  return label;
}

export interface ProposalOptions {
  userZone: string;
  otherZone?: string;
  durationMinutes: number;
  /** The times the other side proposed were all taken; say so instead of pretending they fit. */
  theirTimesUnavailable?: boolean;
}

function lengthPhrase(minutes: number): string {
  if (minutes % 60 === 0) return minutes === 60 ? 'an hour' : `${minutes / 60} hours`;
  if (minutes === 90) return 'an hour and a half';
  return `${minutes} minutes`;
}

/** Plain text a reply can include as is; empty when there is nothing to propose. */
export function writeProposal(slots: Pick<Slot, 'start'>[], opts: ProposalOptions): string {
  if (!slots.length) return '';
  const intro = opts.theirTimesUnavailable
    ? `Unfortunately the times you suggested don't work for me. Would one of these work instead (${lengthPhrase(opts.durationMinutes)})?`
    : `Would one of these times work for you (${lengthPhrase(opts.durationMinutes)})?`;
  const lines = slots.map((s) => `- ${formatSlot(s.start, opts.userZone, opts.otherZone)}`);
  return [intro, ...lines].join('\n');
}
