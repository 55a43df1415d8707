import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configureAi } from '../../src/ai/configured.ts';
import { UsageError } from '../../src/cli/command.ts';
import { createTriageCommand, triageCommand } from '../../src/cli/commands/triage.ts';
import { loadConfig } from '../../src/config.ts';
import { createTriageService, type TriageService } from '../../src/triage/service.ts';

const fixtures = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));

async function run(args: string[], stdinText = '', command = triageCommand) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await command.run(args, {
    stdin: Readable.from([stdinText]),
    stdout,
    stderr,
    env: {},
    cwd: process.cwd(),
  });
  return { code, out, err };
}

describe('steward triage', () => {
  it('prints one JSON line per message in input order with --json', async () => {
    const { code, out } = await run([
      '--json',
      '--me',
      'sam@example.org',
      join(fixtures, 'budget-request.eml'),
      join(fixtures, 'offsite-thread.mbox'),
      join(fixtures, 'newsletter.eml'),
    ]);
    expect(code).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.category])).toEqual([
      ['budget-1@example.com', 'to_respond'],
      ['offsite-1@example.com', 'fyi'],
      ['offsite-2@example.org', 'awaiting_reply'], // the user wrote last in the thread (References)
      ['campaign-991@mail.acme-outdoor.example', 'marketing'],
    ]);
    expect(Object.keys(lines[0]).sort()).toEqual([
      'category',
      'confidence',
      'id',
      'meetingRequest',
      'needsReply',
      'priority',
      'reasons',
      'summary',
    ]);
  });

  it('reports a bad record in its own line and goes on, exit code 1', async () => {
    const stdin = `${JSON.stringify({ id: 'm1', from: 'Ann <ann@example.com>', subject: 'Call', text: 'Can you call me tomorrow at 10?' })}\n{oops\n${JSON.stringify({ id: 'm3', text: 'Thanks, done!' })}\n`;
    const { code, out } = await run(['--json', '-'], stdin);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ id: 'm1', category: 'to_respond' });
    expect(lines[1]).toEqual({ id: '1', error: { code: 'invalid_json', message: 'line 2: not valid JSON' } });
    expect(lines[2]).toMatchObject({ id: 'm3', category: 'actioned' });
    expect(code).toBe(1);
  });

  it('prints a readable table in human mode and progress on stderr for long runs', async () => {
    const stdin = Array.from({ length: 210 }, (_, i) =>
      JSON.stringify({ id: `n${i}`, text: `Note ${i}: the report is attached.` }),
    ).join('\n');
    const { code, out, err } = await run(['-'], stdin);
    expect(code).toBe(0);
    const rows = out.trim().split('\n');
    expect(rows[0]).toMatch(/^#\s+FROM\s+SUBJECT\s+CATEGORY\s+REPLY\s+MEET\s+PRIORITY\s+CONF\s+SUMMARY/);
    expect(rows).toHaveLength(211);
    expect(rows[1]).toMatch(/^1\s+\(unknown\)\s+\(no subject\)\s+fyi\s+-\s+-\s+normal\s+0\.\d\d\s+/);
    expect(err).toContain('triaged 200 messages');
  });

  it('shows the position, the sender and the subject in the human table, not a truncated Message-ID', async () => {
    const { code, out } = await run([join(fixtures, 'budget-request.eml')]);
    expect(code).toBe(0);
    const [header, row] = out.trim().split('\n');
    expect(header).toMatch(/^#\s+FROM\s+SUBJECT\s+CATEGORY/);
    expect(row).toMatch(/^1\s+Lee, Ann\s+Q2 budget approval\s+to_respond\s+yes/);
    expect(row).not.toContain('budget-1@');
  });

  it('says what it found in odd files and exits 1 when no message was read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-odd-'));
    try {
      const binary = join(dir, 'x.mbox');
      writeFileSync(binary, randomBytes(200_000));
      const empty = join(dir, 'empty.eml');
      writeFileSync(empty, '');
      const text = join(dir, 'notes.txt');
      writeFileSync(text, 'shopping list\nmilk\n');
      for (const [file, expected] of [
        [binary, 'not an mbox or email file'],
        [empty, 'no messages found'],
        [text, 'not an mbox or email file'],
      ] as const) {
        const { code, out, err } = await run(['--json', file]);
        expect(code).toBe(1);
        const lines = out.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(JSON.parse(lines[0]!).error.message).toContain(expected);
        expect(err).toContain('no message was read');
      }
      const { code, out } = await run(['--json', '-'], '');
      expect(code).toBe(1);
      expect(JSON.parse(out.trim()).error).toEqual({ code: 'no_messages', message: 'stdin: no messages found' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('converts a UTF-16 .eml, says so, and triages it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-utf16-'));
    try {
      const file = join(dir, 'lunch.eml');
      const source = 'From: Ann <ann@example.com>\r\nSubject: Lunch?\r\n\r\nCan we have lunch on Friday?\r\n';
      writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(source, 'utf16le')]));
      const { code, out, err } = await run(['--json', file]);
      expect(code).toBe(0);
      expect(err).toContain('UTF-16 text: converted');
      expect(JSON.parse(out.trim())).toMatchObject({ category: 'to_respond', needsReply: true });
      expect(JSON.parse(out.trim()).summary).toContain('lunch');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects wrong invocations with a UsageError', async () => {
    await expect(run([])).rejects.toThrow(UsageError);
    await expect(run(['--json'])).rejects.toThrow(UsageError);
    await expect(run(['--me'])).rejects.toThrow(UsageError);
    await expect(run(['--frobnicate', 'x.eml'])).rejects.toThrow(UsageError);
  });

  it('reports a missing file as a record error', async () => {
    const { code, out } = await run(['--json', join(fixtures, 'nope.eml')]);
    expect(code).toBe(1);
    expect(JSON.parse(out.trim())).toMatchObject({ id: '0', error: { code: 'unreadable_input' } });
  });

  it('classifies through the triage service, with the thread so far and the --me addresses', async () => {
    const real = createTriageService({ ai: configureAi(loadConfig({ LOG_LEVEL: 'silent' })) });
    const calls: Array<{ subject: string; thread: number; me: string[]; userKey: string; rules: number }> = [];
    const spy: TriageService = {
      provider: real.provider,
      triage: (ctx, message, options) => {
        calls.push({
          subject: message.subject,
          thread: options.thread?.length ?? 0,
          me: options.me,
          userKey: ctx.userKey,
          rules: ctx.rules.length,
        });
        return real.triage(ctx, message, options);
      },
    };
    const stdin = [
      { id: 'a', threadId: 't1', from: 'Ann <ann@example.com>', subject: 'Offsite', text: 'Can you book the room?' },
      { id: 'b', threadId: 't2', from: 'Bo <bo@example.com>', subject: 'Lunch', text: 'Lunch on Friday?' },
      { id: 'c', threadId: 't1', from: 'Ann <ann@example.com>', subject: 'Re: Offsite', text: 'Any news?' },
    ]
      .map((m) => JSON.stringify(m))
      .join('\n');
    const { code, out } = await run(['--json', '--me', 'sam@example.org', '-'], stdin, createTriageCommand(spy));
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(calls.length);
    expect(calls.map((c) => c.thread)).toEqual([0, 0, 1]);
    expect(calls.every((c) => c.me.join() === 'sam@example.org' && c.userKey === 'local:cli' && c.rules === 0)).toBe(
      true,
    );
  });
});
