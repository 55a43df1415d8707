// Reads the Dockerfile into stages and instructions, enough for the static checks and for the production
// install test, which replays the runtime stage's COPY and `npm ci` lines (no Docker daemon needed).
import fs from 'node:fs';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '..', '..');

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

export function readDockerfile(file = path.join(REPO, 'Dockerfile')): {
  args: Record<string, string>;
  stages: Stage[];
} {
  const text = fs.readFileSync(file, 'utf8');
  // Join continuation lines, drop comments and blank lines.
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const body = rest.join(' ');
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(body);
      const from = (m?.[1] ?? body).replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');
      stages.push({ from, ...(m?.[2] ? { name: m[2] } : {}), instructions: [] });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [name = '', value = ''] = body.split('=');
      args[name] = value;
    } else {
      stages.at(-1)?.instructions.push({ keyword: upper, args: body });
    }
  }
  return { args, stages };
}

export interface CopyStep {
  from?: string;
  sources: string[];
  dest: string;
}

export function copySteps(stage: Stage): CopyStep[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const parts = i.args.split(/\s+/);
      let from: string | undefined;
      while (parts[0]?.startsWith('--')) {
        const flag = parts.shift()!;
        if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
      }
      const dest = parts.pop()!;
      return { ...(from ? { from } : {}), sources: parts, dest };
    });
}
