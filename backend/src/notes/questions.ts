/**
 * Open questions: substantive questions the meeting raised and left unanswered (or answered only with
 * "I don't know"), and unknowns stated as such ("one open question: …", "we still have to figure out…").
 */
import type { Decision, OpenQuestion } from '@steward/shared';
import type { ItemContext } from './items.ts';
import { contentTerms, tidySentence, words } from './text.ts';

const TAG_QUESTION =
  /(?:,\s*|\b)(?:right|okay|ok|yeah|no|isn't it|aren't they|don't you think|you know|correct|yes|huh|eh|true)\?\s*$/i;
const ROUTINE_QUESTION =
  /^(?:can (?:you|everyone|everybody) (?:hear|see)|is (?:that|this|it) (?:ok(?:ay)?|clear|right|correct|good|fine)|does (?:that|this) make sense|what do you (?:think|mean)|how are you|any (?:questions|thoughts|comments)|shall we (?:start|begin)|are we (?:done|good|ready)|who'?s next|ready|anything else|(?:do )?you mean|did you (?:say|get|save|hear)|what do i (?:press|do|click)|can i|shall i|should i|where is|what time|is (?:it|this|that) (?:on|working|mine|yours)|are you (?:ready|done|okay|ok))/i;
/** "What about the materials?": the chair moving to the next topic, which the following talk takes up. */
const TOPIC_SHIFT = /^(?:\S+\s+){0,3}?(?:what|how) about (?:\S+\s+){0,4}\S+\?$/i;
/** Unknowns about the meeting itself, not its subject: "I'm not sure how long we've got left". */
const LOGISTICS =
  /\b(?:how (?:long|much time) (?:we|we've|we have|is)|time (?:left|is up)|who(?:'s| is) next|which slide|the (?:projector|microphone|mic|slides?|laptop|screen) (?:is|works))\b/i;
/**
 * A question put without a question mark, as speech transcripts often write it: an auxiliary before its
 * subject at the start ("would you have the screen on the remote, or on the TV."). "Do the slides by Friday",
 * "have the team look at it" are imperatives: "do" and "have" count only before a pronoun.
 */
const INVERTED =
  /^(?:(?:so|and|but|okay|ok|um|uh|well|yeah)[, ]+)*(?:(?:do|does|did|is|are|can|could|would|will|should|shall|has|have)(?:n't)?\s+(?:we|you|it|they|there)|(?:does|is|are|can|could|would|will|should|has)(?:n't)?\s+(?:the|this|that|our|people|users?))\b[^?]*[.!]?$/i;
/** Turns after a question in which an answer would come. */
const ANSWER_WINDOW = 3;
/** The few that matter: deferred ones first, then the most contentful. */
const MAX_OPEN = 6;
const DEFERRAL =
  /\b(?:i don't know|i do not know|i dunno|not sure|no idea|(?:it )?doesn't say|good question|we'll (?:have|need) to (?:check|see|find out|figure)|need to find out|let me (?:check|find out|get back)|i'll (?:check|find out|get back)|tbd|to be determined|unclear|nobody knows|no one knows|don't have an answer|can't say|we'll see|have to see|hard to say|don't know yet|(?:something|a question) (?:we|to) (?:could|can|should|need to|have to|will)? ?(?:decide|think about|look into|discuss)|think about (?:it|that)|let's think about|(?:have|need) to (?:look into|check) (?:it|that)|i'm not certain)\b/i;
const OPEN_STATEMENT =
  /\b(?:i (?:don't|do not) (?:really |quite |exactly )?know (?:if|whether|how|what|why|which)\b|(?:i'm |i am )?not (?:so |really |quite |too )?sure (?:(?:is |it's )?about )?(?:how|if|whether|what|which)\b|(?:a|the|big) question mark|(?:it's |that's |this is )?a question (?:that )?(?:we|to|for)\b|something we (?:could|should|need to|have to|will have to) (?:decide|think about|look into|discuss)|we(?:'ll| will)? (?:have|need) to (?:find out|figure out|work out|decide)\b|open question|still (?:need|have) to (?:figure out|decide|work out)|(?:we|i) (?:don't|do not) know yet|to be determined|haven't decided|hasn't been decided|not decided yet|remains? to be seen|still unclear|still open|we (?:also |still |really )?(?:don't|do not) know (?:yet )?(?:if|whether|how|what|why|which|where|anything)\b|(?:we|i) (?:don't|do not|didn't|did not) (?:have|get|receive) (?:any )?(?:information|info|specification|figures|details) (?:about|on|of|for)\b|(?:it|the (?:email|e-mail|mail|report|document|sheet)) (?:doesn't|does not|didn't|did not) say\b)/i;

/** Substantive questions nobody answered (or answered only with "I don't know"), and stated unknowns. */
/**
 * `actionSentences` ("turn:position") are sentences already recorded as action items ("can you send…?"):
 * a request is not also an open question.
 */
export function extractOpenQuestions(
  ctx: ItemContext,
  actionSentences: ReadonlySet<string>,
  decisions: readonly Decision[] = [],
): OpenQuestion[] {
  const open: (OpenQuestion & { deferred: boolean; weight: number })[] = [];
  const topical = topicalTerms(ctx);
  const isTopical = (text: string) => contentTerms(text).some((term) => topical.has(term));
  const decided = (text: string, turn: number) => {
    const terms = new Set(contentTerms(text));
    return decisions.some((d) => {
      const at = d.sourceTurns?.[0];
      return (
        at !== undefined && at >= turn && at <= turn + DECIDED_WINDOW && contentTerms(d.text).some((t) => terms.has(t))
      );
    });
  };
  // The "I don't know yet" that deferred a recorded question is not a second open question.
  const deferringReplies = new Set<number>();
  for (const sentence of ctx.sentences) {
    const text = sentence.text;
    if (actionSentences.has(`${sentence.turn}:${sentence.position}`)) continue;
    const weight = new Set(contentTerms(text)).size;
    if (/\?\s*$/.test(text) || INVERTED.test(text)) {
      if (
        weight < 2 ||
        words(text).length < 5 ||
        TAG_QUESTION.test(text) ||
        ROUTINE_QUESTION.test(tidyQuestion(text)) ||
        TOPIC_SHIFT.test(tidyQuestion(text))
      )
        continue;
      // A speaker who goes on talking after the question usually answers it or moves on.
      if (!sentence.lastInTurn) continue;
      // An open question is about what the meeting is about ("what happened there?" is not), and a question
      // the meeting goes on to decide is not open.
      if (!isTopical(text) || decided(text, sentence.turn)) continue;
      const reply = ctx.turns[sentence.turn + 1];
      // The next few turns by others: an "I don't know" there leaves it open; an answer there closes it.
      const others = ctx.turns
        .slice(sentence.turn + 1, sentence.turn + 1 + ANSWER_WINDOW)
        .map((turn, i) => ({ turn, index: sentence.turn + 1 + i }))
        .filter(({ turn }) => turn.speaker !== sentence.speaker);
      const deferral = others.slice(0, 2).find(({ turn }) => DEFERRAL.test(openingWords(turn.text)));
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
    } else if (
      OPEN_STATEMENT.test(text) &&
      !deferringReplies.has(sentence.turn) &&
      // One unknown per turn: a speaker circling one doubt states it more than once.
      !open.some((q) => q.sourceTurns?.includes(sentence.turn))
    ) {
      // In a run-on spoken sentence the unknown is the clause that states it: "…, I'm not sure how much it costs, …".
      const clause = clauseWith(text, OPEN_STATEMENT);
      // Weighed without the words that say it is unknown: "I'm not sure if it'd work" is about nothing in particular.
      const clauseWeight = new Set(contentTerms(clause.replace(OPEN_STATEMENT, ' '))).size;
      // "If you want to tape something and you're not sure if…": a case imagined, not the meeting's unknown.
      if (/^(?:(?:and|but|so)\s+)?if\b/i.test(tidySentence(clause))) continue;
      if (clauseWeight < 2 || words(clause).length > MAX_STATEMENT_WORDS || LOGISTICS.test(clause)) continue;
      if (!isTopical(clause) || decided(clause, sentence.turn)) continue;
      open.push({
        text: tidySentence(clause),
        askedBy: sentence.speaker,
        sourceTurns: [sentence.turn],
        deferred: true,
        weight: clauseWeight,
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

/** A stated unknown longer than this is a monologue that happens to contain "not sure". */
const MAX_STATEMENT_WORDS = 25;

/** The comma-delimited clause of `text` where `pattern` matches, with the clause after it when it is short. */
function clauseWith(text: string, pattern: RegExp): string {
  const found = pattern.exec(text);
  if (!found) return text;
  const start = Math.max(text.lastIndexOf(', ', found.index) + 2, 0);
  const from = found.index + found[0].length;
  const comma = text.indexOf(', ', from);
  const end = comma < 0 ? text.length : comma;
  return text.slice(start >= 2 ? start : 0, end).trim();
}

/** Turns after a question within which a decision on it closes it. */
const DECIDED_WINDOW = 15;
/** A term is one of a long meeting's topics when it comes up this often… */
const TOPICAL_COUNT = 4;
/** …and the bar is one mention per this many sentences, so a short meeting's every term is a topic. */
const SENTENCES_PER_MENTION = 50;

/** Content terms said often enough to be what the meeting is about. */
function topicalTerms(ctx: ItemContext): Set<string> {
  const bar = Math.max(1, Math.min(TOPICAL_COUNT, Math.floor(ctx.sentences.length / SENTENCES_PER_MENTION)));
  const counts = new Map<string, number>();
  for (const sentence of ctx.sentences)
    for (const term of contentTerms(sentence.text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return new Set([...counts].filter(([, count]) => count >= bar).map(([term]) => term));
}

/** "I don't know" opens a reply that defers; further in, it is a hedge inside an answer. */
function openingWords(reply: string): string {
  return reply.slice(0, 200).split(/\s+/).slice(0, DEFERRAL_WORDS).join(' ');
}
const DEFERRAL_WORDS = 10;

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
