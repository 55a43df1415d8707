import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncService } from '../../src/mail/sync/service.ts';
import type { Storage } from '../../src/storage/database.ts';
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

    beforeAll(async () => {
      storage = await database.open();
    });
    afterAll(async () => {
      await storage?.close();
    });
    beforeEach(async () => {
      fakes = await startFakes({ graphDelayMs: 2 });
      service = startService(syncConfig(fakes), storage);
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
        },
        { timeout: 10_000, interval: 20 },
      );
      const audit = await storage.db
        .selectFrom('audit_log')
        .select('action')
        .where('user_id', '=', mailbox.user_id)
        .execute();
      expect(audit.map((a) => a.action)).toContain('mailbox.needs_reauth');
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
  });
}
