#!/usr/bin/env node
// `npm start`: builds the Outlook pane only when its sources changed since the last build, then becomes the
// server itself (no child process). npm runs this through a shell that dies on SIGTERM without passing the
// signal on, so the server also stops (gracefully, as on SIGTERM) when the process that started it is gone.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'outlook-addin', 'dist', 'preview.html');
const sources = ['outlook-addin/src', 'outlook-addin/scripts', 'shared/src'].map((dir) => path.join(root, dir));

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
if (builtAt < Math.max(...sources.map(newest))) {
  console.log(builtAt ? 'The Outlook pane changed: rebuilding it…' : 'Building the Outlook pane (first start)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build', '-w', 'outlook-addin', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 500).unref();

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../backend/src/cli/main.ts');
process.exitCode = await main(['serve', ...process.argv.slice(2)]);
