/**
 * Decisions: what the meeting settled. Said outright ("we agreed…", "let's go with…"), concluded after a
 * discussion ("great, then we launch on Tuesday March 17"), or proposed and plainly accepted by the next
 * speaker. A decision that names a day carries the day resolved against the meeting date.
 */
import type { Decision } from '@steward/shared';
import { DateTime } from 'luxon';
import { parseTimeExpressions } from '../scheduling/times.ts';
import type { ItemContext } from './items.ts';
import { contentTerms, tidySentence, words } from './text.ts';
import type { Turn } from './transcript.ts';

const DECISION_CUE =
  /\b(?:we(?:'ve| have)? (?:all |just )?agreed|we(?:'ve| have)? (?:just |now )?decided|i(?:'ve| have)? (?:just |now )?decided (?:that )?we\b|(?:it's|it is|that's|that is) (?:decided|settled|agreed)|decision (?:is|was) (?:to|that)|final decision\b|let's go (?:with|ahead|for)|we(?:'ll| will|'re going to| are going to|'re gonna| are gonna) go (?:with|ahead|for)|we(?:'re| are) going for|(?:the )?decisions (?:that )?we(?:'ve| have) made|(?:let's|we(?:'ll| will)) opt for|we(?:'ve| have) (?:chosen|picked|opted for)|(?:we're|we are) going (?:to go )?with|agreed (?:to|that|on)|settled on|(?:let's|we'll|we will) stick with|we(?:'re| are) all agreed|consensus is)\b/i;
const DECISION_DOUBT =
  /\b(?:not|n't|never|no one|if|whether|unless|haven't|hasn't|yet to|before we|once we|until we|should we|did we|have we|do we)\b[^.]{0,30}\b(?:agree|agreed|decide|decided|decision|go with|settle)|\b(?:last|previous|earlier) (?:meeting|time|week)\b|\bwhat we (?:decided|agreed)\b/i;
/** Meeting narration after "so we…", which settles nothing: "so we'll talk about…", "then we move on". */
const NARRATION =
  "(?:will|shall|are|would|could|be|'ll|'re|see|talk|discuss|go|move on|look at|start|begin|continue|break|meet|have|need|wait|get|finish|close|end|stop|come back|do that|hear|know|can|could|should|might|just|think|want|were|was|had|did|try|present|show)\\b";
const MARKERS = '(?:(?:great|good|okay|ok|so|right|alright|all right|perfect|fine|excellent)[,!.]?\\s+)';
/** A conclusion that follows a discussion: "Great, then we launch on…", "Okay, so we'll use the rubber case." */
const CONCLUSION = new RegExp(
  `^${MARKERS}*(?:then|so),?\\s+we(?:'ll| will| are going to|'re going to| shall)?\\s+(?!${NARRATION})\\w+|^${MARKERS}*(?:then|so),?\\s+we(?:'ve| have) got\\b|^${MARKERS}+we(?:'ll| will| are going to|'re going to)\\s+(?:use|go with|launch|ship|release|keep|drop|stick with|include|make it)\\b|^${MARKERS}+(?:so\\s+)?it(?:'ll| will| is going to|'s going to) be\\b`,
  'i',
);
/** A plan the group states for itself with a time: "we launch on Tuesday", "we'll ship it next week". */
const PLAN =
  /\bwe(?:'ll| will| are going to|'re going to| shall)?\s+(?:launch|ship|release|go live|start|begin|move|switch|freeze|deliver|publish|roll out|postpone|delay|push)\b/i;
/** A rule the meeting sets for the product: "we're not going to use teletext", "we don't want a touch screen". */
const RULE =
  /\b(?:(?:it|the \w+|our \w+)(?:'s| is) (?:gonna|going to) (?:be|have)\b|(?:it|the \w+)'ll (?:be|have)\b|we(?:'re| are) (?:not )?going to (?:be using|use|go with|stick with|keep|drop|include|focus on)|we(?:'re| are) focusing on|we(?:'ll| will) (?:use|go with|stick with|keep|drop|include|focus on)|we (?:don't|do not|won't|will not) (?:really )?(?:want|need|use|include)|we (?:really )?want to focus on|(?:it|this|the \w+|our \w+)(?: \w+){0,4} (?:has to|must|should|will|is going to|is gonna|'s gonna|are going to|are gonna|is only going to|will only|won't|will not|isn't going to|is not going to) (?:only )?be\b(?! able))/i;
const RECAP = /\b(?:last|previous|earlier) (?:meeting|time|session)\b|\bwhat we (?:decided|agreed|discussed)\b/i;
const PROPOSAL =
  /^(?:(?:so|ok(?:ay)?|then|right|well|and|but)[, ]+)*(?:let's|let us|how about|why don't we|i (?:would |'d )?(?:propose|suggest)|shall we|we could just|(?:maybe |i think |i (?:also )?think (?:though )?(?:that )?)?(?:we|it|the \w+) (?:should(?:n't)?|has to|have to|must|needs to))\b/i;
/** Words that put a plan forward rather than settle it, wherever the proposal starts in the sentence. */
const PROPOSAL_START =
  /(?:^|[,;:]\s+|\s(?:so|and|but|then)\s+)((?:i (?:would |'d )?(?:propose|suggest)|how about|what if we|why don't we|shall we)\b.*)$/i;
/** The frame of a proposal, dropped once it is accepted: "I propose we launch…" → "we launch…". */
const PROPOSAL_FRAME =
  /^(?:i (?:would |'d )?(?:propose|suggest)(?: that)?|how about|what if)\s+(?=(?:we|the|our|it|this|they)\b)|^(?:why don't|shall)\s+(?=we\b)/i;

/** The proposal inside a sentence, without the reasons said before it ("QA needs a week, so I propose…"). */
function proposalIn(text: string): string | null {
  return PROPOSAL_START.exec(text)?.[1] ?? null;
}

/** An accepted proposal as what was decided: "I propose we launch on Tuesday" → "we launch on Tuesday." */
function asDecided(proposal: string): string {
  return proposal.replace(PROPOSAL_FRAME, '').replace(/\?\s*$/, '.');
}
const LEAD_CHOICE =
  /^(?:(?:so|ok(?:ay)?|then|right|well|and|but|maybe|i think|perhaps)[, ]+)*we(?:'ll| will| can| could)? (?:just )?(?:stay with|go for|go with|use|keep|focus on|mix|choose|take|put)\b/i;
const NOT_STATED =
  /^(?:(?:so|and|but|okay|ok|well|um|uh)[, ]+)*(?:you|do|does|did|is|are|can|could|would|what|how|why|when|where|which|if|when|as)\b/i;
const MAX_DECISION_WORDS = 35;
/** Content words a decision needs, besides a short verdict ("No teletext."). */
const MIN_DECISION_TERMS = 2;
/** Running the meeting, not settling anything: "let's go to the Industrial Designer", "let's start from the inside". */
const PROCEDURE =
  /^(?:(?:so|ok(?:ay)?|then|right|well|and|but|um|uh)[, ]+)*(?:let's|let us|we(?:'ll| will| can| should)?) (?:(?:just|now|first|then|quickly) )?(?:go (?:to|on|back|through|over|round|around)|start|begin|move on|turn to|hear|continue|take a break|break|wrap up|finish|stop|end|get back|look at the (?:agenda|next|time|minutes)|have a look|see (?:what|how|if)|skip|come back)\b/i;
/** Deciding to decide, and the meeting's own business: "we have to decide on that", "let's go for our design meeting". */
const META =
  /\b(?:decide|discuss|make (?:a|the|some) decisions?|talk about|think about|stop|hurry|watch)\b|\b(?:meeting|presentation|agenda|minutes)\b/i;
/** Leading hesitations that hide a conclusion's "so": "Um, okay so we've got battery." */
const HESITATION = /^(?:(?:um+|uh+|er+|erm|hmm+|mm+)[,.]?\s+)+/i;
/** "It has to be intuitive": a quality wished for, not a choice made. */
const QUALITY_WISH =
  /^(?:(?:also|and|so|but|i think|maybe)[, ]+)*(?:it|this|the \w+(?: control)?)(?: really| also)? (?:has to|must|should|needs to) be (?:very |really |quite |more |as )?[a-z-]+(?: as possible)?[.!]?$/i;
/** "It will be interesting…", "it should be helpful": a judgement, not a choice. */
const OPINION =
  /\b(?:be|'s|is) (?:very |really |quite |more |a bit |also |pretty )?(?:interesting|good|nice|great|fine|helpful|useful|better|easier|harder|difficult|hard|important|comfortable|fun|cool|okay|ok)\b/i;
/** The meeting's own clock: "I think it's time for us to get back". */
const TIME_TO_GO = /\btime (?:for us |for you )?to (?:get back|go|move on|wrap up|finish|stop|close|end)\b/i;
/**
 * The chair settling a choice in passing: "okay, we just take that one", "just make them black or grey", "no, just
 * rechargeable batteries", "let's give five".
 */
const SETTLE =
  /^(?:(?:okay|ok|so|yeah|yes|no|right|well|then|and|alright|fine)[,.!]?\s+)*(?:(?:we(?:'ll| will| can)? )?just (?:make (?:it|them)|put (?:it|them)|take (?:that|this|it|the)|keep (?:it|that|this)|skip (?:it|that|this)|use|leave it|give (?:it|them)|go with|go for|round it|drop|integrate)\b|let's (?:give|say|make|put|take|keep|use|skip)\b)/i;
/** "Okay, no speech recognition.": a short verdict that rules something out. */
const RULED_OUT = /^(?:(?:okay|ok|so|right|alright|then|fine|yeah)[,.!]?\s+)+no ([a-z][a-z_ -]*)[.!]?$/i;
/** The share of a meeting's turns that opens it (agenda, last meeting's minutes). */
const OPENING_SHARE = 0.1;
/** Fewer turns than this is an exchange, not a meeting with an opening. */
const MIN_TURNS_WITH_OPENING = 10;
const PAST_DECISION = /\bwe(?:'ve| have)? (?:all |just )?(?:decided|agreed|chose|picked|settled)\b/i;
/** Turns after a proposal in which someone else's yes counts as accepting it. */
const AGREEMENT_WINDOW = 2;

/** "we're not going to use teletext, apparently it's outdated, …" → its clauses of at least four words. */
function clausesOf(text: string): string[] {
  const clauses: string[] = [];
  let pending = '';
  for (const part of text.split(/,\s+|;\s+|\s+-+\s+/)) {
    pending = pending ? `${pending}, ${part}` : part;
    if (words(pending).length >= 4) {
      clauses.push(pending);
      pending = '';
    }
  }
  if (pending) clauses.push(clauses.length ? `${clauses.pop()}, ${pending}` : pending);
  return clauses;
}
const HEDGE = /\b(?:maybe|perhaps|probably|i think|i suppose|i guess|i'd say|i assume|might)\b/i;
const HEDGED = /\b(?:i dunno|i don't know|not sure|or something|maybe it|maybe you)\b/i;

/** A plain yes to a proposal: enough when the proposal itself was explicit. */
const AFFIRMATION =
  /^(?:(?:mm-hmm|uh-huh)[,.]?\s*)?(?:yes|yeah|yep|sure|okay|ok|right|agreed|definitely|absolutely|exactly|good|great|fine|perfect|cool|true|i agree|i think so)\b/i;
const STRONG_AGREEMENT =
  /^(?:(?:yeah|yes|ok(?:ay)?)[, ]+)?(?:agreed|sounds good|sounds great|sounds like a plan|works for me|that works|deal|good idea|great idea|perfect|let's do (?:it|that)|fine by me|makes sense|yes,? let's|definitely|absolutely|i agree|we agree|that's (?:better|a good idea|good|fine|the best)|good choice)\b/i;

/** "We launch on Tuesday March 17" → "… (Tue 17 Mar 2026)", when the meeting date is known. */
export function withResolvedDate(text: string, ctx: Pick<ItemContext, 'meetingDate' | 'tz'>): string {
  if (!ctx.meetingDate) return text;
  let found: ReturnType<typeof parseTimeExpressions>;
  try {
    found = parseTimeExpressions(text, { ref: ctx.meetingDate, ...(ctx.tz ? { tz: ctx.tz } : {}) });
  } catch {
    return text;
  }
  const day = found.find((e) => ['day', 'hour', 'minute'].includes(e.grain) && !/\b(?:today|now)\b/i.test(e.text));
  if (!day) return text;
  const start = DateTime.fromISO(day.start, { setZone: true });
  if (!start.isValid || start.toMillis() < ctx.meetingDate.getTime() - 86_400_000) return text;
  const label = start.toFormat(day.grain === 'day' ? 'ccc d LLL yyyy' : 'ccc d LLL yyyy, HH:mm');
  if (text.includes(label)) return text;
  return text.replace(/([.!]?)$/, ` (${label})$1`);
}

/** Explicit decisions, conclusions and accepted proposals, in meeting order, each citing its turns. */
export function extractDecisions(ctx: ItemContext): Decision[] {
  const decisions: Decision[] = [];
  const termsOf = new Map<Decision, string[]>();
  const seen = new Set<string>();
  const add = (text: string, sourceTurns: number[], keepOpening = false) => {
    const terms = contentTerms(text);
    const key = terms.join(' ');
    // "We use that.", "We cut it to see.": a choice names what it chooses.
    if (!key || seen.has(key) || (terms.length < MIN_DECISION_TERMS && !keepOpening)) return;
    seen.add(key);
    // Said again later (a recap, a restatement): the earlier decision, now citing this turn too.
    const again = decisions.find((d) => restates(termsOf.get(d) ?? [], terms));
    if (again) {
      again.sourceTurns = [...new Set([...(again.sourceTurns ?? []), ...sourceTurns])];
      return;
    }
    // "No steam whistle." keeps its "no", which tidying would take for a filler.
    const tidy = keepOpening ? text : tidySentence(text).replace(/^(?:then|so),?\s+/i, '');
    const stated = withResolvedDate(tidy.charAt(0).toUpperCase() + tidy.slice(1), ctx);
    // One turn settles one thing, however many sentences it takes: "No teletext. Our control is only for TV."
    const last = decisions.at(-1);
    if (last && last.sourceTurns?.[0] === sourceTurns[0]) {
      last.text = `${last.text.replace(/[.!]+$/, '')}; ${stated.charAt(0).toLowerCase()}${stated.slice(1)}`;
      last.sourceTurns = [...new Set([...(last.sourceTurns ?? []), ...sourceTurns])];
      return;
    }
    const decision = { text: stated, sourceTurns };
    decisions.push(decision);
    termsOf.set(decision, terms);
  };
  let recapSpeaker: string | null = null;
  const lead = ctx.lead !== undefined ? ctx.lead : leadSpeaker(ctx.turns);
  for (const sentence of ctx.sentences) {
    const text = withoutFalseStarts(sentence.text);
    // "I'll go over what we decided last meeting: …" — what that speaker says next recalls old decisions.
    if (RECAP.test(text)) recapSpeaker = sentence.speaker;
    else if (recapSpeaker && sentence.speaker !== recapSpeaker && words(text).length >= 4) recapSpeaker = null;
    if (sentence.speaker === recapSpeaker) continue;
    if (/\?\s*$/.test(text) || words(text).length < 4) continue;
    if (DECISION_DOUBT.test(text)) continue;
    // The opening of a meeting reads out the last one's minutes: "we decided on our market…". A short
    // exchange (a few captions, a pasted summary) has no such opening: its "we agreed" is the decision.
    if (
      DECISION_CUE.test(text) &&
      ctx.turns.length >= MIN_TURNS_WITH_OPENING &&
      sentence.turn < ctx.turns.length * OPENING_SHARE &&
      PAST_DECISION.test(text)
    )
      continue;
    if (DECISION_CUE.test(text) && !/\b(?:meeting|presentation|agenda)\b/i.test(text)) {
      add(text, [sentence.turn]);
      continue;
    }
    // A yes from someone else in either of the next two turns (in a group, the nod need not come first).
    const agreement = (pattern: RegExp): number | null => {
      if (!sentence.lastInTurn) return null;
      for (let next = sentence.turn + 1; next <= sentence.turn + AGREEMENT_WINDOW; next++) {
        const reply = ctx.turns[next];
        if (reply && reply.speaker !== sentence.speaker && pattern.test(reply.text)) return next;
      }
      return null;
    };
    // "I propose we launch on Tuesday" puts a plan forward: it is decided only once someone agrees.
    const proposed = proposalIn(text) !== null;
    if (!proposed && (CONCLUSION.test(text.replace(HESITATION, '')) || (PLAN.test(text) && hasDay(text, ctx)))) {
      add(text, [sentence.turn]);
      continue;
    }
    // Spoken sentences run on through commas; a long one is judged clause by clause, so a question or a "you…"
    // that opens it does not hide the rule said further on.
    const ruledOut = RULED_OUT.exec(text.replace(HESITATION, ''));
    if (ruledOut && words(text).length <= 6 && contentTerms(text).length >= 1) {
      add(`No ${ruledOut[1]?.trim()}.`, [sentence.turn], true);
      continue;
    }
    if (
      sentence.speaker === lead &&
      SETTLE.test(text.replace(HESITATION, '')) &&
      !HEDGE.test(text) &&
      !HEDGED.test(text) &&
      !META.test(text) &&
      words(text).length <= MAX_DECISION_WORDS &&
      contentTerms(text).length >= 1
    ) {
      add(text, [sentence.turn]);
      continue;
    }
    const long = words(text).length > MAX_DECISION_WORDS;
    if ((!long && NOT_STATED.test(tidySentence(text))) || HEDGED.test(text)) continue;
    const clauses = long ? clausesOf(text) : [text];
    for (const said of clauses) {
      const clause = proposalIn(said) ?? said;
      // Rules and proposals are short statements, not questions or restatements of what someone else said.
      if (NOT_STATED.test(tidySentence(clause)) || words(clause).length > MAX_DECISION_WORDS) continue;
      if (PROCEDURE.test(clause.replace(HESITATION, '')) || QUALITY_WISH.test(tidySentence(clause))) continue;
      if (OPINION.test(clause) || TIME_TO_GO.test(clause) || META.test(clause)) continue;
      // The one running the meeting states rules as settled; anyone else's rule or proposal needs a yes.
      // "Maybe we have to…", "I think it must be…": a hedged rule is a proposal, even from the chair.
      const byLead = sentence.speaker === lead && !HEDGE.test(clause);
      const rule = RULE.test(clause) && (byLead || !/^(?:it|this)\b/i.test(tidySentence(clause)));
      const yes = said === clauses.at(-1) ? agreement(AFFIRMATION) : null;
      // Someone else's hedged rule ("maybe next year it will be insects") needs more than a "yeah".
      const hedgedYes = HEDGE.test(clause) && said === clauses.at(-1) ? agreement(STRONG_AGREEMENT) : yes;
      if (rule && (byLead || hedgedYes !== null)) {
        add(clause, hedgedYes !== null ? [sentence.turn, hedgedYes] : [sentence.turn]);
        break;
      }
      // The chair's "maybe we can stay with wood" that someone says yes to: the chair's proposals settle it.
      if (sentence.speaker === lead && LEAD_CHOICE.test(clause) && yes !== null) {
        add(asDecided(clause), [sentence.turn, yes]);
        break;
      }
      const strong = said === clauses.at(-1) ? agreement(STRONG_AGREEMENT) : null;
      if (PROPOSAL.test(clause) && (strong !== null || (words(clause).length >= 6 && yes !== null))) {
        add(asDecided(clause), [sentence.turn, strong ?? yes ?? sentence.turn + 1]);
        break;
      }
    }
  }
  return decisions;
}

/** A cut-off word the speaker then says in full: "th the numbers", "w we could", "m maybe". */
const FALSE_START = /\b([a-z]{1,3})\s+(?=([a-z]+)\b)/gi;
/** Short words that are words, not cut-off ones ("on one level" is no restart). */
const SHORT_WORDS = new Set(
  'a i in on at to so no go do be we he it is as an or of by up us me my the and for but not can you all one two how who why our out get got put see use yes its his her now new off own any may way say has had was are did let too'.split(
    ' ',
  ),
);

/** "I think th the numbers should be in the bottom" → "I think the numbers should be in the bottom". */
export function withoutFalseStarts(text: string): string {
  return text.replace(FALSE_START, (whole, cut: string, next: string) =>
    !SHORT_WORDS.has(cut.toLowerCase()) && next.length > cut.length && next.toLowerCase().startsWith(cut.toLowerCase())
      ? ''
      : whole,
  );
}

/** Most of the shorter statement's content terms are in the other one's: the same decision again. */
function restates(earlier: readonly string[], later: readonly string[]): boolean {
  const a = new Set(earlier);
  const b = new Set(later);
  const smaller = Math.min(a.size, b.size);
  if (smaller === 0) return false;
  let shared = 0;
  for (const term of b) if (a.has(term)) shared++;
  return shared / smaller >= RESTATED_SHARE && shared >= 2;
}
const RESTATED_SHARE = 0.6;

/**
 * Who runs the meeting: the speaker who opens it, when they also speak about as much as anyone (at least
 * LEAD_SHARE of the most talkative speaker's words) or take about as many turns (a chair moderates in many
 * short turns while presenters talk at length); else the one who takes the most turns when they also close
 * the meeting; else nobody in particular.
 */
export function leadSpeaker(turns: readonly Turn[]): string | null {
  const spoken = new Map<string, number>();
  const taken = new Map<string, number>();
  for (const turn of turns) {
    spoken.set(turn.speaker, (spoken.get(turn.speaker) ?? 0) + words(turn.text).length);
    taken.set(turn.speaker, (taken.get(turn.speaker) ?? 0) + 1);
  }
  if (spoken.size < 2) return null;
  const most = Math.max(0, ...spoken.values());
  const mostTurns = Math.max(0, ...taken.values());
  const first = turns.find((t) => words(t.text).length >= 5)?.speaker;
  if (
    first !== undefined &&
    ((spoken.get(first) ?? 0) >= LEAD_SHARE * most || (taken.get(first) ?? 0) >= LEAD_TURN_SHARE * mostTurns)
  )
    return first;
  const last = turns.findLast((t) => words(t.text).length >= 5)?.speaker;
  return last !== undefined && taken.get(last) === mostTurns ? last : null;
}
const LEAD_SHARE = 0.8;
const LEAD_TURN_SHARE = 0.85;

function hasDay(text: string, ctx: ItemContext): boolean {
  try {
    return parseTimeExpressions(text, { ref: ctx.meetingDate ?? new Date(0), ...(ctx.tz ? { tz: ctx.tz } : {}) }).some(
      (e) => e.grain === 'day' || e.grain === 'hour' || e.grain === 'minute',
    );
  } catch {
    return false;
  }
}
