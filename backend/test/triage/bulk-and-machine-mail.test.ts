import type { EmailMessage } from '@steward/shared';
import { describe, expect, it } from 'vitest';
import { normaliseMessage } from '../../src/mail/normalise.ts';
import { triageLocal, triageSignals } from '../../src/triage/index.ts';
import { defaultTriageModel, type TriageModel } from '../../src/triage/model-file.ts';
import { discussionListFooter, periodicReportRule } from '../../src/triage/rules.ts';

const ME = ['sam@example.org'];
const message = (fields: Partial<EmailMessage>) => normaliseMessage({ id: 'm', to: ME, ...fields });

/** The shipped model with a marketing model that gives every message the same probability. */
function modelWithMarketing(p: number): TriageModel {
  const shipped = defaultTriageModel();
  return {
    ...shipped,
    marketing: {
      ...shipped.marketing,
      bias: Math.log(p / (1 - p)),
      weights: new Float32Array(shipped.marketing.buckets),
      platt: { a: 1, b: 0 },
      isotonic: undefined,
    },
  };
}

describe('marketing or a discussion group', () => {
  const groupFooter =
    '\n\n------------------------ Sponsor ---------------------\nCheap flights to anywhere: http://ads.example/x\n---------------------\n' +
    'To unsubscribe from this group, send an email to:\nbirders-unsubscribe@groups.example\n';

  it("does not call a group post a mass mailing for the group's unsubscribe footer", async () => {
    const post = await message({
      from: 'Jo Park <jo@mail.example>',
      subject: '[birders] Two ospreys at the reservoir this morning',
      text: `Saw two ospreys over the north end of the reservoir around 7, fishing together.${groupFooter}`,
    });
    const result = triageLocal(post, { me: ME });
    expect(result.category).not.toBe('marketing');
    expect(result.reasons[0]).not.toMatch(/mass mailing/);
  });

  it('still files the same opt-out text as marketing without a group tag', async () => {
    const newsletter = await message({
      from: 'Flight Deals <deals@flights.example>',
      subject: 'Autumn fares are here',
      text: `Fares to twelve cities from 49, this week only.${groupFooter}`,
    });
    const result = triageLocal(newsletter, { me: ME });
    expect(result.category).toBe('marketing');
    expect(result.reasons[0]).toBe('a mass mailing: tells you how to unsubscribe');
  });

  it('needs both the tag and a group footer', () => {
    expect(discussionListFooter('[birders] ospreys', 'To unsubscribe from this group, send an email')).toBe(true);
    expect(discussionListFooter('[birders] ospreys', 'Visit https://lists.example/mailman/listinfo/birders')).toBe(
      true,
    );
    expect(discussionListFooter('ospreys', 'To unsubscribe from this group, send an email')).toBe(false);
    expect(discussionListFooter('[birders] ospreys', 'Click here to unsubscribe from our newsletter')).toBe(false);
  });
});

describe('selling dressed as a conversation', () => {
  it('files quoted selling without In-Reply-To as marketing from four cues, not from three', async () => {
    const quoted = (text: string) =>
      normaliseMessage({
        id: 'q',
        raw: `From: offers@deals.example\r\nTo: sam@example.org\r\nSubject: RE: your request\r\n\r\n${text}\r\n\r\n> Please send me more information.\r\n`,
      });
    const four = await quoted(
      'Dear friend, earn extra income from home! Only $29 per month, 100% guaranteed. Click here to join now.',
    );
    expect(triageLocal(four, { me: ME }).reasons[0]).toMatch(/^sells or solicits: /);
    const three = await quoted('We can ship them at a special price, only $29 per month, guaranteed.');
    expect(triageLocal(three, { me: ME }).reasons[0] ?? '').not.toMatch(/^sells or solicits/);
  });
});

describe('the marketing model decides only from its LOCO decision point', () => {
  const text = 'The canteen will serve a lunch buffet on Thursday to celebrate the end of the quarter.';

  it('a middling marketing probability is not enough; a clear one is, and the user dial still moves it', async () => {
    const msg = await message({ from: 'Facilities <facilities@example.org>', subject: 'Thursday lunch', text });
    expect(triageLocal(msg, { me: ME, model: modelWithMarketing(0.65) }).category).not.toBe('marketing');
    const clear = triageLocal(msg, { me: ME, model: modelWithMarketing(0.85) });
    expect(clear.category).toBe('marketing');
    expect(clear.reasons[0]).toMatch(/^reads like a newsletter or promotion/);
    const strict = { reply: 0.5, marketing: 0.9 };
    expect(triageLocal(msg, { me: ME, model: modelWithMarketing(0.85), thresholds: strict }).category).not.toBe(
      'marketing',
    );
    const loose = { reply: 0.5, marketing: 0.3 };
    expect(triageLocal(msg, { me: ME, model: modelWithMarketing(0.5), thresholds: loose }).category).toBe('marketing');
    // The signal itself stays the model's probability.
    expect(triageSignals(msg, { me: ME, model: modelWithMarketing(0.65) }).pMarketing).toBeCloseTo(0.65, 5);
  });
});

describe('machine mail is a notification', () => {
  it('a notice that says it was sent automatically', async () => {
    const msg = await message({
      subject: 'Storage warning',
      text: 'This notice is sent automatically to tell you that your file storage is at 96% of its quota. Delete old files to free space.',
    });
    const result = triageLocal(msg, { me: ME, model: modelWithMarketing(0.6) });
    expect(result.category).toBe('notification');
    expect(result.reasons[0]).toBe('looks like an automated system notice');
    expect(result.needsReply).toBe(false);
  });

  it('a notification format outweighs the marketing model, however sure', async () => {
    const msg = await message({
      subject: 'Your mailbox is approaching its limit',
      text: 'Your mailbox is at 96% of its quota. Delete old mail today to free space and keep receiving mail.',
    });
    const result = triageLocal(msg, { me: ME, model: modelWithMarketing(0.97) });
    expect(result.category).toBe('notification');
    expect(result.reasons[0]).toBe('looks like an automatic account or delivery notice');
  });

  it('a mailbox over its size limit, by its subject', async () => {
    const msg = await message({
      subject: 'Your mailbox is over its size limit',
      text: 'You may not be able to send mail until you reduce the size of your mailbox.',
    });
    expect(triageLocal(msg, { me: ME }).category).toBe('notification');
  });

  it('a confirmation of something the reader did: an order, a ticket, a registration', async () => {
    for (const text of [
      'We have received your order and will email you when it ships. Order summary: 2 x blue mug.',
      'Thank you for registering for the Data Summit. Your badge will be waiting at the front desk.',
      'Your ticket has been issued for the following trip: Lisbon to Porto, 14 March, seat 12C.',
      'You have been added to the waiting list for the course "Negotiation basics".',
    ]) {
      const result = triageLocal(await message({ subject: 'Confirmation', text }), { me: ME });
      expect(result.category, text).toBe('notification');
      expect(result.reasons[0]).toMatch(/^confirms something you did/);
    }
  });

  it('but not a person asking about an order', async () => {
    const msg = await message({
      from: 'Ann Lee <ann@example.com>',
      subject: 'mugs',
      text: 'Did the order for the blue mugs go out? Could you check with the supplier today?',
    });
    expect(triageLocal(msg, { me: ME }).category).not.toBe('notification');
  });
});

describe('a dated report or digest is a notification', () => {
  it('files a report or a digest named with its date or period as notification', async () => {
    for (const subject of ['Daily Summary of Positions 03/14', 'Headlines for 2026-03-14', 'Weekly price bulletin']) {
      const msg = await message({ subject, text: 'North 41.2 42.0 +0.8\nSouth 39.9 40.1 +0.2\nWest 44.0 43.1 -0.9' });
      const result = triageLocal(msg, { me: ME });
      expect(result.category, subject).toBe('notification');
      expect(result.reasons[0]).toBe('a dated report or digest in the subject: automated periodic mail');
    }
  });

  it("not a report passed on by a colleague, a reply about one, one without a date, or the user's own", async () => {
    const forwarded = await message({
      from: 'Ann Lee <ann@example.com>',
      subject: 'Fw: Daily Summary of Positions 03/14',
      text: 'Worth a look.\n\n-----Original Message-----\nFrom: Risk desk\nNorth 41.2 42.0',
    });
    expect(periodicReportRule(forwarded)).toBeUndefined();
    const reply = await message({ subject: 'Re: Weekly price bulletin', text: 'The West figure looks off.' });
    expect(periodicReportRule(reply)).toBeUndefined();
    const undated = await message({ subject: 'Summary of our discussion', text: 'We agreed to ship in May.' });
    expect(periodicReportRule(undated)).toBeUndefined();
    const own = await message({
      from: ME[0],
      to: ['ann@example.com'],
      subject: 'Weekly report 03/14',
      text: 'Ann, here is my week: the parser is done. Can you review it?',
    });
    expect(triageLocal(own, { me: ME }).category).not.toBe('notification');
  });
});
