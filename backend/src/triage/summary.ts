/** One-line extractive summaries: who, and what they want (or what it is about). */
import type { NormalisedMessage } from '../mail/types.ts';
import { displayFirstName } from '../mail/addresses.ts';

export const MAX_SUMMARY_CHARS = 140;

const GREETING = /^(hi|hello|hey|dear|good (morning|afternoon|evening)|hallo|bonjour|hola)\b[^,.!:\n]{0,40}[,.!:]\s*/i;
const FILLER = /^(just (a quick note|checking in|wanted to)|i hope (you are|you're|this finds you)[^.!?]*[.!?]|hope (you are|you're|all is)[^.!?]*[.!?])\s*/i;

export function oneLine(text: string, max = MAX_SUMMARY_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const atWord = cut.replace(/\s+\S*$/, '');
  return `${atWord.length > max * 0.6 ? atWord : cut}…`;
}

export function cleanSentence(sentence: string): string {
  let s = sentence.trim();
  for (let i = 0; i < 2; i++) s = s.replace(GREETING, '').replace(FILLER, '');
  return s.trim();
}

function stripSubjectPrefixes(subject: string): string {
  return subject.replace(/^\s*((re|aw|sv|fw|fwd|wg)\s*(\[\d+\])?\s*:\s*)+/i, '').trim();
}

export function summarise(msg: NormalisedMessage, opts: { request?: string; fromMe?: boolean }): string {
  const who = opts.fromMe ? 'You' : (displayFirstName(msg.from) ?? msg.from?.address ?? 'Someone');
  const subject = stripSubjectPrefixes(msg.subject);
  if (opts.request) {
    const ask = cleanSentence(opts.request);
    if (ask.length >= 8) return oneLine(`${who} ${opts.fromMe ? 'asked' : 'asks'}: ${ask}`);
  }
  const firstSentence = cleanSentence((msg.newText || msg.text).split(/(?<=[.!?])\s+|\n/).map((s) => s.trim()).find((s) => s.length >= 12) ?? '');
  if (subject && firstSentence && !firstSentence.toLowerCase().startsWith(subject.toLowerCase().slice(0, 20))) {
    return oneLine(`${who}: ${subject} — ${firstSentence}`);
  }
  if (subject) return oneLine(`${who}: ${subject}`);
  if (firstSentence) return oneLine(`${who}: ${firstSentence}`);
  return oneLine(`${who}: (no subject, no text)`);
}
