import type { DateTime } from 'luxon';
import type { Grain, Span } from './types.ts';

/**
 * Spans are class instances, not object literals (see pending.ts): a parse keeps its spans to the end, so after
 * one long parse V8 would allocate every span from a literal in the old generation, and the young DateTimes
 * they point to would then survive every scavenge until a full GC.
 */
class TimeSpan implements Span {
  constructor(
    readonly start: DateTime,
    readonly end: DateTime,
    readonly grain: Grain,
  ) {}
}

export function timeSpan(start: DateTime, end: DateTime, grain: Grain): Span {
  return new TimeSpan(start, end, grain);
}
