import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Storage } from '../../src/storage/database.ts';
import { pruneOldRows } from '../../src/storage/retention.ts';
import type { MailboxRow } from '../../src/storage/schema.ts';
import { userStore } from '../../src/storage/users.ts';
import type { SyncService } from '../../src/sync/service.ts';
import { testDatabases } from '../support/db.ts';
import { connectMailbox, type Fakes, startFakes, startService, syncConfig } from '../sync/harness.ts';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

for (const database of testDatabases()) {
  describe(`retention: old bookkeeping rows are pruned [${database.name}]`, () => {
    let storage: Storage;
    let fakes: Fakes;
    /** Default settings (backfill 14 days). */
    let plain: MailboxRow;
    /** A user whose backfill reaches back a year: their ledger rows must outlive it. */
    let longBackfill: MailboxRow;

    beforeAll(async () => {
      storage = await database.open();
      fakes = await startFakes();
      plain = await connectMailbox(storage, fakes, 'graph', { address: 'plain@contoso.example' });
      longBackfill = await connectMailbox(storage, fakes, 'graph', { address: 'long@contoso.example' });
      await userStore(storage.db, { tenantId: longBackfill.tenant_id, userId: longBackfill.user_id }).updateSettings({
        backfillDays: 365,
      });
    });
    afterAll(async () => {
      await fakes?.close();
      await storage?.close();
    });

    const ledgerRow = (mailbox: MailboxRow, id: string, processedAt: Date | null, createdAt: Date) =>
      storage.db
        .insertInto('processed_messages')
        .values({
          tenant_id: mailbox.tenant_id,
          user_id: mailbox.user_id,
          mailbox_id: mailbox.id,
          provider_message_id: id,
          processed_at: processedAt,
          created_at: createdAt,
        })
        .execute();
    const threadState = (mailbox: MailboxRow, id: string, lastAt: Date, followUpDue: Date | null) =>
      storage.db
        .insertInto('thread_states')
        .values({
          tenant_id: mailbox.tenant_id,
          user_id: mailbox.user_id,
          mailbox_id: mailbox.id,
          thread_id: id,
          state: followUpDue ? 'awaiting_reply' : 'fyi',
          last_message_id: `last-${id}`,
          last_from_me: followUpDue !== null,
          last_message_at: lastAt,
          follow_up_due_at: followUpDue,
        })
        .execute();
    const ids = async (table: 'processed_messages' | 'thread_states', mailbox: MailboxRow) => {
      const rows =
        table === 'processed_messages'
          ? await storage.db
              .selectFrom(table)
              .select('provider_message_id as id')
              .where('mailbox_id', '=', mailbox.id)
              .execute()
          : await storage.db.selectFrom(table).select('thread_id as id').where('mailbox_id', '=', mailbox.id).execute();
      return rows.map((r) => r.id).sort();
    };

    it('deletes what is older than the retention, keeps what a replay or a backfill could still need', async () => {
      await ledgerRow(plain, 'old-processed', daysAgo(200), daysAgo(200));
      await ledgerRow(plain, 'recent-processed', daysAgo(10), daysAgo(10));
      // Never finished (a message the pipeline keeps retrying): kept whatever its age.
      await ledgerRow(plain, 'old-unprocessed', null, daysAgo(200));
      await ledgerRow(plain, 'followup:sent-1', daysAgo(150), daysAgo(150));
      // Older than the retention but inside the user's year-long backfill window: a reconnect would list it.
      await ledgerRow(longBackfill, 'inside-backfill', daysAgo(200), daysAgo(200));
      await ledgerRow(longBackfill, 'beyond-backfill', daysAgo(400), daysAgo(400));

      await threadState(plain, 'idle', daysAgo(120), null);
      await threadState(plain, 'active', daysAgo(5), null);
      // The user's message of long ago whose follow-up is still ahead keeps its thread.
      await threadState(plain, 'waiting', daysAgo(120), daysAgo(-2));
      await threadState(plain, 'stale-follow-up', daysAgo(160), daysAgo(157));

      const audit = (action: string, at: Date) =>
        storage.db
          .insertInto('audit_log')
          .values({
            tenant_id: plain.tenant_id,
            user_id: plain.user_id,
            action,
            detail: '{}',
            created_at: at,
          })
          .execute();
      await audit('test.old', daysAgo(400));
      await audit('test.recent', daysAgo(100));

      const job = (state: 'created' | 'failed' | 'completed', completedAt: Date | null, name: string) =>
        storage.db
          .insertInto('jobs')
          .values({ name, data: '{}', retry_limit: 1, retry_delay_ms: 1000 })
          .returning('id')
          .executeTakeFirstOrThrow()
          .then(({ id }) =>
            storage.db.updateTable('jobs').set({ state, completed_at: completedAt }).where('id', '=', id).execute(),
          );
      await job('failed', daysAgo(200), 'test-old-dead');
      await job('failed', daysAgo(10), 'test-recent-dead');
      await job('created', null, 'test-waiting');

      const oauth = (state: string, expiresAt: Date) =>
        storage.db
          .insertInto('oauth_states')
          .values({
            tenant_id: plain.tenant_id,
            user_id: plain.user_id,
            state,
            provider: 'graph',
            code_verifier: 'v',
            expires_at: expiresAt,
          })
          .execute();
      await oauth('expired', new Date(NOW.getTime() - 60_000));
      await oauth('pending', new Date(NOW.getTime() + 600_000));

      // A batch of 2 makes every table take more than one statement where it has more rows.
      const counts = await pruneOldRows(storage.db, { days: 90, auditDays: 365 }, { now: NOW, batchSize: 2 });

      expect(await ids('processed_messages', plain)).toEqual(['old-unprocessed', 'recent-processed']);
      expect(await ids('processed_messages', longBackfill)).toEqual(['inside-backfill']);
      expect(await ids('thread_states', plain)).toEqual(['active', 'waiting']);
      const actions = await storage.db
        .selectFrom('audit_log')
        .select('action')
        .where('user_id', '=', plain.user_id)
        .where('action', 'like', 'test.%')
        .execute();
      expect(actions.map((a) => a.action)).toEqual(['test.recent']);
      const jobs = await storage.db.selectFrom('jobs').select('name').where('name', 'like', 'test-%').execute();
      expect(jobs.map((j) => j.name).sort()).toEqual(['test-recent-dead', 'test-waiting']);
      const states = await storage.db.selectFrom('oauth_states').select('state').execute();
      expect(states.map((s) => s.state)).toEqual(['pending']);
      expect(counts).toMatchObject({
        processed_messages: 3,
        thread_states: 2,
        audit_log: 1,
        jobs: 1,
        oauth_states: 1,
      });

      // Nothing left to do: a second run deletes nothing.
      const again = await pruneOldRows(storage.db, { days: 90, auditDays: 365 }, { now: NOW, batchSize: 2 });
      expect(Object.values(again).every((n) => n === 0)).toBe(true);
    });

    it('0 keeps everything (only expired sign-in handshakes go)', async () => {
      await ledgerRow(plain, 'ancient', daysAgo(3000), daysAgo(3000));
      await threadState(plain, 'ancient', daysAgo(3000), null);
      const counts = await pruneOldRows(storage.db, { days: 0, auditDays: 0 }, { now: NOW });
      expect(Object.values(counts).every((n) => n === 0)).toBe(true);
      expect(await ids('processed_messages', plain)).toContain('ancient');
      expect(await ids('thread_states', plain)).toContain('ancient');
    });

    it('a pruned follow-up is not drafted again: its thread goes with it', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'graph', { address: 'followup@contoso.example' });
      // Sent 100 days ago, followed up 97 days ago: the ledger row of the follow-up and the thread both age out.
      await threadState(mailbox, 'thread-f', daysAgo(100), daysAgo(97));
      await ledgerRow(mailbox, 'followup:last-thread-f', daysAgo(97), daysAgo(97));
      await pruneOldRows(storage.db, { days: 90, auditDays: 0 }, { now: NOW });
      const service = startService(syncConfig(fakes), storage, { now: () => NOW });
      try {
        expect(await service.runDueFollowUps()).toBe(0);
      } finally {
        await service.stop();
      }
    });

    it('a worker runs the prune as a job and schedules the next one a day later', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'graph', { address: 'job@contoso.example' });
      const longAgo = new Date(Date.now() - 200 * DAY);
      await ledgerRow(mailbox, 'job-old', longAgo, longAgo);
      let service: SyncService | undefined;
      try {
        // On PostgreSQL the queue is pg-boss (as in production), on PGlite the table queue.
        const pgBoss: Record<string, string> =
          database.name === 'postgres' ? { DATABASE_URL: process.env.TEST_DATABASE_URL! } : {};
        service = startService(syncConfig(fakes, { RETENTION_DAYS: '90', ...pgBoss }), storage);
        await service.startWorkers();
        await vi.waitFor(async () => expect(await ids('processed_messages', mailbox)).toEqual([]), {
          timeout: 30_000,
          interval: 50,
        });
        expect(service.queue.engine).toBe(database.name === 'postgres' ? 'pg-boss' : 'table');
        const table = service.queue.engine === 'pg-boss' ? sql.table(`${storage.schema}.job`) : sql.table('jobs');
        await vi.waitFor(
          async () => {
            const { rows } = await sql<{ start_after: Date }>`
              select start_after from ${table} where name = 'sync-prune' and state = 'created'`.execute(storage.db);
            expect(rows).toHaveLength(1);
            expect(new Date(rows[0]!.start_after).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
          },
          { timeout: 10_000, interval: 50 },
        );
      } finally {
        await service?.stop();
      }
    });
  });
}
