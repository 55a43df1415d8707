import type { ActionItem, Decision, OpenQuestion } from '@steward/shared';
import { DateTime } from 'luxon';
import { parseTimeExpressions, type TimeExpression } from '../scheduling/times.ts';
import { contentTerms, type Sentence, tidySentence, words } from './text.ts';
import { type Turn, UNKNOWN_SPEAKER } from './transcript.ts';

export interface ItemContext {
  turns: readonly Turn[];
  sentences: readonly Sentence[];
  /** Due dates resolve against this instant; without it, `due` stays null and only `dueText` is kept. */
  meetingDate?: Date;
  tz?: string;
  /** Everyone who could own an item: speakers plus attendees (names or "Name <address>"). */
  people: readonly string[];
}

export const UNASSIGNED = 'Unassigned';

// ---------------------------------------------------------------------------------------------- decisions

const DECISION_CUE =
  /\b(?:we(?:'ve| have)? (?:all |just )?agreed|(?:we|i)(?:'ve| have)? (?:just |now )?decided|(?:it's|it is|that's|that is) (?:decided|settled|agreed)|decision (?:is|was) (?:to|that)|(?:final|the) decision\b|let's go (?:with|ahead)|we(?:'ll| will) go (?:with|ahead)|(?:we're|we are) going (?:to go )?with|agreed (?:to|that|on)|settled on|(?:let's|we'll|we will) stick with|we(?:'re| are) all agreed|consensus is)\b/i;
const DECISION_DOUBT =
  /\b(?:not|n't|never|no one|if|whether|unless|haven't|hasn't|yet to|before we|once we|until we|should we|did we|have we|do we)\b[^.]{0,30}\b(?:agree|agreed|decide|decided|decision|go with|settle)/i;
const PROPOSAL =
  /^(?:(?:so|ok(?:ay)?|then|right|well)[, ]+)*(?:let's|let us|how about|why don't we|i propose|i suggest|shall we|we could just)\b/i;
const STRONG_AGREEMENT =
  /^(?:(?:yeah|yes|ok(?:ay)?)[, ]+)?(?:agreed|sounds good|sounds great|sounds like a plan|works for me|that works|deal|good idea|great idea|perfect|let's do (?:it|that)|fine by me|makes sense|yes,? let's|definitely|absolutely|i agree|we agree)\b/i;

/** "We agreed…", "let's go with…", "decided…", and a proposal that the next speaker clearly accepts. */
export function extractDecisions(ctx: ItemContext): Decision[] {
  const decisions: Decision[] = [];
  const seen = new Set<string>();
  const add = (text: string, sourceTurns: number[]) => {
    const key = contentTerms(text).join(' ');
    if (!key || seen.has(key)) return;
    seen.add(key);
    decisions.push({ text: tidySentence(text), sourceTurns });
  };
  for (const sentence of ctx.sentences) {
    const text = sentence.text;
    if (/\?\s*$/.test(text) || words(text).length < 4) continue;
    if (DECISION_CUE.test(text) && !DECISION_DOUBT.test(text)) {
      add(text, [sentence.turn]);
      continue;
    }
    if (PROPOSAL.test(text) && sentence.lastInTurn) {
      const reply = ctx.turns[sentence.turn + 1];
      if (reply && reply.speaker !== sentence.speaker && STRONG_AGREEMENT.test(reply.text)) {
        add(text.replace(/\?\s*$/, '.'), [sentence.turn, sentence.turn + 1]);
      }
    }
  }
  return decisions;
}

// ---------------------------------------------------------------------------------------------- action items

const SELF_COMMITMENT =
  /\b(?:i(?:'ll| will| shall)|i'm going to|i am going to|i'm gonna|i can take care of|i need to|i have to|i've got to|i'll make sure (?:to|that i)|let me)\s+(?:also\s+|then\s+|just\s+|quickly\s+|definitely\s+|go ahead and\s+|try (?:and|to)\s+)*(?<task>[a-z][^.?!;]*)/i;
const REQUEST = /\b(?:can|could|would|will) you(?: please)?\s+(?:also\s+|just\s+|quickly\s+)*(?<task>[a-z][^?.!;]*)/i;
// "Sarah will…", "Sarah's going to…", "Sarah to send…" (minutes shorthand) — not "talk to Sarah to…".
const NAMED_ASSIGNMENT =
  /(?<!\b(?:to|with|from|for|by|ask|asked|tell|told|let|have|get|and|thank|thanks)\s)\b(?<name>[A-Z][\p{L}'’-]+(?: [A-Z][\p{L}'’-]+)?)(?:'s going to|'s gonna| will| is going to| is gonna|'ll| to| can| should| needs to| has to)\s+(?:also\s+|then\s+)?(?<task>[a-z][^.?!;]*)/u;
const ASK_SOMEONE = /\b(?:ask|get|have)\s+(?<name>[A-Z][\p{L}'’-]+)\s+to\s+(?<task>[a-z][^.?!;]*)/u;
const ACTION_LABEL =
  /^\s*(?:action(?: item)?|todo|to-do|next step)s?\s*(?:for\s+(?<name>[A-Z][\p{L}'’-]+))?\s*[:-]\s*(?<task>.+)$/iu;
const AFFIRMATIVE =
  /^(?:sure|yes|yeah|yep|ok(?:ay)?|will do|i can|i will|i'll|absolutely|no problem|on it|of course|definitely|certainly|happy to|can do)\b/i;

/** What follows "I'll" that is conversation, not a task: "I'll be honest", "let me show you", "I have to say". */
const NOT_A_TASK =
  /^(?:(?:i|we|he|she|they|it|oh|yeah|ok|okay|well|um|so|not|never|no longer|probably|actually)\b|be\b|say|tell you|admit|think|guess|bet|assume|start\b|go first|go ahead\b(?! and)|just say|mention|see\b(?! if| whether| what)|show you|share my screen|share (?:the|my) screen|stop sharing|pass|hand (?:it )?over|repeat|explain|answer|jump|put it|give you an example|read|note that|point out|add\b(?! it to| that to| them to)|ask\b(?! \w+ to| about| for)|leave it|check if you|hear|come back to that|turn|mute|unmute|wrap up|talk about|keep (?:it|this) short|clarify|do that now|interrupt|agree|disagree|argue|quickly|move on|skip|get started|kick off|take a look at my|let you|you\b|be honest|try\b|have a)/i;
const NOT_A_REQUEST =
  /^(?:hear|see (?:my|the|it|this|that)|repeat|say that|explain|clarify|go back|speak up|mute|unmute|share your screen|tell me|remind me|give me a sec|wait|hold on|imagine|believe|think|elaborate|walk (?:me|us) through)/i;

export function extractActionItems(ctx: ItemContext): ActionItem[] {
  const items: ActionItem[] = [];
  const seen = new Set<string>();
  // "Sure, I'll have it done by Friday" accepts a request already recorded; it is not a second task.
  const acceptanceTurns = new Set<number>();
  for (const sentence of ctx.sentences) {
    const found = findAction(sentence, ctx);
    if (!found) continue;
    const task = cleanTask(found.task);
    if (words(task).length < 2 || contentTerms(task).length === 0) continue;
    if (acceptanceTurns.has(sentence.turn) && /^(?:\S+\s+){0,2}(?:it|that|this|them)\b/i.test(task)) continue;
    for (const turn of found.sourceTurns) if (turn !== sentence.turn) acceptanceTurns.add(turn);
    const key = `${found.owner}|${contentTerms(task).join(' ')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const [said, ...replies] = found.dueSearch;
    const due = findDue([dueScope(said ?? '', found.task), ...replies], ctx);
    const sourceTurns = [...new Set(found.sourceTurns)];
    items.push({
      owner: found.owner,
      task: capitalise(removeDuePhrase(task, due?.text)),
      due: due?.due ?? null,
      ...(due ? { dueText: due.text } : {}),
      sourceTurns,
    });
  }
  return items;
}

interface FoundAction {
  owner: string;
  task: string;
  sourceTurns: number[];
  /** Text searched for a due date: the sentence, and the owner's reply when one accepted the task. */
  dueSearch: string[];
}

function findAction(sentence: Sentence, ctx: ItemContext): FoundAction | null {
  const text = sentence.text;
  const isQuestion = /\?\s*$/.test(text);

  const label = ACTION_LABEL.exec(text);
  if (label?.groups?.task) {
    const named = label.groups.name ? resolvePerson(label.groups.name, ctx.people) : null;
    const inner = NAMED_ASSIGNMENT.exec(label.groups.task);
    const innerOwner = inner?.groups?.name ? resolvePerson(inner.groups.name, ctx.people) : null;
    return {
      owner: named ?? innerOwner ?? UNASSIGNED,
      task: innerOwner && inner?.groups?.task ? inner.groups.task : label.groups.task,
      sourceTurns: [sentence.turn],
      dueSearch: [text],
    };
  }

  const request = REQUEST.exec(text);
  if (request?.groups?.task && (isQuestion || /\bplease\b/i.test(text)) && !NOT_A_REQUEST.test(request.groups.task)) {
    const vocative = addressee(text, request.index, ctx.people);
    const reply = nextTurnByOther(sentence, ctx);
    const accepted = reply && AFFIRMATIVE.test(reply.turn.text) ? reply : null;
    const owner = vocative ?? (accepted && accepted.turn.speaker !== UNKNOWN_SPEAKER ? accepted.turn.speaker : null);
    if (owner) {
      return {
        owner,
        task: request.groups.task.replace(/,\s*[A-Z][\p{L}'’-]+\s*$/u, ''),
        sourceTurns: accepted ? [sentence.turn, accepted.index] : [sentence.turn],
        dueSearch: accepted ? [text, accepted.turn.text] : [text],
      };
    }
  }
  if (isQuestion) return null;

  const ask = ASK_SOMEONE.exec(text);
  const asked = ask?.groups?.name ? resolvePerson(ask.groups.name, ctx.people) : null;
  if (asked && ask?.groups?.task) {
    return { owner: asked, task: ask.groups.task, sourceTurns: [sentence.turn], dueSearch: [text] };
  }

  const assignment = NAMED_ASSIGNMENT.exec(text);
  const assignee = assignment?.groups?.name ? resolvePerson(assignment.groups.name, ctx.people) : null;
  const commitment = SELF_COMMITMENT.exec(text);
  // Whichever comes first is the sentence's main clause: "I'll send it to Sarah to review" is mine.
  const commitmentFirst = commitment && (!assignment || commitment.index < assignment.index);
  if (!commitmentFirst && assignee && assignment?.groups?.task && !NOT_A_TASK.test(assignment.groups.task)) {
    return { owner: assignee, task: assignment.groups.task, sourceTurns: [sentence.turn], dueSearch: [text] };
  }

  if (commitment?.groups?.task && sentence.speaker !== UNKNOWN_SPEAKER) {
    const task = commitment.groups.task;
    const viaLetMe = /^let me/i.test(commitment[0]);
    if (NOT_A_TASK.test(task)) return null;
    // "Let me…" is mostly narration ("let me think"); only follow-up verbs make it a commitment.
    if (
      viaLetMe &&
      !/^(?:check|look into|find out|follow up|get back|send|confirm|dig|investigate|review|email|talk to|reach out|circle back|ask \w+|set up|schedule|book|write|draft)/i.test(
        task,
      )
    ) {
      return null;
    }
    return { owner: sentence.speaker, task, sourceTurns: [sentence.turn], dueSearch: [text] };
  }
  return null;
}

/** "Sarah, can you…" / "…can you send it, Sarah?" → Sarah, when Sarah is someone in the meeting. */
function addressee(text: string, requestIndex: number, people: readonly string[]): string | null {
  const before = text.slice(0, requestIndex);
  const leading = /([A-Z][\p{L}'’-]+)(?: [A-Z][\p{L}'’-]+)?\s*,\s*(?:(?:so|and|um)\s+)?$/u.exec(before);
  const trailing = /,\s*([A-Z][\p{L}'’-]+)\s*[?.!]?\s*$/u.exec(text);
  for (const name of [leading?.[1], trailing?.[1]]) {
    if (!name) continue;
    const person = resolvePerson(name, people);
    if (person) return person;
  }
  return null;
}

function nextTurnByOther(sentence: Sentence, ctx: ItemContext): { turn: Turn; index: number } | null {
  if (!sentence.lastInTurn) return null;
  const turn = ctx.turns[sentence.turn + 1];
  return turn && turn.speaker !== sentence.speaker ? { turn, index: sentence.turn + 1 } : null;
}

/** Matches a spoken first name or full name against the people in the meeting; returns their full name. */
export function resolvePerson(name: string, people: readonly string[]): string | null {
  const wanted = name.toLowerCase();
  const matches = people.filter((person) => {
    const lower = person.toLowerCase();
    return lower === wanted || lower.split(/\s+/)[0] === wanted;
  });
  const unique = [...new Set(matches)];
  if (unique.length === 1) return unique[0] ?? null;
  return unique.find((person) => person.toLowerCase() === wanted) ?? null;
}

/** Where a spoken task phrase stops being the task: "send it, but…", "check because…". */
const TASK_END =
  /,?\s+(?:but|because|cuz|since|although|though|so that|which|whereas|unless|and then|and I|and we|and you|or something)\b|,\s+(?:so|and)\s/i;
const MAX_TASK_WORDS = 22;

/** The part of a sentence a due date may come from: up to the end of the task's clause, not a later aside. */
function dueScope(sentence: string, task: string): string {
  const at = sentence.indexOf(task);
  if (at < 0) return sentence;
  const end = TASK_END.exec(task);
  return sentence.slice(0, at + (end ? end.index : task.length));
}

function cleanTask(task: string): string {
  const end = TASK_END.exec(task);
  const clause = end ? task.slice(0, end.index) : task;
  // A rambling clause is narration, not a task someone could tick off.
  if (words(clause).length > MAX_TASK_WORDS) return '';
  return clause
    .replace(/\s*,?\s*\b(?:okay|ok|right|alright|please|if you can|if you could|for me|as well|too)\s*$/i, '')
    .replace(/\s*,?\s*\b(?:okay|ok|right|please)\s*$/i, '')
    .replace(/[\s,;:-]+$/, '')
    .trim();
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const DUE_PREPOSITION = /\b(?:by|before|until|till|no later than|due|on|for)\s+$/i;

function findDue(texts: readonly string[], ctx: ItemContext): { due: string | null; text: string } | null {
  // Without a meeting date the phrase is still found (against a fixed reference) but not resolved.
  const ref = ctx.meetingDate ?? new Date(0);
  for (const text of texts) {
    let expressions: TimeExpression[];
    try {
      expressions = parseTimeExpressions(text, { ref, ...(ctx.tz ? { tz: ctx.tz } : {}) });
    } catch {
      continue;
    }
    const expression = expressions.find((e) => isFutureDue(e, ref));
    if (!expression) continue;
    const preposition = DUE_PREPOSITION.exec(text.slice(0, expression.index))?.[0] ?? '';
    const spoken = `${preposition}${expression.text}`.trim();
    return {
      due: ctx.meetingDate
        ? dueFromExpression(expression, preposition !== '' && /by|before|until|till|later|due/i.test(preposition))
        : null,
      text: spoken,
    };
  }
  return null;
}

/** A due date lies ahead: not "now", not "last week"; "today" and "by EOD" count. */
function isFutureDue(expression: TimeExpression, ref: Date): boolean {
  if (/^(?:right )?now$|^currently$|^at the moment$/i.test(expression.text.trim())) return false;
  const end = DateTime.fromISO(expression.end);
  return end.isValid && end.toMillis() > ref.getTime();
}

/**
 * A due date a person can act on: the day for day-sized expressions, the last day for "next week",
 * the deadline itself for "by EOD", and the exact time when a time of day was said.
 */
export function dueFromExpression(expression: TimeExpression, saidBy: boolean): string | null {
  const start = DateTime.fromISO(expression.start, { setZone: true });
  const end = DateTime.fromISO(expression.end, { setZone: true });
  if (!start.isValid || !end.isValid) return null;
  const deadlineSpan = /^(?:by|before|until|till|no later than)\b/i.test(expression.text);
  if (deadlineSpan || (saidBy && ['week', 'month', 'year'].includes(expression.grain))) {
    const last = end.minus({ milliseconds: 1 });
    return end.equals(end.startOf('day')) ? last.toISODate() : end.toISO({ suppressMilliseconds: true });
  }
  if (expression.grain === 'day') return start.toISODate();
  if (expression.grain === 'hour' || expression.grain === 'minute') return start.toISO({ suppressMilliseconds: true });
  return end.minus({ milliseconds: 1 }).toISODate();
}

function removeDuePhrase(task: string, dueText: string | undefined): string {
  if (!dueText) return task;
  const at = task.toLowerCase().lastIndexOf(dueText.toLowerCase());
  if (at < 0) return task;
  const without = `${task.slice(0, at)}${task.slice(at + dueText.length)}`
    .replace(/\s+/g, ' ')
    .replace(/[\s,]+$/, '')
    .trim();
  return words(without).length >= 2 ? without : task;
}

// ---------------------------------------------------------------------------------------------- open questions

const TAG_QUESTION =
  /(?:,\s*|\b)(?:right|okay|ok|yeah|no|isn't it|aren't they|don't you think|you know|correct|yes|huh|eh|true)\?\s*$/i;
const ROUTINE_QUESTION =
  /^(?:can (?:you|everyone|everybody) (?:hear|see)|is (?:that|this|it) (?:ok(?:ay)?|clear|right|correct|good|fine)|does (?:that|this) make sense|what do you (?:think|mean)|how are you|any (?:questions|thoughts|comments)|shall we (?:start|begin)|are we (?:done|good|ready)|who'?s next|ready|anything else)/i;
const DEFERRAL =
  /\b(?:i don't know|i do not know|not sure|no idea|good question|we'll (?:have|need) to (?:check|see|find out|figure)|need to find out|let me (?:check|find out|get back)|i'll (?:check|find out|get back)|tbd|to be determined|unclear|nobody knows|no one knows|don't have an answer|can't say|depends)\b/i;
const OPEN_STATEMENT =
  /\b(?:open question|still (?:need|have) to (?:figure out|decide|work out)|(?:we|i) (?:don't|do not) know yet|to be determined|haven't decided|hasn't been decided|not decided yet|remains? to be seen|still unclear|still open)\b/i;

/** Substantive questions nobody answered (or answered only with "I don't know"), and stated unknowns. */
export function extractOpenQuestions(ctx: ItemContext, actionTurns: ReadonlySet<number>): OpenQuestion[] {
  const open: (OpenQuestion & { deferred: boolean; weight: number })[] = [];
  // The "I don't know yet" that deferred a recorded question is not a second open question.
  const deferringReplies = new Set<number>();
  for (const sentence of ctx.sentences) {
    const text = sentence.text;
    if (actionTurns.has(sentence.turn)) continue;
    const weight = new Set(contentTerms(text)).size;
    if (/\?\s*$/.test(text)) {
      if (weight < 2 || words(text).length < 5 || TAG_QUESTION.test(text) || ROUTINE_QUESTION.test(tidyQuestion(text)))
        continue;
      // A speaker who goes on talking after the question usually answers it or moves on.
      if (!sentence.lastInTurn) continue;
      const reply = ctx.turns[sentence.turn + 1];
      const deferred = Boolean(reply && DEFERRAL.test(reply.text.slice(0, 200)));
      const answered = reply && !deferred && reply.speaker !== sentence.speaker && isSubstantive(reply.text);
      if (answered) continue;
      if (reply) deferringReplies.add(sentence.turn + 1);
      open.push({
        text: tidyQuestion(text),
        askedBy: sentence.speaker,
        sourceTurns: reply ? [sentence.turn, sentence.turn + 1] : [sentence.turn],
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
    .slice(0, 10)
    .sort((a, b) => a.order - b.order)
    .map(({ question: { deferred: _deferred, weight: _weight, ...question } }) => question);
}

function isSubstantive(reply: string): boolean {
  return (
    /^(?:yes|no|yeah|yep|nope|sure|definitely|absolutely|correct|exactly|right)\b/i.test(reply) ||
    contentTerms(reply).length >= 3
  );
}

function tidyQuestion(text: string): string {
  const tidy = tidySentence(text);
  return tidy.endsWith('?') ? tidy : `${tidy.replace(/[.!]$/, '')}?`;
}
