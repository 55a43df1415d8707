/**
 * Sentence compression for minutes: one spoken sentence in, one short third-person line out.
 *
 *   "So, um, I think we should probably just go with the rubber case, you know."  (Marketing)
 *     → "Marketing suggested going with the rubber case."
 *
 * Deterministic rewriting in three steps: drop what carries no content (discourse markers, fillers,
 * hedges, vague extenders), read the first-person frame ("I'll…", "let's…", "we should…", "I think…")
 * into a reporting verb, and move the rest of the sentence to the third person ("we" → "the team",
 * "I" → the speaker, with the verb agreeing). What cannot be rewritten safely is left as spoken.
 */
import { contentTerms, words } from './text.ts';
import { UNKNOWN_SPEAKER } from './transcript.ts';

const LEADING =
  /^(?:(?:so|and|but|well|yeah|yes|yep|okay|ok|right|oh|now|alright|all right|anyway|like|actually|basically|um+|uh+|hmm+|mm+|no|sure|great|cool|and then|but then|i mean|you see|see|you know|then|also|because|'cause|cause|plus|as well|first of all|of course)\b[\s,.!-]*)+/i;

/** Words that say nothing in minutes; removed wherever they stand. */
const FILLERS =
  /,?\s*\b(?:um+|uh+|er+m?|you know|i mean|basically|probably|perhaps|maybe(?! not)|actually|really|just|literally|obviously|definitely|certainly|clearly|simply|totally|quite|pretty much|more or less|i guess|i think|i suppose|i believe|i'd say|i would say|so to speak|as it were|kind of|sort of|a bit|a little bit)\b(?=[\s,.?!]|$),?/gi;

/** "what kind of battery": here "kind of" is a noun phrase, not a hedge. */
const KEEP_KIND_OF =
  /\b(what|which|this|that|these|those|a|the|any|some|every|each|other|same|different|one)\s+(kind|sort)s?\s+of\b/gi;

const EXTENDERS =
  /,?\s*\b(?:and so on|and so forth|or something(?: like that)?|or anything(?: like that)?|and stuff(?: like that)?|or whatever|and things like that|things like that|and everything|and all that|et cetera|etc)\b\.?\s*$/i;

/** A hedged opening that turns the rest into the speaker's view. */
const VIEW =
  /^(?:i (?:think|guess|suppose|believe|reckon|feel|would say|'d say|was thinking|am thinking)|i'm thinking|i've been thinking|i'm (?:sure|not sure|afraid)|in my (?:opinion|view)|personally|it seems(?: to me)?|my (?:feeling|impression|guess) is)\b(?:\s+that)?[\s,]*/i;

/** An opening that proposes something to the group. */
const PROPOSAL =
  /^(?:(?:maybe|perhaps|so)\s+)?(?:let's|let us|we (?:should|could|might|ought to)|how about|what about|why don't we|i (?:suggest|propose|recommend)(?: that)?(?: we)?|i'd (?:suggest|propose|recommend)(?: that)?(?: we)?|we might as well)\s+/i;

/** An opening that commits the speaker. */
const COMMITMENT = /^i(?:'ll| will| shall|'m going to| am going to|'m gonna| am gonna)\s+/i;
const TEAM_COMMITMENT = /^we(?:'ll| will| shall|'re going to| are going to|'re gonna| are gonna)\s+/i;
const AGREEMENT = /^we(?:'ve| have)?\s+(?:all\s+)?(agreed|decided)\s+(?:that\s+)?/i;

const ADVERB =
  /^(?:also|then|still|already|always|never|now|often|usually|probably|maybe|all|both|both|first|again|only|even|certainly|surely)$/i;
const IRREGULAR_PAST = new Set(
  'had did said made went got thought knew saw came took gave found told felt left kept ran began brought bought built sent spent lost met paid wrote chose spoke heard held meant sold stood understood became forgot'.split(
    ' ',
  ),
);
const PRESENT_EED = new Set([
  'need',
  'feed',
  'seed',
  'proceed',
  'succeed',
  'exceed',
  'speed',
  'heed',
  'bleed',
  'breed',
]);
const PRONOUNS = new Set(['i', 'we', 'you', 'they', 'he', 'she', 'it', 'the', 'a', 'an', 'this', 'that']);
const MODALS = new Set(['will', 'would', 'can', 'could', 'should', 'shall', 'may', 'might', 'must', 'ought']);

/** The speaker as minutes name them: "The Chair (Hon. A. Rota (…))" → "The Chair". */
export function speakerLabel(speaker: string): string {
  if (!speaker || speaker === UNKNOWN_SPEAKER) return 'A participant';
  const cut = speaker.split('(')[0]?.trim() ?? speaker;
  return cut.length > 0 && cut.length <= 40 ? cut : 'A participant';
}

/** The third-person singular of a present-tense verb: "need" → "needs", "have" → "has", "'m" → "is". */
export function thirdPerson(verb: string): string {
  const lower = verb.toLowerCase();
  const irregular: Record<string, string> = {
    am: 'is',
    "'m": 'is',
    are: 'is',
    "'re": 'is',
    were: 'was',
    have: 'has',
    "'ve": 'has',
    do: 'does',
    "don't": "doesn't",
    "aren't": "isn't",
    "haven't": "hasn't",
    "weren't": "wasn't",
    go: 'goes',
  };
  if (irregular[lower]) return irregular[lower] as string;
  if (lower.includes("'")) return verb;
  const past = (/ed$/.test(lower) && !PRESENT_EED.has(lower)) || IRREGULAR_PAST.has(lower);
  if (MODALS.has(lower) || past || /n't$/.test(lower) || lower === 'was' || lower === "'ll" || lower === "'d")
    return verb;
  if (/(?:s|x|z|ch|sh|o)$/.test(lower)) return `${verb}es`;
  if (/[^aeiou]y$/.test(lower)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

/** "go" → "going", "use" → "using", "put" → "putting", "see" → "seeing". */
export function gerund(verb: string): string {
  const lower = verb.toLowerCase();
  if (lower === 'be') return 'being';
  if (/ie$/.test(lower)) return `${verb.slice(0, -2)}ying`;
  if (/[^aeiou]e$/.test(lower) && lower !== 'see') return `${verb.slice(0, -1)}ing`;
  if (/^[^aeiou]*[aeiou][bdgmnprt]$/.test(lower) && lower.length <= 4) return `${verb}${verb.slice(-1)}ing`;
  return `${verb}ing`;
}

/**
 * "we"/"I" inside a clause to the third person: "we need our budget" → "the team needs its budget";
 * "I" → "they" (the subject is already named at the start). Only the verb right after the pronoun
 * (past any adverbs) is made to agree.
 */
export function toThirdPerson(clause: string): string {
  const tokens = clause.split(/(\s+)/);
  const out: string[] = [];
  let agreeNext: 'singular' | null = null;
  let afterI = false;
  const next = (index: number) => (tokens[index + 2] ?? '').toLowerCase().replace(/[^\p{L}']/gu, '');
  for (const [index, token] of tokens.entries()) {
    if (/^\s+$/.test(token) || token === '') {
      out.push(token);
      continue;
    }
    const match = /^([\p{L}']+)(.*)$/u.exec(token);
    if (!match) {
      out.push(token);
      agreeNext = null;
      continue;
    }
    const [, word = '', tail = ''] = match;
    const lower = word.toLowerCase();
    if ((agreeNext || afterI) && ADVERB.test(lower)) {
      out.push(token);
      continue;
    }
    if (afterI) {
      afterI = false;
      if (lower === 'was') {
        out.push(`were${tail}`);
        continue;
      }
    }
    if (agreeNext && !PRONOUNS.has(lower)) {
      out.push(thirdPerson(word) + tail);
      agreeNext = null;
      continue;
    }
    // Contractions: "we're" → "the team is", "I've" → "they have".
    const contraction = /^(we|i)('re|'ve|'ll|'d|'m)$/i.exec(word);
    if (contraction) {
      const team = contraction[1]?.toLowerCase() === 'we';
      const rest = (contraction[2] ?? '').toLowerCase();
      const following = next(index);
      const had = rest === "'d" && (/ed$/.test(following) || IRREGULAR_PAST.has(following) || following === 'been');
      const verb = team
        ? { "'re": 'is', "'ve": 'has', "'ll": 'will', "'d": 'would', "'m": 'is' }[rest]
        : { "'re": 'are', "'ve": 'have', "'ll": 'will', "'d": 'would', "'m": 'are' }[rest];
      out.push(`${team ? 'the team' : 'they'} ${had ? 'had' : verb}${tail}`);
      continue;
    }
    switch (lower) {
      case 'we':
        out.push(`the team${tail}`);
        agreeNext = tail === '' ? 'singular' : null;
        continue;
      case 'us':
        out.push(`the team${tail}`);
        continue;
      case 'our':
        out.push(`the team's${tail}`);
        continue;
      case 'ours':
        out.push(`the team's${tail}`);
        continue;
      case 'ourselves':
        out.push(`themselves${tail}`);
        continue;
      case 'i':
        out.push(`they${tail}`);
        afterI = tail === '';
        continue;
      case 'me':
        out.push(`them${tail}`);
        continue;
      case 'my':
        out.push(`their${tail}`);
        continue;
      case 'mine':
        out.push(`theirs${tail}`);
        continue;
      case 'myself':
        out.push(`themselves${tail}`);
        continue;
      case 'am':
        out.push(`are${tail}`);
        continue;
      default:
        out.push(token);
    }
  }
  return out.join('');
}

function stripNoise(text: string): string {
  let t = text.trim().replace(/[’‘]/g, "'");
  const keep: string[] = [];
  t = t.replace(KEEP_KIND_OF, (m) => {
    keep.push(m);
    return `\u0000${keep.length - 1}\u0000`;
  });
  for (let i = 0; i < 3; i++) {
    const next = t.replace(LEADING, '');
    if (next === t) break;
    t = next;
  }
  t = t.replace(FILLERS, (m) => (/^,/.test(m) ? ', ' : ' '));
  t = t.replace(/\b([\p{L}']+)(?:[\s,]+\1\b)+/giu, '$1');
  t = t.replace(/\u0000(\d+)\u0000/g, (_, i: string) => keep[Number(i)] ?? '');
  t = t.replace(EXTENDERS, '');
  return t
    .replace(/\bgonna\b/gi, 'going to')
    .replace(/\bwanna\b/gi, 'want to')
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.?!;:])/g, '$1')
    .replace(/([,;:])(?:\s*[,;:])+/g, '$1')
    .replace(/^[\s,.;:!?-]+/, '')
    .replace(/[\s,;:-]+$/, '')
    .trim();
}

function finish(text: string): string {
  const trimmed = text
    .replace(/\s+/g, ' ')
    .replace(/[\s,;:-]+([.?!])?$/, '')
    .trim();
  const ended = /[.?!]$/.test(trimmed) ? trimmed.replace(/\?$/, '.') : `${trimmed}.`;
  return ended.charAt(0).toUpperCase() + ended.slice(1);
}

/** "go with the rubber case" → "going with the rubber case". */
function asGerund(clause: string): string {
  const parts = clause.split(' ');
  const at = parts.findIndex((w) => !ADVERB.test(w));
  const first = parts[at] ?? '';
  if (at < 0 || !/^[a-z]+$/i.test(first) || /ing$/.test(first)) return clause;
  parts[at] = gerund(first);
  return parts.join(' ');
}

export interface CompressOptions {
  /** Name the speaker when the sentence is their own view or commitment. Default true. */
  attribute?: boolean;
}

/**
 * The compressed, third-person form of one spoken sentence, or null when nothing of substance is left
 * (a question, a filler, a fragment).
 */
export function compressSentence(sentence: string, speaker: string, options: CompressOptions = {}): string | null {
  const attribute = options.attribute ?? true;
  const who = speakerLabel(speaker);
  let text = stripNoise(sentence);
  if (/\?$/.test(text) || words(text).length < 4) return null;

  let result: string;
  const agreement = AGREEMENT.exec(text);
  const proposal = PROPOSAL.exec(text);
  const commitment = COMMITMENT.exec(text);
  const teamCommitment = TEAM_COMMITMENT.exec(text);
  const view = VIEW.exec(text);
  if (agreement) {
    result = `The team ${agreement[1]?.toLowerCase()} ${toThirdPerson(text.slice(agreement[0].length))}`;
  } else if (proposal) {
    const rest = toThirdPerson(text.slice(proposal[0].length));
    result = attribute ? `${who} suggested ${asGerund(rest)}` : `The team could ${rest}`;
  } else if (commitment) {
    result = `${attribute ? who : 'They'} will ${toThirdPerson(text.slice(commitment[0].length))}`;
  } else if (teamCommitment) {
    result = `The team will ${toThirdPerson(text.slice(teamCommitment[0].length))}`;
  } else if (view) {
    text = text.slice(view[0].length);
    result = attribute ? `${who} thought ${toThirdPerson(text)}` : toThirdPerson(text);
  } else if (/^i\b/i.test(text) && attribute) {
    // "I need the numbers" → "Marketing needs the numbers".
    const rest = text.replace(/^i\s+/i, '');
    const [verb = '', ...tail] = rest.split(' ');
    result = `${who} ${ADVERB.test(verb) ? rest : [thirdPerson(verb), ...tail].join(' ')}`;
    result = `${who} ${toThirdPerson(result.slice(who.length + 1))}`;
  } else {
    result = toThirdPerson(text);
    if (/^the team\b/.test(result)) result = `The team${result.slice(8)}`;
  }
  const done = finish(result);
  if (contentTerms(done).length < 2) return null;
  return done;
}
