import { DateTime } from 'luxon';
import { parseTimeExpressions } from '../scheduling/times.ts';

/** A question made ready for the index: the words to search for, and the time window its time words name. */
export interface ParsedQuestion {
  /** The question with its time words taken out ("what did Dana say last week" → "what did Dana say"). */
  text: string;
  window?: { start: Date; end: Date; text: string };
}

/** Time words that speak about when mail was sent, not about a date the mail mentions ("the meeting on Friday"). */
const SENT_WINDOW = /\b(?:last|past|previous|this|yesterday|today|ago|since|earlier|recent(?:ly)?)\b/i;
const SINCE = /\bsince\b/i;

/**
 * Reads a question's time words with the scheduling parser against now in the user's zone: "last week",
 * "yesterday", "since Monday", "in March" (past) become the window the cited mail was sent in. A date the
 * question asks about ("when is the review on Friday?") is left in the search words.
 */
export function parseQuestion(question: string, now: Date, timeZone = 'UTC'): ParsedQuestion {
  const text = question.replace(/\s+/g, ' ').trim();
  let expressions: ReturnType<typeof parseTimeExpressions> = [];
  try {
    // The time parser reads a bounded prefix: questions are short, long ones are searched as words only.
    expressions = text.length <= 2000 ? parseTimeExpressions(text, { ref: now, tz: timeZone }) : [];
  } catch {
    expressions = [];
  }
  for (const e of expressions) {
    const before = text.slice(Math.max(0, e.index - 8), e.index);
    const phrase = `${before} ${e.text}`;
    const pastReading = e.direction === 'past' && ['day', 'week', 'month', 'year'].includes(e.grain);
    if (!SENT_WINDOW.test(phrase) && !pastReading) continue;
    const start = DateTime.fromISO(e.start, { setZone: true });
    let end = DateTime.fromISO(e.end, { setZone: true });
    if (!start.isValid || !end.isValid) continue;
    const since = SINCE.test(before);
    if (since || end.toMillis() > now.getTime()) end = DateTime.fromJSDate(now);
    if (start.toMillis() > now.getTime()) continue;
    const cut = since ? before.search(SINCE) + Math.max(0, e.index - 8) : e.index;
    const stripped = `${text.slice(0, cut)} ${text.slice(e.index + e.text.length)}`
      .replace(/\b(?:in|on|from|during|over|within)\s*$/i, '')
      .replace(/\s+/g, ' ')
      .trim();
    return {
      text: stripped || text,
      window: { start: start.toJSDate(), end: end.toJSDate(), text: since ? `since ${e.text}` : e.text },
    };
  }
  return { text };
}
