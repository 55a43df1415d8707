// Several worker processes on one PostgreSQL (the deployment docs/scaling.md describes): a web-only process
// acknowledges the notifications, two worker processes share the jobs, and every message is processed
// exactly once — one ledger row, one category, one draft in its thread. (Throughput is measured by
// `npm run bench -- scale`, not here.)
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Storage } from '../../src/storage/database.ts';
import { buildTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import { connectMailbox, type Fakes, startFakes } from './harness.ts';

const postgres = testDatabases().find((d) => d.name === 'postgres');
const WORKER = path.join(import.meta.dirname, '../../bench/support/scale-worker.ts');

describe.runIf(postgres)('several worker processes on one PostgreSQL', () => {
  let storage: Storage;
  let fakes: Fakes;
  let app: FastifyInstance;
  const workers: ChildProcess[] = [];

  const env = () => ({
    ...fakes.env,
    LOG_LEVEL: 'silent',
    DATA_DIR: '/nonexistent-steward-test',
    DATABASE_URL: process.env.TEST_DATABASE_URL!,
    JOB_QUEUE: 'pg-boss',
  });

  beforeAll(async () => {
    storage = await postgres!.open();
    fakes = await startFakes();
    app = await buildTestApp(storage, { ...env(), SYNC_WORKER: 'off' });
    await app.sync.start();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(
      workers.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    await app?.close();
    await fakes?.close();
    await storage?.close();
  }, 120_000);

  it('processes every message once across two worker processes', async () => {
    const boxes = [];
    for (let i = 0; i < 10; i++) {
      const address = `user${i}@contoso.example`;
      const row = await connectMailbox(storage, fakes, 'graph', { address });
      await storage.db
        .updateTable('mailboxes')
        .set({ watch_id: `sub-${i}`, client_state: `state-${i}` })
        .where('id', '=', row.id)
        .execute();
      await app.sync.runMailboxSync(row.id);
      boxes.push({ id: row.id, address, i });
    }
    for (let w = 0; w < 2; w++) {
      const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
        env: {
          ...process.env,
          ...env(),
          SYNC_WORKER: 'on',
          SCALE_SCHEMA: storage.schema ?? '',
          SCALE_CONCURRENCY: '4',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      workers.push(child);
      await new Promise<void>((resolve, reject) => {
        readline.createInterface({ input: child.stdout! }).once('line', () => resolve());
        child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
    }

    const sent = [];
    for (let n = 0; n < 40; n++) {
      const box = boxes[n % boxes.length]!;
      const msg = fakes.graph.deliver({
        from: `Partner ${n} <p${n}@partner.example>`,
        to: box.address,
        owner: box.address,
        subject: `Figures ${n}`,
        text: `Hi,\n\nCould you confirm the figures for item ${n} by Friday?\n\nThanks`,
      });
      sent.push({ ...msg, mailboxId: box.id });
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks/graph',
        payload: {
          value: [
            {
              subscriptionId: `sub-${box.i}`,
              clientState: `state-${box.i}`,
              changeType: 'created',
              resourceData: { id: msg.id },
            },
          ],
        },
      });
      expect(res.statusCode).toBe(202);
    }

    const ids = sent.map((m) => m.id);
    await vi.waitFor(
      async () => {
        const done = await storage.db
          .selectFrom('processed_messages')
          .select('provider_message_id')
          .where('provider_message_id', 'in', ids)
          .where('processed_at', 'is not', null)
          .execute();
        expect(done).toHaveLength(ids.length);
      },
      { timeout: 240_000, interval: 200 },
    );
    const ledger = await storage.db
      .selectFrom('processed_messages')
      .select(['mailbox_id', 'provider_message_id'])
      .where('provider_message_id', 'in', ids)
      .execute();
    expect(ledger).toHaveLength(ids.length);
    for (const m of sent) {
      expect(ledger.find((r) => r.provider_message_id === m.id)?.mailbox_id).toBe(m.mailboxId);
      expect(fakes.graph.draftsIn(m.conversationId), m.id).toBe(1);
      expect(fakes.graph.messages.get(m.id)?.categories).toHaveLength(1);
    }
    // Each mailbox saw only its own messages (the fake holds ten mailboxes).
    expect(new Set(ledger.map((r) => r.mailbox_id)).size).toBe(boxes.length);
  }, 300_000);
});
