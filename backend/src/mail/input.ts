/**
 * Message input for the CLI (cli.md "Message input"): `.eml`, `.mbox`, `.jsonl` files and `-` for JSON
 * Lines on stdin. One record per message, in input order; a bad record becomes an error record and the
 * rest goes on. Shared by `steward triage`, `draft` and `voice`.
 */

import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { EmailMessage } from '@steward/shared';
import { Value } from 'typebox/value';
import { decodeBytes } from './charset.ts';

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

/** Checks one parsed JSON value against the message contract; returns the message or why not. */
export function messageFromJson(value: unknown, index: number): MessageInput {
  const fallbackId = String(index);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { index, id: fallbackId, error: { code: 'invalid_message', message: 'a message must be a JSON object' } };
  }
  const record = { ...(value as Record<string, unknown>) };
  const declaredId = typeof record.id === 'string' && record.id ? record.id : undefined;
  const id = declaredId ?? (typeof record.raw === 'string' ? messageIdOf(record.raw) : undefined) ?? fallbackId;
  record.id = id;
  if (typeof record.text !== 'string' && typeof record.html !== 'string' && typeof record.raw !== 'string') {
    return { index, id, error: { code: 'invalid_message', message: 'a message needs one of "text", "html" or "raw"' } };
  }
  if (!Value.Check(EmailMessage, record)) {
    const first = [...Value.Errors(EmailMessage, record)][0];
    const where = first ? `${first.instancePath || '/'}: ${first.message}` : 'does not match the message schema';
    return { index, id, error: { code: 'invalid_message', message: `invalid message ${where}` } };
  }
  return { index, id, message: record as EmailMessage };
}

async function* jsonLines(lines: AsyncIterable<string>, start: number): AsyncGenerator<MessageInput> {
  let index = start;
  for await (const line of lines) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      yield { index, id: String(index), error: { code: 'invalid_json', message: `line is not valid JSON` } };
      index++;
      continue;
    }
    yield messageFromJson(value, index);
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

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

export async function* readMessageInputs(paths: string[], stdin: Readable): AsyncGenerator<MessageInput> {
  let index = 0;
  for (const path of paths) {
    if (path === '-') {
      for await (const record of jsonLines(linesOf(stdin), index)) {
        yield record;
        index = record.index + 1;
      }
      continue;
    }
    const lower = path.toLowerCase();
    try {
      if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) {
        for await (const record of jsonLines(linesOf(createReadStream(path)), index)) {
          yield record;
          index = record.index + 1;
        }
      } else if (lower.endsWith('.mbox') || lower.endsWith('.mbx')) {
        if ((await fileSize(path)) > MAX_EML_BYTES * 20) throw new Error('mbox file larger than 1 GB');
        for (const raw of splitMbox(decodeBytes(await readFile(path)))) yield rawRecord(index++, raw);
      } else {
        if ((await fileSize(path)) > MAX_EML_BYTES) {
          yield { index, id: String(index), error: { code: 'too_large', message: `${path}: larger than 50 MB` } };
          index++;
          continue;
        }
        yield rawRecord(index++, decodeBytes(await readFile(path)));
      }
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
