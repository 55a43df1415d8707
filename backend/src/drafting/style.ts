/**
 * Reading the style of one message: how it opens, how it closes, the name it is signed with, and the
 * measurable habits of its body. Voice learning aggregates these; the evaluation compares them.
 */
import { type DraftLanguage, detectLanguage, greetingWordAt, signOffPhrase } from './language.ts';
import { signedName } from './names.ts';

export interface MessageStyle {
  /** Template with `{name}` for the recipient's name, "" when the message has no greeting. */
  greeting: string;
  /** As written ("Best regards,"), "" when none. */
  signOff: string;
  /** The name the message is signed with, when there is one. */
  signName?: string;
  /** The body without greeting, sign-off and name. */
  body: string;
  words: number;
  sentences: number;
  exclamations: number;
  hasEllipsis: boolean;
  hasEmoji: boolean;
  contractions: number;
  expandable: number;
  language?: DraftLanguage;
}

const GROUP_ADDRESS = /^(all|team|everyone|everybody|folks|guys|both|there|y'all|you all|ladies and gentlemen)\b/i;
const NAME_AFTER_GREETING = /^\s+([\p{Lu}][\p{L}'’.-]*(?:\s+[\p{Lu}][\p{L}'’.-]*){0,2})/u;
const BARE_NAME_GREETING = /^([\p{Lu}][\p{L}'’-]+(?:\s+[\p{Lu}][\p{L}'’-]+)?)\s*([,:—–-])\s*$/u;

const CONTRACTION =
  /\b(?:i|you|we|they|it|that|there|let|he|she|what|who)['’](?:m|re|ve|ll|d|s)\b|\b(?:do|does|did|ca|wo|is|are|was|were|could|would|should|have|has|had)n['’]t\b/gi;
const EXPANDABLE =
  /\b(?:i am|you are|we are|they are|it is|that is|there is|let us|i will|we will|you will|i would|do not|does not|did not|cannot|can not|will not|is not|are not|was not|were not|could not|would not|should not|have not|has not)\b/gi;
const EMOJI = /\p{Extended_Pictographic}/u;
const WORDS = /[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu;

export function countWords(text: string): number {
  return text.match(WORDS)?.length ?? 0;
}

/** The greeting template at the start of `firstLine` and how many characters it takes. */
export function readGreeting(firstLine: string, alone = false): { template: string; consumed: number } | undefined {
  const line = firstLine.trim();
  const word = greetingWordAt(line);
  if (word) {
    const opener = line.slice(0, word.length);
    let rest = line.slice(word.length);
    let template = opener;
    const group = GROUP_ADDRESS.exec(rest.trimStart());
    const named = NAME_AFTER_GREETING.exec(rest);
    if (group) {
      template += ` ${group[0]}`;
      rest = rest.trimStart().slice(group[0].length);
    } else if (named) {
      template += ' {name}';
      rest = rest.slice(named[0].length);
    }
    const punctuation = /^\s*([,!:.—–-])/u.exec(rest);
    if (punctuation) {
      template += punctuation[1];
      rest = rest.slice(punctuation[0].length);
    }
    // "Hi Ann, thanks for ..." keeps the greeting; "Hello world is ..." is prose, not a greeting.
    if (!punctuation && rest.trim() && !named) return undefined;
    return { template, consumed: line.length - rest.length };
  }
  // "Steve" alone on the first line, the text below: a greeting without punctuation.
  if (alone && /^[\p{Lu}][\p{L}'’-]{1,20}$/u.test(line) && !signOffPhrase(line) && signedName(line)) {
    return { template: '{name}', consumed: line.length };
  }
  const bare = BARE_NAME_GREETING.exec(line);
  if (bare && !signOffPhrase(line) && !GROUP_ADDRESS.test(line)) {
    return { template: `{name}${bare[2]}`, consumed: line.length };
  }
  if (bare && GROUP_ADDRESS.test(line)) return { template: line, consumed: line.length };
  return undefined;
}

/** Lines under a signed name: phone numbers, addresses, links, attachment names. */
const CONTACT_LINE =
  /^(?:[-–—*•]?\s*[^\n]{0,100}\.(?:doc|docx|xls|xlsx|pdf|ppt|pptx|txt|zip|jpg|png)\s*(?:>>)?|\(?see attached file.*|<<.*>>|[+()\d][\d\s().+/-]{6,}|.*@[\w-]+\.[\w.-]+.*|https?:\/\/\S+|(?:tel|phone|fax|mobile|cell|ph)\b.*|.*\b(?:e-?mail|phone|tel|fax|mobile|cell|web)\s*:.*)$/i;

/** Sign-off, signed name and where the closing starts, looking at the last lines only. */
function readClosing(lines: string[]): { signOff: string; signName?: string; start: number } {
  const from = Math.max(0, lines.length - 4);
  for (let i = lines.length - 1; i >= from; i--) {
    const line = lines[i] ?? '';
    const whole = signOffPhrase(line);
    if (whole) {
      const next = lines[i + 1];
      const name = next !== undefined ? signedName(next) : undefined;
      return { signOff: line.trim(), ...(name ? { signName: name } : {}), start: i };
    }
    // "Thanks, Vince" on one line.
    const comma = line.indexOf(',');
    if (comma > 0 && signOffPhrase(line.slice(0, comma))) {
      const name = signedName(line.slice(comma + 1));
      if (name) return { signOff: line.slice(0, comma + 1).trim(), signName: name, start: i };
    }
  }
  // The name may stand above a phone number, an address or the attachment list ("Kevin / 213-926-2626").
  for (let i = lines.length - 1; i >= Math.max(1, lines.length - 4); i--) {
    const line = lines[i] ?? '';
    const name = signedName(line);
    if (name) return { signOff: '', signName: name, start: i };
    if (!CONTACT_LINE.test(line)) break;
  }
  return { signOff: '', start: lines.length };
}

/**
 * `text` is what the person wrote now (quoted history removed); `signature` the separated signature block,
 * whose first lines often carry the sign-off and the name.
 */
export function readMessageStyle(text: string, signature = ''): MessageStyle {
  // Blank lines are kept in the body: they separate paragraphs, which later readers rely on.
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const signatureLines = signature
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 2);
  let greeting = '';
  const firstIndex = lines.findIndex(Boolean);
  const first = lines[firstIndex];
  if (first !== undefined) {
    const read = readGreeting(first, lines[firstIndex + 1] === '' && lines.slice(firstIndex + 1).some(Boolean));
    if (read) {
      greeting = read.template;
      lines[firstIndex] = first.slice(read.consumed).trim();
    }
  }
  const nonEmpty = lines.flatMap((line, index) => (line ? [index] : []));
  const closing = readClosing([...nonEmpty.map((i) => lines[i] ?? ''), ...signatureLines]);
  const bodyEnd = closing.start < nonEmpty.length ? (nonEmpty[closing.start] ?? lines.length) : lines.length;
  const body = lines
    .slice(0, bodyEnd)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const sentences = body
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => countWords(s) > 0);
  return {
    greeting,
    signOff: closing.signOff,
    ...(closing.signName ? { signName: closing.signName } : {}),
    body,
    words: countWords(body),
    sentences: sentences.length,
    exclamations: sentences.filter((s) => s.endsWith('!')).length,
    hasEllipsis: /\.\.\.|…/.test(body),
    hasEmoji: EMOJI.test(body),
    contractions: body.match(CONTRACTION)?.length ?? 0,
    expandable: body.match(EXPANDABLE)?.length ?? 0,
    ...(detectLanguage(body) ? { language: detectLanguage(body) } : {}),
  };
}
