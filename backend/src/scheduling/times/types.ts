import type { DateTime, Zone } from 'luxon';

export type Grain = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/**
 * Which way from the reference time an expression without its own direction word was read (see
 * docs/scheduling.md): past (on or before the reference), future (after it), present (on or after it; the
 * nearest for dates), forward (no verb to go by: the next one, as an assistant query means).
 */
export type Direction = 'past' | 'future' | 'present' | 'forward';

/** One time expression found in text: a span of time, `end` exclusive, ISO 8601 with offset. */
export interface TimeExpression {
  text: string;
  start: string;
  end: string;
  grain: Grain;
  /** Character offset of `text` in the input. */
  index: number;
  /** IANA (or fixed-offset) zone named in the text for this expression, e.g. "America/New_York" for "ET". */
  zone?: string;
  /** Debugging: the rule that found the expression ("weekday", "clock", "chrono"…). */
  rule?: string;
  /**
   * Which way the sentence around the expression points, and the word or rule that decided ("said", "will",
   * "ask to meet"). It chose the value of expressions without their own direction ("Friday", "June 19").
   */
  direction?: Direction;
  cue?: string;
}

export interface ParseTimeOptions {
  /** The instant expressions are resolved against (a message's Date header, or now). */
  ref: Date | string;
  /** IANA zone of the writer. Default: the offset of `ref` when it is an ISO string with one, else UTC. */
  tz?: string;
}

export interface Span {
  start: DateTime;
  end: DateTime;
  grain: Grain;
}

/** A time of day that still needs a date: "3pm", "afternoon", "EOD", "first thing". */
export interface TimeOfDay {
  /** Minutes after midnight. */
  from: number;
  /** Exclusive end in minutes after midnight (1440 = midnight after); absent for a point in time. */
  to?: number;
  grain: 'hour' | 'minute';
  /** Written without am/pm ("at 3", "3:30"): may still move by 12 hours to fit a part of the day. */
  ambiguous?: boolean;
}

export interface Candidate {
  index: number;
  /** Exclusive character offset. */
  stop: number;
  /** A resolved span, or only a time of day waiting for a neighbouring date. */
  span?: Span;
  /** The calendar day a day-grain expression names, so a time of day can be attached to it. */
  day?: DateTime;
  timeOfDay?: TimeOfDay;
  /** ISO weekday (1 = Monday) when the expression names one, so "Wed next week" can move it. */
  weekday?: number;
  /** Start of the week a "next week"-style expression names. */
  week?: DateTime;
  /** Start of the week a weekday was written with ("Tue next week"), so the weekdays listed before it follow. */
  boundWeek?: DateTime;
  /** "by Friday": a deadline, i.e. the span from the reference time up to the end of the named time. */
  deadline?: boolean;
  zone?: string;
  /** A named holiday; `pinned` when the text fixes its year ("Easter 2014", "last Easter"). */
  holiday?: { holiday: import('../holidays.ts').Holiday; pinned: boolean };
  /** What a calendar date spelled out, so a weekday written beside it can pick the year or month. */
  dateParts?: { dom: number; month?: number; yearKnown: boolean };
  fromRule: boolean;
  /** A part of the day on its own ("morning", "lunch"): dropped unless something joins it. */
  bare?: boolean;
  /** The rule (or "chrono") that found it, and how the sentence was read when that mattered. */
  rule?: string;
  reading?: Reading;
}

export interface Reading {
  direction: Direction;
  /** The word or rule that decided, e.g. "said", "will", "ask to meet", "no verb". */
  cue: string;
  /** Words between the cue and the expression: a cue far away says less about a date than one beside it. */
  distance?: number;
}

export interface Context {
  ref: DateTime;
  /** The writer's zone, with offsets cached (luxon asks Intl on every DateTime otherwise). */
  zone: Zone;
  /** Midnight at the start of the reference day, in the writer's zone. */
  today: DateTime;
  /** How the sentence around [index, stop) points: towards the past, the future, or neither. */
  read(index: number, stop: number): Reading;
}

export type Resolved = Omit<Candidate, 'index' | 'stop' | 'fromRule'>;

/**
 * A reading found but not yet worked out: where it is, and how to resolve it. Resolving costs calendar
 * arithmetic, so it is done only for the readings that win (and for those an anchor phrase needs).
 */
export interface Pending {
  index: number;
  stop: number;
  fromRule: boolean;
  /** The candidate, or null when the rule turns the words down; computed once. */
  resolve(): Candidate | null;
}

export interface Rule {
  /** Shown in the debug output, e.g. "weekday". */
  name: string;
  pattern: RegExp;
  resolve(m: RegExpExecArray, ctx: Context): Resolved | null;
}
