/**
 * What a message asks of the user, read deterministically: its questions and requests, whether it is an
 * invitation or a scheduling ask, the sender's first name, a missing attachment. Both drafting engines use
 * it: the local planner writes from it, the model engine puts it in the prompt as a checklist.
 */
import type { NormalisedMessage } from '../mail/types.ts';
import { type Ask, readAsks, sentencesOf } from './asks.ts';
import { type DraftLanguage, detectLanguage } from './language.ts';
import { firstNameOf } from './names.ts';
import { readMessageStyle } from './style.ts';

export type { Ask } from './asks.ts';
export { readAsks, sentencesOf } from './asks.ts';

export type Intent = 'answer' | 'accept' | 'decline' | 'ask_missing' | 'schedule' | 'acknowledge' | 'follow_up';

export interface MessageAnalysis {
  senderName?: string;
  language?: DraftLanguage;
  topic: string;
  asks: Ask[];
  invitation?: { sentence: string; when?: string };
  meetingAsk: boolean;
  /** The ask to meet comes before the other asks, so the times lead the reply. */
  meetingFirst: boolean;
  missingAttachment: boolean;
  fromMe: boolean;
  /** "Thanks, that's done" — nothing left to answer. */
  closing: boolean;
  intents: Intent[];
}

export const MEETING_ASK =
  /\b(meet(ing)?|call|chat|catch[- ]up|get together|sync|coffee|lunch|zoom|teams call|hop on|talk)\b[^.?!\n]{0,80}\b(time|when|available|availability|free|slot|schedule|next week|this week|tomorrow|monday|tuesday|wednesday|thursday|friday|morning|afternoon)\b|\b(when are you (free|available)|are you (free|available)|your availability|find a time|set up a (call|meeting|time)|schedule a (call|meeting)|what times? (works?|suits?)|does \w+day work|can we (meet|talk|chat|speak|get together)|could we (meet|talk|chat|speak)|let'?s (meet|talk|chat|find a time)|(would like to|want to|could i|can i|may i|could we|can we) (swing|stop|come|drop|pop) by)\b/i;
const INVITATION =
  /\b(would you like to (join|come|attend)|you'?re invited|we'?d (love|like) (for )?you to (join|come|attend|speak)|(can|could|will|would) you (join|attend|come|make it|speak|present)|invite you|invitation to|are you (interested|able to (join|attend|come|make it))|rsvp|please confirm (your attendance|whether you can (attend|come|join))|hopes? (that )?you (will|can|'ll) be able to (join|attend|come)|hope you can (join|attend|come)|save the date)\b/i;
const ATTACHMENT_MENTION = /\b(attached|attachment|enclosed|see the (file|document|doc)|i'?ve attached|please find)\b/i;
const CLOSING_ONLY =
  /^(thanks|thank you|thx|great|perfect|sounds good|ok(ay)?|got it|will do|done|noted|cheers|appreciate it)\b[^?]*$/i;

/** Second person to first and back: the reply speaks from the other side of the conversation. */
const PERSON_SWAP: Record<string, string> = {
  me: 'you',
  my: 'your',
  mine: 'yours',
  myself: 'yourself',
  us: 'you',
  our: 'your',
  ours: 'yours',
  your: 'my',
  yours: 'mine',
  yourself: 'myself',
  i: 'you',
  we: 'you',
  am: 'are',
};
const OBJECT_POSITION =
  /^(to|for|with|from|at|by|about|of|on|than|give|send|tell|show|ask|let|email|call|help|invite|thank|cc|copy)$/i;

export function swapPerson(phrase: string): string {
  const words = phrase.split(/(\s+)/);
  return words
    .map((word, i) => {
      const core = /^([\p{L}']+)(.*)$/u.exec(word);
      if (!core) return word;
      const [, bare = '', tail = ''] = core;
      const lower = bare.toLowerCase();
      if (lower === 'you') {
        const previous = (words[i - 2] ?? '').replace(/[^\p{L}]/gu, '');
        const next = (words[i + 2] ?? '').replace(/[^\p{L}]/gu, '').toLowerCase();
        const object = OBJECT_POSITION.test(previous) || next === '' || tail !== '';
        return (object ? 'me' : 'I') + tail;
      }
      if (lower === 'are' && /^(i)$/i.test((words[i - 2] ?? '').trim())) return `am${tail}`;
      const swapped = PERSON_SWAP[lower];
      if (!swapped) return word;
      return (swapped === 'you' && lower === 'i' ? 'you' : swapped) + tail;
    })
    .join('')
    .replace(/\bI are\b/g, 'I am')
    .replace(/\byou am\b/g, 'you are');
}

/**
 * The paragraphs that ask to meet, and the one after (often "Tue or Wed afternoon works"). The solver reads
 * only these: dates elsewhere in a long message are not the requester's windows, and each costs time.
 */
export function meetingAskText(text: string, maxChars = 1200): string {
  const paragraphs = text.slice(0, ANALYSED_CHARS).split(/\n\s*\n/);
  const picked: string[] = [];
  paragraphs.forEach((paragraph, i) => {
    if (!MEETING_ASK.test(paragraph)) return;
    if (!picked.includes(paragraph)) picked.push(paragraph);
    const next = paragraphs[i + 1];
    if (next && next.length < 300 && !picked.includes(next)) picked.push(next);
  });
  return (picked.length ? picked.join('\n\n') : text).slice(0, maxChars);
}

export function topicOf(subject: string): string {
  return subject.replace(/^\s*((re|aw|sv|fw|fwd|wg|tr|rv)\s*(\[\d+\])?\s*:\s*)+/i, '').trim();
}

/**
 * The name to greet the sender by: the name they sign with when it is theirs (one word, as people sign
 * "Kevin" or "Jim"; or matching the display name), else the display name's first name.
 */
export function greetingName(
  message: Pick<NormalisedMessage, 'from'>,
  signName: string | undefined,
): string | undefined {
  const displayFirst = firstNameOf(message.from);
  const signedWords = signName?.split(/\s+/) ?? [];
  const signed = signedWords[0];
  if (!signed) return displayFirst;
  const display = (message.from?.name ?? '').toLowerCase();
  const address = message.from?.address.toLowerCase() ?? '';
  const matches =
    display.includes(signed.toLowerCase()) ||
    (signedWords[1] !== undefined && display.includes(signedWords[1].toLowerCase())) ||
    address.startsWith(signed.toLowerCase());
  if (signedWords.length === 1 || matches || !displayFirst) return signed;
  return displayFirst;
}

/** Asks beyond this point of a long message are not what a reply answers; the bound keeps drafting fast. */
const ANALYSED_CHARS = 8000;

export function analyseMessage(message: NormalisedMessage, me: string[] = []): MessageAnalysis {
  const text = (message.newText || message.text).slice(0, ANALYSED_CHARS);
  const style = readMessageStyle(text, message.signature);
  const ownAddresses = new Set(me.map((a) => a.toLowerCase()));
  const fromMe = !!message.from && ownAddresses.has(message.from.address.toLowerCase());
  const senderName = greetingName(message, style.signName);
  // Hard-wrapped lines ("…our meeting (with Jeff) to\ntake place next Tuesday") are one sentence.
  const body = (style.body || text).replace(/([^\n])\n(?=[^\n\s*•-])/g, '$1 ');
  const invitationMatch = INVITATION.exec(body);
  const invitationSentence = invitationMatch ? sentencesOf(body).find((s) => INVITATION.test(s)) : undefined;
  const meetingAsk = MEETING_ASK.test(body) && !invitationMatch;
  const allAsks = readAsks(body);
  // The scheduling or invitation sentence is answered by times or by the acceptance, not as a question.
  const asks = allAsks.filter(
    (a) => !(meetingAsk && MEETING_ASK.test(a.sentence)) && a.sentence !== invitationSentence,
  );
  const sentences = meetingAsk ? sentencesOf(body) : [];
  const meetingAt = sentences.findIndex((s) => MEETING_ASK.test(s));
  const firstAskAt = asks.length ? sentences.indexOf(asks[0]?.sentence ?? '') : -1;
  const meetingFirst = meetingAsk && (firstAskAt < 0 || (meetingAt >= 0 && meetingAt < firstAskAt));
  const missingAttachment =
    ATTACHMENT_MENTION.test(body) && message.attachments.length === 0 && !/\battached (is|are) (a )?link\b/i.test(body);
  const closing =
    !asks.length && !meetingAsk && !invitationMatch && CLOSING_ONLY.test(body.trim()) && style.words <= 25;

  const intents: Intent[] = [];
  if (fromMe) intents.push('follow_up');
  else {
    if (missingAttachment) intents.push('ask_missing');
    if (meetingAsk) intents.push('schedule');
    if (invitationMatch) intents.push('accept');
    if (asks.length) intents.push('answer');
    if (!intents.length) intents.push('acknowledge');
  }
  const language = detectLanguage(body);
  return {
    ...(senderName ? { senderName } : {}),
    ...(language ? { language } : {}),
    topic: topicOf(message.subject),
    asks,
    ...(invitationSentence ? { invitation: { sentence: invitationSentence } } : {}),
    meetingAsk,
    meetingFirst,
    missingAttachment,
    fromMe,
    closing,
    intents,
  };
}
