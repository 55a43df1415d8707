import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type MessageInput, readMessageInputs, splitMbox } from '../../src/mail/input.ts';

const fixtures = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));

async function collect(paths: string[], stdinText = ''): Promise<MessageInput[]> {
  const out: MessageInput[] = [];
  for await (const record of readMessageInputs(paths, Readable.from([stdinText]))) out.push(record);
  return out;
}

describe('readMessageInputs', () => {
  it('reads .eml and .mbox files in order, ids from Message-ID', async () => {
    const records = await collect([
      join(fixtures, 'budget-request.eml'),
      join(fixtures, 'offsite-thread.mbox'),
      join(fixtures, 'latin1-misdeclared.eml'),
    ]);
    expect(records.map((r) => [r.index, r.id])).toEqual([
      [0, 'budget-1@example.com'],
      [1, 'offsite-1@example.com'],
      [2, 'offsite-2@example.org'],
      [3, '3'], // no Message-ID: the position
    ]);
    expect(records[1]!.message!.raw).toContain('From the brochure'); // ">From " un-escaped
    expect(records[3]!.message!.raw).toContain('Café'); // Latin-1 bytes kept
  });

  it('reads JSON Lines from stdin; a bad line is an error record and the rest goes on', async () => {
    const stdin = [
      JSON.stringify({ id: 'm1', from: 'Ann <ann@example.com>', text: 'Can you call me?' }),
      '{not json',
      JSON.stringify({ id: 'm3', subject: 'no body' }),
      '',
      JSON.stringify({ text: 'no id given' }),
      JSON.stringify({ id: 'm5', text: 'x', to: 'not-an-array' }),
    ].join('\n');
    const records = await collect(['-'], stdin);
    expect(records.map((r) => [r.index, r.id, r.error?.code ?? 'ok'])).toEqual([
      [0, 'm1', 'ok'],
      [1, '1', 'invalid_json'],
      [2, 'm3', 'invalid_message'],
      [3, '3', 'ok'],
      [4, 'm5', 'invalid_message'],
    ]);
    expect(records[0]!.message).toMatchObject({ id: 'm1', text: 'Can you call me?' });
  });

  it('reads .jsonl files and reports unreadable paths as records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-input-'));
    const file = join(dir, 'batch.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ id: 'a', raw: 'Subject: hi\r\n\r\nhello' })}\n${JSON.stringify({ raw: 'Message-ID: <x@y>\r\n\r\nbody' })}\n`,
    );
    const records = await collect([file, join(dir, 'missing.eml')]);
    expect(records.map((r) => [r.id, r.error?.code ?? 'ok'])).toEqual([
      ['a', 'ok'],
      ['x@y', 'ok'],
      ['2', 'unreadable_input'],
    ]);
  });
});

describe('splitMbox', () => {
  it('splits on From_ lines and tolerates a missing first separator', () => {
    expect(splitMbox('Subject: a\n\nbody a\nFrom x Mon\nSubject: b\n\n>From me\n')).toEqual([
      'Subject: a\n\nbody a',
      'Subject: b\n\nFrom me\n',
    ]);
  });
});
