import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/command.ts';
import { notesCommand } from '../../src/cli/commands/notes.ts';
import { PLAIN_TEXT, SRT, TEAMS_VTT } from './fixtures.ts';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'steward-notes-'));
  await writeFile(path.join(dir, 'sync.vtt'), TEAMS_VTT);
  await writeFile(path.join(dir, 'sync.srt'), SRT);
  await writeFile(path.join(dir, 'contract.txt'), PLAIN_TEXT);
  await writeFile(path.join(dir, 'mail.txt'), 'From: a@example.com\nSubject: Budget\n\nSee attached.\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  const code = await notesCommand.run(args, { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: dir });
  return { code, out, err };
}

describe('steward notes', () => {
  it('prints one JSON line with the cli.md fields', async () => {
    const { code, out } = await run(['--json', '--date', '2026-03-03', '--tz', 'Europe/Berlin', 'sync.vtt']);
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const notes = JSON.parse(lines[0] ?? '');
    expect(Object.keys(notes)).toEqual(
      expect.arrayContaining(['summary', 'decisions', 'actionItems', 'openQuestions', 'followUp']),
    );
    expect(notes.actionItems[0]).toMatchObject({
      owner: 'Sarah Kim',
      task: 'Update the pricing page copy',
      due: '2026-03-06',
    });
    expect(notes.followUp.subject).toBe('Follow-up: our meeting on Tue 3 Mar 2026');
  });

  it('prints readable sections for people', async () => {
    const { code, out } = await run([
      '--date',
      '2026-03-03',
      '--attendee',
      'Raj',
      '--title',
      'Weekly sync',
      'sync.srt',
    ]);
    expect(code).toBe(0);
    for (const heading of ['Summary', 'Decisions', 'Action items', 'Open questions', 'Follow-up email']) {
      expect(out).toContain(`\n${heading}\n`.trimStart());
    }
    expect(out).toContain('  • Raj: Update the calendar invite (due Mon 9 Mar 2026)');
    expect(out).toContain('  Subject: Follow-up: Weekly sync');
    expect(out).toContain('  Hi Raj,');
  });

  it("resolves due dates against the file's date when --date is missing, and says so", async () => {
    const { code, err } = await run(['contract.txt']);
    expect(code).toBe(0);
    expect(err).toMatch(/due dates resolved against the file's date \d{4}-\d{2}-\d{2}/);
  });

  it('fails with a clear message for a file that is not a transcript or does not exist', async () => {
    await expect(run(['mail.txt'])).rejects.toThrow(/mail\.txt: This looks like an email message/);
    await expect(run(['missing.vtt'])).rejects.toThrow(/cannot read missing\.vtt/);
  });

  it('rejects wrong invocations as usage errors', async () => {
    await expect(run([])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['a.vtt', 'b.vtt'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--verbose', 'sync.vtt'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--date', 'next tuesday', 'sync.vtt'])).rejects.toBeInstanceOf(UsageError);
  });
});
