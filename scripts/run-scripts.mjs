// Runs every script in backend/<folder> (or the named ones) one after another with tsx; used by bench and eval.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function runAll(folder, only) {
  const dir = path.join(import.meta.dirname, '..', 'backend', folder);
  const scripts = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, '')))
    .sort();
  let failed = 0;
  // The add-ins measure themselves (bundle size, pane load, card round trip) with their own scripts.
  if (folder === 'bench') {
    for (const workspace of ['outlook-addin', 'gmail-addon']) {
      const script = path.join(import.meta.dirname, '..', workspace, 'scripts', 'bench.ts');
      if (fs.existsSync(script) && (only.length === 0 || only.includes(workspace))) scripts.push(script);
    }
  }
  for (const file of scripts) {
    const full = path.isAbsolute(file) ? file : path.join(dir, file);
    console.log(
      `\n=== ${folder}: ${path.relative(path.join(import.meta.dirname, '..'), full).replace(/\.ts$/, '')} ===`,
    );
    const result = spawnSync(process.execPath, ['--import', 'tsx', full], { stdio: 'inherit' });
    if (result.status !== 0) failed++;
  }
  if (failed) {
    console.error(`${failed} ${folder} script(s) failed`);
    process.exit(1);
  }
}
