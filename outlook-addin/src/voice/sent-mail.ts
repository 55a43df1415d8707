/**
 * Sent mail for voice learning, from files the user exported (.eml, .mbox), read in the browser. Pure
 * apart from Blob reads: unit-tested in outlook-addin/test/voice.test.ts. Each message goes to
 * POST /v1/voice/learn as {id, raw}; the backend parses the MIME and strips quotes and signatures.
 */
import { type EmailMessage, MAX_BODY_CHARS } from '@steward/shared';

/** POST /v1/voice/learn takes 1..500 messages in one body of at most 8 MB; each call replaces the profile. */
export const LEARN_MAX_MESSAGES = 500;
export const LEARN_MAX_BYTES = 7 * 1024 * 1024;
/** A big mbox is read from its end (the newest mail): this much of it. */
export const MBOX_TAIL_BYTES = 24 * 1024 * 1024;

/** A From_ line: "From sender@example.com Mon Jan  6 09:12:00 2025", "From - Tue …", Takeout's "From 1789…@xxx Mon …". */
const FROM_LINE = /^From \S+ .*(?:\d{2}:\d{2}(?::\d{2})?|\d{4})/;

/**
 * Splits an mbox file on its From_ lines (a "From " line at the start or after a blank line, with a
 * date in it) and undoes the mboxrd escaping (">From " back to "From "). The From_ lines are dropped.
 */
export function splitMbox(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const messages: string[] = [];
  let current: string[] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const boundary = FROM_LINE.test(line) && (i === 0 || (lines[i - 1] ?? '').trim() === '');
    if (boundary) {
      if (current) messages.push(finish(current));
      current = [];
      continue;
    }
    // Text before the first From_ line (a file read from its middle) belongs to no whole message.
    if (current) current.push(line.replace(/^>(>*From )/, '$1'));
  }
  if (current) messages.push(finish(current));
  return messages.filter((m) => m.trim().length > 0);
}

function finish(lines: string[]): string {
  // The blank line before the next From_ line belongs to the mbox format, not to the message.
  while (lines.length && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  return lines.join('\r\n');
}

/** True when the text looks like an RFC 822 message: header lines before the first blank line. */
export function looksLikeMessage(raw: string): boolean {
  const head = raw.slice(0, 8192).split(/\r?\n\r?\n/)[0] ?? '';
  return /^(from|date|subject|to|message-id|received|return-path|mime-version):/im.test(head);
}

/** The part of a File the pane needs; a Blob in the browser, a stand-in in tests. */
export interface ReadableFile {
  name: string;
  size: number;
  slice(start?: number, end?: number): { text(): Promise<string> };
  text(): Promise<string>;
}

export interface FileMessages {
  messages: EmailMessage[];
  /** Files that were not mail (a .msg, a PDF, an empty file). */
  unreadable: string[];
  /** True when an mbox was larger than MBOX_TAIL_BYTES and only its newest part was read. */
  truncated: boolean;
}

export async function messagesFromFiles(files: readonly ReadableFile[]): Promise<FileMessages> {
  const messages: EmailMessage[] = [];
  const unreadable: string[] = [];
  let truncated = false;
  for (const file of files) {
    const name = file.name || 'message';
    const mboxByName = /\.(mbox|mbx|mbs)$/i.test(name) || !/\.[a-z0-9]{1,5}$/i.test(name);
    const tail = file.size > MBOX_TAIL_BYTES;
    const text = tail ? await file.slice(file.size - MBOX_TAIL_BYTES).text() : await file.text();
    const isMbox = mboxByName || /^From \S+ /.test(text);
    if (isMbox) {
      truncated ||= tail;
      // From the middle of a file, skip to the first whole message: splitMbox already drops the head.
      const parts = splitMbox(text).filter(looksLikeMessage);
      if (!parts.length) unreadable.push(name);
      parts.forEach((raw, index) => {
        messages.push({ id: `${name}#${index + 1}`, raw });
      });
    } else if (!tail && looksLikeMessage(text)) {
      messages.push({ id: name, raw: text });
    } else {
      unreadable.push(name);
    }
  }
  return { messages, unreadable, truncated };
}

/** The size a message adds to the JSON body, near enough (escapes of \r\n and quotes included). */
function jsonSize(message: EmailMessage): number {
  const body = message.raw ?? message.text ?? message.html ?? '';
  let escapes = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 13 || c === 10 || c === 34 || c === 92 || c === 9) escapes++;
  }
  return body.length + escapes + 300;
}

export interface Upload {
  messages: EmailMessage[];
  /** Left out because one message alone is too big (attachments), or the request would be. */
  leftOut: number;
}

/**
 * What fits in one learning request: the newest messages (the end of the list) first, up to 500 and
 * about 7 MB, leaving out any single message over the body limit (they carry attachments, not style).
 */
export function fitForUpload(
  messages: readonly EmailMessage[],
  limits: { maxMessages?: number; maxBytes?: number; maxEach?: number } = {},
): Upload {
  const maxMessages = limits.maxMessages ?? LEARN_MAX_MESSAGES;
  const maxBytes = limits.maxBytes ?? LEARN_MAX_BYTES;
  const maxEach = limits.maxEach ?? MAX_BODY_CHARS;
  const chosen: EmailMessage[] = [];
  let bytes = 0;
  for (let i = messages.length - 1; i >= 0 && chosen.length < maxMessages; i--) {
    const message = messages[i];
    if (!message) continue;
    const body = message.raw ?? message.text ?? message.html ?? '';
    if (body.length > maxEach) continue;
    const size = jsonSize(message);
    if (bytes + size > maxBytes) continue;
    bytes += size;
    chosen.push(message);
  }
  chosen.reverse();
  // Ids must be unique: two exports of the same name would otherwise collide.
  const seen = new Map<string, number>();
  const unique = chosen.map((m) => {
    const n = (seen.get(m.id) ?? 0) + 1;
    seen.set(m.id, n);
    return n === 1 ? m : { ...m, id: `${m.id}~${n}` };
  });
  return { messages: unique, leftOut: messages.length - unique.length };
}
