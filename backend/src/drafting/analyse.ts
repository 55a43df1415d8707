/**
 * What a message asks of the user, read deterministically: its questions and requests, whether it is an
 * invitation or a scheduling ask, the sender's first name, a missing attachment. Both drafting engines use
 * it: the local planner writes from it, the model engine puts it in the prompt as a checklist.
 */
import type { NormalisedMessage } from '../mail/types.ts';
import { type DraftLanguage, detectLanguage } from './language.ts';
import { firstNameOf } from './names.ts';
import { readMessageStyle } from './style.ts';

export type Intent = 'answer' | 'accept' | 'decline' | 'ask_missing' | 'schedule' | 'acknowledge' | 'follow_up';

export type Ask =
  /** "Could you send me the forecast by Friday?" → action "send you the forecast by Friday". */
  | { kind: 'request'; sentence: string; action: string; hasDeadline: boolean }
  /** "What is the price for 200 seats?" → subject "the price for 200 seats". */
  | { kind: 'what_is'; sentence: string; subject: string; verb: 'is' | 'are' }
  | { kind: 'question'; sentence: string };

export interface MessageAnalysis {
  senderName?: string;
  language?: DraftLanguage;
  topic: string;
  asks: Ask[];
  invitation?: { sentence: string; when?: string };
  meetingAsk: boolean;
  missingAttachment: boolean;
  fromMe: boolean;
  /** "Thanks, that's done" — nothing left to answer. */
  closing: boolean;
  intents: Intent[];
}

export const MEETING_ASK =
  /\b(meet(ing)?|call|chat|catch[- ]up|get together|sync|coffee|lunch|zoom|teams call|hop on|talk)\b[^.?!\n]{0,80}\b(time|when|available|availability|free|slot|schedule|next week|this week|tomorrow|monday|tuesday|wednesday|thursday|friday|morning|afternoon)\b|\b(when are you (free|available)|are you (free|available)|your availability|find a time|set up a (call|meeting|time)|schedule a (call|meeting)|what times? (works?|suits?)|does \w+day work|can we (meet|talk|chat|speak|get together)|could we (meet|talk|chat|speak)|let'?s (meet|talk|chat|find a time))\b/i;
const INVITATION =
  /\b(would you like to (join|come|attend)|you'?re invited|we'?d (love|like) (for )?you to (join|come|attend|speak)|(can|could|will|would) you (join|attend|come|make it|speak|present)|invite you|invitation to|are you (interested|able to (join|attend|come|make it))|rsvp|please confirm (your attendance|whether you can (attend|come|join)))\b/i;
const ATTACHMENT_MENTION = /\b(attached|attachment|enclosed|see the (file|document|doc)|i'?ve attached|please find)\b/i;
const CLOSING_ONLY =
  /^(thanks|thank you|thx|great|perfect|sounds good|ok(ay)?|got it|will do|done|noted|cheers|appreciate it)\b[^?]*$/i;

const REQUEST_LEAD =
  /^(?:(?:hi|hello|hey)\b[^,]*,\s*)?(?:(?:so|and|also|but|ok(?:ay)?|btw),?\s+)?(?:(?:can|could|would|will) you(?: please| kindly| possibly)?|please|(?:i|we)(?: would|'d) (?:appreciate it if you could|like you to)|(?:i|we) need you to|would you mind)\s+/i;
const WHAT_IS = /^what(?:'s| is| are)\s+(.+?)\??$/i;
const ACTION_VERB =
  /^(send|share|forward|provide|give|email|mail|review|check|look|confirm|update|prepare|draft|sign|approve|call|let|tell|help|arrange|book|submit|fill|complete|add|remove|change|fix|schedule|get|pass|circulate|resend|return|ask)\b/i;
const DEADLINE =
  /\b(by|before|until|no later than|end of|eod|eow|asap|as soon as|soon|today|tomorrow|tonight|this (week|afternoon|morning|evening)|next week|(mon|tues|wednes|thurs|fri|satur|sun)day)\b/i;

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

/** Sentences of the new text, headers and greeting/sign-off lines left out. */
export function sentencesOf(text: string): string[] {
  return text
    .replace(/\r/g, '')
    .split(/\n\s*\n|(?<=[.!?])\s+(?=[\p{Lu}"'(])|\n(?=[-*•]\s)/u)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 1);
}

function cleanAction(action: string): string {
  return action
    .replace(/[?.!\s]+$/u, '')
    .replace(/\s+please$/i, '')
    .trim();
}

const HEADER_LIKE = /\b(from|to|cc|subject|sent|date|email|e-mail|tel|phone|fax|headline)\s*:/i;

/**
 * A sentence a person asks the reader, not a headline, a quoted line, a header block or mangled text:
 * forwarded newsletters are full of question marks nobody expects the user to answer.
 */
function isPersonalSentence(sentence: string): boolean {
  // "contacts?for" and " ?" are non-breaking spaces mangled by a charset, not questions.
  if (HEADER_LIKE.test(sentence) || /\?{2,}|�|\?[\p{L}']|\s\?/u.test(sentence) || /^["'“‘(>]/.test(sentence))
    return false;
  const words = sentence.split(/\s+/);
  if (words.length > 40) return false;
  const capitalised = words.filter((w) => /^[\p{Lu}]/u.test(w)).length;
  return words.length < 4 || capitalised / words.length < 0.6;
}

export function readAsks(text: string): Ask[] {
  const asks: Ask[] = [];
  for (const sentence of sentencesOf(text)) {
    if (!isPersonalSentence(sentence)) continue;
    const lead = REQUEST_LEAD.exec(sentence);
    if (lead) {
      const rest = cleanAction(sentence.slice(lead[0].length));
      if (ACTION_VERB.test(rest) && rest.split(/\s+/).length <= 25) {
        asks.push({ kind: 'request', sentence, action: swapPerson(rest), hasDeadline: DEADLINE.test(rest) });
        continue;
      }
    }
    if (!sentence.endsWith('?')) continue;
    const what = WHAT_IS.exec(sentence);
    if (what?.[1] && what[1].split(/\s+/).length <= 10 && !/\b(you|we|i)\b/i.test(what[1])) {
      asks.push({
        kind: 'what_is',
        sentence,
        subject: swapPerson(what[1]),
        verb: /\bare\b/i.test(sentence.slice(4, 9)) ? 'are' : 'is',
      });
      continue;
    }
    asks.push({ kind: 'question', sentence });
  }
  return asks.slice(0, 5);
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

/** Asks beyond this point of a long message are not what a reply answers; the bound keeps drafting fast. */
const ANALYSED_CHARS = 8000;

export function analyseMessage(message: NormalisedMessage, me: string[] = []): MessageAnalysis {
  const text = (message.newText || message.text).slice(0, ANALYSED_CHARS);
  const style = readMessageStyle(text, message.signature);
  const ownAddresses = new Set(me.map((a) => a.toLowerCase()));
  const fromMe = !!message.from && ownAddresses.has(message.from.address.toLowerCase());
  const displayFirst = firstNameOf(message.from);
  // A sender who signs "Jim" while their display name says "James" goes by "Jim".
  const signed = style.signName?.split(/\s+/)[0];
  const senderName =
    signed && displayFirst && signed.slice(0, 2).toLowerCase() === displayFirst.slice(0, 2).toLowerCase()
      ? signed
      : (displayFirst ?? signed);
  const body = style.body || text;
  const invitationMatch = INVITATION.exec(body);
  const invitationSentence = invitationMatch ? sentencesOf(body).find((s) => INVITATION.test(s)) : undefined;
  const meetingAsk = MEETING_ASK.test(body) && !invitationMatch;
  const allAsks = readAsks(body);
  // The scheduling or invitation sentence is answered by times or by the acceptance, not as a question.
  const asks = allAsks.filter(
    (a) => !(meetingAsk && MEETING_ASK.test(a.sentence)) && a.sentence !== invitationSentence,
  );
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
    missingAttachment,
    fromMe,
    closing,
    intents,
  };
}
