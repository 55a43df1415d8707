import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { type FakeOpenAi, reply, startFakeOpenAi } from '../support/fake-openai.ts';

// Checks that pass answer at once; the long limit only keeps a busy machine (PGlite opening slowly) from failing one.
async function doctor(env: Record<string, string>, ...args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  const code = await main(['doctor', '--timeout', '90', ...args], {
    stdout: out,
    stderr: err,
    stdin: Readable.from([]),
    env,
    cwd: os.tmpdir(),
  });
  return { code, stdout, stderr, line: (check: string) => stdout.split('\n').find((l) => l.includes(`  ${check}  `)) };
}

const KEY = 'ab'.repeat(32);

describe('steward doctor', () => {
  let dataDir: string;
  let fakeModel: FakeOpenAi;
  let health: http.Server;
  let healthUrl: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-doctor-'));
    fakeModel = await startFakeOpenAi(() => reply.json({ ok: true }));
    // Stands in for a running Steward at PUBLIC_URL: the doctor asks it for /health.
    health = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/health' ? '{"status":"ok"}' : '{}');
    });
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
    healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await fakeModel?.close();
    await new Promise((resolve) => health?.close(resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an unmigrated database fails with the command that fixes it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-doctor-empty-'));
    try {
      const result = await doctor({ DATA_DIR: dir, PUBLIC_URL: healthUrl });
      expect(result.code).toBe(1);
      expect(result.line('database')).toMatch(/^PASS/);
      expect(result.line('migrations')).toMatch(/^FAIL .*0001_init.*steward migrate/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a good local configuration passes: exit 0, one line per check', async () => {
    const migrate = await main(['migrate'], {
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      stdin: Readable.from([]),
      env: { DATA_DIR: dataDir },
      cwd: os.tmpdir(),
    });
    expect(migrate).toBe(0);
    const result = await doctor({
      DATA_DIR: dataDir,
      PUBLIC_URL: healthUrl,
      TOKEN_ENCRYPTION_KEY: KEY,
      AI_PROVIDER: 'openai',
      OPENAI_BASE_URL: fakeModel.url,
      OPENAI_MODEL: 'fake-model',
    });
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    for (const check of [
      'configuration',
      'database',
      'migrations',
      'token key',
      'model',
      'public url reachable',
      'clock',
    ])
      expect(result.line(check), `${check}\n${result.stdout}`).toMatch(/^PASS/);
    // Local mode on http://127.0.0.1 is fine for one person, but the doctor says what serving others needs.
    expect(result.line('public url')).toMatch(/^WARN .*not https/);
    expect(result.line('identity')).toMatch(/^WARN .*MICROSOFT_CLIENT_ID/);
    expect(result.line('transcription')).toMatch(/^PASS|^SKIP/);
    expect(result.stdout).toMatch(/steward doctor: \d+ passed, \d+ warning\(s\), 0 failed/);
  }, 120_000);

  it('malformed and missing values fail, each naming the variable and the fix', async () => {
    const result = await doctor({
      DATA_DIR: dataDir,
      PUBLIC_URL: 'http://steward.example.invalid',
      TOKEN_ENCRYPTION_KEY: 'too-short',
      METRICS_TOKEN: 'short',
      MICROSOFT_CLIENT_ID: 'not-a-guid',
      HOST: '0.0.0.0',
      GOOGLE_OAUTH_CLIENT_ID: 'client.apps.googleusercontent.com',
      GOOGLE_OAUTH_CLIENT_SECRET: 'secret',
      GMAIL_PUBSUB_TOPIC: 'my-topic',
    });
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines.find((l) => l.includes('TOKEN_ENCRYPTION_KEY must be 32 bytes'))).toMatch(
      /^FAIL .*openssl rand -hex 32/,
    );
    expect(lines.find((l) => l.includes('METRICS_TOKEN'))).toMatch(/^FAIL .*fix: /);
    expect(result.line('identity')).toMatch(/^FAIL .*MICROSOFT_CLIENT_ID "not-a-guid"/);
    expect(result.line('token key')).toMatch(/^FAIL .*not 32 bytes.*openssl rand -hex 32/);
    expect(result.line('gmail push')).toMatch(
      /^FAIL .*GMAIL_PUBSUB_TOPIC "my-topic".*GMAIL_PUSH_SERVICE_ACCOUNT.*https/,
    );
    expect(result.line('public url')).toMatch(/^FAIL .*not https/);
    expect(result.line('public url reachable')).toMatch(/^FAIL/);
  }, 120_000);

  it('a missing key fails when mailbox sync is configured', async () => {
    const result = await doctor({
      DATA_DIR: dataDir,
      PUBLIC_URL: healthUrl,
      MICROSOFT_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
      MICROSOFT_CLIENT_SECRET: 'secret',
    });
    expect(result.code).toBe(1);
    expect(result.line('token key')).toMatch(/^FAIL .*missing but mailbox sync is configured.*openssl rand -hex 32/);
    expect(result.line('graph notifications')).toMatch(/^FAIL .*https/);
  }, 120_000);

  it('a model endpoint that does not answer fails the model check', async () => {
    const down = await startFakeOpenAi(() => reply.status(401, { message: 'invalid api key' }));
    try {
      const result = await doctor({
        DATA_DIR: dataDir,
        PUBLIC_URL: healthUrl,
        AI_PROVIDER: 'openai',
        OPENAI_BASE_URL: down.url,
      });
      expect(result.code).toBe(1);
      expect(result.line('model')).toMatch(/^FAIL .*fix: check OPENAI_BASE_URL, OPENAI_API_KEY/);
    } finally {
      await down.close();
    }
  }, 120_000);

  it('--json prints one object per check', async () => {
    const result = await doctor({ DATA_DIR: dataDir, PUBLIC_URL: healthUrl }, '--json');
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { check: string; status: string });
    expect(rows.map((r) => r.check)).toContain('migrations');
    expect(rows.every((r) => ['pass', 'warn', 'fail', 'skip'].includes(r.status))).toBe(true);
  }, 120_000);

  it.runIf(Boolean(process.env.TEST_DATABASE_URL))(
    'a PostgreSQL database that does not exist fails with a reason, not a crash',
    async () => {
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = '/steward_doctor_missing_db';
      const result = await doctor({ DATABASE_URL: url.toString(), PUBLIC_URL: healthUrl });
      expect(result.code).toBe(1);
      expect(result.line('database')).toMatch(/^FAIL .*does not exist.*fix: /);
      expect(result.line('migrations')).toMatch(/^SKIP/);
    },
    120_000,
  );

  it('migrate and serve stop on an unreachable database with one line: where, why and the fix', async () => {
    for (const command of ['migrate', 'serve']) {
      const out = new PassThrough();
      const err = new PassThrough();
      let stderr = '';
      err.on('data', (c) => (stderr += c));
      const code = await main([command], {
        stdout: out,
        stderr: err,
        stdin: Readable.from([]),
        env: { DATABASE_URL: 'postgres://steward:hunter2-secret@127.0.0.1:1/steward', CPU_THREADS: '1' },
        cwd: os.tmpdir(),
      });
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(
        new RegExp(
          `^steward ${command}: cannot use the database at postgres://steward:\\*\\*\\*@127\\.0\\.0\\.1:1/steward: .*ECONNREFUSED.* — fix: `,
        ),
      );
      expect(stderr).not.toContain('hunter2-secret');
    }
  }, 120_000);
});
