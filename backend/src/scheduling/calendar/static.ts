import type { Interval } from '../solver.ts';
import { CalendarError, type CalendarPort, normaliseBusy } from './port.ts';

/** Busy intervals supplied by the client (e.g. read by the add-in from Office.js); read-only. */
export function staticCalendar(busy: Interval[]): CalendarPort {
  return {
    async getBusy(range) {
      return normaliseBusy(busy, range);
    },
    async createEvent() {
      throw new CalendarError('this calendar is read-only: busy times were supplied by the client');
    },
  };
}
