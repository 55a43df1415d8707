import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { migrateToLatest, openStorage } from '../../src/storage/database.ts';
import { connectMailbox, GMAIL_ADDRESS, startFakes } from './harness.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const MESSAGES = 40;

/** Every child started, so that each is killed (with its whole process group) even when a test fails. */
const children = new Set<ChildProcess>();

function startChild(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'worker-child.ts')], {
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: killing -pid also ends anything it started.
    detached: true,
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // Drained, so a chatty child never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

afterEach(async () => {
  for (const child of [...children]) {
    killGroup(child, 'SIGKILL');
    await exited(child);
  }
});
// A crash of the test process itself must not leave a child behind either.
process.once('exit', () => {
  for (const child of children) killGroup(child, 'SIGKILL');
});

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );

describe('a worker killed with SIGKILL in the middle of a backfill', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-crash-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Waits are on events (messages labelled, processes exited), never on time: a busy machine only makes it
  // slower. The generous test timeout covers two child start-ups (tsx, PGlite) on a loaded 2-core machine.
  it('after a restart, every message is processed exactly once and none is lost (embedded PGlite on disk)', {
    timeout: 240_000,
  }, async () => {
    const fakes = await startFakes();
    try {
      const storage = await openStorage({ dataDir: dir });
      await migrateToLatest(storage.db);
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      await storage.close();
      const messages = Array.from({ length: MESSAGES }, (_, i) =>
        fakes.gmail.deliver({
          from: `P${i} <p${i}@partner.example>`,
          to: GMAIL_ADDRESS,
          subject: `Question ${i}`,
          text: `Could you confirm item ${i} by Friday?`,
          at: new Date(Date.now() - (i + 1) * 60_000),
        }),
      );
      const env = { ...fakes.env, DATA_DIR: dir };
      const labelled = () =>
        new Set(fakes.gmail.requests.filter((r) => r.endsWith('/modify')).map((r) => r.split('/')[6])).size;

      const first = startChild({ ...env, CHILD_BACKFILL: mailbox.id });
      await vi.waitFor(() => expect(labelled()).toBeGreaterThanOrEqual(10), { timeout: 200_000, interval: 5 });
      killGroup(first, 'SIGKILL');
      await exited(first);
      expect(labelled()).toBeLessThan(MESSAGES); // it really died mid-backfill

      const second = startChild(env);
      await vi.waitFor(() => expect(labelled()).toBe(MESSAGES), { timeout: 200_000, interval: 20 });
      killGroup(second, 'SIGTERM');
      await exited(second);

      const check = await openStorage({ dataDir: dir });
      const rows = await check.db
        .selectFrom('processed_messages')
        .selectAll()
        .where('mailbox_id', '=', mailbox.id)
        .execute();
      await check.close();
      expect(rows).toHaveLength(MESSAGES);
      expect(rows.every((r) => r.processed_at)).toBe(true);
      const twice = messages.filter(
        (m) => fakes.gmail.requests.filter((r) => r === `POST /gmail/v1/users/me/messages/${m.id}/modify`).length > 1,
      );
      // Only a message in flight at the kill (at most the worker's concurrency, 4) may see its label request
      // again; adding a label is idempotent, so the mailbox still ends with exactly one Steward label on it.
      expect(twice.length).toBeLessThanOrEqual(4);
      for (const m of messages) {
        expect(fakes.gmail.labelNamesOf(m.id).filter((l) => l.startsWith('Steward/'))).toEqual(['Steward/To respond']);
        expect(fakes.gmail.draftsIn(m.threadId)).toBe(1);
      }
    } finally {
      await fakes.close();
    }
  });
});
