import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeMailFile, type MessageInput, readMessageInputs, splitMbox } from '../../src/mail/input.ts';

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
    expect(records.map((r) => r.error?.message).filter(Boolean)).toEqual([
      'line 2: not valid JSON',
      'line 3: a message needs one of "text", "html" or "raw"',
      'line 6: "to" must be an array',
    ]);
  });

  it('reports a wrong type before a missing body, and names unknown fields', async () => {
    const records = await collect(
      ['-'],
      [
        JSON.stringify({ id: 'x', subject: 5 }),
        JSON.stringify({ id: 'y', text: 'hi', from: 7 }),
        JSON.stringify({ id: 'z', text: 'hi', bogus: true }),
      ].join('\n'),
    );
    expect(records.map((r) => r.error?.message)).toEqual([
      'line 1: "subject" must be a string',
      'line 2: "from" must be a string or an object',
      expect.stringMatching(/^line 3: unknown field "bogus" \(a message has id, threadId, from/),
    ]);
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
    writeFileSync(file, '{"id":"a","text":"x"}\n\n[1]\n');
    expect((await collect([file])).map((r) => r.error?.message)).toEqual([
      undefined,
      'batch.jsonl, line 3: a message must be a JSON object',
    ]);
  });
});

describe('decodeMailFile', () => {
  it('converts UTF-16 with or without a byte-order mark and refuses binary, empty and non-mail files', () => {
    const source = 'Subject: hi\r\n\r\nhello';
    const le = decodeMailFile(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(source, 'utf16le')]));
    expect(le).toEqual({ text: source, notice: 'UTF-16 text: converted' });
    const be = Buffer.from(source, 'utf16le').swap16();
    expect(decodeMailFile(be)).toEqual({ text: source, notice: 'UTF-16 text: converted' });
    expect(decodeMailFile(Buffer.from(`\ufeff${source}`))).toEqual({ text: source });
    expect(decodeMailFile(Buffer.alloc(0)).problem).toContain('no messages found');
    expect(decodeMailFile(Buffer.from(' \n\n')).problem).toContain('no messages found');
    const binary = Buffer.alloc(4096, 0x41);
    for (let i = 0; i < binary.length; i += 7) binary[i] = 0x01;
    expect(decodeMailFile(binary).problem).toContain('binary data');
    expect(decodeMailFile(Buffer.from('Dear diary,\ntoday…')).problem).toContain('not an mbox or email file');
    expect(decodeMailFile(Buffer.from('From sam Mon Jan 1\nSubject: x\n\nbody')).text).toBeDefined();
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
