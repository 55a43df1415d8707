/**
 * Whole-unit calendar arithmetic on luxon DateTimes: `plus`, `minus` and `startOf` with the results of
 * `DateTime#plus`, `#minus` and `#startOf`, without luxon's Duration machinery. Luxon builds and normalises two
 * Durations for every `plus` (about 20 µs); reading one mail does this hundreds of times, and the garbage made
 * the tail of the parse time. The steps are luxon's own (adjustTime, objToLocalTS, fixOffset in luxon 3): the
 * new wall-clock time is worked out field by field, then the zone's offset at that time is found the way luxon
 * finds it, so DST gaps and repeated hours come out the same. Anything else (fractions, other units, invalid
 * DateTimes) is handed to luxon.
 */
import { DateTime, type DateTimeUnit, type DurationLikeObject, Settings, type Zone } from 'luxon';

const TIME_MS: Record<string, number> = {
  hour: 3_600_000,
  hours: 3_600_000,
  minute: 60_000,
  minutes: 60_000,
  second: 1000,
  seconds: 1000,
  millisecond: 1,
  milliseconds: 1,
};

/** `dt.plus(duration)` for whole numbers of years, quarters, months, weeks, days, hours, minutes, seconds. */
export function plus(dt: DateTime, duration: DurationLikeObject): DateTime {
  if (!dt.isValid) return dt;
  let years = 0;
  let months = 0;
  let days = 0;
  let millis = 0;
  for (const key in duration) {
    const value = duration[key as keyof DurationLikeObject];
    if (value === undefined) continue;
    if (!Number.isInteger(value)) return dt.plus(duration);
    switch (key) {
      case 'years':
      case 'year':
        years += value;
        break;
      case 'quarters':
      case 'quarter':
        months += value * 3;
        break;
      case 'months':
      case 'month':
        months += value;
        break;
      case 'weeks':
      case 'week':
        days += value * 7;
        break;
      case 'days':
      case 'day':
        days += value;
        break;
      default: {
        const unit = TIME_MS[key];
        if (unit === undefined) return dt.plus(duration);
        millis += value * unit;
      }
    }
  }
  const year = dt.year + years;
  const month = dt.month + months;
  const day = Math.min(dt.day, daysInMonth(year, month)) + days;
  const local = localTime(year, month, day, dt.hour, dt.minute, dt.second, dt.millisecond);
  return at(fixOffset(local, dt.offset, dt.zone) + millis, dt);
}

/** `dt.minus(duration)`, the same way. */
export function minus(dt: DateTime, duration: DurationLikeObject): DateTime {
  const negated: Record<string, number> = {};
  for (const key in duration) {
    const value = duration[key as keyof DurationLikeObject];
    if (value !== undefined) negated[key] = -value;
  }
  return plus(dt, negated as DurationLikeObject);
}

/** `dt.startOf(unit)` (ISO weeks, starting on Monday). */
export function startOf(dt: DateTime, unit: DateTimeUnit): DateTime {
  if (!dt.isValid) return dt;
  const { year, month, day } = dt;
  let local: number;
  switch (unit) {
    case 'year':
      local = localTime(year, 1, 1, 0, 0, 0, 0);
      break;
    case 'quarter':
      local = localTime(year, (Math.ceil(month / 3) - 1) * 3 + 1, 1, 0, 0, 0, 0);
      break;
    case 'month':
      local = localTime(year, month, 1, 0, 0, 0, 0);
      break;
    case 'week':
      local = localTime(year, month, day - (dt.weekday - 1), 0, 0, 0, 0);
      break;
    case 'day':
      local = localTime(year, month, day, 0, 0, 0, 0);
      break;
    case 'hour':
      local = localTime(year, month, day, dt.hour, 0, 0, 0);
      break;
    case 'minute':
      local = localTime(year, month, day, dt.hour, dt.minute, 0, 0);
      break;
    case 'second':
      local = localTime(year, month, day, dt.hour, dt.minute, dt.second, 0);
      break;
    default:
      return dt.startOf(unit);
  }
  return at(fixOffset(local, dt.offset, dt.zone), dt);
}

interface Fields {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

/** `dt.set(fields)` for calendar and clock fields (a day past the month's end rolls over, as in luxon). */
export function set(dt: DateTime, fields: Fields): DateTime {
  if (!dt.isValid) return dt;
  for (const key in fields) {
    const value = fields[key as keyof Fields];
    if (value !== undefined && (!(key in FIELD_RANGE) || !Number.isInteger(value))) return dt.set(fields);
  }
  const year = fields.year ?? dt.year;
  const month = fields.month ?? dt.month;
  const day = fields.day ?? Math.min(daysInMonth(year, month), dt.day);
  const local = localTime(
    year,
    month,
    day,
    fields.hour ?? dt.hour,
    fields.minute ?? dt.minute,
    fields.second ?? dt.second,
    fields.millisecond ?? dt.millisecond,
  );
  return at(fixOffset(local, dt.offset, dt.zone), dt);
}

/**
 * `DateTime.fromObject(fields, { zone })` for a year and, optionally, the month, day and time below it (missing
 * ones are the first of their range); an impossible date ("February 30") is an invalid DateTime, as in luxon.
 */
export function dateTime(fields: Fields & { year: number }, zone: Zone | string): DateTime {
  if (typeof zone === 'string' || !zone.isValid) return DateTime.fromObject(fields, { zone });
  const { year, month = 1, day = 1, hour = 0, minute = 0, second = 0, millisecond = 0 } = fields;
  for (const key in fields) {
    const value = fields[key as keyof Fields];
    if (value === undefined) continue;
    const range = FIELD_RANGE[key];
    if (!range || !Number.isInteger(value) || value < range[0] || value > range[1]) {
      return DateTime.fromObject(fields, { zone });
    }
  }
  if (day > daysInMonth(year, month)) return DateTime.fromObject(fields, { zone });
  // Luxon's first guess at the offset is the zone's offset now; the guess decides which of a repeated hour.
  const ts = fixOffset(
    localTime(year, month, day, hour, minute, second, millisecond),
    zone.offset(Settings.now()),
    zone,
  );
  return DateTime.fromMillis(ts, { zone });
}

const FIELD_RANGE: Record<string, [number, number]> = {
  year: [-270_000, 270_000],
  month: [1, 12],
  day: [1, 31],
  hour: [0, 23],
  minute: [0, 59],
  second: [0, 59],
  millisecond: [0, 999],
};

/**
 * The DateTime at `ts` in `like`'s zone and locale; `like` itself when nothing moved. Luxon's own methods build
 * the result the same way (its constructor with the instant, zone and locale); `DateTime.fromMillis` would also
 * build and parse a new Locale for every date. The test beside this file holds the results to luxon's.
 */
function at(ts: number, like: DateTime): DateTime {
  if (ts === like.toMillis()) return like;
  const loc = (like as unknown as { loc?: object }).loc;
  if (!loc || !Number.isFinite(ts) || Math.abs(ts) > MAX_DATE) return DateTime.fromMillis(ts, { zone: like.zone });
  return new (DateTime as unknown as DateTimeConstructor)({ ts, zone: like.zone, loc });
}
type DateTimeConstructor = new (config: { ts: number; zone: Zone; loc: object }) => DateTime;
const MAX_DATE = 8.64e15;

/** Wall-clock fields as a number of milliseconds, as if the zone were UTC (luxon's objToLocalTS). */
function localTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millisecond: number,
): number {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  if (year >= 100 || year < 0) return ms;
  // Date.UTC reads years 0–99 as 1900–1999.
  const date = new Date(ms);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

/** The instant a wall-clock time names in `zone`, starting from the guess that the offset is `offset` (luxon's fixOffset). */
function fixOffset(local: number, offset: number, zone: Zone): number {
  let guess = local - offset * 60_000;
  const o2 = zone.offset(guess);
  if (offset === o2) return guess;
  guess -= (o2 - offset) * 60_000;
  const o3 = zone.offset(guess);
  if (o2 === o3) return guess;
  return local - Math.min(o2, o3) * 60_000;
}

function daysInMonth(year: number, month: number): number {
  const m = month - 1 - 12 * Math.floor((month - 1) / 12) + 1;
  const y = year + (month - m) / 12;
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}
