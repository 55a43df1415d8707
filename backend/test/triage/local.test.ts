import { readFileSync } from 'node:fs';
import type { EmailMessage } from '@steward/shared';
import { CATEGORY_IDS } from '@steward/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../src/mail/charset.ts';
import { splitMbox } from '../../src/mail/input.ts';
import { normaliseMessage } from '../../src/mail/normalise.ts';
import { learnCorrection, MAX_EXAMPLES, triageLocal, triageSignals } from '../../src/triage/index.ts';
import { type PersonalModel, personalFeatures } from '../../src/triage/personal.ts';

const ME = ['sam@example.org'];
const fixture = (name: string) => decodeBytes(readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url)));
const fromFixture = (name: string) => normaliseMessage({ id: name, raw: fixture(name) });
const message = (fields: Partial<EmailMessage>) => normaliseMessage({ id: 'm', to: ME, ...fields });

describe('triageLocal on typical mail', () => {
  it('puts a direct request with a deadline in to_respond, high priority, with reasons and summary', async () => {
    const result = triageLocal(await fromFixture('budget-request.eml'), { me: ME });
    expect(result.category).toBe('to_respond');
    expect(result.needsReply).toBe(true);
    expect(result.priority).toBe('high');
    expect(result.reasons[0]).toBe('asks "Could you approve the Q2 budget by Friday?"');
    expect(result.reasons).toContain('mentions a deadline');
    expect(result.summary).toBe('Ann asks: Could you approve the Q2 budget by Friday?');
    expect(result.confidence).toBeGreaterThan(0.7);
  });

  it('files a calendar invitation as meeting_update', async () => {
    const result = triageLocal(await fromFixture('calendar-invite.eml'), { me: ME });
    expect(result.category).toBe('meeting_update');
    expect(result.reasons[0]).toBe('contains a calendar invitation (text/calendar part)');
  });

  it('files a GitHub mention as comment', async () => {
    const result = triageLocal(await fromFixture('github-comment.eml'), { me: ME });
    expect(result.category).toBe('comment');
    expect(result.reasons[0]).toBe('a GitHub comment or mention notification');
  });

  it('files a Mailchimp newsletter as marketing with low priority', async () => {
    const result = triageLocal(await fromFixture('newsletter.eml'), { me: ME });
    expect(result.category).toBe('marketing');
    expect(result.priority).toBe('low');
    expect(result.needsReply).toBe(false);
    expect(result.meetingRequest).toBe(false);
  });

  it('files a no-reply password reset as notification', async () => {
    const result = triageLocal(await fromFixture('password-reset.eml'), { me: ME });
    expect(result.category).toBe('notification');
  });

  it('files promotional text without bulk headers as marketing, and names the selling cues', async () => {
    const msg = await message({
      from: 'Deals <deals@shop.example>',
      subject: 'LIMITED TIME OFFER: save 50% today!!!',
      html: '<p>Click here to claim your FREE gift. Order now and save $$$! Best prices of the year on every item in the store, free shipping on all orders.</p>',
    });
    const result = triageLocal(msg, { me: ME });
    expect(result.category).toBe('marketing');
    expect(result.reasons[0]).toMatch(/^sells or solicits: .*a price or a sale/);
  });

  it('files unsolicited selling relayed through a mailing list as marketing, but not a reply that quotes prices', async () => {
    const pitch = await normaliseMessage({
      id: 'p',
      raw: 'From: win@promo.example\r\nTo: users@lists.example\r\nList-Id: <users.lists.example>\r\nSubject: Your chance\r\n\r\nDear friend,\r\nEarn extra cash from home! Only $19.95 per month, 100% guaranteed.\r\nClick here to order now.\r\n',
    });
    expect(triageLocal(pitch, { me: ME }).category).toBe('marketing');
    expect(triageLocal(pitch, { me: ME }).reasons[0]).toMatch(/^sells or solicits/);
    const reply = await normaliseMessage({
      id: 'r',
      raw: 'From: ann@example.com\r\nTo: sam@example.org\r\nIn-Reply-To: <q@example.com>\r\nSubject: Re: vendor quote\r\n\r\nThey offer a special price: only $19.95 per month, guaranteed, with free shipping. Click here for their sheet.\r\n\r\n> Did the vendor send a quote?\r\n',
    });
    expect(triageLocal(reply, { me: ME }).category).not.toBe('marketing');
  });

  it("files an item addressed to nobody as a calendar entry when it gives a time, and the owner's own note as fyi", async () => {
    const entry = await normaliseMessage({
      id: 'e',
      raw: 'Message-ID: <e@example.org>\r\nDate: Tue, 3 Mar 2026 09:00:00 +0000\r\nFrom: sam@example.org\r\nSubject: Lunch with the Denver board\r\n\r\n12:30 - 2:00 at the Grand Hotel, room 4.\r\n',
    });
    const result = triageLocal(entry, { me: ME });
    expect(result.category).toBe('meeting_update');
    expect(result.reasons[0]).toMatch(/addressed to nobody/);
    const note = await normaliseMessage({
      id: 'n',
      raw: 'Message-ID: <n@example.org>\r\nDate: Tue, 3 Mar 2026 09:00:00 +0000\r\nFrom: sam@example.org\r\nSubject: Ideas\r\n\r\nShould we take a position on the tariff case? Ask legal.\r\n',
    });
    expect(triageLocal(note, { me: ME }).category).toBe('fyi');
    // The same text sent to someone is the owner asking: awaiting a reply.
    const sent = await normaliseMessage({
      id: 's',
      raw: 'Message-ID: <s@example.org>\r\nDate: Tue, 3 Mar 2026 09:00:00 +0000\r\nFrom: sam@example.org\r\nTo: kim@example.org\r\nSubject: Ideas\r\n\r\nShould we take a position on the tariff case?\r\n',
    });
    expect(triageLocal(sent, { me: ME }).category).toBe('awaiting_reply');
  });

  it('flags an ask to call or meet, but not an offer to call with questions', async () => {
    const ask = await message({
      from: 'Ann <ann@example.com>',
      subject: 'draft contract',
      text: 'I went through the draft contract.\n\nPlease give me a call when you have a chance to go over it.',
    });
    expect(triageLocal(ask, { me: ME }).meetingRequest).toBe(true);
    const offer = await message({
      from: 'Ann <ann@example.com>',
      subject: 'draft contract',
      text: 'Attached is the signed contract for your files.\n\nIf you have any questions, please give me a call.',
    });
    expect(triageLocal(offer, { me: ME }).meetingRequest).toBe(false);
  });

  it('weighs an ask by whom the opening addresses: the reader, someone else, or a group', async () => {
    const ask = (opening: string) =>
      normaliseMessage({
        id: opening,
        raw: `From: ann@example.com\r\nTo: sam@example.org, tom@example.org\r\nSubject: numbers\r\n\r\n${opening}\r\nCould you send me the March figures?\r\n`,
      });
    const score = async (opening: string) => triageSignals(await ask(opening), { me: ME }).pReply;
    const toMe = await score('Sam,');
    const toTom = await score('Tom,');
    const toAll = await score('All,');
    const plain = await score('');
    expect(toMe).toBeGreaterThan(plain);
    expect(toTom).toBeLessThan(plain);
    expect(toAll).toBeLessThan(plain);
  });

  it('files a mass mailing that says how to opt out, or link-heavy HTML, as marketing by rule', async () => {
    const optOut = await message({
      from: 'Garden Club <club@garden.example>',
      subject: 'Spring planting guide',
      text: 'Our spring guide is here: twelve bulbs to plant now.\n\nTo be removed from our mailing list, reply with REMOVE.',
    });
    expect(triageLocal(optOut, { me: ME }).reasons[0]).toBe('a mass mailing: tells you how to unsubscribe');
    const takenOff = await message({
      from: 'Travel Deals <deals@travel.example>',
      subject: 'Fares to Lisbon from 99',
      text: 'Fly to Lisbon this spring from 99 return.\n\nTo be taken off this mailing list, reply and put "remove" in the subject.',
    });
    expect(triageLocal(takenOff, { me: ME }).category).toBe('marketing');
    const links = await message({
      from: 'Books <hello@books.example>',
      subject: 'New this week',
      html: `<p>New titles this week.</p>${'<a href="https://books.example/t">A title</a> '.repeat(6)}`,
    });
    const result = triageLocal(links, { me: ME });
    expect(result.category).toBe('marketing');
    expect(result.reasons[0]).toBe('a mass mailing: link-heavy HTML');
  });

  it('does not call a reply or a mailing-list discussion a mass mailing for its unsubscribe footer', async () => {
    const footer = '\n\n_______________\nlist mailing list\nTo unsubscribe, visit https://lists.example/list';
    const reply = await message({
      from: 'ann@example.com',
      subject: 'Re: the parser patch',
      text: `I tried the patch and it works for me.${footer}`,
    });
    expect(triageLocal(reply, { me: ME }).reasons[0]).not.toMatch(/mass mailing/);
    const list = await normaliseMessage({
      id: 'l',
      raw: `From: bob@example.com\r\nTo: list@lists.example\r\nList-Id: <list.lists.example>\r\nSubject: parser question\r\n\r\nHas anyone seen the parser hang on long lines?${footer}`,
    });
    const result = triageLocal(list, { me: ME });
    expect(result.category).not.toBe('marketing');
    expect(result.reasons[0]).not.toMatch(/mass mailing/);
  });

  it('files mail from feed, digest and list-owner addresses as notification', async () => {
    for (const from of ['rss@news.example', 'digest@forum.example', 'mylist-owner@lists.example']) {
      const msg = await message({ from, subject: 'Item', text: 'A new item was posted on the site today.' });
      expect(triageLocal(msg, { me: ME }).category).toBe('notification');
    }
  });

  it('sets meetingRequest when asked to meet or pick a time, not for a deadline or for own mail', async () => {
    const meet = await message({
      from: 'ann@example.com',
      subject: 'Pricing review',
      text: 'I went through the pricing sheet. Can we meet on Thursday to go over it?',
    });
    expect(triageLocal(meet, { me: ME }).meetingRequest).toBe(true);
    const availability = await message({
      from: 'ann@example.com',
      subject: 'Vendor visit',
      text: 'The vendor is in town next week. Are you free for an hour with them?',
    });
    expect(triageLocal(availability, { me: ME }).meetingRequest).toBe(true);
    const deadline = await message({
      from: 'ann@example.com',
      subject: 'Expense reports',
      text: 'Please send me your expense report by Friday.',
    });
    expect(triageLocal(deadline, { me: ME }).meetingRequest).toBe(false);
    const own = await normaliseMessage({
      id: 'o',
      from: ME[0],
      to: ['ann@example.com'],
      subject: 'Pricing review',
      text: 'Can we meet on Thursday to go over the pricing sheet?',
    });
    expect(triageLocal(own, { me: ME }).meetingRequest).toBe(false);
  });

  it('reads the narrow meeting asks sentence by sentence: a talk with the reader, a call to join, a time to get together', async () => {
    const flagged = async (subject: string, text: string) =>
      triageLocal(await message({ from: 'ann@example.com', subject, text }), { me: ME }).meetingRequest;
    expect(
      await flagged(
        'Warehouse lease',
        'I read the landlord’s new terms. I would like to discuss them with you before we sign.',
      ),
    ).toBe(true);
    expect(
      await flagged('Invoices', 'Two of the March invoices look doubled. Let me know when you get a minute.'),
    ).toBe(true);
    expect(
      await flagged(
        'Quarterly numbers',
        'We will go through the quarterly numbers on a conference call with the auditors.',
      ),
    ).toBe(true);
    expect(await flagged('Offsite', 'The offsite is set. How does Tuesday the 9th look for everyone?')).toBe(true);
    expect(await flagged('Catch-up', 'Back from leave at last. Could we get together on Thursday afternoon?')).toBe(
      true,
    );
    // Not meetings: a deadline, an announcement of what happened, a get-together without a time, an offer.
    expect(await flagged('Timesheets', 'Timesheets are due by Friday noon. Please submit yours before then.')).toBe(
      false,
    );
    expect(
      await flagged('Board meeting', 'The minutes of Monday’s board meeting are attached. The budget was approved.'),
    ).toBe(false);
    expect(await flagged('Family', 'It would be lovely to get together some time, it has been years.')).toBe(false);
    expect(
      await flagged(
        'Contract',
        'The signed contract is attached. If you have questions, I am happy to discuss them with you.',
      ),
    ).toBe(false);
  });

  it('raises the reply score for asks to the reader and lowers it for FYI, replies and long or mass-mailed text', async () => {
    const score = async (text: string, fields: Partial<EmailMessage> = {}) =>
      triageSignals(await message({ from: 'ann@example.com', subject: 'Slides', text, ...fields }), { me: ME }).pReply;
    const plain = await score('Please send the slides for the review.');
    expect(await score('Could you send the slides for the review?')).toBeGreaterThan(plain);
    expect(await score('Please send the slides for the review and let me know what you think.')).toBeGreaterThan(plain);
    expect(await score('FYI: please send the slides for the review.')).toBeLessThan(plain);
    expect(await score('Please send the slides for the review.', { subject: 'Re: Slides' })).toBeLessThan(plain);
    const longText = `Please send the slides for the review.\n\n${'The market moved again this week and prices rose in every region we follow. '.repeat(40)}`;
    expect(await score(longText)).toBeLessThan(plain);
    const massYou = `Please send the slides for the review. ${'You and your team deserve the best, and you can have it. '.repeat(5)}`;
    expect(await score(massYou)).toBeLessThan(plain);
    const direct = triageLocal(
      await message({ from: 'ann@example.com', subject: 'Slides', text: 'Could you send me the slides for Monday?' }),
      { me: ME },
    );
    expect(direct.category).toBe('to_respond');
    expect(direct.needsReply).toBe(true);
    const fyi = triageLocal(
      await message({
        from: 'ann@example.com',
        subject: 'Slides',
        text: 'FYI, the slides from Monday are on the shared drive. No action needed.',
      }),
      { me: ME },
    );
    expect(fyi.category).toBe('fyi');
    expect(fyi.needsReply).toBe(false);
  });

  it('decides a text of one sentence at an even chance of an ask, a longer text by its strongest sentence at the stricter point', async () => {
    const ask = 'Pick up the keys from the front desk on your way in.';
    const one = triageLocal(await message({ from: 'ann@example.com', subject: 'Keys', text: ask }), { me: ME });
    expect(one.category).toBe('to_respond');
    expect(one.needsReply).toBe(true);
    const two = triageLocal(
      await message({ from: 'ann@example.com', subject: 'Keys', text: `${ask} The weather was lovely here all week.` }),
      { me: ME },
    );
    expect(two.category).toBe('fyi');
    expect(two.needsReply).toBe(false);
  });

  it('takes a question asking a mailing list for help as waiting for an answer, and says so', async () => {
    const raw = (text: string) =>
      `From: Pat Quinn <pat@example.net>\r\nTo: users@lists.example.org\r\nList-Id: <users.lists.example.org>\r\nSubject: Printer prints blank pages\r\n\r\n${text}`;
    const help = triageLocal(
      await normaliseMessage({
        id: 'h',
        raw: raw(
          'Hi all,\r\n\r\nSince the upgrade to version 4 my printer only prints blank pages. The test page\r\nfrom the settings panel is blank too.\r\n\r\nHas anyone seen this before and knows how to fix it?\r\n\r\nThanks, Pat',
        ),
      }),
      { me: ME },
    );
    expect(help.category).toBe('to_respond');
    expect(help.needsReply).toBe(true);
    expect(help.reasons).toContain('asks whoever reads for help');
    const report = triageLocal(
      await normaliseMessage({
        id: 'r',
        raw: raw(
          'Hi all,\r\n\r\nSince the upgrade to version 4 my printer only prints blank pages. The test page\r\nfrom the settings panel is blank too. I will try the old driver tonight.\r\n\r\nPat',
        ),
      }),
      { me: ME },
    );
    expect(report.category).toBe('fyi');
    expect(report.reasons).not.toContain('asks whoever reads for help');
  });

  it('lowers the reply score of an event announced to its audience, and names the cue when it files it as fyi', async () => {
    const score = async (text: string) =>
      triageSignals(await message({ from: 'events@example.com', subject: 'Town hall', text }), { me: ME }).pReply;
    expect(
      await score('The town hall will be held on Thursday at 10 am in the auditorium. Please bring your questions.'),
    ).toBeLessThan(
      await score('The town hall is on Thursday at 10 am in the auditorium. Please bring your questions.'),
    );
    const announced = triageLocal(
      await message({
        from: 'Lee Park <lee@example.com>',
        subject: 'Spring town hall',
        text: 'The spring town hall will be held on Thursday, April 9 at 10 am in the main auditorium. Our CEO will present the results of the year and the plans for the next one. Lunch will be served afterwards.',
      }),
      { me: ME },
    );
    expect(announced.category).toBe('fyi');
    expect(announced.reasons).toContain('announces an event to its audience');
  });

  it('discounts the reply score when the reader is not named in To or Cc, less for a mailing list', async () => {
    const text = 'Could you send me the slides for the review?';
    const direct = await normaliseMessage({ id: 'd', from: 'ann@example.com', to: ME, subject: 'Slides', text });
    const bcc = await normaliseMessage({
      id: 'b',
      from: 'ann@example.com',
      to: ['team@example.com'],
      subject: 'Slides',
      text,
    });
    const list = await normaliseMessage({
      id: 'l',
      raw: `From: ann@example.com\r\nTo: team@lists.example\r\nList-Id: <team.lists.example>\r\nSubject: Slides\r\n\r\n${text}`,
    });
    const score = (m: Awaited<ReturnType<typeof normaliseMessage>>) => triageSignals(m, { me: ME }).pReply;
    expect(score(bcc)).toBeLessThan(score(direct));
    expect(score(list)).toBeLessThan(score(direct));
    expect(score(list)).toBeGreaterThan(score(bcc));
    const signals = triageSignals(direct, { me: ME });
    expect(signals.pNeedsReply).toBeGreaterThanOrEqual(0);
    expect(signals.pNeedsReply).toBeLessThanOrEqual(1);
    const own = await normaliseMessage({ id: 'o', from: ME[0], to: ['ann@example.com'], subject: 'Slides', text });
    expect(triageSignals(own, { me: ME }).pNeedsReply).toBe(0);
  });

  it('does not take an offer of help for a request', async () => {
    const offer = await message({
      from: 'ann@example.com',
      subject: 'Minutes of the board meeting',
      text: 'The minutes of last week are attached. If you have any questions, please call me.',
    });
    const offered = triageLocal(offer, { me: ME });
    expect(offered.category).toBe('fyi');
    expect(offered.needsReply).toBe(false);
    const ask = await message({
      from: 'ann@example.com',
      subject: 'Minutes of the board meeting',
      text: 'The minutes of last week are attached. Could you please check the figures on page two?',
    });
    expect(triageLocal(ask, { me: ME }).category).toBe('to_respond');
  });

  it('treats plain information as fyi and only-Cc mail as less likely to need a reply', async () => {
    const info = triageLocal(
      await message({
        from: 'ann@example.com',
        subject: 'Office closed',
        text: 'The office will be closed on Monday for maintenance.',
      }),
      { me: ME },
    );
    expect(info.category).toBe('fyi');
    const ask = { from: 'ann@example.com', subject: 'Numbers', text: 'Can you send me the Q3 numbers?' };
    const direct = triageLocal(await message(ask), { me: ME, thresholds: { reply: 0, marketing: 0.5 } });
    const cc = triageLocal(await message({ ...ask, to: ['bo@example.com'], cc: ME }), {
      me: ME,
      thresholds: { reply: 0, marketing: 0.5 },
    });
    expect(direct.reasons).toContain('you are in To');
    expect(cc.confidence).toBeLessThan(direct.confidence);
  });

  it('follows the reply threshold: higher means fewer to_respond', async () => {
    const msg = await message({ from: 'ann@example.com', subject: 'Q', text: 'Can you send me the Q3 numbers?' });
    expect(triageLocal(msg, { me: ME, thresholds: { reply: 0.05, marketing: 0.5 } }).category).toBe('to_respond');
    expect(triageLocal(msg, { me: ME, thresholds: { reply: 0.999, marketing: 0.5 } }).category).toBe('fyi');
  });

  it('follows the marketing threshold', async () => {
    const msg = await message({
      from: 'Shop <hello@shop.example>',
      subject: 'New arrivals for you',
      text: 'Discover our new spring collection. Shop now and enjoy free delivery.',
    });
    expect(triageLocal(msg, { me: ME, thresholds: { reply: 0.5, marketing: 0.01 } }).category).toBe('marketing');
    expect(triageLocal(msg, { me: ME, thresholds: { reply: 0.5, marketing: 0.999 } }).category).not.toBe('marketing');
  });
});

describe('what a reader sees', () => {
  it('a summary never quotes an attribution line; a forwarded message is summed up by what it says', async () => {
    for (const intro of ['-----Original Message-----', 'Laurent Papier wrote:', 'On Mon, 2 Mar 2026, Ann Lee wrote:']) {
      const result = triageLocal(
        await message({
          from: 'Bo Chen <bo@example.com>',
          subject: '',
          text: `${intro}\nFrom: Laurent Papier\nSent: Monday\n\nThe shipment leaves the warehouse on the 4th.`,
        }),
        { me: ME },
      );
      expect(result.summary).not.toMatch(/wrote|Original Message|From:|Sent:/);
      expect(result.summary).toContain('The shipment leaves the warehouse');
    }
  });

  it('names an organisation whole and a person by first name', async () => {
    const promo = triageLocal(await fromFixture('newsletter.eml'), { me: ME });
    const person = triageLocal(await fromFixture('budget-request.eml'), { me: ME });
    expect(person.summary.startsWith('Ann ')).toBe(true);
    const promoName = (await fromFixture('newsletter.eml')).from?.name ?? '';
    expect(promoName.split(' ').length).toBeGreaterThan(1);
    expect(promo.summary.startsWith(`${promoName}:`)).toBe(true);
  });

  it('quotes the question a notification carries, not the boilerplate lines above it', async () => {
    const result = triageLocal(
      await message({
        from: 'Lee Park (Google Docs) <comments-noreply@docs.google.com>',
        subject: 'Lee Park mentioned you in "Budget 2027"',
        text: [
          'Lee Park mentioned you in a comment in the following document',
          'Budget 2027',
          '@sam@example.org could you confirm the travel line before we send it?',
          'Reply  Open',
          'You have received this email because you are mentioned in this thread.',
        ].join('\n'),
      }),
      { me: ME },
    );
    expect(result.category).toBe('comment');
    const quoted = result.reasons.find((r) => r.startsWith('also asks'));
    expect(quoted).toBe('also asks "could you confirm the travel line before we send it?"');
  });

  it('quotes a hard-wrapped request whole, across its wrapped lines', async () => {
    const result = triageLocal(
      await message({
        from: 'Ann Lee <ann@example.com>',
        subject: 'Contract',
        text: 'Hi Sam,\n\nCould you send me the signed contract and its annexes before the\nboard meets?\n\nThanks,\nAnn',
      }),
      { me: ME },
    );
    expect(result.reasons[0]).toBe(
      'asks "Could you send me the signed contract and its annexes before the board meets?"',
    );
  });

  it('never repeats a reason, nor a word inside one', async () => {
    const result = triageLocal(
      await message({
        from: 'Deals <deals@shop.example>',
        subject: 'SALE!!! 50% off!!!',
        text: 'Huge sale! 50% off everything! Buy now! Free shipping! Limited time! $$$ Save big! Unsubscribe here.',
      }),
      { me: ME },
    );
    expect(new Set(result.reasons).size).toBe(result.reasons.length);
    for (const reason of result.reasons) {
      const quoted = reason.match(/'[^']*'/g) ?? [];
      expect(new Set(quoted).size).toBe(quoted.length);
    }
  });

  it('marketing and notifications never need a reply, even when they ask a question', async () => {
    const promo = triageLocal(
      await message({
        from: 'Acme Outdoor <news@acme.example>',
        subject: 'Will you join us? 40% off ends Friday!',
        text: 'Can you make it to our sale? Reply now and get 40% off! Unsubscribe: https://acme.example/u',
        headers: { 'list-unsubscribe': '<mailto:u@acme.example>', precedence: 'bulk' },
      }),
      { me: ME },
    );
    expect(promo.category).toBe('marketing');
    expect(promo.needsReply).toBe(false);
    const reset = triageLocal(await fromFixture('password-reset.eml'), { me: ME });
    expect(reset.category).toBe('notification');
    expect(reset.needsReply).toBe(false);
  });
});

describe('precedence', () => {
  it('meeting_update beats marketing, marketing beats notification', async () => {
    const invite = fixture('calendar-invite.eml').replace(
      'Subject:',
      'List-Unsubscribe: <mailto:u@x.com>\r\nX-MC-User: 1\r\nSubject:',
    );
    expect(triageLocal(await normaliseMessage({ id: 'i', raw: invite }), { me: ME }).category).toBe('meeting_update');
    const campaignReceipt = await message({
      from: 'no-reply@shop.example',
      subject: 'Your order has shipped',
      headers: { 'list-unsubscribe': '<mailto:u@x>', 'x-mc-user': '1' },
      text: 'Your order has shipped. Unsubscribe',
    });
    expect(triageLocal(campaignReceipt, { me: ME }).category).toBe('marketing');
  });

  it('Auto-Submitted mail is a notification even when it asks something', async () => {
    const msg = await message({
      from: 'jobs@ci.example',
      subject: 'Approval needed',
      headers: { 'auto-submitted': 'auto-generated' },
      text: 'Can you approve the deployment?',
    });
    const result = triageLocal(msg, { me: ME });
    expect(result.category).toBe('notification');
    expect(result.reasons[0]).toBe('sent automatically (Auto-Submitted: auto-generated)');
  });
});

describe('thread state', () => {
  const thread = async () =>
    Promise.all(splitMbox(fixture('offsite-thread.mbox')).map((raw, i) => normaliseMessage({ id: `t${i}`, raw })));

  it('is awaiting_reply when the user wrote last and asked something', async () => {
    const [first, mine] = await thread();
    const result = triageLocal(first!, { me: ME, thread: [first!, mine!] });
    expect(result.category).toBe('awaiting_reply');
    expect(result.reasons[0]).toMatch(/^you wrote last and asked "Could you book both rooms/);
  });

  it('is actioned when the user replied last without asking', async () => {
    const [first] = await thread();
    const reply = await normaliseMessage({
      id: 'r',
      from: ME[0],
      to: ['ann.lee@example.com'],
      subject: 'Re: Venue',
      text: 'Booked both rooms, all set.',
      date: '2026-03-02T14:00:00Z',
    });
    expect(triageLocal(first!, { me: ME, thread: [first!, reply] }).category).toBe('actioned');
  });

  it('is actioned for a closing "thanks, done" reply from someone else', async () => {
    const msg = await message({ from: 'ann@example.com', subject: 'Re: Venue', text: 'Thanks, done!' });
    expect(triageLocal(msg, { me: ME }).category).toBe('actioned');
  });

  it('needs the user addresses: without --me the same thread is a plain received message', async () => {
    const [first, mine] = await thread();
    expect(triageLocal(first!, { me: [], thread: [first!, mine!] }).category).not.toBe('awaiting_reply');
  });
});

describe('guideline cues that carry across sources', () => {
  it("files an invitation's generated text as meeting_update even without a calendar part", async () => {
    const msg = await message({
      from: 'Priya Shah <priya@example.net>',
      subject: 'Vendor contract review',
      text: 'When: Tuesday, 9 June 2026 10:00-11:00 (UTC+01:00) London.\nWhere: Room 4B\n\n*~*~*~*~*~*~*~*~*~*\n\nTo go over the renewal terms before we sign.',
    });
    const result = triageLocal(msg, { me: ME });
    expect(result.category).toBe('meeting_update');
    expect(result.reasons[0]).toMatch(/calendar invitation/);
  });

  it('files a notice that a meeting moved as meeting_update, but not a reply about it', async () => {
    const moved = await message({
      from: 'Office Manager <office@example.net>',
      subject: 'Time change: Thursday planning meeting',
      text: 'The planning meeting now starts at 15:00 instead of 14:00, same room.',
    });
    expect(triageLocal(moved, { me: ME }).category).toBe('meeting_update');
    const reply = await message({
      from: 'Lee <lee@example.net>',
      subject: 'Re: Time change: Thursday planning meeting',
      text: 'Can we make it 16:00 instead? I have a clash.',
    });
    expect(triageLocal(reply, { me: ME }).category).not.toBe('meeting_update');
  });

  it("files a self-hosted bug tracker's comment mail and a commit notice as comment", async () => {
    const bug = await message({
      from: 'tracker@bugs.example.org',
      subject: '[Bug 4312] Export drops the last row',
      text: 'https://bugs.example.org/show_bug.cgi?id=4312\n\n------- Additional Comments From dana@example.org  2026-05-02 10:14 -------\nI can reproduce this with the CSV export too.\n\n------- You are receiving this mail because: -------\nYou are on the CC list for the bug.',
    });
    const bugResult = triageLocal(bug, { me: ME });
    expect(bugResult.category).toBe('comment');
    expect(bugResult.needsReply).toBe(false);
    const commit = await message({
      from: 'Dana <dana@example.org>',
      subject: 'CVS: project/src export.c,1.4,1.5',
      text: 'Update of /cvsroot/project/src\nModified Files:\n\texport.c\nLog Message:\nfix off-by-one in the CSV writer\n',
    });
    expect(triageLocal(commit, { me: ME }).category).toBe('comment');
  });

  it('files a system notice about an outage as notification', async () => {
    const msg = await message({
      from: 'IT Service Desk <servicedesk@example.net>',
      subject: 'VPN maintenance on Saturday',
      text: 'The VPN will be unavailable between 08:00 and 12:00 on Saturday for scheduled maintenance. No response is required.',
    });
    const result = triageLocal(msg, { me: ME });
    expect(result.category).toBe('notification');
    expect(result.needsReply).toBe(false);
  });

  it('files an account or delivery notice as notification by its subject', async () => {
    const msg = await message({
      subject: 'User account activated',
      text: 'Your user account for the expense system is now active. Sign in with your usual password.',
    });
    expect(triageLocal(msg, { me: ME }).category).toBe('notification');
  });

  it('files a blind copy with two selling cues as marketing, and names the cues', async () => {
    const blind = await message({
      from: 'Lena <lena@homeloans.example>',
      to: ['undisclosed-recipients@homeloans.example'],
      subject: 'quick note',
      text: 'Thinking about a refinance this year? Rates start as low as 3.9% for people in your area.',
    });
    const result = triageLocal(blind, { me: ME });
    expect(result.category).toBe('marketing');
    expect(result.reasons[0]).toMatch(/^sells or solicits: /);
  });

  it("judges the user's own mail by what the user wrote, not by the forwarded text below it", async () => {
    const forwarded = [
      '---------------------- Forwarded by Sam Roe on 05/04/2026 09:12 AM ---------------------------',
      'Ann Lee on 05/03/2026 04:40 PM',
      'To: Sam Roe',
      'Subject: Budget',
      'Could you approve the Q3 budget by Friday?',
    ].join('\n');
    const bare = await normaliseMessage({
      id: 'f',
      from: ME[0],
      to: ['kim@example.com'],
      subject: 'FW: Budget',
      text: forwarded,
    });
    expect(triageLocal(bare, { me: ME }).category).toBe('actioned');
    const asking = await normaliseMessage({
      id: 'g',
      from: ME[0],
      to: ['kim@example.com'],
      subject: 'FW: Budget',
      text: `Kim, what do you think of these numbers?\n\n${forwarded}`,
    });
    expect(triageLocal(asking, { me: ME }).category).toBe('awaiting_reply');
  });

  const mine = (text: string, subject = 'Re: Offsite') =>
    normaliseMessage({ id: 'own', from: ME[0], to: ['kim@example.com'], subject, text });

  it("reads an order, a 'please' or a request for review in the user's own words as an ask (awaiting_reply)", async () => {
    const note = [
      '---------------------- Forwarded by Sam Roe on 02/11/2026 08:30 AM ---------------------------',
      'Facilities on 02/10/2026 05:02 PM',
      'To: Sam Roe',
      'Subject: Fire drill',
      'The fire drill is on Thursday at 10 am; all staff assemble in the car park.',
    ].join('\n');
    const order = triageLocal(await mine(`print\n\n${note}`, 'Fire drill'), { me: ME });
    expect(order.category).toBe('awaiting_reply');
    expect(order.reasons[0]).toBe('you wrote last and asked "print"');
    const vocative = triageLocal(await mine('Kim -- fax the signed lease to the landlord today, thanks.'), { me: ME });
    expect(vocative.category).toBe('awaiting_reply');
    expect(vocative.reasons[0]).toMatch(/^you wrote last and asked "Kim -- fax the signed lease/);
    const please = await mine('Please post the new rota on the team site.');
    expect(triageLocal(please, { me: ME }).category).toBe('awaiting_reply');
    const review = await mine('Attached is the revised lease for your review.', 'Lease');
    expect(triageLocal(review, { me: ME }).category).toBe('awaiting_reply');
  });

  it("files the user's own decision or plan without a question as actioned, and an offer of help asks nothing", async () => {
    for (const text of [
      "Let's go with the second venue. I think it's the better deal.",
      'I shall join the call on Thursday.',
      'We need to keep the budget under control this year.',
      'Done, the rota is up. Let me know if you have any questions.',
    ]) {
      const result = triageLocal(await mine(text), { me: ME });
      expect({ text, category: result.category }).toEqual({ text, category: 'actioned' });
    }
    // The same plan with the recipient asked in it waits for the answer.
    const asked = await mine("Let's go with the second venue. Could you book it for Thursday.");
    expect(triageLocal(asked, { me: ME }).category).toBe('awaiting_reply');
  });
});

describe('learning from corrections', () => {
  it('a sender rule wins and says so; the most specific domain rule applies', async () => {
    const msg = await fromFixture('budget-request.eml');
    const bySender = triageLocal(msg, {
      me: ME,
      rules: [{ kind: 'sender', value: 'Ann.Lee@example.com', category: 'fyi' }],
    });
    expect(bySender.category).toBe('fyi');
    expect(bySender.reasons[0]).toBe('you filed mail from this sender as FYI');
    const byDomain = triageLocal(msg, {
      me: ME,
      rules: [
        { kind: 'domain', value: 'com', category: 'marketing' },
        { kind: 'domain', value: 'example.com', category: 'notification' },
      ],
    });
    expect(byDomain.category).toBe('notification');
    expect(byDomain.reasons[0]).toBe('you filed mail from this domain as Notification');
  });

  it('a correction moves similar messages, not unrelated ones, and survives JSON', async () => {
    const report = (n: number) =>
      message({
        from: `reports@metrics.example`,
        subject: `Weekly metrics report #${n}`,
        text: `Here is your weekly metrics report number ${n}. Active users grew. Can you review the dashboard?`,
      });
    // A weekly report from a reports@ address: automated periodic mail by default.
    const before = triageLocal(await report(2), { me: ME });
    expect(before.category).toBe('notification');
    const personal = JSON.parse(JSON.stringify(learnCorrection(undefined, await report(1), 'fyi')));
    const after = triageLocal(await report(2), { me: ME, personal });
    expect(after.category).toBe('fyi');
    expect(after.reasons[0]).toBe('you filed similar messages as FYI');
    const unrelated = triageLocal(await fromFixture('budget-request.eml'), { me: ME, personal });
    expect(unrelated.category).toBe('to_respond');
  });

  it('stays bounded in size', async () => {
    let personal: PersonalModel | undefined;
    for (let i = 0; i < MAX_EXAMPLES + 30; i++)
      personal = learnCorrection(
        personal,
        await message({
          from: `p${i}@d${i}.example`,
          subject: `topic ${i} alpha${i}`,
          text: `unique words w${i}x w${i}y w${i}z`,
        }),
        'fyi',
      );
    expect(personal!.examples.length).toBe(MAX_EXAMPLES);
    expect(JSON.stringify(personal).length).toBeLessThan(150_000);
    expect(personalFeatures(await message({ text: 'a '.repeat(5000) })).length).toBeLessThanOrEqual(48);
  });
});

describe('result contract', () => {
  it('is deterministic, well-formed and bounded for arbitrary messages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 400 }),
        fc.string({ maxLength: 100 }),
        fc.string({ maxLength: 60 }),
        async (text, subject, from) => {
          const msg = await normaliseMessage({ id: 'x', text, subject, from, to: ME });
          const a = triageLocal(msg, { me: ME });
          const b = triageLocal(msg, { me: ME });
          expect(a).toEqual(b);
          expect(CATEGORY_IDS).toContain(a.category);
          expect(a.confidence).toBeGreaterThanOrEqual(0);
          expect(a.confidence).toBeLessThanOrEqual(1);
          expect(a.summary.length).toBeLessThanOrEqual(140);
          expect(a.summary).not.toContain('\n');
          expect(a.reasons.length).toBeGreaterThan(0);
          expect(a.reasons.length).toBeLessThanOrEqual(10);
          for (const reason of a.reasons) expect(reason.length).toBeLessThanOrEqual(300);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('says when only a prefix of a huge message was analysed', async () => {
    const msg = await normaliseMessage({
      id: 'big',
      raw: `From: a@example.com\r\nSubject: log\r\n\r\n${'line of log output\n'.repeat(600_000)}`,
    });
    const result = triageLocal(msg, { me: ME });
    expect(result.reasons).toContain('very long message: only the first part was analysed');
  });
});
