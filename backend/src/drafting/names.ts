import type { Mailbox } from '../mail/types.ts';

const NAME_WORD = /^[\p{Lu}][\p{L}'’-]*\.?$/u;
const NOT_A_NAME = new Set([
  'thanks',
  'thank',
  'regards',
  'best',
  'cheers',
  'hello',
  'hi',
  'dear',
  'team',
  'all',
  'everyone',
  'sent',
  'from',
  'to',
  'subject',
  'fyi',
  'ok',
  'okay',
  'yes',
  'no',
  'sure',
  'great',
  'sounds',
  'good',
  'please',
  'the',
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'info',
  'admin',
  'support',
  'noreply',
  'no-reply',
  'sales',
  'office',
]);

/** "Kaminski, Vince J" → "Vince"; "Ann Lee" → "Ann"; "'Dr. Ann Lee'" → "Ann". */
export function firstNameFromDisplayName(displayName: string): string | undefined {
  let name = displayName
    .replace(/["'“”]/g, '')
    .replace(/\(.*?\)|<.*?>|\[.*?\]/g, '')
    .trim();
  if (!name || name.includes('@')) return undefined;
  const comma = name.indexOf(',');
  if (comma > 0) name = name.slice(comma + 1).trim();
  const words = name.split(/\s+/).filter((w) => !/^(mr|mrs|ms|dr|prof|sir)\.?$/i.test(w));
  const first = words[0];
  if (!first || first.length < 2 || !/^[\p{L}][\p{L}'’-]*$/u.test(first)) return undefined;
  if (NOT_A_NAME.has(first.toLowerCase())) return undefined;
  return capitalise(first);
}

/** "ann.lee@x" → "Ann"; "jsmith@x" → undefined (no separator, so no safe guess). */
export function firstNameFromAddress(address: string): string | undefined {
  const local = address.split('@')[0] ?? '';
  const parts = local.split(/[._]/);
  const first = parts[0];
  if (parts.length < 2 || !first || first.length < 2 || !/^[a-z]+$/i.test(first)) return undefined;
  if (NOT_A_NAME.has(first.toLowerCase())) return undefined;
  return capitalise(first);
}

/** The first name to greet a person by: display name first, then a first.last address. */
export function firstNameOf(mailbox: Mailbox | undefined): string | undefined {
  if (!mailbox) return undefined;
  return (mailbox.name ? firstNameFromDisplayName(mailbox.name) : undefined) ?? firstNameFromAddress(mailbox.address);
}

/** A line that is only a person's name as signed: "Vince", "Ann Lee", "-- Ann", "vince kaminski". */
export function signedName(line: string): string | undefined {
  const cleaned = line
    .replace(/^[\s\-–—~*_]+/u, '')
    .replace(/[\s.,!]+$/u, '')
    .trim();
  if (!cleaned || cleaned.length > 30 || /\d|@|:/.test(cleaned)) return undefined;
  const words = cleaned.split(/\s+/);
  if (words.length > 3) return undefined;
  const capitalised = words.map(capitalise);
  if (!capitalised.every((w) => NAME_WORD.test(w) && !NOT_A_NAME.has(w.toLowerCase().replace('.', ''))))
    return undefined;
  // A single lower-case word is a name only when it is the whole line, the way some people sign ("vince").
  return words.every((w) => /^[\p{Lu}]/u.test(w)) || words.length <= 2 ? cleaned : undefined;
}

/** "ann" and "ANN" become "Ann"; mixed case as written ("McKenzie") is kept. */
export function capitalise(word: string): string {
  if (word !== word.toLowerCase() && word !== word.toUpperCase()) return word;
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}
