// Static checks of the deployment files: there is no Docker daemon on the development or CI machine, so the
// Dockerfile, compose file and workflow are read and checked here; the production install test runs the
// image's install steps for real.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { copySteps, REPO, readDockerfile } from './dockerfile.ts';

const read = (file: string) => fs.readFileSync(path.join(REPO, file), 'utf8');
const SECRET_NAME = /(KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL)/i;

/** Every environment variable the server reads (config.ts and the commands). */
function configVariables(): string[] {
  const names = new Set<string>();
  const files = [
    'backend/src/config.ts',
    ...fs.readdirSync(path.join(REPO, 'backend/src/cli/commands')).map((f) => `backend/src/cli/commands/${f}`),
  ];
  for (const file of files) {
    const text = read(file);
    for (const m of text.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1]!);
    for (const m of text.matchAll(/(?:integer|url)\('([A-Z][A-Z0-9_]+)'/g)) names.add(m[1]!);
  }
  names.delete('ADMIN_EMAILS'); // refused at start: documented as gone, not as a setting
  return [...names].sort();
}

describe('Dockerfile', () => {
  const { stages } = readDockerfile();
  const final = stages.at(-1)!;
  const build = stages[0]!;
  const runs = (stage: typeof final) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);

  it('has a build stage and a runtime stage on Node 20 LTS slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^node:20(\.\d+)*-[a-z]+-slim$|^node:20(\.\d+)*-slim$/);
    expect(build.name).toBe('build');
  });

  it('bundles the Outlook pane and the Gmail add-on in the build stage', () => {
    const text = runs(build).join('\n');
    expect(text).toContain('npm ci');
    expect(text).toContain('npm run build -w outlook-addin');
    expect(text).toContain('npm run build -w gmail-addon');
    const fromBuild = copySteps(final).filter((c) => c.from === 'build');
    expect(fromBuild.flatMap((c) => c.sources)).toEqual(
      expect.arrayContaining(['/app/outlook-addin/dist', '/app/gmail-addon/dist']),
    );
  });

  it('installs production dependencies only in the final stage', () => {
    const installs = runs(final).filter((r) => r.includes('npm ci'));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toContain('--omit=dev');
    expect(runs(final).join('\n')).not.toMatch(/npm (install|i) /);
  });

  it('runs as a non-root user, checks /ready, stops on SIGTERM, and starts the server', () => {
    const users = final.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const health = final.instructions.find((i) => i.keyword === 'HEALTHCHECK');
    expect(health?.args).toContain('/ready');
    expect(final.instructions.find((i) => i.keyword === 'STOPSIGNAL')?.args).toBe('SIGTERM');
    // The process handles the signal: it closes the server (in-flight requests finish) and exits.
    expect(read('backend/src/server.ts')).toMatch(/process\.once\('SIGTERM'/);
    expect(final.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.args).toContain('bin/steward.mjs');
    expect(final.instructions.find((i) => i.keyword === 'CMD')?.args).toContain('serve');
  });

  it('bakes no secret into the image', () => {
    for (const stage of stages) {
      for (const i of stage.instructions.filter((x) => x.keyword === 'ENV' || x.keyword === 'ARG')) {
        for (const assignment of i.args.split(/\s+/)) {
          const [name = ''] = assignment.split('=');
          expect(name, `${i.keyword} ${i.args}`).not.toMatch(SECRET_NAME);
        }
      }
    }
    expect(read('Dockerfile')).not.toMatch(/COPY[^\n]*\.env(\s|$)/);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignore = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const needed of ['.git', '.env', '**/node_modules', '**/dist', 'data'])
      expect(ignore, `.dockerignore keeps ${needed} out`).toContain(needed);
    for (const stage of stages) {
      for (const step of copySteps(stage).filter((c) => !c.from)) {
        for (const source of step.sources) {
          if (source === '.') continue;
          expect(fs.existsSync(path.join(REPO, source)), `${source} exists`).toBe(true);
          expect(ignore.some((rule) => rule === source || rule === source.split('/')[0])).toBe(false);
        }
      }
    }
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<
      string,
      {
        image?: string;
        build?: string;
        command?: string[];
        environment?: Record<string, string>;
        env_file?: string;
        volumes?: string[];
        healthcheck?: { test: string[] };
        depends_on?: Record<string, { condition: string }>;
        restart?: string;
      }
    >;
    volumes: Record<string, unknown>;
  };
  const { postgres, migrate, web, worker } = compose.services;

  it('runs PostgreSQL 16 on a named volume, with a health check', () => {
    expect(postgres?.image).toMatch(/^postgres:16/);
    const volume = postgres?.volumes?.find((v) => v.endsWith(':/var/lib/postgresql/data'));
    expect(volume).toBeDefined();
    expect(Object.keys(compose.volumes)).toContain(volume!.split(':')[0]);
    expect(postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
  });

  it('migrates once, then starts a web process and a worker from the same image', () => {
    expect(migrate?.command).toEqual(['migrate']);
    expect(migrate?.restart).toBe('no');
    expect(migrate?.depends_on?.postgres?.condition).toBe('service_healthy');
    for (const service of [web, worker]) {
      expect(service?.image).toBe(migrate?.image);
      expect(service?.command).toEqual(['serve']);
      expect(service?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
      expect(service?.depends_on?.postgres?.condition).toBe('service_healthy');
      expect(service?.healthcheck?.test.join(' ')).toContain('/ready');
      expect(service?.env_file).toBe('.env');
      expect(service?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    }
    expect(web?.environment?.SYNC_WORKER).toBe('off');
    expect(worker?.environment?.SYNC_WORKER).toBe('on');
  });

  it('takes every setting from .env, and .env.example documents each one the server reads', () => {
    const example = read('.env.example');
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));
    const used = [...read('compose.yaml').matchAll(/\$\{([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!);
    for (const name of used) expect(documented, `${name} (compose.yaml) in .env.example`).toContain(name);
    for (const name of configVariables())
      expect(documented, `${name} (read by the server) in .env.example`).toContain(name);
    // No real secret in the example: secrets are empty or commented out.
    for (const m of example.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)) {
      if (SECRET_NAME.test(m[1]!)) expect(m[2], m[1]).toBe('');
    }
    expect(read('.gitignore')).toMatch(/^\.env$/m);
  });
});

describe('CI for forks', () => {
  const workflow = parse(read('.github/workflows/ci.yml')) as {
    jobs: Record<
      string,
      {
        services?: Record<string, { image: string }>;
        env?: Record<string, string>;
        steps: Array<{ run?: string; uses?: string; with?: Record<string, string> }>;
      }
    >;
  };

  it('runs .ci/run, with a PostgreSQL service and Chromium, on Node 20', () => {
    const test = workflow.jobs.test!;
    expect(test.services?.postgres?.image).toMatch(/^postgres:16/);
    expect(test.env?.TEST_DATABASE_URL).toMatch(/^postgres:\/\/.*127\.0\.0\.1:5432\//);
    expect(test.env?.CHROMIUM_PATH).toBeTruthy();
    expect(test.steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with?.['node-version']).toMatch(/^20/);
    const runs = test.steps.filter((s) => s.run).map((s) => s.run!.trim());
    expect(runs).toEqual(['bash .ci/run']);
  });

  it('.ci/run lints, type-checks and runs every test, the production install among them', () => {
    const script = read('.ci/run');
    expect(script).toContain('npm ci');
    expect(script).toContain('npm run lint');
    expect(script).toContain('npm run typecheck');
    expect(script).toMatch(/^npm test$/m);
    expect(fs.existsSync(path.join(REPO, 'tests/deploy/production-install.test.ts'))).toBe(true);
  });
});

/** Whether Node `version` (x.y.z) satisfies an npm `engines.node` range: the forms lockfiles carry. */
function nodeSatisfies(version: string, range: string): boolean {
  const v = version.split('.').map(Number);
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const comparator = (token: string): boolean => {
    const m = /^(>=|<=|>|<|\^|~|=)?v?([\dx*]+)?(?:\.([\dx*]+))?(?:\.([\dx*]+))?$/.exec(token);
    if (!m) throw new Error(`engines range not understood: ${range}`);
    const [, op = '', ...raw] = m;
    const parts = raw.filter((p): p is string => p !== undefined && !/[x*]/.test(p)).map(Number);
    if (!parts.length) return true;
    const floor = [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
    const next = (i: number) => [...parts.slice(0, i), (parts[i] ?? 0) + 1, 0, 0].slice(0, 3);
    if (op === '>=') return cmp(v, floor) >= 0;
    if (op === '>') return cmp(v, floor) > 0;
    if (op === '<=') return cmp(v, floor) <= 0;
    if (op === '<') return cmp(v, floor) < 0;
    if (op === '^') return cmp(v, floor) >= 0 && cmp(v, next(floor[0] === 0 ? 1 : 0)) < 0;
    if (op === '~') return cmp(v, floor) >= 0 && cmp(v, next(Math.min(1, parts.length - 1))) < 0;
    // A bare (or x-) version: every part given must match.
    return cmp(v, floor) >= 0 && cmp(v, next(parts.length - 1)) < 0;
  };
  return range
    .split('||')
    .map((alternative) => alternative.trim().replace(/(>=|<=|>|<|=)\s+/g, '$1'))
    .some((alternative) => !alternative || alternative.split(/\s+/).every(comparator));
}

describe('npm ci on the oldest supported Node', () => {
  it('reads engine ranges as npm does', () => {
    expect(nodeSatisfies('20.19.0', '>=22')).toBe(false);
    expect(nodeSatisfies('20.19.0', '18 || 20 || >=22')).toBe(true);
    expect(nodeSatisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(nodeSatisfies('20.18.3', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(nodeSatisfies('20.19.0', '10.* || >= 12.*')).toBe(true);
    expect(nodeSatisfies('20.19.0', '20 || 22 || >=24')).toBe(true);
    expect(nodeSatisfies('20.19.0', '^18.19.0 || >=20.6.0')).toBe(true);
    expect(nodeSatisfies('20.19.0', '16 || 14 >=14.17')).toBe(false);
  });

  it('locks no package that refuses the Node version the README asks for (no EBADENGINE warning)', () => {
    const wanted = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const oldest = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(wanted)?.[1];
    expect(oldest, `package.json engines.node is ">=x.y": ${wanted}`).toBeDefined();
    const version = (oldest ?? '').split('.').concat('0', '0').slice(0, 3).join('.');
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { version?: string; engines?: { node?: string } }>;
    };
    const refusing = Object.entries(lock.packages)
      .filter(([, p]) => p.engines?.node && !nodeSatisfies(version, p.engines.node))
      .map(([where, p]) => `${where}@${p.version} needs node ${p.engines?.node}`);
    expect(refusing).toEqual([]);
  });
});
