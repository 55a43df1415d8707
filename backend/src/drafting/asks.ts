/**
 * The asks of a message, sentence by sentence: what the sender wants to know (`info`), wants the reader to
 * do (`request`), or asks (`question`). Each ask keeps the sender's own words, with the sender's "me" made
 * explicit, so the reply can name the thing in a `[confirm: …]` placeholder without promising anything.
 *
 *   "Could you approve the Q2 budget by Friday?"  → request "approve the Q2 budget by Friday"
 *   "Could you send me your pricing for 200 seats?" → info "your pricing for 200 seats"
 *   "Do we still have budget for the offsite?"    → question, "whether we still have budget for the offsite"
 *
 * Reading is deterministic and bounded: sentences of at most 60 words, at most eight asks a message.
 */

export type Ask =
  /** Something the reader is asked to do; `action` in the sender's words ("approve the Q2 budget by Friday"). */
  | { kind: 'request'; sentence: string; action: string; deadline?: string }
  /** Information the sender wants; `thing` names it ("pricing for 200 seats"); `clause` for "let me know whether…". */
  | { kind: 'info'; sentence: string; thing: string; clause?: boolean; verb?: 'is' | 'are'; deadline?: string }
  /** A question to answer; `clause` is its embedded form ("whether we still have budget"), when one could be made. */
  | { kind: 'question'; sentence: string; clause?: string };

const MAX_ASKS = 8;
const MAX_WORDS = 60;

/** Sentences of a body: paragraphs, then sentence ends; bullet lines apart. */
export function sentencesOf(text: string): string[] {
  return (
    text
      .replace(/\r/g, '')
      // A "?" alone on a line, or after a full stop, is a non-breaking space mangled by a charset.
      .replace(/\n[ \t]*\?[ \t]*(?=\n|$)/g, '\n')
      .replace(/([.!])[ \t]+\?(?=\s|$)/g, '$1')
      .split(/\n\s*\n|(?<=[.!?])\s+(?=[\p{Lu}\d"'(])|(?<=[.!?])\n|\n(?=[-*•]\s)|\s+(?=[a-h]\)\s)/u)
      .map((s) => s.replace(/\s+/g, ' ').trim())
      .filter((s) => s.length > 1)
  );
}

const HEADER_LIKE = /\b(from|to|cc|subject|sent|date|email|e-mail|tel|phone|fax|headline)\s*:/i;

/**
 * A sentence a person asks the reader, not a headline, a quoted line, a header block or mangled text:
 * forwarded newsletters are full of question marks nobody expects the user to answer.
 */
export function isPersonalSentence(sentence: string, request = false): boolean {
  // "contacts?for" and " ?" are non-breaking spaces mangled by a charset, not questions.
  if (HEADER_LIKE.test(sentence) || /\?{2,}|�|\?[\p{L}']|\s\?/u.test(sentence) || /^["'“‘(>]/.test(sentence))
    return false;
  const words = sentence.split(/\s+/);
  if (words.length > MAX_WORDS) return false;
  const capitalised = words.filter((w) => /^[\p{Lu}]/u.test(w)).length;
  // A list of names after "please include" is still a request; a run of capitals without one is a headline.
  return request || words.length < 4 || capitalised / words.length < 0.6;
}

/** What the sender wants to be told or sent, rather than done: answered with a named placeholder. */
export const INFO_NOUN =
  /^(?:(?:your|the|any|some|a|an|our|my|his|her|their|that|this|those|these|all|more|further|an? updated?|current|latest|final|revised|written)\s+)*(?:[\w-]+\s+){0,3}?(?:price|prices|pricing|quote|quotes|quotation|cost|costs|rate|rates|fee|fees|figures?|numbers?|data|details|information|info|status|update|updates|comments?|feedback|thoughts|input|suggestions?|ideas|answers?|availability|schedule|timeline|estimates?|breakdown|views?|opinion|recommendations?|advice|name|names|address|addresses|date|dates|deadline|confirmation|approval|decision|rankings?|documentation|list|contact|contacts)\b/i;

/** Leads that put a request to the reader, wherever they stand in the sentence. */
const REQUEST_LEAD =
  /(?:^|[\s,;:–—-])(?:(?:can|could|would|will) (?:you|anyone|anybody|somebody|someone|one of you|either of you)(?: please| kindly| possibly| also)?|please|kindly|(?:i|we)(?: would|'d) (?:appreciate it if you could|be grateful if you could|like you to|ask you to)|(?:i|we) need you to|would you mind|i (?:would |'d )?(?:recommend|suggest|ask) (?:that )?you|you may want to|you might want to)\s+(?!be advised\b|note\b|find\b|see\b|feel free\b|do not hesitate\b|don't hesitate\b)/i;

const CONDITIONAL_ASK = /^if\s+(.+?),?\s+(?:please\s+)?(?:let|tell|advise|inform)\s+(?:me|us)(?:\s+know)?\s*[.!]?$/i;
const APPRECIATE_IF =
  /^if you (?:are able to|could|can|would|have time to|get a chance to)\s+(.+?),?\s+(?:i|we)(?:'d| would) (?:really |greatly )?(?:appreciate it|be grateful)/i;
const LET_ME_KNOW = /\b(?:let|tell|advise|inform) (?:me|us)(?: know)?\b[\s,:]*(.*)$/i;
const SEND_ME = /^(?:send|give|provide|forward|share|email|e-mail|fax|get|mail)\s+(?:me|us)\s+(.+)$/i;
const LET_ME_HAVE = /^let (?:me|us) (?:have|see|get)\s+(.+)$/i;
const IMPERATIVE =
  /^(?:(?:so|and|now|just)\s+)?(?:give|call|ring|phone|send|email|e-mail|fax|forward|contact|let|tell|advise|help)\s+(?:me|us)\b/i;
const WONDERING = /\bi (?:was|am) wondering (?:if|whether)\s+(.+)$/i;
const WHAT_IS = /^what(?:'s| is| are)\s+(.+?)\??$/i;
const YES_NO =
  /^(do|does|did|is|are|was|were|can|could|will|would|should|shall|have|has|had|may|might)\s+(i|you|we|they|he|she|it|there|this|that|anyone|anybody|someone|somebody|everyone)\s+(.+?)\??$/i;
const WH = /^(who|what|when|where|which|how|why)\b(.+?)\??$/i;
const PASSIVE_DUE =
  /^(?:all\s+)?(?:your\s+|the\s+|final\s+|any\s+)*(comments?|feedback|responses?|replies|input|suggestions|changes|forms?|documents?|reports?|materials?)\s+(?:should|must|need to|needs to|are to|is to)\s+be\s+(?:received|sent|submitted|returned|provided|in)\b(.*)$/i;
const NEEDED =
  /^(?:your\s+)(comments?|feedback|input|approval|signature|answer|response|help)\s+(?:is|are)\s+needed\b(.*)$/i;
const WANTS_TO_RECEIVE = /\b(?:would like|wants?|needs?|hopes?) to (?:receive|get|have|see)\s+(.+)$/i;

const WEEKDAY = '(?:mon|tues|wednes|thurs|fri|satur|sun)day';
const DAY_OF_MONTH =
  '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{4})?|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|\\d{1,2}\\/\\d{1,2}(?:\\/\\d{2,4})?';
const CLOCK = '\\d{1,2}(?:[:.]\\d{2})?\\s*(?:am|pm|a\\.m\\.|p\\.m\\.)(?:\\s+[A-Z]{2,4}\\b)?|noon|midday';
const DAY = `(?:the\\s+)?(?:end of (?:the )?(?:day|week|month|year|quarter|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)|eod|eow|cob|close of business|tomorrow|tonight|today|(?:this|next)\\s+(?:week|month|${WEEKDAY})|${WEEKDAY}(?:,?\\s+(?:${DAY_OF_MONTH}))?|${DAY_OF_MONTH})`;
/** "by Friday", "before COB Thurs 10/25", "no later than 3:00 PM EST on Sunday, August 26", "ASAP". */
export const DEADLINE_PHRASE = new RegExp(
  `\\b(?:by|before|until|no later than)\\s+(?:(?:cob|eod)\\s+)?(?:(?:${CLOCK})(?:\\s+(?:on\\s+)?${DAY})?|${DAY}(?:\\s+(?:at\\s+)?(?:${CLOCK}))?|(?:thurs?|tues?|wed|fri|mon)\\.?\\s+\\d{1,2}\\/\\d{1,2})|\\b(?:asap|as soon as possible|today|tomorrow|tonight|this (?:week|afternoon|morning|evening))\\b`,
  'i',
);

function clean(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/[?.!\s,;:]+$/u, '')
    .replace(/\s+please$/i, '')
    .replace(/^(?:please|kindly|also|just)\s+/i, '')
    .trim();
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function cut(text: string, max = 150): string {
  if (text.length <= max) return text;
  const at = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, at > 40 ? at : max - 1)}…`;
}

/** "whether the room is free" from "Is the room free?" when the subject is a pronoun; else undefined. */
export function embedQuestion(sentence: string): string | undefined {
  const text = clean(sentence.replace(/^(?:and|so|also|but|ok(?:ay)?),?\s+/i, ''));
  const yesNo = YES_NO.exec(text);
  if (yesNo) {
    const [, aux = '', subject = '', rest = ''] = yesNo;
    const lowerAux = aux.toLowerCase();
    // "Did you get my note" → "whether you got…" needs tense; "did" is kept as spoken instead.
    const verb = ['do', 'does'].includes(lowerAux) ? '' : `${lowerAux} `;
    const subj = subject.toLowerCase() === 'i' ? 'I' : subject.toLowerCase();
    return `whether ${subj} ${verb}${rest}`.replace(/\s+/g, ' ');
  }
  const wh = WH.exec(text);
  if (wh) {
    const [, word = '', rest = ''] = wh;
    // "When will the report be ready" → "when the report will be ready" for a pronoun or short subject.
    const inverted =
      /^\s+(is|are|was|were|will|would|can|could|should|do|does|did)\s+(i|you|we|they|he|she|it|this|that|the \w+)\s+(.+)$/i.exec(
        rest,
      );
    if (inverted) {
      const [, aux = '', subject = '', tail = ''] = inverted;
      const lowerAux = aux.toLowerCase();
      const verb = ['do', 'does'].includes(lowerAux) ? '' : `${lowerAux} `;
      if (lowerAux !== 'did') return `${word.toLowerCase()} ${subject} ${verb}${tail}`.replace(/\s+/g, ' ');
    }
    return `${word.toLowerCase()}${rest}`;
  }
  return undefined;
}

/** The deadline stated in a phrase, as written ("by Friday", "before Friday"). */
export function deadlineIn(text: string): string | undefined {
  return DEADLINE_PHRASE.exec(text)?.[0];
}

function infoOrRequest(sentence: string, action: string): Ask | undefined {
  const sent = SEND_ME.exec(action);
  if (sent?.[1] && INFO_NOUN.test(sent[1])) return { kind: 'info', sentence, thing: cut(sent[1]) };
  const have = LET_ME_HAVE.exec(action);
  if (have?.[1]) return { kind: 'info', sentence, thing: cut(have[1]) };
  const told = LET_ME_KNOW.exec(action);
  if (told && /^(?:let|tell|advise|inform)\b/i.test(action)) {
    const about = clean(told[1] ?? '');
    // "Let me know." or "let me know and we'll go with the majority" asks nothing of its own.
    if (!about || /^(?:and|so|or|but|thanks|thank you)\b/i.test(about)) return undefined;
    if (/^(?:if|whether)\b/i.test(about))
      return { kind: 'info', sentence, thing: cut(about.replace(/^if\b/i, 'whether')), clause: true };
    if (/^(?:when|what|who|how|which|where|why)\b/i.test(about))
      return { kind: 'info', sentence, thing: cut(about), clause: true };
    return { kind: 'info', sentence, thing: cut(about) };
  }
  const deadline = deadlineIn(action);
  // The main clause is the request; "…, and we can discuss" or "so that I…" only explains it.
  const main = action.replace(
    /(?:,\s*(?:and|so|as|because|since)\s+(?:we|i)\b|\s+(?:so that|just so|so)\s+(?:we|i)\b|\s+[-–—]+\s+just so\b).*$/i,
    '',
  );
  return { kind: 'request', sentence, action: cut(lowerFirst(main)), ...(deadline ? { deadline } : {}) };
}

/** The ask a single sentence makes, if any. */
export function readAsk(sentence: string): Ask | undefined {
  if (!isPersonalSentence(sentence, REQUEST_LEAD.test(sentence))) return undefined;
  // A leading vocative or label: "Jeff - please…", "Sally -", "Assistants:"; and the enumeration "a)".
  const body = sentence
    .replace(/^[a-h]\)\s+/, '')
    .replace(/^[\p{Lu}][\p{L}'’.]+(?:\s+[\p{Lu}][\p{L}'’.]+)?\s*(?:[-–—:;,]|\/[\p{Lu}][\p{L}]+[;:,])\s+/u, '');

  // "If you'd like his CV, please let me know": the condition is what to answer.
  const conditional = CONDITIONAL_ASK.exec(body);
  if (conditional?.[1]) return { kind: 'info', sentence, thing: cut(`whether ${clean(conditional[1])}`), clause: true };
  const appreciate = APPRECIATE_IF.exec(body);
  if (appreciate?.[1]) return infoOrRequest(sentence, clean(appreciate[1]));
  const lead = REQUEST_LEAD.exec(body);
  if (lead) {
    let rest = clean(body.slice(lead.index + lead[0].length));
    if (/^[a-z]/i.test(rest)) {
      // "Would you like to…", "would you be able to…": the modal belongs to the question.
      const modal = /^(?:would|could|can|will) you/i.exec(lead[0].trim())?.[0].split(' ')[0]?.toLowerCase();
      if (modal && /^(?:like|be able|mind|prefer|want)\b/i.test(rest)) rest = `${modal} ${rest}`;
      // "Since they recommend X, would you like to do that…": "that" is the clause before the question.
      const before = clean(body.slice(0, lead.index));
      if (
        /\b(?:that|it|this|so)\b/i.test(rest) &&
        before.split(/\s+/).length >= 4 &&
        /^(?:since|as|given|because|if|now that)\b/i.test(before)
      )
        rest = `${rest} (${lowerFirst(before)})`;
      return infoOrRequest(sentence, rest);
    }
  }
  if (IMPERATIVE.test(body)) return infoOrRequest(sentence, clean(body.replace(/^(?:so|and|now|just)\s+/i, '')));
  const wondering = WONDERING.exec(body);
  if (wondering?.[1]) return { kind: 'question', sentence, clause: cut(`whether ${clean(wondering[1])}`) };
  const passive = PASSIVE_DUE.exec(body);
  if (passive) {
    const deadline = deadlineIn(passive[2] ?? '') ?? deadlineIn(body);
    return {
      kind: 'request',
      sentence,
      action: cut(`send the ${passive[1]?.toLowerCase()}${deadline ? ` ${deadline}` : ''}`),
      ...(deadline ? { deadline } : {}),
    };
  }
  const needed = NEEDED.exec(body);
  if (needed) return { kind: 'info', sentence, thing: cut(clean(`your ${needed[1]}${needed[2] ?? ''}`)) };
  const receive = WANTS_TO_RECEIVE.exec(body);
  if (
    receive?.[1] &&
    !/^(?:i|we)\b/i.test(body.trim()) &&
    /\b(?:proposal|quote|offer|bid|report|documents?|comments?|reply|response|answer|confirmation)\b/i.test(receive[1])
  )
    return infoOrRequest(sentence, `send ${clean(receive[1])}`);

  const question =
    body.endsWith('?') ||
    /^(?:why|how|what|who|when|where)\s+(?:did|does|do|is|are|was|were|can|could|should|would|will)\b/i.test(body);
  if (!question) return undefined;
  const what = WHAT_IS.exec(clean(body));
  if (what?.[1] && what[1].split(/\s+/).length <= 12 && !/\b(you|we|i)\b/i.test(what[1])) {
    return {
      kind: 'info',
      sentence,
      thing: cut(what[1]),
      verb: /^what\s+are\b/i.test(body) ? 'are' : 'is',
    };
  }
  const any = /^any\s+(.+?)\??$/i.exec(body);
  if (any?.[1]) return { kind: 'info', sentence, thing: cut(`any ${clean(any[1])}`) };
  const clause = embedQuestion(body);
  return { kind: 'question', sentence, ...(clause ? { clause: cut(clause) } : {}) };
}

/** Every ask of a body, in order, at most eight. A deadline said in the next sentence ("I need it by Friday") joins its ask. */
/** Legal footers ask things of a wrong recipient, never of the reader: "please delete it and notify the sender". */
const DISCLAIMER =
  /\b(?:intended (?:solely )?(?:only )?for the (?:use of the )?(?:individual|addressee|recipient)|not the intended recipient|privileged (?:and|or|and\/or) confidential|confidentiality (?:note|notice)|received this (?:e-?mail|message|communication|transmission) in error)\b/i;

export function readAsks(text: string): Ask[] {
  const kept = text
    .split(/\n\s*\n/)
    .filter((paragraph) => !DISCLAIMER.test(paragraph))
    .join('\n\n');
  const sentences = sentencesOf(kept);
  const asks: Ask[] = [];
  sentences.forEach((sentence, i) => {
    if (asks.length >= MAX_ASKS) return;
    const ask = readAsk(sentence);
    if (!ask) return;
    if ((ask.kind === 'request' || ask.kind === 'info') && !ask.deadline && !deadlineIn(sentence)) {
      const next = sentences[i + 1];
      const need =
        next &&
        /\b(?:need|needs|want|would like|have to|must)\b[^.?!]*\b(?:it|them|this|that|these|those)\b/i.test(next)
          ? deadlineIn(next)
          : undefined;
      if (need) asks.push({ ...ask, deadline: need });
      else asks.push(ask);
      return;
    }
    if ((ask.kind === 'request' || ask.kind === 'info') && !ask.deadline) {
      const deadline = deadlineIn(sentence);
      asks.push(deadline ? { ...ask, deadline } : ask);
      return;
    }
    asks.push(ask);
  });
  return asks;
}
