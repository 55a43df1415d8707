/** The reference time and zone an expression is read against. */
import { DateTime } from 'luxon';
import { cachedZone, isValidZone } from '../zones.ts';
import type { Context, ParseTimeOptions } from './types.ts';

export function makeContext(opts: ParseTimeOptions): Context {
  let zone = opts.tz;
  let ref: DateTime;
  if (typeof opts.ref === 'string') {
    ref = DateTime.fromISO(opts.ref, { setZone: true });
    if (!ref.isValid) throw new RangeError(`invalid reference time: ${opts.ref}`);
    if (!zone) zone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(opts.ref) ? ref.zone.name : 'UTC';
  } else {
    ref = DateTime.fromJSDate(opts.ref);
    if (!ref.isValid) throw new RangeError('invalid reference time');
    zone ??= 'UTC';
  }
  if (!isValidZone(zone)) throw new RangeError(`unknown time zone: ${zone}`);
  const cached = cachedZone(zone);
  return { ref: ref.setZone(cached), zone: cached };
}
