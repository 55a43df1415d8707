import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, UsageError } from '../../src/cli/command.ts';
import { draftCommand } from '../../src/cli/commands/draft.ts';
import { voiceCommand } from '../../src/cli/commands/voice.ts';

let dir: string;

function io(): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return {
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: { AI_PROVIDER: 'local' },
    cwd: dir,
    out: () => out,
    err: () => err,
  };
}

const sentLines = Array.from({ length: 22 }, (_, i) =>
  JSON.stringify({
    id: `s${i}`,
    from: 'Vince K <vince@example.com>',
    to: ['ann@example.com'],
    subject: 'x',
    text: `Ann,\n\nThe curve for region ${i} looks fine to me.\n\nVince`,
  }),
);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'steward-draft-'));
  await writeFile(path.join(dir, 'sent.jsonl'), `${sentLines.join('\n')}\n`);
  await writeFile(
    path.join(dir, 'inbox.jsonl'),
    [
      JSON.stringify({
        id: 'm1',
        from: 'Ann Lee <ann@example.com>',
        to: ['vince@example.com'],
        subject: 'Curves',
        text: 'Could you send me the gas curves by Friday?',
      }),
      '{"id": "broken"',
      JSON.stringify({
        id: 'm2',
        from: 'Ann Lee <ann@example.com>',
        subject: 'Price',
        text: 'What is the price for 200 seats?',
      }),
    ].join('\n'),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('steward voice learn', () => {
  it('prints the learned profile as JSON', async () => {
    const run = io();
    expect(await voiceCommand.run(['learn', '--json', 'sent.jsonl'], run)).toBe(0);
    const profile = JSON.parse(run.out());
    expect(profile).toMatchObject({ signatureName: 'Vince', sampleCount: 22, confidence: 'medium' });
    expect(profile.greetings[0].text).toBe('{name},');
  });

  it('prints a readable style card without --json', async () => {
    const run = io();
    await voiceCommand.run(['learn', 'sent.jsonl'], run);
    expect(run.out()).toContain('Signs as:      Vince');
  });

  it('rejects a missing subcommand or input', async () => {
    await expect(voiceCommand.run([], io())).rejects.toThrow(UsageError);
    await expect(voiceCommand.run(['learn'], io())).rejects.toThrow(UsageError);
  });
});

describe('steward draft', () => {
  it('drafts one JSON line per message in the learned voice and reports a bad record in its own line', async () => {
    const run = io();
    const code = await draftCommand.run(['--sent', 'sent.jsonl', '--json', 'inbox.jsonl'], run);
    const lines = run
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['m1', '1', 'm2']);
    expect(lines[0]).toMatchObject({
      subject: 'Re: Curves',
      placeholders: ['[confirm: whether you send Ann the gas curves by Friday]'],
      proposedTimes: [],
    });
    expect(lines[0].text).toBe('Ann,\n\n[confirm: whether you send Ann the gas curves by Friday].\n\nVince');
    expect(lines[1].error.code).toBe('invalid_json');
    expect(lines[2].placeholders).toEqual(['[confirm: price for 200 seats]']);
    expect(code).toBe(1);
  });

  it('uses a saved profile with --voice and refuses both --voice and --sent', async () => {
    const learn = io();
    await voiceCommand.run(['learn', '--json', 'sent.jsonl'], learn);
    await writeFile(path.join(dir, 'voice.json'), learn.out());
    const run = io();
    await draftCommand.run(['--voice', 'voice.json', 'inbox.jsonl'], run);
    expect(run.out()).toContain('── m1 ── Re: Curves');
    expect(run.out()).toContain('To fill in: [confirm: price for 200 seats]');
    await expect(
      draftCommand.run(['--voice', 'voice.json', '--sent', 'sent.jsonl', 'inbox.jsonl'], io()),
    ).rejects.toThrow(UsageError);
    await expect(draftCommand.run(['--json'], io())).rejects.toThrow(UsageError);
  });
});
