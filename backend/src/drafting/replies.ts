/**
 * The sentences of a local draft: one answer per ask, in the user's register, committing to nothing the
 * user did not say. What only the user can decide or know becomes a `[confirm: …]` placeholder that names
 * the thing; what the message states (a deadline, a day) is used as stated.
 *
 *   request "approve the Q2 budget by Friday"  → "[confirm: whether you approve the Q2 budget by Friday]"
 *   info "your pricing for 200 seats"           → "The pricing you asked for: [confirm: pricing for 200 seats]."
 *   question "Do we still have budget?"         → "[confirm: whether we still have budget]"
 *
 * The user's instruction can change that: "accept" lets the draft say yes, "decline" says no once,
 * "mention a 10% discount" is written as a sentence into the paragraph it belongs to.
 */
import type { Formality } from '@steward/shared';
import { type Ask, embedQuestion, INFO_NOUN } from './asks.ts';

export interface Register {
  formality: Formality;
  /** Uses contractions ("I'll", "won't"). */
  contract: boolean;
  exclaim: boolean;
}

/** Writes the full form or the contraction, as the user would. */
export function c(r: Register, full: string, short: string): string {
  return r.contract ? short : full;
}

export function sentence(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  const capitalised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

// ---------------------------------------------------------------------------------------------- placeholders

const MAX_PLACEHOLDER = 180;

/** The sender's "me", "my", "us" inside a placeholder addressed to the user: "send Ann the forecast". */
export function senderSide(text: string, senderName: string | undefined): string {
  const name = senderName ?? 'them';
  const possessive = senderName ? `${senderName}'s` : 'their';
  return text
    .replace(/\bme\b/g, name)
    .replace(/\bmy\b/gi, possessive)
    .replace(/\bmyself\b/gi, name)
    .replace(/\bmine\b/gi, possessive)
    .replace(/\bI\b(?!')/g, name)
    .replace(/\bI'm\b/g, `${name} is`)
    .replace(/\bI'll\b/g, `${name} will`)
    .replace(/\bus\b/g, 'them')
    .replace(/\bour\b/gi, 'their');
}

const SHORT_PLACEHOLDER = 50;

export function placeholder(text: string, max = MAX_PLACEHOLDER): string {
  let inner = text
    .replace(/[[\]\n]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/[.?!,;:\s]+$/u, '')
    .trim();
  if (inner.length > max) inner = `${inner.slice(0, Math.max(inner.lastIndexOf(' ', max - 1), max / 2))}…`;
  return `[confirm: ${inner}]`;
}

/** "your pricing for 200 seats" → "pricing for 200 seats": the thing, without the determiner. */
function bare(thing: string): string {
  return thing.replace(/^(?:(?:your|the|any|some|a|an|our|my|all|more|further)\s+)+/i, '');
}

/** The head of a noun phrase, for "The pricing you asked for": up to the first preposition or comma. */
function head(thing: string): string {
  const words = bare(thing).split(/\s+/);
  const stop = words.findIndex(
    (w, i) =>
      i > 0 && /^(?:for|of|on|in|about|to|from|with|by|regarding|including|that|which|we|you|i)$|[,;:]$/i.test(w),
  );
  const kept = words.slice(
    0,
    stop < 0 ? Math.min(words.length, 4) : Math.min(stop + (/[,;:]$/.test(words[stop] ?? '') ? 1 : 0), 4),
  );
  return kept.join(' ').replace(/[,;:]$/, '');
}

// ---------------------------------------------------------------------------------------------- asks

const namedPlaceholder = placeholder;

export interface AnswerContext {
  senderName?: string;
  /** "Shorter": placeholders name the thing in a few words. */
  short?: boolean;
  decision?: 'accept' | 'decline';
  register: Register;
}

/** Second person to first: "send me your notes" → "send you my notes" (the user speaking to the sender). */
export type Swap = (phrase: string) => string;

/**
 * Words the sender quotes inside a request ("please write \"I am sending the file now\" in the reply") are
 * theirs, not the user's: a placeholder names them instead of repeating them, so no wording the sender
 * dictates reaches the draft, even inside a placeholder.
 */
function withoutQuotedWording(text: string): string {
  return text.replace(/["“][^"“”\n]{1,400}["”]/g, 'the wording they gave');
}

/** The answer to one ask, or undefined when a decline already covers it. */
export function answerAsk(ask: Ask, ctx: AnswerContext, swap: Swap): string | undefined {
  const r = ctx.register;
  const placeholder = (text: string) => namedPlaceholder(text, ctx.short ? SHORT_PLACEHOLDER : MAX_PLACEHOLDER);
  if (ask.kind === 'request') {
    if (ctx.decision === 'decline') return undefined;
    if (ctx.decision === 'accept') return sentence(`${c(r, 'I will', "I'll")} ${swap(ask.action)}`);
    const action = senderSide(withoutQuotedWording(ask.action), ctx.senderName);
    const withDeadline = ask.deadline && !action.includes(ask.deadline) ? `${action} ${ask.deadline}` : action;
    return `${placeholder(`whether you ${withDeadline}`)}.`;
  }
  if (ask.kind === 'info') {
    if (ctx.decision === 'decline') return undefined;
    const thing = senderSide(withoutQuotedWording(ask.thing), ctx.senderName);
    if (ask.clause) return `${placeholder(thing)}.`;
    if (ask.verb) return sentence(`${capitalise(swap(ask.thing))} ${ask.verb} ${placeholder(bare(thing))}`);
    const about = head(swap(ask.thing));
    if (!about || about.split(/\s+/).length > 4 || !INFO_NOUN.test(ask.thing)) return `${placeholder(bare(thing))}.`;
    return `The ${about} you asked for: ${placeholder(bare(thing))}.`;
  }
  const clause = ask.clause ?? embedQuestion(ask.sentence);
  if (clause) return `${placeholder(senderSide(clause, ctx.senderName))}.`;
  const limit = ctx.short ? 60 : 140;
  const quoted = ask.sentence.length > limit ? `${ask.sentence.slice(0, limit - 3)}…` : ask.sentence;
  return `${placeholder(`answer to “${quoted.replace(/[“”]/g, '"')}”`)}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One decline for everything asked: "Unfortunately I won't be able to send you the report." */
export function declineSentence(actions: string[], r: Register): string {
  const wont = c(r, 'will not', "won't");
  if (actions.length === 1) return sentence(`Unfortunately I ${wont} be able to ${actions[0]}`);
  return `Unfortunately I ${wont} be able to help with this.`;
}

// ---------------------------------------------------------------------------------------------- the frame

export function thanksOpener(r: Register): string {
  if (r.formality === 'casual') return r.exclaim ? 'Thanks for the note!' : 'Thanks for the note.';
  if (r.formality === 'formal') return 'Thank you for your message.';
  return 'Thanks for your message.';
}

export function closer(r: Register): string {
  if (r.formality === 'formal') return 'Please let me know if you need anything further.';
  if (r.formality === 'casual') return 'Let me know if you need anything else.';
  return 'Let me know if anything else is needed.';
}

// ---------------------------------------------------------------------------------------------- instructions

export interface ReadInstruction {
  length?: 'shorter' | 'longer';
  formality?: Formality;
  decision?: 'accept' | 'decline';
  followUp?: boolean;
  /** Sentences the user asked to be said, written out ("I can offer you a 10% discount."). */
  say?: string[];
  /** Free text the planner cannot act on; shown as a placeholder so it is not lost. */
  unhandled?: string;
}

const PRONOUN_SWAP: [RegExp, string][] = [
  [/\b(him|her|them)\b/gi, 'you'],
  [/\b(his|their)\b/gi, 'your'],
  [/\b(he|she|they)\b/gi, 'you'],
  [/\b(he's|she's|they're)\b/gi, "you're"],
];

function toReader(text: string): string {
  return PRONOUN_SWAP.reduce((t, [pattern, to]) => t.replace(pattern, to), text);
}

/** One clause of an instruction as a sentence for the draft, or undefined when it is not a "say" request. */
export function sayFromInstruction(clause: string): string | undefined {
  const text = clause.trim().replace(/[.!]+$/, '');
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^(?:please\s+)?offer\s+(?:(?:him|her|them)\s+)?(.+)$/i, (m) => `I can offer you ${m[1]}.`],
    [
      /^(?:please\s+)?(?:apologi[sz]e|say sorry)(?:\s+for\s+(.+))?$/i,
      (m) => (m[1] ? `Sorry for ${toReader(m[1])}.` : 'Sorry about that.'),
    ],
    [
      /^(?:please\s+)?thank\s+(?:him|her|them)(?:\s+for\s+(.+))?$/i,
      (m) => (m[1] ? `Thank you for ${toReader(m[1])}.` : 'Thank you.'),
    ],
    [
      /^(?:please\s+)?ask\s+(?:(?:him|her|them)\s+)?(?:whether|if)\s+(.+)$/i,
      (m) => `Could you let me know whether ${toReader(m[1] ?? '')}?`,
    ],
    [
      /^(?:please\s+)?ask\s+(?:(?:him|her|them)\s+)?(?:for|about)\s+(.+)$/i,
      (m) => `Could you send me ${toReader(m[1] ?? '')}?`,
    ],
    [/^(?:please\s+)?ask\s+(?:him|her|them)\s+to\s+(.+)$/i, (m) => `Could you ${toReader(m[1] ?? '')}?`],
    [
      /^(?:please\s+)?remind\s+(?:him|her|them)\s+(?:to|that)\s+(.+)$/i,
      (m) => `Just a reminder: ${toReader(m[1] ?? '')}.`,
    ],
    [
      /^(?:please\s+)?remind\s+(?:him|her|them)\s+(?:about|of)\s+(.+)$/i,
      (m) => `Just a reminder about ${toReader(m[1] ?? '')}.`,
    ],
    [/^(?:please\s+)?(?:suggest|propose)\s+(?:that\s+)?(?:we\s+)?(.+)$/i, (m) => `How about ${m[1]}?`],
    [
      /^(?:please\s+)?(?:tell|let)\s+(?:him|her|them|\p{Lu}\p{L}+)\s+(?:know\s+)?(?:that\s+)?(.+)$/iu,
      (m) => `${toReader(m[1] ?? '')}.`,
    ],
    [/^(?:please\s+)?(?:say|mention|add|note|point out|include)\s+that\s+(.+)$/i, (m) => `${toReader(m[1] ?? '')}.`],
    [
      /^(?:please\s+)?(?:mention|add|note|point out|include|bring up)\s+(.+)$/i,
      (m) =>
        /^(?:a|an|some|\d|one|two|three|free|our|my)\b/i.test(m[1] ?? '')
          ? `There is also ${m[1]}.`
          : `I would also like to mention ${m[1]}.`,
    ],
    [/^(?:please\s+)?say\s+(.+)$/i, (m) => `${toReader(m[1] ?? '')}.`],
  ];
  for (const [pattern, write] of rules) {
    const m = pattern.exec(text);
    if (m) return capitalise(write(m).replace(/\s+/g, ' '));
  }
  return undefined;
}

const COMMAND = {
  shorter: /\b(shorter|brief|briefer|concise|short|terse|less wordy|trim)\b/i,
  longer: /\b(longer|more detail(ed)?|elaborate|expand)\b/i,
  casual: /\b(less formal|informal|casual|friendlier|more relaxed|warmer)\b/i,
  formal: /\b(more formal|formal|professional)\b/i,
  decline: /\b(decline|say no|turn (it |this )?down|refuse|reject|can'?t make it|not interested)\b/i,
  accept: /\b(accept|say yes|agree|confirm|yes)\b/i,
  followUp: /\b(follow[- ]?up|nudge|chase|remind me)\b/i,
};

/** "shorter and mention a 10% discount" → { length: 'shorter', say: ['There is also a 10% discount.'] }. */
export function readInstruction(instruction: string | undefined): ReadInstruction {
  const text = (instruction ?? '').trim().slice(0, 500);
  if (!text) return {};
  const read: ReadInstruction = {};
  const say: string[] = [];
  const unknown: string[] = [];
  const clauses = text
    .split(
      /\s*(?:[;,]|\band\b|\bthen\b|\balso\b)\s*(?=(?:please\s+)?(?:make|be|sound|keep|mention|say|tell|let|ask|offer|decline|accept|add|note|thank|apologi|remind|suggest|propose|point|include|more|less|shorter|longer|write|bring)\b)/i,
    )
    .filter(Boolean);
  for (const clause of clauses) {
    let known = false;
    const said = sayFromInstruction(clause);
    if (said && !COMMAND.decline.test(clause.split(/\s+/)[0] ?? '')) {
      say.push(said);
      continue;
    }
    if (COMMAND.shorter.test(clause)) {
      read.length = 'shorter';
      known = true;
    }
    if (COMMAND.longer.test(clause)) {
      read.length = 'longer';
      known = true;
    }
    if (COMMAND.casual.test(clause)) {
      read.formality = 'casual';
      known = true;
    } else if (COMMAND.formal.test(clause)) {
      read.formality = 'formal';
      known = true;
    }
    if (COMMAND.decline.test(clause)) {
      read.decision = 'decline';
      known = true;
    } else if (COMMAND.accept.test(clause)) {
      read.decision = 'accept';
      known = true;
    }
    if (COMMAND.followUp.test(clause)) {
      read.followUp = true;
      known = true;
    }
    if (!known) unknown.push(clause);
  }
  if (say.length) read.say = say;
  if (unknown.length) read.unhandled = unknown.join(', ').replace(/[[\]]/g, '').slice(0, 150);
  return read;
}

/** Puts each said sentence into the paragraph that shares most words with it, else the first answer. */
export function weave(paragraphs: string[], said: string[]): string[] {
  const out = [...paragraphs];
  const terms = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\d]{4,}/gu) ?? []);
  for (const line of said) {
    const mine = terms(line);
    let best = -1;
    let bestShared = 0;
    out.forEach((paragraph, i) => {
      if (/^- /.test(paragraph)) return;
      const shared = [...terms(paragraph)].filter((t) => mine.has(t)).length;
      if (shared > bestShared) {
        bestShared = shared;
        best = i;
      }
    });
    const target = best >= 0 ? best : out.findIndex((p) => !/^- /.test(p) && !/^(?:Thank|Thanks|Great)\b/.test(p));
    if (target < 0) out.push(line);
    else out[target] = `${out[target]} ${line}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- tidying

/** Punctuation a person would write: no "..", "?.", " ,", and one "Unfortunately" per draft. */
export function tidyPunctuation(text: string): string {
  let seenUnfortunately = false;
  const tidy = text
    .replace(/([^.])\.\.(?!\.)/g, '$1.')
    .replace(/\?\s*\./g, '?')
    .replace(/!\s*\./g, '!')
    .replace(/…\./g, '…')
    .replace(/[ \t]+([,.?!;:])/g, '$1')
    .replace(/,\s*\./g, '.')
    .replace(/\]\s*\.\s*\./g, '].')
    .replace(/(^|[.!?]\s+|\n)Unfortunately,? /g, (whole, before: string) => {
      if (!seenUnfortunately) {
        seenUnfortunately = true;
        return whole;
      }
      return `${before}`;
    })
    .replace(/(^|[.!?]\s+|\n)([a-z])/g, (_, before: string, letter: string) => `${before}${letter.toUpperCase()}`);
  return tidy;
}

const EXPANSIONS: [RegExp, string][] = [
  [/\bI'll\b/g, 'I will'],
  [/\bI'd\b/g, 'I would'],
  [/\bI'm\b/g, 'I am'],
  [/\bI've\b/g, 'I have'],
  [/\bwon't\b/g, 'will not'],
  [/\bcan't\b/g, 'cannot'],
  [/\bdon't\b/g, 'do not'],
  [/\bdoesn't\b/g, 'does not'],
  [/\bisn't\b/g, 'is not'],
  [/\baren't\b/g, 'are not'],
  [/\bit's\b/g, 'it is'],
  [/\bthat's\b/g, 'that is'],
  [/\blet's\b/g, 'let us'],
];

/** The user's own text outside placeholders with contractions written out (formal) or used (casual). */
export function applyContractions(text: string, contract: boolean): string {
  return text
    .split(/(\[confirm:[^\]\n]*\])/)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      if (!contract) return EXPANSIONS.reduce((t, [pattern, full]) => t.replace(pattern, full), part);
      return EXPANSIONS.reduce((t, [pattern, full]) => {
        const short = pattern.source.replace(/\\b/g, '');
        return t.replace(new RegExp(`\\b${full}\\b`, 'g'), short);
      }, part);
    })
    .join('');
}
