/**
 * The background draft of a `to_respond` thread is the draft "Write a reply" would give: it comes from the
 * configured engine (local, or an OpenAI-compatible model) and proposes only times the user's connected
 * calendar shows free.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/database.ts';
import type { SyncService } from '../../src/sync/service.ts';
import { testDatabases } from '../support/db.ts';
import { type FakeOpenAi, type FakeReply, reply, startFakeOpenAi } from '../support/fake-openai.ts';
import {
  connectMailbox,
  type Fakes,
  GMAIL_ADDRESS,
  startFakes,
  startService,
  syncConfig,
  waitProcessed,
} from './harness.ts';

const MEETING_ASK = {
  from: 'Dana Smith <dana@partner.example>',
  text: 'Hi,\n\nCould we meet for 30 minutes next week to go over the contract?\n\nThanks,\nDana',
};
const MODEL_BODY = 'Happy to go over the contract with you.';

/** The text/plain part of a draft the pipeline wrote (base64 in a multipart/alternative). */
function plainText(raw: string): string {
  const part = /Content-Type: text\/plain[^\n]*\n(?:[^\n]+\n)*?\r?\n([\s\S]*?)\r?\n--/i.exec(raw)?.[1] ?? '';
  return /base64/i.test(raw) ? Buffer.from(part.replace(/\s+/g, ''), 'base64').toString('utf8') : part;
}

/** The proposed-time lines of a draft ("- Mon 7 Dec, 09:30 UTC"). */
const timeLines = (text: string) =>
  text.split('\n').filter((l) => /^- \w{3} \d{1,2} \w{3}, \d{2}:\d{2}/.test(l.trim()));

/** Answers triage with a to_respond verdict and drafts with a body that leaves the times to the solver. */
function modelAnswers(req: { system: string }): FakeReply {
  if (req.system.includes('You draft email replies')) return reply.text(`${MODEL_BODY}\n\n{{TIMES}}`);
  return reply.json({
    category: 'to_respond',
    needsReply: true,
    meetingRequest: true,
    priority: 'normal',
    confidence: 0.9,
    reasons: ['asks to meet next week'],
    summary: 'Dana asks to meet next week about the contract.',
  });
}

const database = testDatabases()[0]!;

for (const engine of ['local', 'openai'] as const) {
  describe(`background drafts use the configured engine and the calendar [${engine}]`, () => {
    let storage: Storage;
    let fakes: Fakes | undefined;
    let model: FakeOpenAi | undefined;
    let service: SyncService | undefined;

    beforeAll(async () => {
      storage = await database.open();
    });
    afterAll(async () => {
      await storage?.close();
    });
    afterEach(async () => {
      await service?.stop();
      await fakes?.close();
      await model?.close();
      service = undefined;
      fakes = undefined;
      model = undefined;
    });

    it('a to_respond thread gets a draft from the engine whose times avoid the busy time of the calendar', async () => {
      const clock = Date.now();
      fakes = await startFakes();
      model = engine === 'openai' ? await startFakeOpenAi(modelAnswers) : undefined;
      const config = syncConfig(
        fakes,
        model
          ? { AI_PROVIDER: 'openai', OPENAI_BASE_URL: model.url, OPENAI_API_KEY: 'test', OPENAI_TIMEOUT_MS: '20000' }
          : {},
      );
      service = startService(config, storage, { calendars: true, now: () => new Date(clock) });
      await service.startWorkers();
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      await service.runMailboxSync(mailbox.id);

      const draftOf = async (subject: string) => {
        const msg = fakes!.gmail.deliver({ ...MEETING_ASK, subject, to: GMAIL_ADDRESS });
        await service!.notify(mailbox.id, 'test');
        await waitProcessed(storage, mailbox.id, [msg.id], 120_000);
        const draft = [...fakes!.gmail.drafts.values()].find((d) => d.message.threadId === msg.threadId);
        expect(draft, `a draft in the thread of "${subject}"`).toBeDefined();
        return plainText(draft!.raw);
      };

      // The calendar is empty: the solver's first choices.
      const free = await draftOf('Contract review');
      const first = timeLines(free);
      expect(first.length).toBeGreaterThan(0);
      expect(fakes.calendar.requests.some((r) => r.includes('/freeBusy'))).toBe(true);

      // The days of those times become busy in the calendar: the next draft proposes none of them.
      const dayOf = (line: string) => /\w{3} \d{1,2} \w{3}/.exec(line)![0];
      const busyDays = [...new Set(first.map(dayOf))];
      for (const [i, day] of busyDays.entries()) {
        const [, date, month] = day.split(' ');
        const year = new Date(clock).getUTCFullYear();
        let start = new Date(`${date} ${month} ${year} 00:00 UTC`);
        if (start.getTime() < clock - 86_400_000) start = new Date(`${date} ${month} ${year + 1} 00:00 UTC`);
        fakes.calendar.events.push({
          id: `busy-${i}`,
          summary: 'Busy',
          start: start.toISOString(),
          end: new Date(start.getTime() + 86_400_000).toISOString(),
          showAs: 'busy',
          attendees: [],
        });
      }
      const busy = await draftOf('Contract review, again');
      const second = timeLines(busy);
      expect(second.length).toBeGreaterThan(0);
      for (const line of second) expect(busyDays).not.toContain(dayOf(line));

      if (engine === 'openai') {
        // The model wrote the body; the user's busy time decided the times.
        expect(free).toContain(MODEL_BODY);
        expect(busy).toContain(MODEL_BODY);
        expect(model!.requests.some((r) => r.system.includes('You draft email replies'))).toBe(true);
      } else {
        expect(free).not.toContain(MODEL_BODY);
      }
    }, 240_000);
  });
}
