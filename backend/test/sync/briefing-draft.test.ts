/**
 * The morning briefing left as a draft to self at the user's `briefingDraftHour` (issue 19), against the local
 * fake Gmail and Graph servers: made once at the hour in the user's time zone, not before, not twice (a
 * second job, two at once, a restart), not with the setting off, and never sent.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RetryLaterError } from '../../src/jobs/queue.ts';
import type { Storage } from '../../src/storage/database.ts';
import type { MailboxRow } from '../../src/storage/schema.ts';
import { userStore } from '../../src/storage/users.ts';
import type { SyncService } from '../../src/sync/service.ts';
import { testDatabases } from '../support/db.ts';
import {
  connectMailbox,
  type Fakes,
  GMAIL_ADDRESS,
  GRAPH_ADDRESS,
  startFakes,
  startService,
  syncConfig,
} from './harness.ts';

/** A draft to self as the fake provider holds it. */
interface SelfDraft {
  to: string;
  subject: string;
  text: string;
}

/** The text/plain part of a Gmail raw draft (base64 in a multipart/alternative). */
function plainText(raw: string): string {
  const part = /Content-Type: text\/plain[^\n]*\n(?:[^\n]+\n)*?\r?\n([\s\S]*?)\r?\n--/i.exec(raw)?.[1] ?? '';
  return Buffer.from(part.replace(/\s+/g, ''), 'base64').toString('utf8');
}

function selfDrafts(fakes: Fakes, provider: 'gmail' | 'graph'): SelfDraft[] {
  if (provider === 'gmail')
    return [...fakes.gmail.drafts.values()]
      .map((d) => ({
        to: /^To: (.*)$/m.exec(d.raw)?.[1]?.trim() ?? '',
        subject: /^Subject: (.*)$/m.exec(d.raw)?.[1]?.trim() ?? '',
        text: plainText(d.raw),
      }))
      .filter((d) => d.subject.startsWith('Steward briefing'));
  return [...fakes.graph.messages.values()]
    .filter((m) => m.isDraft && m.folder === 'drafts' && m.subject?.startsWith('Steward briefing'))
    .map((m) => ({ to: (m.to ?? []).join(', '), subject: m.subject ?? '', text: m.body?.content ?? '' }));
}

/** Any request that would send mail: Gmail drafts.send / messages.send, Graph /send and /sendMail. */
const sendCalls = (fakes: Fakes) =>
  [...fakes.gmail.requests, ...fakes.graph.requests].filter((r) => /\/send(Mail)?$/i.test(r));

const HOUR = 7;
// 7:00 in Berlin on 3 December 2026 (UTC+1).
const AT_THE_HOUR = Date.parse('2026-12-03T06:00:00Z');

for (const database of testDatabases()) {
  for (const provider of ['gmail', 'graph'] as const) {
    describe(`the morning briefing draft to self [${provider}, ${database.name}]`, () => {
      let storage: Storage;
      let fakes: Fakes | undefined;
      const services: SyncService[] = [];
      let clock = AT_THE_HOUR;
      const address = provider === 'gmail' ? GMAIL_ADDRESS : GRAPH_ADDRESS;

      beforeAll(async () => {
        storage = await database.open();
      });
      afterAll(async () => {
        await storage?.close();
      });
      afterEach(async () => {
        for (const s of services.splice(0)) await s.stop();
        await fakes?.close();
        fakes = undefined;
      });

      const service = (options: { calendars?: boolean; env?: Record<string, string> } = {}): SyncService => {
        if (!fakes) throw new Error('fakes not started');
        const { env, ...rest } = options;
        const s = startService(syncConfig(fakes, env), storage, { now: () => new Date(clock), ...rest });
        services.push(s);
        return s;
      };
      const scopeOf = (mailbox: MailboxRow) => ({ tenantId: mailbox.tenant_id, userId: mailbox.user_id });
      async function user(hour: number | null): Promise<MailboxRow> {
        if (!fakes) throw new Error('fakes not started');
        const mailbox = await connectMailbox(storage, fakes, provider);
        await userStore(storage.db, scopeOf(mailbox)).updateSettings({
          timeZone: 'Europe/Berlin',
          briefingDraftHour: hour,
          mailIndex: true,
        });
        return mailbox;
      }

      it('is made once at the hour in the user zone, not before, not twice, and never sent', async () => {
        fakes = await startFakes();
        const sync = service();
        await sync.start();
        const mailbox = await user(HOUR);
        const scope = scopeOf(mailbox);

        // A thread that needs a reply, synced and indexed as usual, so the briefing has something in it.
        await sync.runMailboxSync(mailbox.id);
        const ask =
          provider === 'gmail'
            ? fakes.gmail.deliver({
                from: 'Dana Smith <dana@partner.example>',
                to: address,
                subject: 'Renewal price',
                text: 'Hi,\n\nCould you confirm the renewal price by Friday?\n\nThanks,\nDana',
              })
            : fakes.graph.deliver({
                from: 'Dana Smith <dana@partner.example>',
                to: address,
                subject: 'Renewal price',
                text: 'Hi,\n\nCould you confirm the renewal price by Friday?\n\nThanks,\nDana',
              });
        clock = AT_THE_HOUR - 3 * 3600_000;
        expect(await sync.runMessage(mailbox.id, ask.id, 'push')).toBe('processed');

        // 6:59 in Berlin: not yet, neither from the tick nor from a job that runs early.
        clock = AT_THE_HOUR - 60_000;
        expect(await sync.runDueBriefings()).toBe(0);
        expect(await sync.runBriefingDraft(scope)).toBe('not_due');
        expect(selfDrafts(fakes, provider)).toEqual([]);

        // 7:00: the tick enqueues one job; two runs at once (a duplicate job, another worker) make one draft.
        clock = AT_THE_HOUR;
        expect(await sync.runDueBriefings()).toBe(1);
        const outcomes = await Promise.all([sync.runBriefingDraft(scope), sync.runBriefingDraft(scope)]);
        expect(outcomes.sort()).toEqual(['created', 'exists']);
        const drafts = selfDrafts(fakes, provider);
        expect(drafts).toHaveLength(1);
        expect(drafts[0]!.to).toBe(address);
        expect(drafts[0]!.subject).toBe('Steward briefing for 2026-12-03');
        expect(drafts[0]!.text).toContain('Steward briefing for 2026-12-03');
        expect(drafts[0]!.text).toContain('Renewal price');
        const row = await storage.db
          .selectFrom('briefing_drafts')
          .select('draft_id')
          .where('user_id', '=', mailbox.user_id)
          .executeTakeFirst();
        expect(row?.draft_id).toBeTruthy();

        // Later the same morning: the tick enqueues nothing and a replayed job makes nothing.
        clock = AT_THE_HOUR + 90 * 60_000;
        expect(await sync.runDueBriefings()).toBe(0);
        expect(await sync.runBriefingDraft(scope)).toBe('exists');

        // A restart (a new worker process on the same database) does not make a second one either.
        const restarted = service();
        expect(await restarted.runBriefingDraft(scope)).toBe('exists');
        expect(selfDrafts(fakes, provider)).toHaveLength(1);

        // The afternoon is past the catch-up hours; the next morning gets its own draft.
        clock = AT_THE_HOUR + 8 * 3600_000;
        expect(await sync.runBriefingDraft(scope)).toBe('not_due');
        clock = AT_THE_HOUR + 24 * 3600_000;
        expect(await sync.runBriefingDraft(scope)).toBe('created');
        expect(selfDrafts(fakes, provider).map((d) => d.subject)).toEqual([
          'Steward briefing for 2026-12-03',
          'Steward briefing for 2026-12-04',
        ]);

        expect(sendCalls(fakes)).toEqual([]);
      }, 120_000);

      it('makes nothing with the setting off, and none for a user whose hour has not come', async () => {
        fakes = await startFakes();
        const sync = service();
        await sync.start();
        clock = AT_THE_HOUR;
        const off = await user(null);
        const later = await user(HOUR + 2);
        expect(await sync.runDueBriefings()).toBe(0);
        expect(await sync.runBriefingDraft(scopeOf(off))).toBe('off');
        expect(await sync.runBriefingDraft(scopeOf(later))).toBe('not_due');
        expect(selfDrafts(fakes, provider)).toEqual([]);
        expect(sendCalls(fakes)).toEqual([]);
      }, 60_000);

      it('a provider that asks to wait leaves the day unclaimed, so the retry makes the draft', async () => {
        fakes = await startFakes();
        const sync = service();
        await sync.start();
        clock = AT_THE_HOUR;
        const mailbox = await user(HOUR);
        if (provider === 'gmail') fakes.gmail.throttle(1, '120');
        else fakes.graph.throttle(1, '120');
        await expect(sync.runBriefingDraft(scopeOf(mailbox))).rejects.toBeInstanceOf(RetryLaterError);
        expect(selfDrafts(fakes, provider)).toEqual([]);
        expect(await sync.runBriefingDraft(scopeOf(mailbox))).toBe('created');
        expect(selfDrafts(fakes, provider)).toHaveLength(1);
      }, 60_000);

      it("lists today's meetings from the connected calendar by title, with the threads that mention them", async () => {
        fakes = await startFakes();
        const sync = service({ calendars: true });
        await sync.start();
        clock = AT_THE_HOUR;
        const mailbox = await user(HOUR);
        await sync.runMailboxSync(mailbox.id);
        const spec = {
          from: 'Dana Smith <dana@partner.example>',
          to: address,
          subject: 'Agenda for the Q3 review',
          text: 'Hi,\n\nThe Q3 review agenda is attached: pricing first, then the roadmap.\n\nDana',
        };
        const note = provider === 'gmail' ? fakes.gmail.deliver(spec) : fakes.graph.deliver(spec);
        expect(await sync.runMessage(mailbox.id, note.id, 'push')).toBe('processed');
        // 10:00–11:00 Berlin today, and one tomorrow that must not show.
        const calendar = provider === 'gmail' ? fakes.calendar.events : fakes.graph.events;
        calendar.push(
          {
            id: 'ev-q3',
            summary: 'Q3 review',
            start: '2026-12-03T09:00:00.000Z',
            end: '2026-12-03T10:00:00.000Z',
            showAs: 'busy',
            attendees: [],
          },
          {
            id: 'ev-tomorrow',
            summary: 'Budget planning',
            start: '2026-12-04T09:00:00.000Z',
            end: '2026-12-04T10:00:00.000Z',
            showAs: 'busy',
            attendees: [],
          },
        );
        expect(await sync.runBriefingDraft(scopeOf(mailbox))).toBe('created');
        const [draft] = selfDrafts(fakes, provider);
        expect(draft?.text).toContain("Today's meetings (1):");
        expect(draft?.text).toContain('10:00–11:00 Q3 review');
        expect(draft?.text).toContain('mentioned in: Agenda for the Q3 review');
        expect(draft?.text).not.toContain('Budget planning');
      }, 60_000);

      it('the worker runs it from the tick', async () => {
        fakes = await startFakes();
        // On PostgreSQL the worker runs on pg-boss, as in production.
        const url = process.env.TEST_DATABASE_URL;
        const sync = service(database.name === 'postgres' && url ? { env: { DATABASE_URL: url } } : {});
        expect(sync.queue.engine).toBe(database.name === 'postgres' && url ? 'pg-boss' : 'table');
        clock = AT_THE_HOUR + 10 * 60_000;
        const mailbox = await user(HOUR);
        await sync.startWorkers({ concurrency: 2 });
        await sync.runBriefingTick();
        await vi.waitFor(() => expect(selfDrafts(fakes!, provider)).toHaveLength(1), { timeout: 60_000, interval: 50 });
        expect(await sync.runBriefingDraft(scopeOf(mailbox))).toBe('exists');
        expect(sendCalls(fakes)).toEqual([]);
      }, 120_000);
    });
  }
}
