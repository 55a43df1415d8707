import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  return {
    io: { stdout: out, stderr: err, stdin: Readable.from([]) },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

describe('steward CLI', () => {
  it('--version prints the package version', async () => {
    const c = capture();
    expect(await main(['--version'], c.io)).toBe(0);
    expect(c.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help lists the commands', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.stdout).toContain('serve');
    expect(c.stdout).toContain('migrate');
  });

  it('an unknown command is a usage error with exit code 2', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(2);
    expect(c.stderr).toContain('unknown command');
  });

  it('migrate brings an embedded database up to date, then says it is current', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-cli-'));
    try {
      const first = capture();
      expect(await main(['migrate'], { ...first.io, env: { DATA_DIR: dir }, cwd: dir })).toBe(0);
      expect(first.stdout).toMatch(/Applied \d+ migration/);
      const second = capture();
      expect(await main(['migrate'], { ...second.io, env: { DATA_DIR: dir }, cwd: dir })).toBe(0);
      expect(second.stdout).toContain('up to date');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000); // two embedded databases opened and migrated: slow on a loaded 2-core machine

  it('a bad environment is a one-line error and a non-zero exit', async () => {
    const c = capture();
    expect(await main(['migrate'], { ...c.io, env: { PORT: 'x' } })).toBe(1);
    expect(c.stderr.trim().split('\n')).toHaveLength(1);
  });
});
