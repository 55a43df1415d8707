import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { migrateToLatest, openStorage } from '../../src/storage/database.ts';
import { connectMailbox, GMAIL_ADDRESS, startFakes } from './harness.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const MESSAGES = 80;

function startChild(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(here, 'worker-child.ts')], {
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );

describe('a worker killed with SIGKILL in the middle of a backfill', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-crash-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('after a restart, every message is processed exactly once and none is lost (embedded PGlite on disk)', async () => {
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
      await vi.waitFor(() => expect(labelled()).toBeGreaterThanOrEqual(15), { timeout: 30_000, interval: 5 });
      first.kill('SIGKILL');
      await exited(first);
      expect(labelled()).toBeLessThan(MESSAGES); // it really died mid-backfill

      const second = startChild(env);
      await vi.waitFor(() => expect(labelled()).toBe(MESSAGES), { timeout: 40_000, interval: 20 });
      second.kill('SIGTERM');
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
