import type { ActionItem } from '@steward/shared';
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
  /** Who runs the meeting (see leadSpeaker), when anyone clearly does. */
  lead?: string | null;
}

export const UNASSIGNED = 'Unassigned';
/** The owner of work handed to the whole group. */
export const EVERYONE = 'Everyone';

const GROUP_TASK =
  /\b(?:you(?: all| guys)?|everyone|everybody|all of you|each of you)(?:'ll| will)? (?:all )?(?:have to|need to|should|must|are going to|'re going to)\s+(?:also\s+|then\s+)?(?<task>[a-z][^.?!;]*)/i;

// ---------------------------------------------------------------------------------------------- action items

const SELF_COMMITMENT =
  /\b(?:i(?:'ll| will| shall)|i'm going to|i am going to|i'm gonna|i can take care of|i can|i could|i need to|i have to|i've got to|i'll make sure (?:to|that i)|let me)\s+(?:also\s+|then\s+|just\s+|quickly\s+|definitely\s+|go ahead and\s+|try (?:and|to)\s+)*(?<task>[a-z][^.?!;]*)/i;
const REQUEST = /\b(?:can|could|would|will) you(?: please)?\s+(?:also\s+|just\s+|quickly\s+)*(?<task>[a-z][^?.!;]*)/i;
// "Sarah will…", "Sarah's going to…", "Sarah to send…" (minutes shorthand) — not "talk to Sarah to…".
const NAMED_ASSIGNMENT =
  /(?<!\b(?:to|with|from|for|by|ask|asked|tell|told|let|have|get|and|thank|thanks)\s)\b(?<name>[A-Z][\p{L}'’-]+(?: [A-Z][\p{L}'’-]+){0,2})(?:'s going to|'s gonna| will| is going to| is gonna|'ll| to| can| should| needs to| has to)\s+(?:also\s+|then\s+)?(?<task>[a-z][^.?!;]*)/u;
const ASK_SOMEONE = /\b(?:ask|get|have)\s+(?<name>[A-Z][\p{L}'’-]+)\s+to\s+(?<task>[a-z][^.?!;]*)/u;
const ACTION_LABEL =
  /^\s*(?:action(?: item)?|todo|to-do|next step)s?\s*(?:for\s+(?<name>[A-Z][\p{L}'’-]+))?\s*[:-]\s*(?<task>.+)$/iu;
const AFFIRMATIVE =
  /^(?:sure|yes|yeah|yep|ok(?:ay)?|will do|i can|i will|i'll|absolutely|no problem|on it|of course|definitely|certainly|happy to|can do|mm-hmm|uh-huh|alright|all right)\b/i;

/** What follows "I'll" that is conversation, not a task: "I'll be honest", "let me show you", "I have to say". */
const NOT_A_TASK =
  /^(?:let (?:\S+ ){0,5}(?:speak|present|start|go|begin|talk|continue|finish|explain|introduce)\b|(?:i|we|he|she|they|it|oh|yeah|ok|okay|well|um|so|not|never|no longer|probably|actually)\b|be\b(?! (?:looking|working|doing|researching|checking|preparing|writing|sending|handling|responsible|taking care|putting|making|finding))|say|tell you|admit|think|guess|bet|assume|start\b|go first|go ahead\b(?! and)|just say|mention|see\b(?! if| whether| what)|show you|share my screen|share (?:the|my) screen|stop sharing|pass|hand (?:it )?over|repeat|explain|answer|jump|put it\b(?! (?:in|on|into|up) )|give you an example|read|note that|point out|add\b(?! it to| that to| them to)|ask\b(?! \w+ to| about| for)|leave it|check if you|hear|come back to|turn|mute|unmute|wrap up|talk about|keep (?:it|this) short|clarify|do that now|interrupt|agree|disagree|argue|quickly|move on|skip|get started|kick off|take a look at my|let you|you\b|be honest|try\b|have a)/i;
const NOT_A_REQUEST =
  /^(?:(?:\w+ly )?like\b|mind\b|prefer\b|pay\b|say\b|hear|see (?:my|the|it|this|that)|repeat|say that|explain|clarify|go back|speak up|mute|unmute|share your screen|tell me|remind me|give me a sec|wait|hold on|imagine|believe|think|elaborate|walk (?:me|us) through)/i;

/** Tasks a request addressed by name may start with: "Priya, please announce…", "Tom — send the results". */
const TASK_VERB =
  '(?:send|announce|update|check|prepare|draft|write|review|book|schedule|call|email|e-mail|share|look into|follow up|find out|ask|contact|set up|organise|organize|create|make|fix|test|coordinate|confirm|circulate|post|publish|order|buy|brief|tell|let|put (?:\\S+ ){0,4}(?:in|on|into) (?:the )?(?:shared |project |common )?(?:folder|drive|document|doc|minutes|agenda|calendar|wiki)|compile|collect|gather|finish|complete|think about|work on|research|investigate|arrange|get|bring|invite|reach out|talk to|sort out|take care of)';
const VOCATIVE_REQUEST = new RegExp(
  `^(?:(?:so|and|okay|ok|then|also|great|right|alright)[,!]?\\s+)*(?<name>[A-Z][\\p{L}'’-]+)\\s*[,:—–-]\\s+(?:(?:please|can you|could you|would you|will you)\\s+)?(?<task>${TASK_VERB}\\b[^.?!;]*)`,
  'u',
);
/** "…, please." with a task verb and a name somewhere: "please send the deck, Tom". */
const PLEASE_TASK = new RegExp(`\\bplease\\s+(?<task>${TASK_VERB}\\b[^.?!;]*)`, 'iu');

/** Share of content terms two tasks have in common (Jaccard). */
function overlap(x: ReadonlySet<string>, y: ReadonlySet<string>): number {
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / Math.max(1, x.size + y.size - shared);
}

/**
 * Action items with owner, task and due date. `usedSentences`, when given, receives the "turn:position" of
 * every sentence an item came from, so open questions can leave them out.
 */
export function extractActionItems(ctx: ItemContext, usedSentences?: Set<string>): ActionItem[] {
  const items: ActionItem[] = [];
  // A reply that accepted a request ("Sure, I'll have it done by Friday") belongs to that item, not a new one.
  const acceptedIn = new Map<number, ActionItem>();
  const termsOf = new Map<ActionItem, Set<string>>();
  for (const sentence of ctx.sentences) {
    const found = findAction(sentence, ctx);
    if (!found) continue;
    let task = cleanTask(found.task);
    if (words(task).length < 2) continue;
    // "I'll just check it", "I'll get back on that": what "it" is was said just before, by them or to them.
    const bare = contentTerms(task).length < 2 && PRONOUN_TASK.test(task);
    if (contentTerms(task).length < 2 && !bare) continue;
    const [said, ...replies] = found.dueSearch;
    const due = findDue([dueScope(said ?? '', found.task), ...replies], ctx);
    const accepted = acceptedIn.get(sentence.turn);
    if (accepted && accepted.owner === found.owner) {
      if (!accepted.due && due?.due) Object.assign(accepted, { due: due.due, dueText: due.text });
      usedSentences?.add(`${sentence.turn}:${sentence.position}`);
      continue;
    }
    const terms = new Set(contentTerms(task));
    const same = items.find(
      (item) => item.owner === found.owner && overlap(termsOf.get(item) ?? new Set(), terms) >= 0.6,
    );
    if (same) {
      same.sourceTurns = [...new Set([...(same.sourceTurns ?? []), ...found.sourceTurns])];
      usedSentences?.add(`${sentence.turn}:${sentence.position}`);
      continue;
    }
    task = withReferent(task, sentence, ctx, bare);
    if (bare && contentTerms(task).length < 3) continue;
    const item: ActionItem = {
      owner: found.owner,
      task: capitalise(removeDuePhrase(task, due?.text)),
      due: due?.due ?? null,
      ...(due ? { dueText: due.text } : {}),
      // A referent taken from the turn before is cited with it.
      sourceTurns: [
        ...new Set(bare && sentence.position === 0 ? [sentence.turn - 1, ...found.sourceTurns] : found.sourceTurns),
      ],
    };
    items.push(item);
    termsOf.set(item, terms);
    usedSentences?.add(`${sentence.turn}:${sentence.position}`);
    for (const turn of found.sourceTurns) if (turn !== sentence.turn) acceptedIn.set(turn, item);
  }
  return items;
}

/**
 * "Announce that to customers" right after "we launch on Tuesday March 17": the task says what "that" is.
 * Only the sentence just before, in the same turn, is read.
 */
function withReferent(task: string, sentence: Sentence, ctx: ItemContext, orTurnBefore = false): string {
  if (!/^\S+\s+(?:that|this|it)\b/i.test(task) && !PRONOUN_TASK.test(task)) return task;
  if (sentence.position === 0 && !orTurnBefore) return task;
  // A task that is only "check it" may take its referent from the turn before, when it opens its own turn.
  const previous =
    sentence.position > 0
      ? ctx.sentences.find((s) => s.turn === sentence.turn && s.position === sentence.position - 1)
      : ctx.sentences.findLast(
          (s) => s.turn === sentence.turn - 1 && !/\?\s*$/.test(s.text) && contentTerms(s.text).length >= 2,
        );
  if (!previous || /\?\s*$/.test(previous.text) || words(previous.text).length > 20) return task;
  const context = tidySentence(previous.text)
    .replace(/^(?:then|so),?\s+/i, '')
    .replace(/[.!]$/, '');
  return `${task}: ${context.charAt(0).toLowerCase()}${context.slice(1)}`;
}

/** A task whose object is only a pronoun: "check it", "take a look at it", "get back on that". */
const PRONOUN_TASK = /^(?:\S+\s+){0,4}(?:it|that|this|them)$/i;

interface FoundAction {
  owner: string;
  task: string;
  sourceTurns: number[];
  /** Text searched for a due date: the sentence, and the owner's reply when one accepted the task. */
  dueSearch: string[];
}

const ASKED_WITHOUT_MARK = /^(?:(?:so|and|but|okay|ok|um|uh|well)[, ]+)*(?:can|could|would|will) you\b/i;
/** ", is that okay?" at the end of a statement asks for a nod, not an answer. */
const TAG = /,\s*(?:is that (?:ok(?:ay)?|alright|all right|fine)|ok(?:ay)?|right|alright|all right|yeah|yes|no)\?\s*$/i;

function findAction(sentence: Sentence, ctx: ItemContext): FoundAction | null {
  const text = sentence.text.replace(TAG, '.');
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

  const vocative = VOCATIVE_REQUEST.exec(text);
  const named = vocative?.groups?.name ? resolvePerson(vocative.groups.name, ctx.people) : null;
  if (named && vocative?.groups?.task && named !== sentence.speaker) {
    const reply = nextTurnByOther(sentence, ctx);
    const accepted = reply && reply.turn.speaker === named && AFFIRMATIVE.test(reply.turn.text) ? reply : null;
    return {
      owner: named,
      task: vocative.groups.task,
      sourceTurns: accepted ? [sentence.turn, accepted.index] : [sentence.turn],
      dueSearch: accepted ? [text, accepted.turn.text] : [text],
    };
  }
  const please = !isQuestion ? PLEASE_TASK.exec(text) : null;
  const pleaseOwner = please ? addressee(text, please.index, ctx.people) : null;
  if (please?.groups?.task && pleaseOwner && pleaseOwner !== sentence.speaker) {
    return {
      owner: pleaseOwner,
      task: please.groups.task.replace(/,\s*[A-Z][\p{L}'’-]+\s*$/u, ''),
      sourceTurns: [sentence.turn],
      dueSearch: [text],
    };
  }

  const request = REQUEST.exec(text);
  // "If you already had one, would you replace it?" asks what someone would do, not for work.
  const hypothetical = request ? /\b(?:if|suppose|imagine|say)\b/i.test(text.slice(0, request.index)) : false;
  if (
    request?.groups?.task &&
    !hypothetical &&
    // "Could you send the deck by Friday." is a request though the transcript wrote no question mark.
    (isQuestion || /\bplease\b/i.test(text) || ASKED_WITHOUT_MARK.test(text)) &&
    !NOT_A_REQUEST.test(request.groups.task)
  ) {
    const vocative = addressee(text, request.index, ctx.people);
    const reply = nextTurnByOther(sentence, ctx);
    const accepted = reply && AFFIRMATIVE.test(reply.turn.text) ? reply : null;
    // "Can you look into the company logo?" asks whoever answers it next, unless they turn it down.
    // The asker may go on to explain the request before anyone answers.
    const next = ctx.turns[sentence.turn + 1];
    const answering =
      !accepted &&
      next &&
      next.speaker !== sentence.speaker &&
      next.speaker !== UNKNOWN_SPEAKER &&
      ASSIGNED_WORK.test(request.groups.task) &&
      !REFUSAL.test(next.text)
        ? { turn: next, index: sentence.turn + 1 }
        : null;
    const taker = accepted ?? answering;
    const owner = vocative ?? (taker && taker.turn.speaker !== UNKNOWN_SPEAKER ? taker.turn.speaker : null);
    if (owner) {
      return {
        owner,
        task: request.groups.task.replace(/,\s*[A-Z][\p{L}'’-]+\s*$/u, ''),
        sourceTurns: taker ? [sentence.turn, taker.index] : [sentence.turn],
        dueSearch: taker ? [text, taker.turn.text] : [text],
      };
    }
  }
  // "Can someone work out how many we have to sell?": asked of the room, taken by nobody yet.
  // Whoever promises it next ("I'll do it") owns it; a plain answer ("Yes, it is free, I looked") settled it.
  const anyone = ANYONE_REQUEST.exec(text);
  if (anyone?.groups?.task && WORK_VERB.test(anyone.groups.task)) {
    const reply = nextTurnByOther(sentence, ctx);
    const promise = reply && /\bi(?:'ll| will| can|'m on it| am on it)\b|\bwill do\b|\bon it\b/i.test(reply.turn.text);
    if (promise && reply.turn.speaker !== UNKNOWN_SPEAKER) {
      return {
        owner: reply.turn.speaker,
        task: anyone.groups.task,
        sourceTurns: [sentence.turn, reply.index],
        dueSearch: [text, reply.turn.text],
      };
    }
    if (!reply || !/^(?:yes|yeah|yep|no|nope)\b/i.test(reply.turn.text)) {
      return { owner: UNASSIGNED, task: anyone.groups.task, sourceTurns: [sentence.turn], dueSearch: [text] };
    }
  }

  if (isQuestion) return null;

  // The close of a meeting hands each person their part: "So you will have to work on the look and feel",
  // "and the User Interface Designer to work on the concept", said by whoever runs it after they start closing.
  const handout =
    sentence.speaker === ctx.lead && sentence.turn >= wrapUpStart(ctx) ? handOut(text, sentence, ctx) : null;
  if (handout) return handout;

  // "You'll all have to work on the design": the wrap-up of a meeting hands out work to everyone.
  const group = GROUP_TASK.exec(text);
  if (
    group?.groups?.task &&
    WORK_VERB.test(group.groups.task) &&
    (sentence.turn >= ctx.turns.length * 0.75 || mentionsLater(text))
  ) {
    // A bare "you" that one person answers ("I will", "okay") was said to that person.
    const one =
      !GROUP_YOU.test(text) && sentence.lastInTurn && ctx.turns[sentence.turn + 1]
        ? addresseeAround(sentence, ctx)
        : null;
    if (one && one.turns.length > 0) {
      return {
        owner: one.owner,
        task: group.groups.task,
        sourceTurns: [sentence.turn, ...one.turns],
        dueSearch: [text],
      };
    }
    return { owner: EVERYONE, task: group.groups.task, sourceTurns: [sentence.turn], dueSearch: [text] };
  }

  // "We're all going to do our individual work": the team's own wrap-up.
  const ours = WE_ALL_TASK.exec(text);
  if (ours?.groups?.task && WORK_VERB.test(ours.groups.task) && sentence.turn >= ctx.turns.length * 0.6) {
    return { owner: EVERYONE, task: ours.groups.task, sourceTurns: [sentence.turn], dueSearch: [text] };
  }

  // "You'll have to look into the components", said to one person: theirs. The one addressed is the person
  // who spoke just before, or the one who answers "okay" / "I will" just after.
  const yours = sentence.speaker === ctx.lead ? YOU_TASK.exec(text) : null;
  // A bare "you will…" hands out only named work ("you will propose us something"), not "you'll have your role".
  const bare = yours?.groups?.task
    ? !/\b(?:have to|need to|should|must|going to)\b/i.test(yours[0].slice(0, -yours.groups.task.length))
    : false;
  if (
    yours?.groups?.task &&
    !GROUP_YOU.test(text) &&
    (ASSIGNED_WORK.test(yours.groups.task) || (!bare && mentionsLater(text)))
  ) {
    const addressed = addresseeAround(sentence, ctx);
    if (addressed) {
      return {
        owner: addressed.owner,
        task: yours.groups.task,
        sourceTurns: [sentence.turn, ...addressed.turns],
        dueSearch: [text],
      };
    }
  }

  const ask = ASK_SOMEONE.exec(text);
  const asked = ask?.groups?.name ? resolvePerson(ask.groups.name, ctx.people) : null;
  if (asked && ask?.groups?.task) {
    return { owner: asked, task: ask.groups.task, sourceTurns: [sentence.turn], dueSearch: [text] };
  }

  const assignment = NAMED_ASSIGNMENT.exec(text);
  const assignee = assignment?.groups?.name ? resolvePerson(assignment.groups.name, ctx.people) : null;
  // The first commitment that names work: "I'll keep it simple; I can email you the details" is the second.
  const commitments = [...text.matchAll(/\bi(?:'ll|'m| will| shall| am| can| could| need| have|'ve)\b|\blet me\b/gi)]
    .map((lead) => {
      const found = SELF_COMMITMENT.exec(text.slice(lead.index));
      return found?.index === 0 ? Object.assign(found, { index: lead.index }) : null;
    })
    .filter((c): c is RegExpExecArray => c !== null);
  const commitment =
    commitments.find((c) => c.groups?.task && !NOT_A_TASK.test(c.groups.task) && WORK_VERB.test(c.groups.task)) ??
    commitments[0];
  // Whichever comes first is the sentence's main clause: "I'll send it to Sarah to review" is mine.
  const commitmentFirst = commitment && (!assignment || commitment.index < assignment.index);
  if (!commitmentFirst && assignee && assignment?.groups?.task && !NOT_A_TASK.test(assignment.groups.task)) {
    return { owner: assignee, task: assignment.groups.task, sourceTurns: [sentence.turn], dueSearch: [text] };
  }

  // "We can find out on the internet how much it costs": one speaker offering follow-up work for their side.
  const offer = !commitment ? WE_CAN_FIND.exec(text) : null;
  if (offer?.groups?.task && sentence.speaker !== UNKNOWN_SPEAKER) {
    return { owner: sentence.speaker, task: offer.groups.task, sourceTurns: [sentence.turn], dueSearch: [text] };
  }
  // "We'll have to find out what it costs": research the group owes, nobody named yet.
  const owed = !commitment ? WE_MUST_FIND.exec(text) : null;
  if (owed?.groups?.task) {
    return { owner: UNASSIGNED, task: owed.groups.task, sourceTurns: [sentence.turn], dueSearch: [text] };
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
    // "I'll go first", "I have to change my drawing": what is done in the meeting is not a task. A commitment
    // names work for afterwards, or a time to have it done by.
    if (!WORK_VERB.test(task) && !mentionsLater(text)) return null;
    return { owner: sentence.speaker, task, sourceTurns: [sentence.turn], dueSearch: [text] };
  }
  return null;
}

/** Whoever runs a meeting starts closing it: the next meeting, the work to do until then, the end. */
const CLOSING =
  /\b(?:next (?:meeting|time|phase)|(?:close|end|finish|wrap up) (?:the|this|our) (?:meeting|session)|wrap (?:it |things )?up|individual work|(?:in|after) (?:the )?(?:thirty|twenty|forty|fifteen|ten|\d+) minutes|homework|before we meet again|see you|lunch break|that's (?:it|all) for (?:today|now)|what you have to do|your (?:next )?(?:task|job|assignment)s?)\b/i;
/** The share of a meeting before which no closing is looked for. */
const CLOSING_FROM = 0.7;
const wrapUps = new WeakMap<readonly Turn[], number>();

/** The first turn of the meeting's close (by whoever runs it), or past the end when there is none. */
function wrapUpStart(ctx: ItemContext): number {
  const known = wrapUps.get(ctx.turns);
  if (known !== undefined) return known;
  const from = Math.floor(ctx.turns.length * CLOSING_FROM);
  let start = ctx.turns.length;
  if (ctx.lead && ctx.turns.length >= 20) {
    for (let i = from; i < ctx.turns.length; i++) {
      const turn = ctx.turns[i];
      if (turn?.speaker === ctx.lead && CLOSING.test(turn.text)) {
        start = i;
        break;
      }
    }
  }
  wrapUps.set(ctx.turns, start);
  return start;
}

/** Second-person work in the close: "you will have to work on…", "you'll look at…", "the Designer to work on…". */
const HAND_OUT =
  /\b(?:(?:(?<name2>[A-Z][a-z]+),\s+)?(?:your (?:task|job|part|work) (?:is|will be)|the next (?:phase|step) (?:for you )?is)(?:\s+to)?|[Yy]ou(?: all| both| guys)?(?:'ll| will| would)?(?: all| both)?(?: (?:have to|need to|should|must|are going to|'re going to|can|could))?|(?<name>[A-Z][\p{L}'’-]+(?: [A-Z][\p{L}'’-]+){0,2})(?: will| to| can| should| has to| needs to|'ll))\s+(?:also\s+|then\s+|just\s+|maybe\s+|more\s+|first\s+)*(?<task>[a-z][^.?!;]*)/u;

const FIRST_NAME = /^[A-Z][a-z]+$/;
/** A name said in passing inside the task: ", Baba, ". */
const INNER_VOCATIVE = /\s*,\s+([A-Z][a-z]+(?: [A-Z][a-z]+)?)\s*,\s+/u;
/** Capitalised words that open sentences but name nobody. */
const NOT_A_NAME =
  /^(?:I|We|You|They|He|She|It|This|That|There|Then|So|And|But|Or|Now|Also|Everyone|Everybody|Someone|Somebody|Nobody|Anyone|Which|Who|What|Where|When|How|Why|Maybe|Okay|Yeah|Yes|Well|Just|Please)$/;

function handOut(text: string, sentence: Sentence, ctx: ItemContext): FoundAction | null {
  const first = HAND_OUT.exec(text);
  // "So you will have… Baba and David, you will have to work on the prototype": the restart is the hand-out.
  const restart = first?.groups?.task && /\byou\b/i.test(first.groups.task) ? HAND_OUT.exec(first.groups.task) : null;
  const found = restart?.groups?.task ? restart : first;
  // A long spoken clause keeps its first phrase: "work on the look and feel design, to have …".
  // "work more, Baba, on the buttons": the name in the middle says who is meant; the task reads without it.
  const vocative = found?.groups?.task ? INNER_VOCATIVE.exec(found.groups.task) : null;
  let said = vocative ? found?.groups?.task?.replace(INNER_VOCATIVE, ' ') : found?.groups?.task;
  // "Your task is the look and feel" names the work without a verb.
  const lead = found?.groups?.task ? found[0].slice(0, found[0].length - found.groups.task.length) : '';
  if (said && /\b(?:your|next)\b/.test(lead) && !WORK_VERB.test(said) && !ASSIGNED_WORK.test(said))
    said = `work on ${said}`;
  const task = said && words(said).length > 12 ? said.split(/,\s+/)[0] : said;
  if (!found || !task || !(WORK_VERB.test(task) || ASSIGNED_WORK.test(task)) || NOT_A_TASK.test(task)) return null;
  // "And Florent to work on…": the capitalised opener is no part of the name.
  const name = (found.groups?.name ?? found.groups?.name2 ?? vocative?.[1])
    ?.split(' ')
    .filter((word, i, all) => !(NOT_A_NAME.test(word) && i < all.length - 1))
    .join(' ');
  const named = name ? resolvePerson(name, ctx.people) : null;
  if (named) return { owner: named, task, sourceTurns: [sentence.turn], dueSearch: [text] };
  // A first name that is no speaker label ("Sebastian will work on…"): whoever answers it is meant.
  if (name && (!FIRST_NAME.test(name) || NOT_A_NAME.test(name))) return null;
  if (GROUP_YOU.test(found[0]) || /\byou (?:will |'ll )?all\b/i.test(found[0]))
    return { owner: EVERYONE, task, sourceTurns: [sentence.turn], dueSearch: [text] };
  // "you": the first other person to answer in the next two turns, else the one who spoke just before.
  for (let next = sentence.turn + 1; next <= sentence.turn + 2; next++) {
    const reply = ctx.turns[next];
    if (!reply || reply.speaker === UNKNOWN_SPEAKER) continue;
    if (reply.speaker !== sentence.speaker)
      return { owner: reply.speaker, task, sourceTurns: [sentence.turn, next], dueSearch: [text] };
  }
  const before = ctx.turns[sentence.turn - 1];
  if (before && before.speaker !== sentence.speaker && before.speaker !== UNKNOWN_SPEAKER)
    return { owner: before.speaker, task, sourceTurns: [sentence.turn], dueSearch: [text] };
  return null;
}

const ANYONE_REQUEST =
  /\b(?:can|could|would|will) (?:someone|somebody|anyone|anybody)(?: please)?\s+(?:also\s+|just\s+)*(?<task>[a-z][^?.!;]*)/i;
const WE_ALL_TASK =
  /\bwe(?:'re| are|'ll| will| can| should)? all (?:gonna |going to |have to |need to |should |will |can )?\s*(?:go off and\s+|then\s+)?(?<task>[a-z][^.?!;]*)/i;
/** Second-person obligation: "you'll have to", "you need to", "for next time you should". */
const YOU_TASK =
  /\byou(?:(?:'ll| will|'d| would)? (?:have to|need to|should|must|are going to|'re going to)|'ll| will)\s+(?:also\s+|then\s+|just\s+|maybe\s+|probably\s+)*(?<task>[a-z][^.?!;]*)/i;
/** What a chair hands to one person: research and preparation, not "you have to press the button". */
const ASSIGNED_WORK =
  /^(?:look (?:into|at|up)|find out|work on|research|investigate|think about|prepare|propose|present|check|email|send|put (?:\S+ ){0,4}(?:in|on|into) (?:the |your )?(?:own |shared |project )?(?:folder|drive|document)|come up with|record|write up|take care of|ask|try to find|do (?:some|the|a) (?:research|survey|study))\b/i;
/** "you" that means everyone: not one person's task. */
const GROUP_YOU = /\b(?:you all|all of you|you guys|each of you|everyone|everybody|you both)\b/i;
const REFUSAL = /^(?:no\b|nope|i can't|i cannot|not really|not me|i don't think so)/i;
const WE_MUST_FIND =
  /(?<!\b(?:if|whether|how|what|when|unless)\s)\bwe(?:'ll| will)? (?:have to|need to|must|should)\s+(?:also\s+|then\s+|probably\s+|maybe\s+|still\s+)*(?<task>(?:find out|look into|look up|check|research|investigate|ask)\b[^.?!;]*)/i;
const WE_CAN_FIND =
  /(?<!\b(?:if|whether|how|what|when|unless)\s)\bwe (?:can|could|will|'ll)\s+(?:also\s+|then\s+|probably\s+|maybe\s+)*(?<task>(?:find out|look into|look up|check|research|investigate|look at (?:that|it|this))\b[^.?!;]*)/i;

/**
 * Who "you" is: the other speaker of the turn just before, or of the turn just after when they accept ("okay",
 * "I will"). Only for the one running the talk with a single other person; null when unclear.
 */
function addresseeAround(sentence: Sentence, ctx: ItemContext): { owner: string; turns: number[] } | null {
  const before = ctx.turns[sentence.turn - 1];
  const after = sentence.lastInTurn ? ctx.turns[sentence.turn + 1] : undefined;
  if (after && after.speaker !== sentence.speaker && after.speaker !== UNKNOWN_SPEAKER && AFFIRMATIVE.test(after.text))
    return { owner: after.speaker, turns: [sentence.turn + 1] };
  if (before && before.speaker !== sentence.speaker && before.speaker !== UNKNOWN_SPEAKER)
    return { owner: before.speaker, turns: [] };
  return null;
}

/** Verbs of work done after a meeting. */
const WORK_VERB = new RegExp(
  `^(?:(?:also|then|just|quickly|definitely|first)\\s+)*(?:${TASK_VERB}|look (?:into|up)|find|check|dig|work(?: on| in| together| more)?|do some|do (?:our|your|their|the) (?:own |individual )?(?:work|things|tasks|part|bit|homework|research)|try to find|come up with|get back|circle back|follow up|chase|price|cost|estimate|calculate|sketch|design|build|prototype|mock up|summari[sz]e|note down|write up|type up|distribute|forward|upload|save|record|file|clean up)\\b`,
  'i',
);
const LATER =
  /\b(?:later|afterwards|after (?:the|this) meeting|tomorrow|tonight|next (?:week|time|meeting|monday|tuesday|wednesday|thursday|friday)|by (?:the )?(?:end|monday|tuesday|wednesday|thursday|friday|tomorrow|next)|before (?:the )?next|this (?:week|afternoon|evening)|on (?:monday|tuesday|wednesday|thursday|friday))\b/i;

function mentionsLater(text: string): boolean {
  return LATER.test(text);
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
  const wanted = name.toLowerCase().replace(/^the\s+/, '');
  const matches = people.filter((person) => {
    const lower = person.toLowerCase();
    if (lower === wanted || lower.split(/\s+/)[0] === wanted) return true;
    // Roles: "User Interface Designer" is the speaker "User Interface"; "Marketing Expert" is "Marketing".
    const spoken = wanted.split(/\s+/);
    const own = lower.split(/\s+/);
    return (
      own.length >= 1 && spoken.length > own.length && own.every((w, i) => spoken[i] === w) && !/^[a-z]+$/.test(person)
    );
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

/** "looking" → "look", "preparing" → "prepare": enough for "be looking into X" → "look into X". */
function baseOf(ing: string): string {
  const stem = ing.replace(/ing$/, '');
  if (
    /(?:at|iz|is|ar|it|ak|us|ng|dl|bl|rc|iv|ag)$/.test(stem) &&
    !/(?:look|work|check|send|find|research|put)$/.test(stem)
  )
    return `${stem}e`;
  return stem.replace(/(tt|pp)$/, (m) => m.charAt(0));
}

function cleanTask(task: string): string {
  task = task.replace(/^be (\w+ing)\b(?:\s+more)?/i, (_, ing: string) => baseOf(ing));
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
