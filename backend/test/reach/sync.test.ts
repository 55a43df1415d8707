import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReach, type Reach } from '../../src/reach/service.ts';
import { inboxStats } from '../../src/reach/stats.ts';
import type { Storage } from '../../src/storage/database.ts';
import type { SyncService } from '../../src/sync/service.ts';
import { testDatabases } from '../support/db.ts';
import { type FakeReach, HUBSPOT_TOKEN, startFakeReach } from '../support/fake-reach.ts';
import {
  connectMailbox,
  type Fakes,
  GMAIL_ADDRESS,
  startFakes,
  startService,
  syncConfig,
  waitProcessed,
} from '../sync/harness.ts';

const ASK = {
  from: 'Dana Smith <dana@acme.example>',
  subject: 'Renewal terms',
  text: 'Hi,\n\nCould you send me the renewal terms by Friday? SECRET-BODY-WORDS are in this body.\n\nThanks,\nDana',
};

/** The text/plain part of a draft the pipeline wrote (base64 in a multipart/alternative). */
function plainText(raw: string): string {
  const part = /Content-Type: text\/plain[^\n]*\n(?:[^\n]+\n)*?\r?\n([\s\S]*?)\r?\n--/i.exec(raw)?.[1] ?? '';
  return /base64/i.test(raw) ? Buffer.from(part.replace(/\s+/g, ''), 'base64').toString('utf8') : part;
}

for (const database of testDatabases()) {
  describe(`reach in mailbox sync [${database.name}]`, () => {
    let storage: Storage;
    let fakes: Fakes;
    let fake: FakeReach;
    let reach: Reach;
    let service: SyncService;

    beforeAll(async () => {
      storage = await database.open();
      fake = await startFakeReach();
    });
    afterAll(async () => {
      await fake?.close();
      await storage?.close();
    });
    beforeEach(async () => {
      fakes = await startFakes();
      const config = syncConfig(fakes);
      reach = createReach(config, storage, { redirect: fake.redirect, sleep: async () => {} });
      service = startService(config, storage, { reach: reach.hooks });
      await service.startWorkers();
    });
    afterEach(async () => {
      await service?.stop();
      await fakes?.close();
      fake.reset();
    });

    it('a new message is counted, its sender recorded, an alert sent (never the body); the reply is timed', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      const scope = { tenantId: mailbox.tenant_id, userId: mailbox.user_id };
      await reach.alerts.create(scope, {
        kind: 'slack',
        name: 'Dana',
        url: 'https://hooks.slack.com/services/T1/B1/sync',
        rules: { toRespondHighPriority: false, meetingRequests: false, senders: [], domains: ['acme.example'] },
      });
      await service.runMailboxSync(mailbox.id);
      const msg = fakes.gmail.deliver({ ...ASK, to: GMAIL_ADDRESS, at: new Date(Date.now() - 30 * 60_000) });
      await service.notify(mailbox.id, 'test');
      await waitProcessed(storage, mailbox.id, [msg.id]);

      const posts = fake.of('/services/T1/B1/sync');
      expect(posts).toHaveLength(1);
      expect(posts[0]?.body).toContain('Renewal terms');
      expect(posts[0]?.body).toContain('dana@acme.example');
      expect(posts[0]?.body).toContain(`#all/${msg.threadId}`);
      expect(posts[0]?.body).not.toContain('SECRET-BODY-WORDS');

      const senders = await storage.db.selectFrom('senders').selectAll().where('user_id', '=', scope.userId).execute();
      expect(senders).toMatchObject([{ address: 'dana@acme.example', category: 'to_respond', message_count: 1 }]);

      // The user answers in the thread: a reply, timed from Dana's message, made with Steward's draft.
      const reply = fakes.gmail.deliver({
        from: `Me <${GMAIL_ADDRESS}>`,
        to: 'dana@acme.example',
        subject: 'Re: Renewal terms',
        text: 'Here they are.',
        threadId: msg.threadId,
        sent: true,
      });
      await service.notify(mailbox.id, 'test');
      await waitProcessed(storage, mailbox.id, [reply.id]);

      const stats = await inboxStats(storage.db, scope, { days: 7 });
      expect(stats.totals.to_respond).toBe(1);
      // The user's own message is counted as awaiting a reply or actioned, as triage decides.
      expect((stats.totals.awaiting_reply ?? 0) + (stats.totals.actioned ?? 0)).toBe(1);
      expect(stats.replies.sent).toBe(1);
      expect(stats.replies.medianMinutes).toBeGreaterThan(20);
      expect(stats.drafts.created).toBe(1);
      expect(stats.drafts.used).toBe(1);
      // Replays change nothing: the counts are written with the ledger.
      await service.runMessage(mailbox.id, msg.id);
      await service.runMessage(mailbox.id, reply.id);
      expect((await inboxStats(storage.db, scope, { days: 7 })).totals).toEqual(stats.totals);
      expect(fake.of('/services/T1/B1/sync')).toHaveLength(1);
    });

    it('quiet hours hold alerts; the digest goes out when they end', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      const scope = { tenantId: mailbox.tenant_id, userId: mailbox.user_id };
      const hour = new Date().getUTCHours();
      const pad = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
      const channel = await reach.alerts.create(scope, {
        kind: 'teams',
        name: 'Night',
        url: 'https://contoso.webhook.office.com/webhookb2/quiet/IncomingWebhook/1/2',
        rules: { toRespondHighPriority: false, meetingRequests: false, senders: ['dana@acme.example'], domains: [] },
        quietHours: { start: pad(hour), end: pad(hour + 2) },
      });
      await service.runMailboxSync(mailbox.id);
      const msg = fakes.gmail.deliver({ ...ASK, to: GMAIL_ADDRESS });
      await service.notify(mailbox.id, 'test');
      await waitProcessed(storage, mailbox.id, [msg.id]);
      expect(fake.of('/webhookb2/quiet/')).toHaveLength(0);
      const held = await storage.db.selectFrom('alert_log').selectAll().where('channel_id', '=', channel.id).execute();
      expect(held.map((h) => h.status)).toEqual(['held']);

      // Quiet hours end (the user's zone is UTC by default): the digest carries the held notice.
      await storage.db.updateTable('alert_channels').set({ quiet_hours: null }).where('id', '=', channel.id).execute();
      expect(await reach.alerts.flushAll()).toBe(1);
      const [digest] = fake.of('/webhookb2/quiet/');
      expect(digest?.body).toContain('1 messages held back');
      expect(digest?.body).toContain('Renewal terms');
      expect(await reach.alerts.flushAll()).toBe(0);
    });
    it('background drafts get the same CRM facts as POST /v1/drafts (one lookup per sender per TTL)', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      await reach.crm.connect(mailbox.tenant_id, mailbox.user_id, { provider: 'hubspot', token: HUBSPOT_TOKEN });
      await service.runMailboxSync(mailbox.id);
      // A bare address: only the CRM knows Dana's name; the message is about her open deal.
      const msg = fakes.gmail.deliver({
        from: 'dana@acme.example',
        to: GMAIL_ADDRESS,
        subject: 'Renewal',
        text: 'Hi,\n\nWhere are we on the renewal? Could you send me the terms?',
      });
      await service.notify(mailbox.id, 'test');
      await waitProcessed(storage, mailbox.id, [msg.id]);

      const draft = [...fakes.gmail.drafts.values()].find((d) => d.message.threadId === msg.threadId);
      expect(draft, 'a background draft in the thread').toBeDefined();
      const text = plainText(draft?.raw ?? '');
      expect(text.split('\n')[0]).toMatch(/Dana/);
      expect(text).toContain("open deal 'ACME renewal', stage Negotiation");
      // Outside the placeholders the reply carries no CRM fact.
      expect(text.replace(/\[confirm:[^\]]*\]/g, '')).not.toMatch(/Negotiation|48000|Olivia|open deal/);
      // Triage and the draft shared one lookup: HubSpot was searched once for Dana.
      expect(fake.of('/crm/v3/objects/contacts/search')).toHaveLength(1);
      await reach.crm.disconnect(mailbox.tenant_id, mailbox.user_id);
    });
  });
}
