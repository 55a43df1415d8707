import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod } from 'ical-generator';

export interface InviteInput {
  /** Stable id for the event (becomes the UID); the same id updates the same event in the other calendar. */
  uid: string;
  start: string;
  end: string;
  summary: string;
  description?: string;
  location?: string;
  organizer: { name?: string; address: string };
  attendees: Array<{ name?: string; address: string }>;
  /** The time the invite is issued; DTSTAMP. Default: now. */
  now?: Date;
}

/** An iCalendar invitation (METHOD:REQUEST) for one chosen slot; times are written in UTC. */
export function buildInvite(input: InviteInput): string {
  const start = new Date(input.start);
  const end = new Date(input.end);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) {
    throw new RangeError('an invite needs a valid start before its end');
  }
  const calendar = ical({
    prodId: { company: 'Steward', product: 'Steward', language: 'EN' },
    method: ICalCalendarMethod.REQUEST,
  });
  const organizerAddress = input.organizer.address.toLowerCase();
  calendar.createEvent({
    id: input.uid,
    start,
    end,
    stamp: input.now ?? new Date(),
    summary: input.summary,
    ...(input.description ? { description: input.description } : {}),
    ...(input.location ? { location: input.location } : {}),
    organizer: { name: input.organizer.name ?? input.organizer.address, email: input.organizer.address },
    attendees: input.attendees
      .filter((a) => a.address.toLowerCase() !== organizerAddress)
      .map((a) => ({
        email: a.address,
        ...(a.name ? { name: a.name } : {}),
        rsvp: true,
        role: ICalAttendeeRole.REQ,
        status: ICalAttendeeStatus.NEEDSACTION,
      })),
  });
  return calendar.toString();
}
