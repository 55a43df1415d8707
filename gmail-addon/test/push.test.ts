import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { claspConfig } from '../scripts/push.ts';

it('always pushes from dist and takes the script id from STEWARD_SCRIPT_ID first', () => {
  expect(claspConfig({ scriptId: 'old', rootDir: '.', projectId: 'p' }, 'new')).toEqual({
    scriptId: 'new',
    rootDir: 'dist',
    projectId: 'p',
  });
  expect(claspConfig({ scriptId: 'kept', rootDir: 'dist' }, undefined)).toEqual({ scriptId: 'kept', rootDir: 'dist' });
  expect(() => claspConfig({ scriptId: '', rootDir: 'dist' }, undefined)).toThrow(/clasp create --type standalone/);
});

it('npm run push builds dist/ and runs `clasp push --force` in gmail-addon/', () => {
  const addon = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const claspFile = path.join(addon, '.clasp.json');
  const original = readFileSync(claspFile, 'utf8');
  const bin = mkdtempSync(path.join(tmpdir(), 'fake-clasp-'));
  const fakeClasp = path.join(bin, 'clasp');
  // Records how it was called and what it would upload.
  writeFileSync(
    fakeClasp,
    `#!/bin/sh\necho "$PWD|$*|$(cat .clasp.json | tr -d ' \\n')|$(ls dist | tr '\\n' ,)" > "${bin}/called"\n`,
  );
  chmodSync(fakeClasp, 0o755);
  try {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(addon, 'scripts/push.ts')], {
      env: {
        ...process.env,
        PUBLIC_URL: 'https://steward.example.com',
        STEWARD_SCRIPT_ID: 'abc123',
        CLASP_BIN: fakeClasp,
      },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const [cwd, argv, config, files] = readFileSync(path.join(bin, 'called'), 'utf8').trim().split('|');
    expect(cwd).toBe(addon);
    expect(argv).toBe('push --force');
    expect(JSON.parse(config ?? '')).toEqual({ scriptId: 'abc123', rootDir: 'dist' });
    expect(files).toBe('Code.js,appsscript.json,');
  } finally {
    writeFileSync(claspFile, original);
    rmSync(bin, { recursive: true, force: true });
  }
});
