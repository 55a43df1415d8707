// The image's production install, proven without a registry or a Docker daemon: the Dockerfile's runtime
// stage is replayed in a temporary directory outside the repository (its COPY lines, with the build stage's
// outputs built here, and its `npm ci --omit=dev`), then the result migrates an empty database, starts, and
// answers /ready, the built pane and one authenticated /v1 call, and exits cleanly on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdp, type TestIdp } from '../../backend/test/support/idp.ts';
import { build as buildGmail } from '../../gmail-addon/scripts/build.ts';
import { ensureBuilt as ensurePaneBuilt, DIST as PANE_DIST } from '../outlook/harness.ts';
import { copySteps, REPO, readDockerfile } from './dockerfile.ts';

const { stages } = readDockerfile();
const runtime = stages.at(-1)!;
const WORKDIR = runtime.instructions.find((i) => i.keyword === 'WORKDIR')?.args ?? '/app';

/** The runtime stage's ENV, as the container would have it. */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of runtime.instructions.filter((x) => x.keyword === 'ENV')) {
    for (const m of i.args.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1]!] = m[2]!;
  }
  return env;
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('production install (the Dockerfile runtime stage, replayed)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-install-'));
  const app = path.join(root, 'app');
  const buildOutputs = path.join(root, 'build-stage');
  const dataDir = path.join(root, 'data');
  let idp: TestIdp;
  let server: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;
  let baseUrl = '';
  let database: { url: string; drop(): Promise<void> } | undefined;
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    // The build stage's outputs: the Outlook pane and the Gmail bundle.
    await ensurePaneBuilt();
    fs.cpSync(PANE_DIST, path.join(buildOutputs, 'outlook-addin', 'dist'), { recursive: true });
    await buildGmail({
      publicUrl: 'https://steward.example.com',
      outDir: path.join(buildOutputs, 'gmail-addon', 'dist'),
    });

    // The runtime stage, instruction by instruction.
    fs.mkdirSync(app, { recursive: true });
    for (const instruction of runtime.instructions) {
      if (instruction.keyword === 'COPY') {
        const [step] = copySteps({ ...runtime, instructions: [instruction] });
        for (const source of step!.sources) {
          const from = step!.from ? path.join(buildOutputs, path.relative(WORKDIR, source)) : path.join(REPO, source);
          const dest = path.join(app, step!.dest);
          if (fs.statSync(from).isDirectory()) fs.cpSync(from, dest, { recursive: true });
          else {
            const target = step!.dest.endsWith('/') ? path.join(dest, path.basename(from)) : dest;
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.copyFileSync(from, target);
          }
        }
      } else if (instruction.keyword === 'RUN') {
        // npm commands only (mkdir/chown of /data need root); never clean the machine's npm cache.
        for (const command of instruction.args.split('&&').map((c) => c.trim())) {
          if (!command.startsWith('npm ') || command.startsWith('npm cache')) continue;
          const args = [...command.split(/\s+/).slice(1), '--prefer-offline'];
          const result = await run('npm', args, { cwd: app, env: process.env });
          expect(result.code, result.output).toBe(0);
        }
      }
    }

    idp = await startTestIdp();
    if (process.env.TEST_DATABASE_URL) {
      // An empty database of its own on the real server.
      const name = `steward_install_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(process.env.TEST_DATABASE_URL);
      url.pathname = `/${name}`;
      database = {
        url: url.toString(),
        async drop() {
          const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
          await client.connect();
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await client.end();
        },
      };
    }
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...imageEnv(),
      ...idp.env,
      // The container binds 0.0.0.0 on its own network; here the test binds loopback on a free port.
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      CPU_THREADS: '1',
      ...(database ? { DATABASE_URL: database.url } : {}),
    };
  }, 900_000);

  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
    await idp?.close();
    await database?.drop();
    fs.rmSync(root, { recursive: true, force: true });
  }, 120_000);

  it('has production dependencies only, outside the repository', () => {
    expect(fs.existsSync(path.join(app, 'node_modules', 'fastify'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'node_modules', 'tsx'))).toBe(true);
    for (const dev of ['vitest', 'typescript', '@biomejs/biome', 'autocannon', 'react'])
      expect(fs.existsSync(path.join(app, 'node_modules', dev)), dev).toBe(false);
    expect(path.relative(REPO, app).startsWith('..')).toBe(true);
  });

  it('migrates an empty database', async () => {
    const result = await run(process.execPath, ['bin/steward.mjs', 'migrate'], { cwd: app, env });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/Applied \d+ migration\(s\)/);
  }, 300_000);

  it('starts, answers /ready, serves the built pane and one authenticated /v1 call', async () => {
    server = spawn(process.execPath, ['bin/steward.mjs', 'serve'], {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = server;
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let log = '';
    child.stderr!.on('data', (c) => (log += c));
    baseUrl = await new Promise<string>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        log += `${line}\n`;
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (m) resolve(m[1]!);
      });
      void exited!.then((code) => reject(new Error(`the server exited with ${code}:\n${log}`)));
    });

    const ready = await fetch(`${baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: database ? 'postgres' : 'pglite' });

    const pane = await fetch(`${baseUrl}/addin/taskpane.html`);
    expect(pane.status).toBe(200);
    expect(await pane.text()).toContain('<');

    expect((await fetch(`${baseUrl}/v1/me`)).status).toBe(401);
    const me = await fetch(`${baseUrl}/v1/me`, { headers: { authorization: `Bearer ${await idp.entraToken()}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ localMode: false });
  }, 300_000);

  it('finishes and exits 0 on SIGTERM', async () => {
    expect(server).toBeDefined();
    server!.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
