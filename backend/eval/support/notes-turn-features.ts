import type { MeetingNotes } from '@steward/shared';
import { leadSpeaker } from '../../src/notes/decisions.ts';
import { splitSentences, tidySentence, words } from '../../src/notes/text.ts';
import type { Turn } from '../../src/notes/transcript.ts';

/** What the item classifier sees of one turn, and what an item taken from it would say. */
export interface ItemTurnFeatures {
  features: string[];
  text: { decisions: string; actionItems: string; openQuestions: string };
  owner: string;
}

const CUES: [string, RegExp][] = [
  ['i-will', /\bi(?:'ll| will| can| could| need to| have to| am going to|'m going to|'m gonna)\b/i],
  ['we-will', /\bwe(?:'ll| will| need to| have to| should| must|'re going to| are going to|'re gonna)\b/i],
  ['you-will', /\byou(?:'ll| will| need to| have to| should| can| could|'re going to)\b/i],
  ['lets', /\b(?:let's|let us)\b/i],
  ['agreed', /\b(?:agree|agreed|decided?|decision|settled|go with|go for|stick with|fixed|final)\b/i],
  ['next-time', /\b(?:next (?:meeting|time|phase)|after (?:the|this) meeting|before the next|homework|task)\b/i],
  ['unknown', /\b(?:not sure|don't know|do not know|no idea|find out|question mark|wonder|check)\b/i],
  ['question', /\?/],
  ['modal-q', /^(?:do|does|did|can|could|should|would|will|is|are|was|were|how|what|why|where|which|who|when)\b/i],
  ['yes', /^(?:yes|yeah|yep|okay|ok|sure|right|agreed|definitely|absolutely|fine|good|great)\b/i],
  ['no', /^(?:no|nah|not really|i don't think)\b/i],
  ['neg', /\b(?:not|no|don't|won't|can't|isn't|aren't)\b/i],
  ['number', /\d|\b(?:one|two|three|four|five|ten|twenty|euro|euros|price|cost)\b/i],
];

function cueNames(text: string): string[] {
  return CUES.filter(([, re]) => re.test(text)).map(([name]) => name);
}

function firstWords(text: string, n: number): string {
  return words(text).slice(0, n).join('_').toLowerCase();
}

function bestSentence(text: string, prefer: RegExp): string {
  const sentences = splitSentences(text).filter((s) => words(s).length >= 3);
  if (sentences.length === 0) return tidySentence(text);
  const hit = sentences.filter((s) => prefer.test(s));
  const pool = hit.length > 0 ? hit : sentences;
  const best = pool.reduce((a, b) => (words(b).length > words(a).length ? b : a));
  return tidySentence(words(best).length > 40 ? words(best).slice(0, 40).join(' ') : best);
}

const DECISION_TEXT =
  /\b(?:agree|decided?|go with|go for|let's|we(?:'ll| will| should| have to| need to)|gonna be|is going to be)\b/i;
const ACTION_TEXT =
  /\b(?:i(?:'ll| will| can| need to)|you(?:'ll| will| have to| need to| should)|we(?:'ll| will| need to| have to)|next)\b/i;

/** One feature list per turn: words, cues, the turns around it, where it falls, who says it, what the rules found. */
export function turnFeatures(turns: readonly Turn[], notes: MeetingNotes): ItemTurnFeatures[] {
  const lead = leadSpeaker(turns);
  const ruleHits = (list: readonly { sourceTurns?: number[] | undefined }[]) => {
    const hit = new Set<number>();
    for (const item of list) for (const t of item.sourceTurns ?? []) hit.add(t);
    return hit;
  };
  const dec = ruleHits(notes.decisions);
  const act = ruleHits(notes.actionItems);
  const que = ruleHits(notes.openQuestions);
  const ownerAt = new Map<number, string>();
  for (const item of notes.actionItems) for (const t of item.sourceTurns ?? []) ownerAt.set(t, item.owner);
  const n = turns.length;
  return turns.map((turn, i) => {
    const f: string[] = ['bias'];
    const tokens = words(turn.text).map((w) => w.toLowerCase());
    for (const w of tokens.slice(0, 60)) f.push(`w:${w}`);
    for (let k = 0; k + 1 < Math.min(tokens.length, 60); k++) f.push(`b:${tokens[k]}_${tokens[k + 1]}`);
    f.push(`s:${firstWords(turn.text, 2)}`);
    const cues = cueNames(turn.text);
    const isLead = lead !== null && turn.speaker === lead;
    for (const c of cues) {
      f.push(`c:${c}`);
      if (isLead) f.push(`lc:${c}`);
    }
    const next = turns[i + 1];
    const next2 = turns[i + 2];
    const prev = turns[i - 1];
    if (next) {
      f.push(`n:${firstWords(next.text, 2)}`);
      for (const c of cueNames(next.text)) f.push(`nc:${c}`);
      if (next.speaker !== turn.speaker && words(next.text).length <= 4) f.push('n:short');
    }
    if (next2) for (const c of cueNames(next2.text)) f.push(`nnc:${c}`);
    if (prev) {
      f.push(`p:${firstWords(prev.text, 2)}`);
      for (const c of cueNames(prev.text)) f.push(`pc:${c}`);
    }
    if (isLead) f.push('lead');
    const pos = n > 1 ? i / (n - 1) : 0;
    f.push(`pos:${Math.min(9, Math.floor(pos * 10))}`);
    const len = tokens.length;
    f.push(`len:${len <= 3 ? 'xs' : len <= 8 ? 's' : len <= 20 ? 'm' : len <= 50 ? 'l' : 'xl'}`);
    for (const [name, hits] of [
      ['dec', dec],
      ['act', act],
      ['que', que],
    ] as const) {
      if (hits.has(i)) f.push(`r:${name}`);
      else if (hits.has(i - 1) || hits.has(i + 1)) f.push(`rn:${name}`);
    }
    const sentences = splitSentences(turn.text);
    const lastQ = [...sentences].reverse().find((s) => s.includes('?'));
    let owner = ownerAt.get(i);
    if (!owner) {
      if (/\bi(?:'ll| will| can| need to| have to)\b/i.test(turn.text)) owner = turn.speaker;
      else if (/\b(?:everyone|everybody|all of us|we all|you all|all of you)\b/i.test(turn.text)) owner = 'All';
      else if (/\byou\b/i.test(turn.text))
        owner = turns.slice(i + 1, i + 3).find((t) => t.speaker !== turn.speaker)?.speaker ?? turn.speaker;
      else owner = turn.speaker;
    }
    return {
      features: f,
      owner,
      text: {
        decisions: bestSentence(turn.text, DECISION_TEXT),
        actionItems: bestSentence(turn.text, ACTION_TEXT),
        openQuestions: lastQ ? tidySentence(lastQ) : bestSentence(turn.text, /\b(?:not sure|don't know|wonder)\b/i),
      },
    };
  });
}
