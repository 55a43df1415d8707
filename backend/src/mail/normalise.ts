/**
 * Message normalisation: every later feature (triage, drafts, notes, the AI safety pipeline) reads a
 * `NormalisedMessage`, never raw MIME. Hostile input (broken MIME, binary, huge bodies, deeply nested HTML)
 * gives a best-effort result, never an exception.
 */

import type { EmailMessage } from '@steward/shared';
import { compile } from 'html-to-text';
import PostalMime, { decodeWords } from 'postal-mime';
import { parseAddress, parseAddressList } from './addresses.ts';
import { repairMojibake } from './charset.ts';
import { stripInvisibleChars, visibleStructuralHtml } from './hidden-text.ts';
import { countLinksAndImages, type HtmlCounts, visibleHtmlText } from './html-text.ts';
import { postalMimeBytesReady } from './postal-mime-bytes.ts';
import { splitReply } from './quotes.ts';
import { headerSignals } from './signals.ts';
import type { AttachmentInfo, NormalisedMessage } from './types.ts';

export { parseAddress, parseAddressList } from './addresses.ts';
export { stripHiddenHtml, stripInvisibleChars } from './hidden-text.ts';
export { splitReply } from './quotes.ts';

/** Only this much body text is analysed; the rest is cut and `truncated` set. */
export const MAX_ANALYSED_TEXT_CHARS = 100_000;
/** Raw sources and HTML beyond these sizes are cut before parsing so that 10 MB messages stay fast. */
export const MAX_RAW_CHARS = 2_000_000;
export const MAX_HTML_CHARS = 500_000;

const htmlToText = compile({
  wordwrap: false,
  preserveNewlines: false,
  limits: { maxDepth: 100, maxInputLength: MAX_HTML_CHARS, ellipsis: '…' },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'inline' },
    { selector: 'th', format: 'inline' },
  ],
});

/** Header names lower-cased; repeated headers (Received) joined by newlines. Bounded in count and size. */
function lowerCaseHeaders(entries: Iterable<[string, string]>): Record<string, string> {
  // A plain object built directly (own-property checks, no __proto__ key), not a null-prototype one copied.
  const headers: Record<string, string> = {};
  let count = 0;
  for (const [key, value] of entries) {
    if (++count > 500) break;
    const name = key.toLowerCase().trim().slice(0, 256);
    if (!name || name === '__proto__') continue;
    const clean = String(value).slice(0, 16_384);
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]}\n${clean}` : clean;
  }
  return headers;
}

/**
 * `text.replace(/\r\n?/g, '\n').replace(/(?<![ \t\u00A0])[ \t\u00A0]+\n/g, '\n').replace(/\n{3,}/g, '\n\n')` in
 * one scan: line ends as "\n", no blanks before a line end, at most one empty line in a row. Text that needs
 * none of it comes back as it is.
 */
export function tidyLineEnds(text: string): string {
  let out = '';
  let copiedTo = 0; // text[copiedTo, i) is not in `out` yet
  let newlines = 0; // newlines at the end of the output (the blanks between them go)
  let blankStart = -1; // where the current run of blanks began
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 0xa0) {
      if (blankStart < 0) blankStart = i;
      continue;
    }
    if (c !== 10 && c !== 13) {
      newlines = 0;
      blankStart = -1;
      continue;
    }
    const crlf = c === 13 && text.charCodeAt(i + 1) === 10;
    if (blankStart >= 0 || c === 13 || newlines >= 2) {
      out += text.slice(copiedTo, blankStart >= 0 ? blankStart : i);
      if (newlines < 2) out += '\n';
      copiedTo = crlf ? i + 2 : i + 1;
    }
    if (crlf) i++;
    newlines++;
    blankStart = -1;
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

const NOT_BLANK = /\S/;

function cleanText(text: string): string {
  return tidyLineEnds(stripInvisibleChars(repairMojibake(text)));
}

/** The visible text of an HTML body, with its links and images counted in the same pass. */
function htmlBodyToText(html: string): { text: string; counts: HtmlCounts } {
  // One htmlparser2 pass that drops hidden content and writes the visible text (html-text.ts); the
  // sanitize-html + html-to-text path it reproduces stays as the fallback for anything it refuses.
  const counts: HtmlCounts = { links: 0, images: 0 };
  try {
    return { text: visibleHtmlText(html, counts), counts };
  } catch {
    return { text: legacyHtmlBodyToText(html), counts: countLinksAndImages(html) };
  }
}

/** Hidden elements, comments and inline markup removed (one sanitize pass), then html-to-text. */
export function legacyHtmlBodyToText(html: string): string {
  const visible = visibleStructuralHtml(html);
  try {
    return htmlToText(visible);
  } catch {
    return visible.replace(/<[^>]*>/g, ' ');
  }
}

function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value.replace(/\s*\([A-Z]{2,5}\)\s*$/, ''));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function byteSize(content: ArrayBuffer | Uint8Array | string): number {
  return typeof content === 'string' ? content.length : content.byteLength;
}

function calendarMethodOf(content: ArrayBuffer | Uint8Array | string): string | undefined {
  const text =
    typeof content === 'string'
      ? content
      : new TextDecoder().decode(content instanceof ArrayBuffer ? new Uint8Array(content) : content);
  return /^METHOD:\s*([A-Za-z-]+)/m.exec(text.slice(0, 20_000))?.[1]?.toUpperCase();
}

/** Headers and body of a source postal-mime could not handle, split at the first blank line. */
function fallbackParse(raw: string): { headers: Record<string, string>; text: string } {
  const split = /\r?\n\r?\n/.exec(raw);
  const head = split ? raw.slice(0, split.index) : '';
  const body = split ? raw.slice(split.index + split[0].length) : raw;
  const entries: Array<[string, string]> = [];
  for (const line of head.split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      entries.push([
        line.slice(0, colon),
        line
          .slice(colon + 1)
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      ]);
  }
  return { headers: lowerCaseHeaders(entries), text: body };
}

const utf8Encoder = new TextEncoder();

type ParsedEmail = Awaited<ReturnType<typeof PostalMime.parse>>;

/**
 * Single-part text messages in 7bit/8bit (most person-to-person mail) need no MIME decoding; skipping
 * postal-mime for them avoids its per-part Blob round trips, which dominate parse time on Node 20.
 * Returns the parts of a postal-mime result normalisation reads, and the headers already lower-cased.
 */
function parseSimpleText(raw: string): { parsed: ParsedEmail; headers: Record<string, string> } | undefined {
  const split = /\r?\n\r?\n/.exec(raw);
  if (!split) return undefined;
  const fallback = fallbackParse(raw);
  const h = fallback.headers;
  const contentType = (h['content-type'] ?? 'text/plain').toLowerCase();
  const transfer = (h['content-transfer-encoding'] ?? '7bit').trim().toLowerCase();
  if (!/^\s*text\/(plain|html)\b/.test(contentType) || !['7bit', '8bit', 'binary'].includes(transfer)) return undefined;
  const decode = (value: string | undefined) => (value === undefined ? undefined : decodeWords(value));
  const body = fallback.text;
  const email: ParsedEmail = { headers: [], headerLines: [], attachments: [] };
  if (contentType.includes('html')) email.html = body;
  else email.text = body;
  const subject = decode(h.subject);
  if (subject !== undefined) email.subject = subject;
  if (h['message-id']) email.messageId = h['message-id'].trim();
  if (h.date) email.date = h.date;
  return { parsed: email, headers: h };
}

async function parseRaw(raw: string): Promise<ParsedEmail | undefined> {
  await postalMimeBytesReady;
  try {
    // Bytes, not a string: postal-mime wraps strings in a Blob, which is several times slower to read. The
    // whole ArrayBuffer when the bytes fill it: postal-mime copies a typed array into one of its own first.
    const bytes = utf8Encoder.encode(raw);
    const input = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes;
    return await PostalMime.parse(input, {
      attachmentEncoding: 'arraybuffer',
      maxNestingDepth: 50,
      maxHeadersSize: 512 * 1024,
    });
  } catch {
    return undefined;
  }
}

export async function normaliseMessage(input: EmailMessage): Promise<NormalisedMessage> {
  let truncated = false;
  let headers: Record<string, string> = lowerCaseHeaders(Object.entries(input.headers ?? {}));
  let parsed: ParsedEmail | undefined;
  let rawText: string | undefined;
  if (typeof input.raw === 'string' && input.raw.length > 0) {
    let raw = input.raw;
    if (raw.length > MAX_RAW_CHARS) {
      raw = raw.slice(0, MAX_RAW_CHARS);
      truncated = true;
    }
    const simple = parseSimpleText(raw);
    parsed = simple?.parsed ?? (await parseRaw(raw));
    if (parsed) {
      const parsedHeaders =
        simple?.headers ?? lowerCaseHeaders(parsed.headers.map((h) => [h.key, h.value] as [string, string]));
      headers = Object.keys(headers).length === 0 ? parsedHeaders : { ...parsedHeaders, ...headers };
    } else {
      const fallback = fallbackParse(raw);
      headers = { ...fallback.headers, ...headers };
      rawText = fallback.text;
    }
  }

  const from = parseAddress(input.from) ?? parseAddressList(headers.from)[0];
  const to = input.to ? parseAddressList(input.to) : parseAddressList(headers.to);
  const cc = input.cc ? parseAddressList(input.cc) : parseAddressList(headers.cc);
  const replyTo = input.replyTo ? parseAddressList(input.replyTo) : parseAddressList(headers['reply-to']);

  let html = input.html ?? parsed?.html;
  if (html !== undefined && html.length > MAX_HTML_CHARS) {
    html = html.slice(0, MAX_HTML_CHARS);
    truncated = true;
  }
  const plain = input.text ?? parsed?.text ?? rawText;
  // What the reader sees is the HTML part when there is one; the text alternative can say something else.
  // /\S/ answers "anything left after trim()?" without copying the body.
  const rendered = html !== undefined && NOT_BLANK.test(html) ? htmlBodyToText(html) : undefined;
  let text = cleanText(rendered ? rendered.text : (plain ?? ''));
  if (!NOT_BLANK.test(text) && plain) text = cleanText(plain);
  text = text.trim();
  if (text.length > MAX_ANALYSED_TEXT_CHARS) {
    text = text.slice(0, MAX_ANALYSED_TEXT_CHARS);
    truncated = true;
  }

  const attachments: AttachmentInfo[] = [];
  let calendarMethod: string | null | undefined;
  for (const attachment of parsed?.attachments ?? []) {
    const mimeType = (attachment.mimeType || 'application/octet-stream').toLowerCase();
    const info: AttachmentInfo = { mimeType, size: byteSize(attachment.content) };
    if (attachment.filename) info.filename = stripInvisibleChars(attachment.filename).slice(0, 255);
    if (attachments.length < 100) attachments.push(info);
    if (
      mimeType === 'text/calendar' ||
      mimeType === 'application/ics' ||
      info.filename?.toLowerCase().endsWith('.ics')
    ) {
      calendarMethod =
        attachment.method?.toUpperCase() ?? calendarMethodOf(attachment.content) ?? calendarMethod ?? null;
    }
  }
  if (calendarMethod === undefined && /text\/calendar/i.test(headers['content-type'] ?? '')) {
    calendarMethod = /method=["']?([a-z-]+)/i.exec(headers['content-type'] ?? '')?.[1]?.toUpperCase() ?? null;
  }

  const subject = cleanText(input.subject ?? parsed?.subject ?? headers.subject ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 1000);
  const parts = splitReply(text);
  const messageId = (parsed?.messageId ?? headers['message-id'])?.trim().slice(0, 1000) || undefined;
  const date = parseDate(input.date ?? parsed?.date ?? headers.date);

  const message: NormalisedMessage = {
    id: input.id,
    to,
    cc,
    replyTo,
    subject,
    text,
    newText: parts.newText,
    quoted: parts.quoted,
    signature: parts.signature,
    headers,
    signals: headerSignals({ headers, from, replyTo, calendarMethod }),
    attachments,
    truncated,
  };
  if (input.threadId) message.threadId = input.threadId;
  if (messageId) message.messageId = messageId;
  if (from) message.from = from;
  if (date) message.date = date;
  if (html !== undefined) {
    message.html = html;
    // Counted by the parser, not by a pattern: `/<a\s[^>]*href/` took 104 s on "<a " × 310,000 (issue 12).
    const counts = rendered?.counts ?? { links: 0, images: 0 };
    message.linkCount = Math.min(counts.links, 10_000);
    message.imageCount = Math.min(counts.images, 10_000);
  }
  return message;
}
