import type { Address } from '@steward/shared';
import { addressParser } from 'postal-mime';
import { stripInvisibleChars } from './hidden-text.ts';
import type { Mailbox } from './types.ts';

type ParsedAddress = ReturnType<typeof addressParser>[number];

function toMailbox(name: string | undefined, address: string): Mailbox | undefined {
  const cleanAddress = stripInvisibleChars(address).trim().replace(/^<|>$/g, '').toLowerCase();
  if (!cleanAddress) return undefined;
  const cleanName = name
    ? stripInvisibleChars(name)
        .trim()
        .replace(/^["']|["']$/g, '')
        .trim()
    : '';
  return cleanName && cleanName.toLowerCase() !== cleanAddress
    ? { name: cleanName, address: cleanAddress }
    : { address: cleanAddress };
}

function flatten(parsed: ParsedAddress[]): Mailbox[] {
  const out: Mailbox[] = [];
  for (const entry of parsed) {
    if (entry.group) {
      for (const member of entry.group) {
        const mailbox = toMailbox(member.name, member.address);
        if (mailbox) out.push(mailbox);
      }
    } else if (entry.address !== undefined) {
      const mailbox = toMailbox(entry.name, entry.address);
      if (mailbox) out.push(mailbox);
    }
  }
  return out;
}

/** Every mailbox in a header value like `"Lee, Ann" <ann@x.com>, bob@y.org` or a list of such values/objects. */
export function parseAddressList(input: string | readonly Address[] | undefined | null): Mailbox[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') {
    if (!input.trim()) return [];
    try {
      return flatten(addressParser(input.slice(0, 100_000)));
    } catch {
      return [];
    }
  }
  const out: Mailbox[] = [];
  for (const item of input) {
    if (typeof item === 'string') out.push(...parseAddressList(item));
    else if (item && typeof item.address === 'string') {
      const mailbox = toMailbox(item.name, item.address);
      if (mailbox) out.push(mailbox);
    }
  }
  return out;
}

/** The first mailbox of an address value, or undefined when there is none. */
export function parseAddress(input: Address | undefined | null): Mailbox | undefined {
  if (input === undefined || input === null) return undefined;
  return parseAddressList(typeof input === 'string' ? input : [input])[0];
}

/** `ann@mail.example.com` → `mail.example.com`. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

/** A readable first name for summaries: "Lee, Ann" → "Ann", "ann.lee@x" → "Ann". */
export function displayFirstName(mailbox: Mailbox | undefined): string | undefined {
  if (!mailbox) return undefined;
  const name = mailbox.name?.replace(/\(.*?\)|<.*?>/g, '').trim();
  if (name) {
    const commaForm = /^([^,]+),\s*(\S+)/.exec(name);
    const first = commaForm ? commaForm[2] : name.split(/\s+/)[0];
    if (first && /\p{L}/u.test(first) && !first.includes('@')) return first;
  }
  const local = mailbox.address.split('@')[0] ?? '';
  const word = local.split(/[._\-+]/)[0] ?? '';
  if (!/^\p{L}{2,}$/u.test(word)) return undefined;
  return word[0]!.toUpperCase() + word.slice(1);
}
