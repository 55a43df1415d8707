import type { SummaryPoint, ThreadSummary } from '@steward/shared';
import { readAsks, sentencesOf } from '../drafting/asks.ts';
import type { IndexedMessage } from '../storage/mail-index.ts';

const DECISION =
  /\b(?:we(?:'ve| have)? (?:decided|agreed|settled on|chose|chosen)|(?:it(?:'s| is)|that(?:'s| is)) (?:decided|agreed|confirmed|final)|let's go with|we(?:'ll| will) go with|go ahead with|(?:is|are) (?:approved|confirmed)|i (?:approve|confirm)|approved\b|confirmed\b|final decision|decision is)\b/i;
const STILL_OPEN =
  /\b(?:still (?:unclear|open|undecided|to be decided)|to be (?:decided|determined|confirmed)|tbd|not (?:yet )?(?:decided|confirmed|clear)|open question|we (?:don't|do not) know yet)\b/i;

const who = (m: IndexedMessage) => m.senderName || m.sender || 'Unknown sender';
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The local thread summary: extractive, every point a sentence of one message. Who wants what (the asks
 * of each message), decisions (stated ones), and open questions (questions no later message from someone
 * else followed, and things said to be undecided).
 */
export function summariseThreadLocally(threadId: string, messages: readonly IndexedMessage[]): ThreadSummary {
  const requests: SummaryPoint[] = [];
  const decisions: SummaryPoint[] = [];
  const open: SummaryPoint[] = [];
  const seen = new Set<string>();
  const add = (list: SummaryPoint[], point: SummaryPoint) => {
    const key = point.quote.toLowerCase();
    if (seen.has(key) || list.length >= 10) return;
    seen.add(key);
    list.push(point);
  };
  messages.forEach((m, i) => {
    const body = m.body.slice(0, 20_000);
    const answeredLater = messages.slice(i + 1).some((later) => later.sender !== m.sender);
    for (const ask of readAsks(body)) {
      const point = { who: who(m), messageId: m.messageId, quote: ask.sentence };
      if (ask.kind === 'request') add(requests, { ...point, text: `${who(m)} asks to ${ask.action}` });
      else if (ask.kind === 'info') add(requests, { ...point, text: `${who(m)} wants ${ask.thing}` });
      else if (!answeredLater) add(open, { ...point, text: capital(ask.clause ?? ask.sentence) });
    }
    for (const sentence of sentencesOf(body)) {
      if (sentence.length > 400) continue;
      const point = { who: who(m), messageId: m.messageId, quote: sentence, text: sentence };
      if (DECISION.test(sentence) && !/\?\s*$/.test(sentence)) add(decisions, point);
      else if (STILL_OPEN.test(sentence)) add(open, point);
    }
  });
  const participants = [...new Set(messages.map(who))];
  return {
    threadId,
    subject: messages[0]?.subject ?? '',
    messages: messages.length,
    participants,
    requests,
    decisions,
    openQuestions: open,
    engine: 'local',
  };
}
