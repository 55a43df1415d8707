/**
 * Builds the add-on and uploads it with `clasp push` (clasp 3; log in once with `npx clasp login`).
 *   PUBLIC_URL=https://steward.example.com [STEWARD_SCRIPT_ID=...] npx tsx gmail-addon/scripts/push.ts [--labels]
 * The Apps Script project id comes from STEWARD_SCRIPT_ID or from gmail-addon/.clasp.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADDON_ROOT, build } from './build.ts';
import { argValue, REPO_ROOT } from './manifest.ts';

export interface ClaspConfig {
  scriptId: string;
  rootDir: string;
  [key: string]: unknown;
}

/** The .clasp.json to push with: rootDir is always dist, the script id from the environment wins. */
export function claspConfig(existing: Partial<ClaspConfig> | null, scriptId: string | undefined): ClaspConfig {
  const id = (scriptId ?? existing?.scriptId ?? '').trim();
  if (!id) {
    throw new Error(
      'No Apps Script project yet. Either set STEWARD_SCRIPT_ID to an existing project id, or run once in gmail-addon/:\n' +
        '  npx clasp create --type standalone --title "Steward" --rootDir dist',
    );
  }
  return { ...existing, scriptId: id, rootDir: 'dist' };
}

export function readClaspConfig(file: string): Partial<ClaspConfig> | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<ClaspConfig>) : null;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const publicUrl = argValue(args, '--public-url') ?? process.env.PUBLIC_URL ?? '';
  if (!publicUrl) {
    console.error('Set PUBLIC_URL to the https address of your Steward server.');
    return 2;
  }
  const claspFile = path.join(ADDON_ROOT, '.clasp.json');
  const config = claspConfig(readClaspConfig(claspFile), process.env.STEWARD_SCRIPT_ID);
  writeFileSync(claspFile, `${JSON.stringify(config, null, 2)}\n`);

  const built = await build({ publicUrl, labels: args.includes('--labels') });
  console.log(`built ${path.relative(REPO_ROOT, built.codeFile)} (${(built.bytes / 1024).toFixed(1)} KiB)`);

  const clasp = process.env.CLASP_BIN ?? path.join(REPO_ROOT, 'node_modules/.bin/clasp');
  // --force: the manifest is generated, so the local one always replaces the remote one.
  const run = spawnSync(clasp, ['push', '--force'], { cwd: ADDON_ROOT, stdio: 'inherit' });
  if (run.error) {
    console.error(`could not run clasp (${clasp}): ${run.error.message}`);
    return 1;
  }
  return run.status ?? 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
