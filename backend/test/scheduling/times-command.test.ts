import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/command.ts';
import { timesCommand } from '../../src/cli/commands/times.ts';

async function run(args: string[], stdin: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c) => (out += c));
  const code = await timesCommand.run(args, {
    stdin: Readable.from([stdin]),
    stdout,
    stderr,
    env: {},
    cwd: process.cwd(),
  });
  return { code, out };
}

describe('steward times', () => {
  it('prints one JSON line per document, with per-document ref and tz', async () => {
    const input = [
      JSON.stringify({ id: 'a', text: 'Tue or Wed afternoon?' }),
      JSON.stringify({ id: 'b', text: 'EOD Friday', ref: '2025-01-30T09:00:00+01:00', tz: 'Europe/Berlin' }),
      JSON.stringify({ id: 'c', text: 'Nothing here.' }),
    ].join('\n');
    const { code, out } = await run(
      ['--ref', '2025-01-30T09:00:00-05:00', '--tz', 'America/New_York', '--json'],
      input,
    );
    expect(code).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        id: 'a',
        expressions: [
          { text: 'Tue', start: '2025-02-04T12:00:00-05:00', end: '2025-02-04T19:00:00-05:00', grain: 'hour' },
          {
            text: 'Wed afternoon',
            start: '2025-02-05T12:00:00-05:00',
            end: '2025-02-05T19:00:00-05:00',
            grain: 'hour',
          },
        ],
      },
      {
        id: 'b',
        expressions: [
          { text: 'EOD Friday', start: '2025-01-31T17:00:00+01:00', end: '2025-02-01T00:00:00+01:00', grain: 'hour' },
        ],
      },
      { id: 'c', expressions: [] },
    ]);
  });

  it('reports a bad record on its own line and goes on with the batch', async () => {
    const input = [
      'not json',
      JSON.stringify({ id: 'x', text: 'tomorrow', ref: 'yesterday-ish' }),
      JSON.stringify({ id: 'y', text: 'tomorrow' }),
    ].join('\n');
    const { code, out } = await run(['--json', '--ref', '2025-01-30T09:00:00Z'], input);
    expect(code).toBe(1);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ id: 1, error: { code: 'invalid_json', message: 'the line is not valid JSON' } });
    expect(lines[1]).toMatchObject({ id: 'x', error: { code: 'invalid_reference' } });
    expect(lines[2]).toEqual({
      id: 'y',
      expressions: [{ text: 'tomorrow', start: '2025-01-31T00:00:00Z', end: '2025-02-01T00:00:00Z', grain: 'day' }],
    });
  });

  it('prints a table for plain text', async () => {
    const { code, out } = await run(['--ref', '2025-01-30T09:00:00-05:00'], 'Can we talk first thing Monday?\n');
    expect(code).toBe(0);
    expect(out).toContain('first thing Monday  2025-02-03T08:00:00-05:00  2025-02-03T10:00:00-05:00  hour');
  });

  it('with --debug, shows the rule and the way the sentence was read; without it, only the contract fields', async () => {
    const text = JSON.stringify({ id: 'n', text: 'Louis Freeh said here Friday that the bureau would cooperate.' });
    const plain = await run(['--json', '--ref', '1998-08-21T12:00:00-04:00'], text);
    expect(Object.keys(JSON.parse(plain.out).expressions[0])).toEqual(['text', 'start', 'end', 'grain']);
    const debug = await run(['--json', '--debug', '--ref', '1998-08-21T12:00:00-04:00'], text);
    expect(JSON.parse(debug.out).expressions).toEqual([
      {
        text: 'Friday',
        start: '1998-08-21T00:00:00-04:00',
        end: '1998-08-22T00:00:00-04:00',
        grain: 'day',
        rule: 'weekday',
        direction: 'past',
        cue: 'said',
      },
    ]);
    const table = await run(['--debug', '--ref', '1998-08-21T12:00:00-04:00'], 'We will meet Friday.');
    expect(table.out).toMatch(/Friday .* day +weekday +future \(will\)/);
  });

  it('rejects a missing --ref, a bad zone and unknown options as usage errors', async () => {
    await expect(run([], 'x')).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--ref', '2025-01-30T09:00:00Z', '--tz', 'Nowhere/Land'], 'x')).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(run(['--ref', '2025-01-30T09:00:00Z', '--verbose'], 'x')).rejects.toBeInstanceOf(UsageError);
  });
});
