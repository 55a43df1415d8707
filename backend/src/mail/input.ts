/**
 * Message input for the CLI (cli.md "Message input"): `.eml`, `.mbox`, `.jsonl` files and `-` for JSON
 * Lines on stdin. One record per message, in input order; a bad record becomes an error record and the
 * rest goes on. Shared by `steward triage`, `draft` and `voice`.
 */

import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { EmailMessage } from '@steward/shared';
import { Value } from 'typebox/value';
import { decodeBytes } from './charset.ts';

/** Options for {@link readMessageInputs}. */
export interface ReadOptions {
  /** Something worth telling the user that is not an error ("UTF-16 text: converted"). */
  onNotice?(text: string): void;
}

export interface MessageInput {
  /** Position in the whole input, from 0. */
  index: number;
  id: string;
  message?: EmailMessage;
  error?: { code: string; message: string };
}

/** Larger files are refused per record rather than read into memory. */
export const MAX_EML_BYTES = 50 * 1024 * 1024;

function messageIdOf(raw: string): string | undefined {
  const headerEnd = raw.search(/\r?\n\r?\n/);
  const head = headerEnd < 0 ? raw.slice(0, 64_000) : raw.slice(0, Math.min(headerEnd, 64_000));
  const match = /^message-id:[ \t]*(?:\r?\n[ \t]+)?<?([^\s<>]{1,900})>?/im.exec(head);
  return match?.[1];
}

function rawRecord(index: number, raw: string): MessageInput {
  const id = messageIdOf(raw) ?? String(index);
  return { index, id, message: { id, raw } };
}

const ARTICLE = (type: string) => (/^[aeiou]/.test(type) ? 'an' : 'a');

function fieldName(instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** TypeBox errors in a person's words: `"subject" must be a string`, `unknown field "bogus"`. */
export function describeMessageErrors(value: unknown): string | undefined {
  const errors = [...Value.Errors(EmailMessage, value)];
  if (errors.length === 0) return undefined;
  const unknown = errors.find((e) => e.keyword === 'additionalProperties');
  if (unknown && unknown.instancePath === '') {
    const names = (unknown.params as { additionalProperties?: string[] }).additionalProperties ?? [];
    const allowed = Object.keys(EmailMessage.properties).join(', ');
    return `unknown field ${names.map((n) => `"${n}"`).join(', ')} (a message has ${allowed})`;
  }
  const path = errors.find((e) => e.instancePath)?.instancePath ?? errors[0]!.instancePath;
  const here = errors.filter((e) => e.instancePath === path);
  const types = [
    ...new Set(here.filter((e) => e.keyword === 'type').map((e) => String((e.params as { type?: unknown }).type))),
  ];
  const name = path ? `"${fieldName(path)}"` : 'the message';
  if (types.length > 0) return `${name} must be ${types.map((t) => `${ARTICLE(t)} ${t}`).join(' or ')}`;
  const required = here.find((e) => e.keyword === 'required');
  if (required) {
    const missing = (required.params as { requiredProperties?: string[] }).requiredProperties ?? [];
    return `${name} needs ${missing.map((m) => `"${m}"`).join(', ')}`;
  }
  return `${name} ${here[0]!.message}`;
}

/**
 * Checks one parsed JSON value against the message contract; returns the message or why not. `where`
 * ("line 2") starts the error message when given.
 */
export function messageFromJson(value: unknown, index: number, where?: string): MessageInput {
  const fallbackId = String(index);
  const fail = (id: string, message: string): MessageInput => ({
    index,
    id,
    error: { code: 'invalid_message', message: where ? `${where}: ${message}` : message },
  });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(fallbackId, 'a message must be a JSON object');
  }
  const record = { ...(value as Record<string, unknown>) };
  const declaredId = typeof record.id === 'string' && record.id ? record.id : undefined;
  const id = declaredId ?? (typeof record.raw === 'string' ? messageIdOf(record.raw) : undefined) ?? fallbackId;
  record.id = id;
  const hasBody = typeof record.text === 'string' || typeof record.html === 'string' || typeof record.raw === 'string';
  // Wrong types are reported before a missing body: `{"subject": 5}` is first of all a type error.
  const problem = describeMessageErrors(hasBody ? record : { text: '', ...record });
  if (problem) return fail(id, problem);
  if (!hasBody) return fail(id, 'a message needs one of "text", "html" or "raw"');
  return { index, id, message: record as EmailMessage };
}

/** JSON Lines; `label` names the source in messages ("batch.jsonl, line 2"; "line 2" for stdin). */
async function* jsonLines(lines: AsyncIterable<string>, start: number, label?: string): AsyncGenerator<MessageInput> {
  let index = start;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (!line.trim()) continue;
    const where = label ? `${label}, line ${lineNumber}` : `line ${lineNumber}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      yield { index, id: String(index), error: { code: 'invalid_json', message: `${where}: not valid JSON` } };
      index++;
      continue;
    }
    yield messageFromJson(value, index, where);
    index++;
  }
}

function linesOf(stream: Readable): AsyncIterable<string> {
  return createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
}

/** Splits an mbox (mboxrd or mboxo) on "From " separator lines and un-escapes ">From " lines. */
export function splitMbox(text: string): string[] {
  const messages: string[] = [];
  const lines = text.split(/\r?\n/);
  let current: string[] | undefined;
  for (const line of lines) {
    if (line.startsWith('From ')) {
      if (current) messages.push(current.join('\n'));
      current = [];
      continue;
    }
    if (!current) {
      if (!line.trim()) continue;
      current = []; // an mbox without a leading separator still yields its first message
    }
    current.push(/^>+From /.test(line) ? line.slice(1) : line);
  }
  if (current?.some((l) => l.trim())) messages.push(current.join('\n'));
  return messages;
}

async function fileSize(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}

/** Which UTF-16 the bytes are in: a byte-order mark, or mostly zero bytes at every other position. */
function utf16Of(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const sample = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (sample < 8) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = sample / 2;
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return undefined;
}

/** Text with NUL bytes or many control characters is binary data, not mail. */
function looksBinary(text: string): boolean {
  const sample = text.slice(0, 65_536);
  if (sample.includes('\u0000')) return true;
  const controls = sample.match(/[\u0001-\u0008\u000e-\u001f\u007f]/g)?.length ?? 0;
  return controls > sample.length * 0.02;
}

/** A message starts with a header field ("Subject: …") or an mbox "From " line. */
function looksLikeMail(text: string): boolean {
  const first = /^\s*([^\r\n]*)/.exec(text)?.[1] ?? '';
  return /^[!-9;-~]+:/.test(first) || first.startsWith('From ');
}

export interface DecodedFile {
  text?: string;
  /** Why the file is not mail: "empty file", "binary data". */
  problem?: string;
  notice?: string;
}

/** File bytes as text: UTF-16 converted (with a notice), a UTF-8 byte-order mark dropped, binary refused. */
export function decodeMailFile(bytes: Uint8Array): DecodedFile {
  if (bytes.length === 0) return { problem: 'empty file, no messages found' };
  const utf16 = utf16Of(bytes);
  let text: string;
  let notice: string | undefined;
  if (utf16) {
    text = new TextDecoder(utf16).decode(bytes); // drops the byte-order mark
    notice = 'UTF-16 text: converted';
  } else {
    text = decodeBytes(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  }
  if (!text.trim()) return { problem: 'only blank space, no messages found' };
  if (looksBinary(text)) return { problem: 'not an mbox or email file (binary data)' };
  if (!looksLikeMail(text)) return { problem: 'not an mbox or email file (no mail headers at the start)' };
  return notice ? { text, notice } : { text };
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Every message of the inputs, in order. A file that holds no message (empty, binary, not mail) is one
 * error record that says so; nothing is ever guessed from bytes that are not mail.
 */
export async function* readMessageInputs(
  paths: string[],
  stdin: Readable,
  options: ReadOptions = {},
): AsyncGenerator<MessageInput> {
  let index = 0;
  const noMessages = (source: string): MessageInput => ({
    index,
    id: String(index++),
    error: { code: 'no_messages', message: `${source}: no messages found` },
  });
  for (const path of paths) {
    const before = index;
    if (path === '-') {
      for await (const record of jsonLines(linesOf(stdin), index)) {
        yield record;
        index = record.index + 1;
      }
      if (index === before) yield noMessages('stdin');
      continue;
    }
    const lower = path.toLowerCase();
    const name = basename(path);
    try {
      if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) {
        for await (const record of jsonLines(linesOf(createReadStream(path)), index, name)) {
          yield record;
          index = record.index + 1;
        }
        if (index === before) yield noMessages(path);
        continue;
      }
      const mbox = lower.endsWith('.mbox') || lower.endsWith('.mbx');
      const size = await fileSize(path);
      if (size > (mbox ? MAX_EML_BYTES * 20 : MAX_EML_BYTES)) {
        const limit = mbox ? '1 GB' : '50 MB';
        yield { index, id: String(index), error: { code: 'too_large', message: `${path}: larger than ${limit}` } };
        index++;
        continue;
      }
      const decoded = decodeMailFile(await readFile(path));
      if (decoded.notice) options.onNotice?.(`${path}: ${decoded.notice}`);
      if (decoded.text === undefined) {
        const code = decoded.problem?.includes('no messages') ? 'no_messages' : 'not_mail';
        yield { index, id: String(index), error: { code, message: `${path}: ${decoded.problem}` } };
        index++;
        continue;
      }
      if (mbox) {
        for (const raw of splitMbox(decoded.text)) yield rawRecord(index++, raw);
        if (index === before) yield noMessages(path);
      } else yield rawRecord(index++, decoded.text);
    } catch (error) {
      yield {
        index,
        id: String(index),
        error: { code: 'unreadable_input', message: `${path}: ${describeError(error)}` },
      };
      index++;
    }
  }
}
