/**
 * Who a message's opening addresses (issue: "who is addressed"): the reader by name, someone else by
 * name, or a group. An ask that opens "Tom, please…" in mail the reader was copied on is Tom's to answer;
 * "All:" or "Dear colleagues" is an announcement to many. Pure; reads only the first line of the new text.
 */
import type { Mailbox } from '../mail/types.ts';

export type Addressee = 'me' | 'other' | 'group' | undefined;

const GROUP =
  /^(all|everyone|everybody|team|teams|folks|guys|colleagues|gentlemen|ladies|friends|members|group|committee|region|staff|department|sirs|y'all)$/i;
const NOT_A_NAME = new Set([
  'thanks',
  'thank',
  'hello',
  'hi',
  'hey',
  'please',
  'note',
  'yes',
  'no',
  'sorry',
  'ok',
  'okay',
  'great',
  'attached',
  'fyi',
  'update',
  'agenda',
  'subject',
  're',
  'regards',
  'cheers',
  'morning',
  'afternoon',
  'evening',
  'good',
  'dear',
  'well',
  'also',
  'so',
  'and',
  'but',
  'again',
  'reminder',
  'importance',
  'background',
  'summary',
  'question',
  'questions',
  'here',
  'to',
  'from',
  'cc',
  'sent',
  'date',
  'today',
  'yesterday',
  'tomorrow',
  'however',
  'unfortunately',
  'first',
  'finally',
  'congratulations',
  'welcome',
  'per',
  'as',
  'in',
  'on',
  'for',
  'the',
  'this',
  'if',
  'when',
  'after',
  'before',
  'currently',
  'meanwhile',
  'otherwise',
  'ps',
  'folks',
  'attention',
  'attn',
  'important',
  'urgent',
  'announcement',
  'news',
]);

/** The opening: "Tom," / "Dear Ann and Bob:" / "Michelle/Liz;" / "Tom - please…" / "All:". */
const NAME = "[A-Z][a-z'.]+(?:\\s+[A-Z][a-z'.]+)?";
const OPENING = new RegExp(
  `^\\s*(?:(?:dear|hi|hello|hey|good (?:morning|afternoon|evening))\\s+)?(${NAME}(?:\\s*(?:\\/|&|,|\\band\\b)\\s*${NAME}){0,4})\\s*(?:,|:|;|\\s-{1,2}\\s|\\s-{1,2}$|\\.{3})`,
);

/** The reader's name words: the parts of their addresses' local parts and of their display names. */
export function ownerNameWords(me: ReadonlySet<string>, mailboxes: readonly Mailbox[]): Set<string> {
  const words = new Set<string>();
  for (const address of me) {
    for (const w of (address.split('@')[0] ?? '').split(/[^a-z]+/)) if (w) words.add(w);
  }
  for (const m of mailboxes) {
    if (!me.has(m.address) || !m.name) continue;
    for (const w of m.name.toLowerCase().split(/[^a-z]+/)) if (w) words.add(w);
  }
  return words;
}

/** Whom the first line of `text` addresses, as far as it says. */
export function addresseeOf(text: string, ownerWords: ReadonlySet<string>): Addressee {
  const firstLine = text.trimStart().split('\n', 1)[0] ?? '';
  const match = OPENING.exec(firstLine.slice(0, 120));
  if (!match) return undefined;
  const names = match[1]!
    .split(/\s*(?:\/|&|,|\band\b)\s*/)
    .map((n) =>
      n
        .trim()
        .split(/\s+/)[0]!
        .toLowerCase()
        .replace(/[^a-z']/g, ''),
    )
    .filter(Boolean);
  if (names.length === 0) return undefined;
  if (names.some((n) => GROUP.test(n))) return 'group';
  if (names.some((n) => NOT_A_NAME.has(n))) return undefined;
  if (ownerWords.size === 0) return undefined;
  const initials = [...ownerWords].filter((w) => w.length === 1);
  const isMe = (n: string) => ownerWords.has(n) || initials.includes(n[0]!);
  if (names.some(isMe)) return 'me';
  // Another person only when the name cannot be the reader's: no word of the reader's starts like it.
  const firsts = new Set([...ownerWords].map((w) => w[0]));
  if (names.every((n) => !firsts.has(n[0]))) return names.length > 2 ? 'group' : 'other';
  return undefined;
}
