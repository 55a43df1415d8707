/**
 * Open questions: substantive questions the meeting raised and left unanswered (or answered only with
 * "I don't know"), and unknowns stated as such ("one open question: …", "we still have to figure out…").
 */
import type { OpenQuestion } from '@steward/shared';
import type { ItemContext } from './items.ts';
import { contentTerms, tidySentence, words } from './text.ts';

const TAG_QUESTION =
  /(?:,\s*|\b)(?:right|okay|ok|yeah|no|isn't it|aren't they|don't you think|you know|correct|yes|huh|eh|true)\?\s*$/i;
const ROUTINE_QUESTION =
  /^(?:can (?:you|everyone|everybody) (?:hear|see)|is (?:that|this|it) (?:ok(?:ay)?|clear|right|correct|good|fine)|does (?:that|this) make sense|what do you (?:think|mean)|how are you|any (?:questions|thoughts|comments)|shall we (?:start|begin)|are we (?:done|good|ready)|who'?s next|ready|anything else|(?:do )?you mean|did you (?:say|get|save|hear)|what do i (?:press|do|click)|can i|shall i|should i|where is|what time|is (?:it|this|that) (?:on|working|mine|yours)|are you (?:ready|done|okay|ok))/i;
/** Turns after a question in which an answer would come. */
const ANSWER_WINDOW = 3;
/** The few that matter: deferred ones first, then the most contentful. */
const MAX_OPEN = 6;
const DEFERRAL =
  /\b(?:i don't know|i do not know|not sure|no idea|good question|we'll (?:have|need) to (?:check|see|find out|figure)|need to find out|let me (?:check|find out|get back)|i'll (?:check|find out|get back)|tbd|to be determined|unclear|nobody knows|no one knows|don't have an answer|can't say|depends|we'll see|have to see|hard to say|don't know yet|(?:something|a question) (?:we|to) (?:could|can|should|need to|have to|will)? ?(?:decide|think about|look into|discuss)|think about (?:it|that)|let's think about|(?:have|need) to (?:look into|check) (?:it|that)|i'm not certain)\b/i;
const OPEN_STATEMENT =
  /\b(?:open question|still (?:need|have) to (?:figure out|decide|work out)|(?:we|i) (?:don't|do not) know yet|to be determined|haven't decided|hasn't been decided|not decided yet|remains? to be seen|still unclear|still open)\b/i;

/** Substantive questions nobody answered (or answered only with "I don't know"), and stated unknowns. */
/**
 * `actionSentences` ("turn:position") are sentences already recorded as action items ("can you send…?"):
 * a request is not also an open question.
 */
export function extractOpenQuestions(ctx: ItemContext, actionSentences: ReadonlySet<string>): OpenQuestion[] {
  const open: (OpenQuestion & { deferred: boolean; weight: number })[] = [];
  // The "I don't know yet" that deferred a recorded question is not a second open question.
  const deferringReplies = new Set<number>();
  for (const sentence of ctx.sentences) {
    const text = sentence.text;
    if (actionSentences.has(`${sentence.turn}:${sentence.position}`)) continue;
    const weight = new Set(contentTerms(text)).size;
    if (/\?\s*$/.test(text)) {
      if (weight < 2 || words(text).length < 5 || TAG_QUESTION.test(text) || ROUTINE_QUESTION.test(tidyQuestion(text)))
        continue;
      // A speaker who goes on talking after the question usually answers it or moves on.
      if (!sentence.lastInTurn) continue;
      const reply = ctx.turns[sentence.turn + 1];
      // The next few turns by others: an "I don't know" there leaves it open; an answer there closes it.
      const others = ctx.turns
        .slice(sentence.turn + 1, sentence.turn + 1 + ANSWER_WINDOW)
        .map((turn, i) => ({ turn, index: sentence.turn + 1 + i }))
        .filter(({ turn }) => turn.speaker !== sentence.speaker);
      const deferral = others.slice(0, 2).find(({ turn }) => DEFERRAL.test(turn.text.slice(0, 200)));
      const deferred = Boolean(deferral);
      const answered = !deferred && others.some(({ turn }) => isSubstantive(turn.text));
      if (answered || (!deferred && weight < 3)) continue;
      if (deferral) deferringReplies.add(deferral.index);
      open.push({
        text: tidyQuestion(text),
        askedBy: sentence.speaker,
        sourceTurns: deferral
          ? [sentence.turn, deferral.index]
          : reply
            ? [sentence.turn, sentence.turn + 1]
            : [sentence.turn],
        deferred,
        weight,
      });
    } else if (OPEN_STATEMENT.test(text) && weight >= 2 && !deferringReplies.has(sentence.turn)) {
      open.push({
        text: tidySentence(text),
        askedBy: sentence.speaker,
        sourceTurns: [sentence.turn],
        deferred: true,
        weight,
      });
    }
  }
  // Explicitly deferred questions first, then the most contentful; shown in meeting order.
  return open
    .map((question, order) => ({ question, order }))
    .sort((a, b) => Number(b.question.deferred) - Number(a.question.deferred) || b.question.weight - a.question.weight)
    .slice(0, MAX_OPEN)
    .sort((a, b) => a.order - b.order)
    .map(({ question: { deferred: _deferred, weight: _weight, ...question } }) => question);
}

function isSubstantive(reply: string): boolean {
  return (
    /^(?:yes|no|yeah|yep|nope|sure|definitely|absolutely|correct|exactly|right)\b/i.test(reply) ||
    contentTerms(reply).length >= 3
  );
}

/** "One open question: do we need legal?" → "Do we need legal?" */
const QUESTION_LABEL =
  /^(?:(?:one|another|the|an?|my|last)\s+)?(?:(?:open|remaining|big|last)\s+)?question(?:\s+is)?\s*[:,-]\s*/i;

function tidyQuestion(text: string): string {
  const tidy = tidySentence(tidySentence(text).replace(QUESTION_LABEL, ''));
  return tidy.endsWith('?') ? tidy : `${tidy.replace(/[.!]$/, '')}?`;
}
