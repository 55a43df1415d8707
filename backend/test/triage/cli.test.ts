import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/command.ts';
import { triageCommand } from '../../src/cli/commands/triage.ts';

const fixtures = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));

async function run(args: string[], stdinText = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await triageCommand.run(args, {
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
    expect(lines[1]).toEqual({ id: '1', error: { code: 'invalid_json', message: 'line is not valid JSON' } });
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
    expect(rows[0]).toMatch(/^ID\s+CATEGORY\s+REPLY\s+MEET\s+PRIORITY\s+CONF\s+SUMMARY/);
    expect(rows).toHaveLength(211);
    expect(rows[1]).toMatch(/^n0\s+fyi\s+-\s+-\s+normal\s+0\.\d\d\s+/);
    expect(err).toContain('triaged 200 messages');
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
});
