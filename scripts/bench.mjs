#!/usr/bin/env node
// `npm run bench [name...]`: runs every benchmark script in backend/bench (or the named ones) one after another.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

runAll('bench', process.argv.slice(2));

export function runAll(folder, only) {
  const dir = path.join(import.meta.dirname, '..', 'backend', folder);
  const scripts = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, '')))
    .sort();
  let failed = 0;
  for (const file of scripts) {
    console.log(`\n=== ${folder}: ${file.replace(/\.ts$/, '')} ===`);
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file)], { stdio: 'inherit' });
    if (result.status !== 0) failed++;
  }
  if (failed) {
    console.error(`${failed} ${folder} script(s) failed`);
    process.exit(1);
  }
}
