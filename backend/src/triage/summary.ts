/** One-line extractive summaries: who, and what they want (or what it is about). */

import { displayFirstName } from '../mail/addresses.ts';
import { isAttributionLine } from '../mail/quotes.ts';
import type { NormalisedMessage } from '../mail/types.ts';

export const MAX_SUMMARY_CHARS = 140;

const GREETING = /^(hi|hello|hey|dear|good (morning|afternoon|evening)|hallo|bonjour|hola)\b[^,.!:\n]{0,40}[,.!:]\s*/i;
/** "@alex@northwind.example can you…", "@sam, could you…": the mention addresses the reader, like a greeting. */
const MENTION = /^(?:@[\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?[,:]?\s+)+/;
const FILLER =
  /^(just (a quick note|checking in|wanted to)|i hope (you are|you're|this finds you)[^.!?]*[.!?]|hope (you are|you're|all is)[^.!?]*[.!?])\s*/i;

const WHITESPACE = /\s/;

/**
 * Where `text.replace(/\s+\S*$/, '')` would cut: the start of the last whitespace run, or the length
 * when there is none. Found from the end, without the regex's retry at every whitespace character.
 */
function lastWhitespaceRunStart(text: string): number {
  let end = text.length - 1;
  while (end >= 0 && !WHITESPACE.test(text[end]!)) end--;
  if (end < 0) return text.length;
  while (end > 0 && WHITESPACE.test(text[end - 1]!)) end--;
  return end;
}

/**
 * The first piece of `text` split at sentence ends and newlines that is 12 characters or more, trimmed;
 * attribution lines ("Ann Lee wrote:", "-----Original Message-----", "From: …") are not pieces.
 */
function firstLongPiece(text: string): string | undefined {
  const separator = /(?<=[.!?])\s+|\n/g;
  let start = 0;
  let lineStart = true;
  let match: RegExpExecArray | null;
  const usable = (piece: string, atLineStart: boolean) =>
    piece.length >= 12 && !(atLineStart && isAttributionLine(piece.slice(0, 400)));
  while ((match = separator.exec(text)) !== null) {
    const piece = text.slice(start, match.index).trim();
    if (usable(piece, lineStart)) return piece;
    lineStart = match[0].includes('\n');
    start = match.index + match[0].length;
  }
  const last = text.slice(start).trim();
  return usable(last, lineStart) ? last : undefined;
}

const PERSON_NAME = /^\p{Lu}[\p{L}'’.-]*(\s+\p{Lu}[\p{L}'’.-]*){0,2}$/u;

/**
 * Who a summary names: a person's first name ("Ann Lee" → "Ann", "Lee, Ann" → "Ann"); an organisation or
 * any other display name whole ("Acme Outdoor Deals", "GitHub"), so no first word stands alone.
 */
function senderLabel(msg: NormalisedMessage, bulk: boolean): string | undefined {
  const name = msg.from?.name?.replace(/\(.*?\)|<.*?>|["']/g, '').trim();
  if (name && !name.includes('@')) {
    const personLike = PERSON_NAME.test(name) || /^[^,]+,\s*\p{Lu}[\p{L}'’.-]*$/u.test(name);
    const words = name.split(/\s+/).length;
    if (bulk || !personLike || words === 1) return oneLine(name, 40);
  }
  return displayFirstName(msg.from);
}

export function oneLine(text: string, max = MAX_SUMMARY_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const atWord = cut.slice(0, lastWhitespaceRunStart(cut));
  return `${atWord.length > max * 0.6 ? atWord : cut}…`;
}

export function cleanSentence(sentence: string): string {
  let s = sentence.trim();
  for (let i = 0; i < 2; i++) s = s.replace(GREETING, '').replace(MENTION, '').replace(FILLER, '');
  return s.trim();
}

function stripSubjectPrefixes(subject: string): string {
  return subject.replace(/^\s*((re|aw|sv|fw|fwd|wg)\s*(\[\d+\])?\s*:\s*)+/i, '').trim();
}

/** `bulk`: promotions and notifications, whose sender is named whole ("Acme Outdoor", not "Acme"). */
export function summarise(
  msg: NormalisedMessage,
  opts: { request?: string; fromMe?: boolean; bulk?: boolean },
): string {
  const who = opts.fromMe ? 'You' : (senderLabel(msg, opts.bulk ?? false) ?? msg.from?.address ?? 'Someone');
  const subject = stripSubjectPrefixes(msg.subject);
  if (opts.request) {
    const ask = cleanSentence(opts.request);
    if (ask.length >= 8) return oneLine(`${who} ${opts.fromMe ? 'asked' : 'asks'}: ${ask}`);
  }
  const firstSentence = cleanSentence(firstLongPiece(msg.newText || msg.text) ?? '');
  if (subject && firstSentence && !firstSentence.toLowerCase().startsWith(subject.toLowerCase().slice(0, 20))) {
    return oneLine(`${who}: ${subject} — ${firstSentence}`);
  }
  if (subject) return oneLine(`${who}: ${subject}`);
  if (firstSentence) return oneLine(`${who}: ${firstSentence}`);
  return oneLine(`${who}: (no subject, no text)`);
}
