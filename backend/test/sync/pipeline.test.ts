import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RetryLaterError } from '../../src/jobs/queue.ts';
import type { Storage } from '../../src/storage/database.ts';
import { ledgerStore } from '../../src/storage/ledger.ts';
import type { MailboxRow } from '../../src/storage/schema.ts';
import { userStore } from '../../src/storage/users.ts';
import type { SyncService } from '../../src/sync/service.ts';
import { testDatabases } from '../support/db.ts';
import {
  connectMailbox,
  type Fakes,
  GMAIL_ADDRESS,
  GRAPH_ADDRESS,
  ledger,
  startFakes,
  startService,
  syncConfig,
  waitProcessed,
} from './harness.ts';

const DAY = 86_400_000;

/** The text/plain part of a draft the pipeline wrote (base64 in a multipart/alternative). */
function plainText(raw: string): string {
  const part = /Content-Type: text\/plain[^\n]*\n(?:[^\n]+\n)*?\r?\n([\s\S]*?)\r?\n--/i.exec(raw)?.[1] ?? '';
  return /base64/i.test(raw) ? Buffer.from(part.replace(/\s+/g, ''), 'base64').toString('utf8') : part;
}
const AFTER_DAYS = 2;

const ASK = {
  from: 'Dana Smith <dana@partner.example>',
  subject: 'Q3 numbers',
  text: 'Hi,\n\nCould you send me the Q3 numbers by Friday? I need them for the board deck.\n\nThanks,\nDana',
};

for (const database of testDatabases()) {
  describe(`mailbox sync pipeline [${database.name}]`, () => {
    let storage: Storage;
    let fakes: Fakes;
    let service: SyncService;
    /** The controllable clock the service decides due follow-ups by (reset to the real time per test). */
    let clock = 0;

    beforeAll(async () => {
      storage = await database.open();
    });
    afterAll(async () => {
      await storage?.close();
    });
    beforeEach(async () => {
      fakes = await startFakes({ graphDelayMs: 2 });
      clock = Date.now();
      service = startService(syncConfig(fakes), storage, { now: () => new Date(clock) });
      await service.startWorkers();
    });
    afterEach(async () => {
      await service.stop();
      await fakes.close();
    });

    it('Gmail: a new message is labelled "Steward/To respond" and gets a draft in its thread', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      await service.runMailboxSync(mailbox.id); // takes the starting cursor
      const msg = fakes.gmail.deliver({ ...ASK, to: GMAIL_ADDRESS });
      await service.notify(mailbox.id, 'test');
      await waitProcessed(storage, mailbox.id, [msg.id]);
      expect(fakes.gmail.labelNamesOf(msg.id)).toContain('Steward/To respond');
      expect(fakes.gmail.draftsIn(msg.threadId)).toBe(1);
      const draft = [...fakes.gmail.drafts.values()][0]!;
      expect(draft.raw).toMatch(/^Subject: Re: Q3 numbers/m);
      expect(draft.raw).toContain('In-Reply-To: <');
      const row = (await ledger(storage, mailbox.id))[0]!;
      expect(row).toMatchObject({ category: 'to_respond', label_applied: true, draft_id: draft.id });
    });

    it('with the mail index on, synced mail is indexed from the fetched copy, and disconnecting removes it', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      const scope = { tenantId: mailbox.tenant_id, userId: mailbox.user_id };
      await userStore(storage.db, scope).updateSettings({ mailIndex: true });
      await service.runMailboxSync(mailbox.id);
      const msg = fakes.gmail.deliver({ ...ASK, to: GMAIL_ADDRESS });
      await service.notify(mailbox.id, 'test');
      await waitProcessed(storage, mailbox.id, [msg.id]);
      const store = userStore(storage.db, scope).mailIndex;
      const hits = await store.search({ text: 'Q3 numbers board deck' });
      expect(hits.map((h) => h.messageId)).toEqual([msg.id]);
      expect(hits[0]?.mailboxId).toBe(mailbox.id);
      // One fetch of the message serves triage, drafting and the index.
      const fetches = fakes.gmail.requests.filter((r) => r.startsWith('GET ') && r.endsWith(`/messages/${msg.id}`));
      expect(fetches).toHaveLength(1);
      await userStore(storage.db, scope).updateSettings({ mailIndex: false });
      await storage.db.deleteFrom('mailboxes').where('id', '=', mailbox.id).execute();
      expect(await store.count()).toBe(0);
    });

    it('a sync that finds one or two new messages processes them in its own job, more go to the queue', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      await service.runMailboxSync(mailbox.id); // the starting cursor
      const sent = vi.spyOn(service.queue, 'send');
      const one = fakes.gmail.deliver({ ...ASK, to: GMAIL_ADDRESS });
      // Processed when the sync returns: no message job, and the cursor has moved past it.
      expect(await service.runMailboxSync(mailbox.id)).toBe(1);
      expect((await ledger(storage, mailbox.id)).find((r) => r.provider_message_id === one.id)).toMatchObject({
        category: 'to_respond',
        label_applied: true,
      });
      expect(fakes.gmail.draftsIn(one.threadId)).toBe(1);
      expect(sent.mock.calls.filter(([name]) => name === 'sync-message')).toEqual([]);
      expect(await service.runMailboxSync(mailbox.id)).toBe(0);
      // A burst is shared through the queue (every worker process may take a part).
      const burst = [1, 2, 3, 4].map((n) => fakes.gmail.deliver({ ...ASK, subject: `Burst ${n}`, to: GMAIL_ADDRESS }));
      expect(await service.runMailboxSync(mailbox.id)).toBe(4);
      expect(sent.mock.calls.filter(([name]) => name === 'sync-message')).toHaveLength(4);
      await waitProcessed(
        storage,
        mailbox.id,
        burst.map((m) => m.id),
      );
      sent.mockRestore();
    });

    it('a message the sync cannot process now (another worker holds it) goes to the queue and is processed once', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      await service.runMailboxSync(mailbox.id);
      const sent = vi.spyOn(service.queue, 'send');
      const msg = fakes.gmail.deliver({ ...ASK, to: GMAIL_ADDRESS });
      // Another worker's lease on the message, as if its message job were running (for 5 s).
      await ledgerStore(storage.db).lease(mailbox, msg.id, 'push', 5_000);
      expect(await service.runMailboxSync(mailbox.id)).toBe(1);
      expect(sent.mock.calls.filter(([name]) => name === 'sync-message').map(([, data]) => data)).toEqual([
        { mailboxId: mailbox.id, messageId: msg.id, source: 'push' },
      ]);
      expect((await ledger(storage, mailbox.id))[0]?.processed_at).toBeNull();
      // The cursor moved on: the queue, not the next sync, owns the message now.
      expect(await service.runMailboxSync(mailbox.id)).toBe(0);
      // That worker died: once its lease is over, the message job's retry processes the message.
      await waitProcessed(storage, mailbox.id, [msg.id]);
      await service.stop();
      expect(
        fakes.gmail.requests.filter((r) => r === `POST /gmail/v1/users/me/messages/${msg.id}/modify`),
      ).toHaveLength(1);
      expect(fakes.gmail.draftsIn(msg.threadId)).toBe(1);
      sent.mockRestore();
    });

    it('the category is written only while the worker still holds the lease, so the label needs no check of its own', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      const rows = ledgerStore(storage.db);
      const first = await rows.lease(mailbox, 'held-msg', 'push', 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      // The first worker's lease ran out and a second worker took the message over.
      const second = await rows.lease(mailbox, 'held-msg', 'push', 60_000);
      expect(first.kind === 'leased' && second.kind === 'leased').toBe(true);
      const tokenOf = (claim: typeof first) => (claim.kind === 'leased' ? claim.row.lease_token : null);
      const count = {
        scope: { tenantId: mailbox.tenant_id, userId: mailbox.user_id },
        at: new Date(),
        category: 'fyi',
        counts: { messages: 1 },
      } as const;
      const write = (token: string | null) =>
        rows.recordAndCount(mailbox.id, 'held-msg', { category: 'fyi' }, count, undefined, { token, leaseMs: 60_000 });
      expect(await write(tokenOf(first))).toBe(false);
      expect((await ledger(storage, mailbox.id))[0]?.category).toBeNull();
      expect(await write(tokenOf(second))).toBe(true);
      expect((await ledger(storage, mailbox.id))[0]?.category).toBe('fyi');
    });

    it('Gmail: a newsletter is labelled Marketing and gets no draft', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      await service.runMailboxSync(mailbox.id);
      const msg = fakes.gmail.deliver({
        from: 'Deals <deals@shop.example>',
        to: GMAIL_ADDRESS,
        subject: '50% off everything this weekend only',
        text: 'Huge SALE! Shop now and save 50% on everything. Limited time offer. Unsubscribe here.',
      });
      await service.notify(mailbox.id, 'test');
      await waitProcessed(storage, mailbox.id, [msg.id]);
      expect(fakes.gmail.labelNamesOf(msg.id).some((l) => l.startsWith('Steward/'))).toBe(true);
      expect(fakes.gmail.labelNamesOf(msg.id)).not.toContain('Steward/To respond');
      expect(fakes.gmail.draftsIn(msg.threadId)).toBe(0);
    });

    it('the same notification replayed 5 times out of order: exactly one label and one draft per message', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      await service.runMailboxSync(mailbox.id);
      const first = fakes.gmail.deliver({ ...ASK, to: GMAIL_ADDRESS });
      const second = fakes.gmail.deliver({
        ...ASK,
        subject: 'Contract review',
        text: 'Can you review the contract and tell me by Tuesday whether we can sign?',
        to: GMAIL_ADDRESS,
      });
      // Five replays of the notification, plus the message jobs themselves run concurrently in reverse order.
      await Promise.all([1, 2, 3, 4, 5].map(() => service.notify(mailbox.id, 'replay')));
      await Promise.allSettled([second, first, second, first, second].map((m) => service.runMessage(mailbox.id, m.id)));
      await Promise.all([1, 2, 3, 4, 5].map(() => service.notify(mailbox.id, 'replay')));
      await waitProcessed(storage, mailbox.id, [first.id, second.id]);
      await service.stop(); // let any in-flight duplicate finish before counting
      for (const m of [first, second]) {
        const modifies = fakes.gmail.requests.filter((r) => r === `POST /gmail/v1/users/me/messages/${m.id}/modify`);
        expect(modifies).toHaveLength(1);
        expect(fakes.gmail.draftsIn(m.threadId)).toBe(1);
        expect(fakes.gmail.labelNamesOf(m.id).filter((l) => l.startsWith('Steward/'))).toEqual(['Steward/To respond']);
      }
      expect(await ledger(storage, mailbox.id)).toHaveLength(2);
    });

    it('the user replying makes the thread awaiting_reply, and no draft is made for an answered message', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      await service.runMailboxSync(mailbox.id);
      const t0 = Date.now() - 60_000;
      const ask = fakes.gmail.deliver({ ...ASK, to: GMAIL_ADDRESS, at: new Date(t0) });
      const reply = fakes.gmail.deliver({
        from: `Me <${GMAIL_ADDRESS}>`,
        to: 'dana@partner.example',
        subject: 'Re: Q3 numbers',
        text: 'Sure, will do. Do you also need the forecast?',
        threadId: ask.threadId,
        sent: true,
        at: new Date(t0 + 1000),
      });
      await service.notify(mailbox.id, 'test');
      await waitProcessed(storage, mailbox.id, [ask.id, reply.id]);
      const state = await storage.db
        .selectFrom('thread_states')
        .selectAll()
        .where('mailbox_id', '=', mailbox.id)
        .executeTakeFirstOrThrow();
      expect(state).toMatchObject({
        thread_id: ask.threadId,
        state: 'awaiting_reply',
        last_message_id: reply.id,
        last_from_me: true,
      });
      expect(fakes.gmail.labelNamesOf(reply.id)).toContain('Steward/Awaiting reply');
      expect(fakes.gmail.draftsIn(ask.threadId)).toBe(0);
    });

    it('an expired refresh token marks the mailbox as needing re-authorisation and tells the user', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail', { expired: true });
      await service.notify(mailbox.id, 'test');
      await vi.waitFor(
        async () => {
          const row = await storage.db
            .selectFrom('mailboxes')
            .select(['status', 'status_reason'])
            .where('id', '=', mailbox.id)
            .executeTakeFirstOrThrow();
          expect(row.status).toBe('needs_reauth');
          expect(row.status_reason).toMatch(/Reconnect/);
          // The audit row is written right after the status: wait for it too.
          const audit = await storage.db
            .selectFrom('audit_log')
            .select('action')
            .where('user_id', '=', mailbox.user_id)
            .execute();
          expect(audit.map((a) => a.action)).toContain('mailbox.needs_reauth');
        },
        { timeout: 10_000, interval: 20 },
      );
    });

    it('Gmail: Retry-After on 429 is honoured and the message still goes through', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      await service.runMailboxSync(mailbox.id);
      const msg = fakes.gmail.deliver({ ...ASK, to: GMAIL_ADDRESS });
      fakes.gmail.throttle(2, '0');
      await service.notify(mailbox.id, 'test');
      await waitProcessed(storage, mailbox.id, [msg.id]);
      expect(fakes.gmail.labelNamesOf(msg.id)).toContain('Steward/To respond');
    });

    it('Graph: a new message gets the coloured category and a reply draft; at most 4 requests at once', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'graph');
      await service.runMailboxSync(mailbox.id);
      const msgs = Array.from({ length: 12 }, (_, i) =>
        fakes.graph.deliver({ ...ASK, subject: `Q${i} numbers`, to: GRAPH_ADDRESS }),
      );
      await service.notify(mailbox.id, 'test');
      await waitProcessed(
        storage,
        mailbox.id,
        msgs.map((m) => m.id),
      );
      for (const m of msgs) {
        expect(fakes.graph.messages.get(m.id)?.categories).toEqual(['Steward/To respond']);
        expect(fakes.graph.draftsIn(m.conversationId)).toBe(1);
      }
      expect(fakes.graph.categories.find((c) => c.displayName === 'Steward/To respond')?.color).toBe('preset0');
      const draft = [...fakes.graph.messages.values()].find((m) => m.isDraft)!;
      expect(draft.body?.content).toContain('original');
      expect(fakes.graph.maxConcurrent).toBeLessThanOrEqual(4);
    });

    it('backfill processes the last N days once each and reports progress', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      const old = fakes.gmail.deliver({ ...ASK, to: GMAIL_ADDRESS, at: new Date(Date.now() - 30 * 86_400_000) });
      const recent = Array.from({ length: 6 }, (_, i) =>
        fakes.gmail.deliver({
          ...ASK,
          subject: `Item ${i}`,
          to: GMAIL_ADDRESS,
          at: new Date(Date.now() - (i + 1) * 3_600_000),
        }),
      );
      await service.afterConnect(mailbox);
      await waitProcessed(
        storage,
        mailbox.id,
        recent.map((m) => m.id),
      );
      const rows = await ledger(storage, mailbox.id);
      expect(rows.map((r) => r.provider_message_id).sort()).toEqual(recent.map((m) => m.id).sort());
      expect(rows.some((r) => r.provider_message_id === old.id)).toBe(false);
      await vi.waitFor(async () => {
        const status = await storage.db
          .selectFrom('sync_status')
          .selectAll()
          .where('mailbox_id', '=', mailbox.id)
          .executeTakeFirstOrThrow();
        expect(status).toMatchObject({ phase: 'live', backfill_total: 6 });
      });
      await vi.waitFor(() => expect(fakes.gmail.watches).toBe(1));
    });

    describe('follow-up drafts after N days of silence', () => {
      let mailbox: MailboxRow;
      const advance = (ms: number) => {
        clock += ms;
      };

      const threadState = (threadId: string) =>
        storage.db
          .selectFrom('thread_states')
          .selectAll()
          .where('mailbox_id', '=', mailbox.id)
          .where('thread_id', '=', threadId)
          .executeTakeFirstOrThrow();
      const followUpJobs = () =>
        storage.db
          .selectFrom('jobs')
          .select(['id', 'state', 'start_after', 'data'])
          .where('name', '=', 'sync-followup')
          .execute();
      /** Time passes for the queue too: the waiting delayed follow-up jobs become runnable, and are run. */
      const runDelayedJobsNow = async () => {
        await storage.db
          .updateTable('jobs')
          .set({ start_after: new Date(Date.now() - 1000) })
          .where('name', '=', 'sync-followup')
          .where('state', '=', 'created')
          .execute();
        await vi.waitFor(
          async () => expect((await followUpJobs()).filter((j) => j.state !== 'completed')).toEqual([]),
          { timeout: 10_000, interval: 20 },
        );
      };
      /** The user's own message, starting a thread, at the clock's time. */
      const sendAsUser = () =>
        fakes.gmail.deliver({
          from: `Me <${GMAIL_ADDRESS}>`,
          to: 'Dana Smith <dana@partner.example>',
          subject: 'Proposal for the Q3 campaign',
          text: 'Hi Dana,\n\nCould you confirm by Friday whether the attached proposal works for you?\n\nThanks',
          sent: true,
          at: new Date(clock),
        });

      beforeEach(async () => {
        await storage.db.deleteFrom('jobs').where('name', '=', 'sync-followup').execute();
        // The sweep is global: threads left awaiting a reply by the tests above would be due too.
        await storage.db.deleteFrom('thread_states').execute();
        mailbox = await connectMailbox(storage, fakes, 'gmail');
        await userStore(storage.db, { tenantId: mailbox.tenant_id, userId: mailbox.user_id }).updateSettings({
          followUpAfterDays: AFTER_DAYS,
        });
        await service.runMailboxSync(mailbox.id); // the starting cursor
      });
      afterEach(async () => {
        await service.stop();
        await storage.db.deleteFrom('mailboxes').where('id', '=', mailbox.id).execute();
      });

      it('silence: exactly one follow-up draft in the thread after N days, none before', async () => {
        const sent = sendAsUser();
        await service.notify(mailbox.id, 'test');
        await waitProcessed(storage, mailbox.id, [sent.id]);
        const state = await threadState(sent.threadId);
        expect(state).toMatchObject({ state: 'awaiting_reply', last_message_id: sent.id, last_from_me: true });
        expect(new Date(state.follow_up_due_at!).getTime()).toBe(clock + AFTER_DAYS * DAY);
        expect(fakes.gmail.labelNamesOf(sent.id)).toContain('Steward/Awaiting reply');
        // Scheduled N days out, on the queue (enqueued just after the message is marked processed).
        await vi.waitFor(async () => expect(await followUpJobs()).toHaveLength(1), { timeout: 10_000, interval: 20 });
        const jobs = await followUpJobs();
        expect(jobs[0]).toMatchObject({
          state: 'created',
          data: { mailboxId: mailbox.id, threadId: sent.threadId, messageId: sent.id },
        });
        expect(Math.abs(new Date(jobs[0]!.start_after).getTime() - (Date.now() + AFTER_DAYS * DAY))).toBeLessThan(
          60_000,
        );

        // An hour before it is due: nothing, even if the job runs early.
        advance(AFTER_DAYS * DAY - 3_600_000);
        expect(await service.runDueFollowUps()).toBe(0);
        await expect(service.runFollowUp(mailbox.id, sent.threadId, sent.id)).rejects.toBeInstanceOf(RetryLaterError);
        expect(fakes.gmail.draftsIn(sent.threadId)).toBe(0);

        // Due: the safety net's sweep enqueues it now and the worker drafts it.
        advance(3_600_000 + 60_000);
        expect(await service.runDueFollowUps()).toBe(1);
        await vi.waitFor(() => expect(fakes.gmail.draftsIn(sent.threadId)).toBe(1), { timeout: 10_000, interval: 20 });
        const draft = [...fakes.gmail.drafts.values()].find((d) => d.message.threadId === sent.threadId)!;
        expect(draft.raw).toMatch(/^To: .*dana@partner\.example/m);
        expect(draft.raw).toMatch(/^Subject: Re: Proposal for the Q3 campaign/m);
        expect(draft.raw).toContain('In-Reply-To: <');
        expect(plainText(draft.raw)).toMatch(/^Hi Dana,[\s\S]*follow(ing)? up on my (message|note)/);

        // The delayed job, a second sweep, and a direct rerun all find it done: still one draft.
        await runDelayedJobsNow();
        expect(await service.runDueFollowUps()).toBe(0);
        expect(await service.runFollowUp(mailbox.id, sent.threadId, sent.id)).toBe('already_processed');
        advance(10 * DAY);
        expect(await service.runDueFollowUps()).toBe(0);
        expect(fakes.gmail.draftsIn(sent.threadId)).toBe(1);
        const rows = await ledger(storage, mailbox.id);
        expect(rows.filter((r) => r.source === 'followup')).toEqual([
          expect.objectContaining({ provider_message_id: `followup:${sent.id}`, thread_id: sent.threadId }),
        ]);
        expect((await followUpJobs()).map((j) => j.state)).not.toContain('failed');
      });

      it('a reply before N days cancels the follow-up; the thread is to_respond with a normal reply draft', async () => {
        const sent = sendAsUser();
        await service.notify(mailbox.id, 'test');
        await waitProcessed(storage, mailbox.id, [sent.id]);
        await vi.waitFor(async () => expect(await followUpJobs()).toHaveLength(1), { timeout: 10_000, interval: 20 });

        advance(DAY);
        const reply = fakes.gmail.deliver({
          from: 'Dana Smith <dana@partner.example>',
          to: GMAIL_ADDRESS,
          subject: 'Re: Proposal for the Q3 campaign',
          text: 'Hi,\n\nThanks. Could you send me the budget breakdown before I confirm? I need it by Thursday.\n\nDana',
          threadId: sent.threadId,
          at: new Date(clock),
        });
        await service.notify(mailbox.id, 'test');
        await waitProcessed(storage, mailbox.id, [reply.id]);
        expect(await threadState(sent.threadId)).toMatchObject({
          state: 'to_respond',
          last_message_id: reply.id,
          last_from_me: false,
          follow_up_due_at: null,
        });
        expect(fakes.gmail.labelNamesOf(reply.id)).toContain('Steward/To respond');
        expect(fakes.gmail.draftsIn(sent.threadId)).toBe(1);
        const replyDraft = [...fakes.gmail.drafts.values()].find((d) => d.message.threadId === sent.threadId)!;
        expect(replyDraft.raw).toMatch(/^To: .*dana@partner\.example/m);
        expect(plainText(replyDraft.raw)).not.toMatch(/follow(ing)? up on my/);
        expect((await ledger(storage, mailbox.id)).find((r) => r.provider_message_id === reply.id)?.draft_id).toBe(
          replyDraft.id,
        );

        // Well past the due date: the sweep finds nothing, and the delayed job, when it runs, makes no draft.
        advance(AFTER_DAYS * DAY + 60_000);
        expect(await service.runDueFollowUps()).toBe(0);
        await runDelayedJobsNow();
        expect(await service.runFollowUp(mailbox.id, sent.threadId, sent.id)).toBe('skipped');
        expect(fakes.gmail.draftsIn(sent.threadId)).toBe(1);
        expect((await ledger(storage, mailbox.id)).filter((r) => r.source === 'followup')).toEqual([]);
      });
    });
  });
}
