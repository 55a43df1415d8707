import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../src/mail/charset.ts';
import {
  normaliseMessage,
  parseAddress,
  parseAddressList,
  splitReply,
  stripHiddenHtml,
  stripInvisibleChars,
  tidyLineEnds,
} from '../../src/mail/normalise.ts';

const fixture = (name: string) => decodeBytes(readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url)));

describe('normaliseMessage on real-shaped mail', () => {
  it('parses multipart/alternative, shows the HTML part without hidden text, and splits the signature', async () => {
    const msg = await normaliseMessage({ id: 'b', raw: fixture('budget-request.eml') });
    expect(msg.from).toEqual({ name: 'Lee, Ann', address: 'ann.lee@example.com' });
    expect(msg.to).toEqual([{ name: 'Sam Park', address: 'sam@example.org' }]);
    expect(msg.cc).toEqual([{ address: 'finance@example.com' }]);
    expect(msg.subject).toBe('Q2 budget approval');
    expect(msg.messageId).toBe('<budget-1@example.com>');
    expect(msg.date?.toISOString()).toBe('2026-03-02T09:15:00.000Z');
    expect(msg.text).toContain('Could you approve the Q2 budget by Friday? The numbers are in the attached sheet.');
    expect(msg.text).not.toMatch(/Ignore previous instructions|hidden padding|tracking comment/);
    expect(msg.newText).toContain('Could you approve');
    expect(msg.signature).toBe('Thanks,\nAnn');
  });

  it('finds the text/calendar part and its method', async () => {
    const msg = await normaliseMessage({ id: 'c', raw: fixture('calendar-invite.eml') });
    expect(msg.signals.calendar).toEqual({ method: 'REQUEST' });
    expect(msg.attachments.some((a) => a.mimeType === 'text/calendar')).toBe(true);
  });

  it('reads list and bulk-mailer headers', async () => {
    const msg = await normaliseMessage({ id: 'n', raw: fixture('newsletter.eml') });
    expect(msg.signals.listUnsubscribe).toBe(true);
    expect(msg.signals.bulkMailer).toBe('Mailchimp');
    expect(msg.signals.precedence).toBe('bulk');
    expect(msg.linkCount).toBe(4);
    expect(msg.imageCount).toBe(1);
    const github = await normaliseMessage({ id: 'g', raw: fixture('github-comment.eml') });
    expect(github.signals.listId).toContain('steward.steward.github.com');
    expect(github.signals.replyToDiffers).toBe(true);
    expect(github.signature).toContain('Reply to this email directly');
    expect(github.newText).toBe(
      '@sam can you take a look at the failing case below? It happens with Outlook accept mails.',
    );
  });

  it('flags no-reply senders', async () => {
    const msg = await normaliseMessage({ id: 'r', raw: fixture('password-reset.eml') });
    expect(msg.signals.noReplySender).toBe(true);
  });

  it('decodes Latin-1 bytes declared as UTF-8 and encoded-word headers', async () => {
    const msg = await normaliseMessage({ id: 'l', raw: fixture('latin1-misdeclared.eml') });
    expect(msg.from).toEqual({ name: 'René Müller', address: 'rene@example.de' });
    expect(msg.text).toBe('Kannst du am Freitag ins Café? Grüße, René');
  });

  it('repairs UTF-8 text that was decoded as Latin-1', async () => {
    const raw =
      'From: a@example.com\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9 =E2=80=94 d=C3=A9j=C3=A0 vu\r\n';
    const msg = await normaliseMessage({ id: 'm', raw });
    expect(msg.text).toBe('Café — déjà vu');
  });

  it('accepts JSON fields without raw and prefers them', async () => {
    const msg = await normaliseMessage({
      id: 'j',
      from: { name: 'Ann', address: 'ANN@Example.com' },
      to: ['me@example.com'],
      subject: 'Hi',
      text: 'Hello\u200b there\u202e',
    });
    expect(msg.from).toEqual({ name: 'Ann', address: 'ann@example.com' });
    expect(msg.text).toBe('Hello there');
    expect(msg.truncated).toBe(false);
  });

  it('analyses only a bounded prefix of a 10 MB body and says so', async () => {
    const raw = `From: big@example.com\r\nSubject: big\r\nContent-Type: text/plain\r\n\r\n${'lorem ipsum dolor sit amet '.repeat(400_000)}`;
    const msg = await normaliseMessage({ id: 'big', raw });
    expect(msg.truncated).toBe(true);
    expect(msg.text.length).toBeLessThanOrEqual(100_000);
    expect(msg.subject).toBe('big');
  });

  it('survives deeply nested HTML', async () => {
    const html = `${'<div>'.repeat(50_000)}deep text${'</div>'.repeat(50_000)}`;
    const msg = await normaliseMessage({ id: 'deep', html });
    expect(msg.text).toContain('deep text');
  });

  it('gives a result for binary garbage and broken MIME', async () => {
    const binary = String.fromCharCode(...Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
    await expect(normaliseMessage({ id: 'bin', raw: binary })).resolves.toMatchObject({ id: 'bin' });
    const broken =
      'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64\r\n--x';
    await expect(normaliseMessage({ id: 'broken', raw: broken })).resolves.toMatchObject({ id: 'broken' });
  });
});

describe('stripHiddenHtml', () => {
  it.each([
    ['display:none', '<p>seen</p><div style="display: none">unseen</div>'],
    ['visibility:hidden', '<p>seen</p><span style="visibility:hidden">unseen</span>'],
    ['font-size:0', '<p>seen</p><span style="font-size:0">unseen</span>'],
    ['white on white', '<p>seen</p><span style="color:#FFFFFF; background-color: white">unseen</span>'],
    ['off-screen', '<p>seen</p><div style="position:absolute;left:-9999px">unseen</div>'],
    ['opacity', '<p>seen</p><div style="opacity:0">unseen</div>'],
    ['comment', '<p>seen</p><!-- unseen -->'],
    ['hidden attribute', '<p>seen</p><div hidden>unseen</div>'],
    ['script and style', '<p>seen</p><script>unseen()</script><style>.unseen{}</style>'],
  ])('removes %s', (_, html) => {
    const out = stripHiddenHtml(html);
    expect(out).toContain('seen');
    expect(out).not.toContain('unseen');
  });

  it('keeps visible styled text', () => {
    expect(stripHiddenHtml('<span style="color:#333;font-size:14px">visible</span>')).toContain('visible');
  });
});

describe('stripInvisibleChars', () => {
  it('removes zero-width, bidi controls and tag characters but keeps normal text', () => {
    expect(stripInvisibleChars('a\u200bb\u200dc\u202ed\u2066e\uFEFFf\u{E0041}g')).toBe('abcdefg');
    expect(stripInvisibleChars('Grüße 👋 日本')).toBe('Grüße 👋 日本');
  });
});

describe('splitReply', () => {
  it('separates "On … wrote:" history', () => {
    const parts = splitReply(
      'Sounds good, see you then.\n\nOn Mon, 2 Mar 2026 at 09:00, Ann <a@x.com> wrote:\n> Lunch at noon?\n> Ann',
    );
    expect(parts.newText).toBe('Sounds good, see you then.');
    expect(parts.quoted).toMatch(/^On Mon.*wrote:\n> Lunch at noon\?/);
  });

  it('separates Outlook header blocks and Original Message markers', () => {
    const outlook = splitReply(
      'Approved.\n\n________________________________\nFrom: Ann Lee <a@x.com>\nSent: Monday, March 2, 2026 9:00 AM\nTo: Sam\nSubject: Budget\n\nPlease approve.',
    );
    expect(outlook.newText).toBe('Approved.');
    expect(outlook.quoted).toContain('Please approve.');
    const original = splitReply('Done.\n-----Original Message-----\nFrom: Ann\nPlease do it.');
    expect(original.newText).toBe('Done.');
    expect(original.quoted).toContain('Please do it.');
  });

  it('separates signatures: "-- ", mobile footers, sign-off blocks', () => {
    expect(splitReply('See below.\n-- \nAnn Lee\nCFO').signature).toBe('-- \nAnn Lee\nCFO');
    expect(splitReply('Yes, fine.\n\nSent from my iPhone').signature).toBe('Sent from my iPhone');
    const signOff = splitReply('Can you send the file?\n\nBest regards,\nAnn Lee\nHead of Finance\n+1 555 0100');
    expect(signOff.newText).toBe('Can you send the file?');
    expect(signOff.signature).toBe('Best regards,\nAnn Lee\nHead of Finance\n+1 555 0100');
  });

  it('keeps every non-blank line of the input in one of the three parts', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom('> quoted', 'On Mon, Ann wrote:', '-- ', 'Thanks,', 'From: a', 'Sent: b', 'To: c', ''),
            fc.string({ maxLength: 30 }),
          ),
          { maxLength: 30 },
        ),
        (lines) => {
          const text = lines.join('\n');
          const parts = splitReply(text);
          const joined = `${parts.newText}\n${parts.signature}\n${parts.quoted}`;
          for (const line of text.replace(/\r\n?/g, '\n').split('\n'))
            if (line.trim()) expect(joined).toContain(line.trim());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('addresses', () => {
  it('parses display names, groups and object forms', () => {
    expect(parseAddress('"Lee, Ann" <Ann@Example.COM>')).toEqual({ name: 'Lee, Ann', address: 'ann@example.com' });
    expect(parseAddressList('a@x.com, Team: b@y.org, c@z.net;')).toEqual([
      { address: 'a@x.com' },
      { address: 'b@y.org' },
      { address: 'c@z.net' },
    ]);
    expect(parseAddressList([{ name: 'Bo', address: 'BO@x.com' }, 'c@y.com'])).toEqual([
      { name: 'Bo', address: 'bo@x.com' },
      { address: 'c@y.com' },
    ]);
    expect(parseAddress(undefined)).toBeUndefined();
    expect(parseAddressList('')).toEqual([]);
  });
});

describe('normaliseMessage never throws', () => {
  const mimeish = fc.array(
    fc.oneof(
      fc.constantFrom(
        'Content-Type: multipart/mixed; boundary="b"',
        '--b',
        '--b--',
        'Content-Transfer-Encoding: base64',
        'Content-Transfer-Encoding: quoted-printable',
        'Content-Type: text/html; charset=klingon',
        'Subject: =?utf-8?B?broken',
        'From: <<@@>>',
        '',
        '<div style="display:none">',
        '=E9=',
        '<!--',
      ),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
    ),
    { maxLength: 40 },
  );

  it('on arbitrary MIME-like sources', async () => {
    await fc.assert(
      fc.asyncProperty(mimeish, async (lines) => {
        const msg = await normaliseMessage({ id: 'p', raw: lines.join('\r\n') });
        expect(typeof msg.text).toBe('string');
        expect(msg.text.length).toBeLessThanOrEqual(100_000);
        expect(msg.text).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
      }),
      { numRuns: 200 },
    );
  });

  it('on arbitrary HTML and text fields', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ maxLength: 300 }),
        async (html, text) => {
          const msg = await normaliseMessage({ id: 'h', html, text, from: text, to: [html] });
          expect(msg.id).toBe('h');
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('HTML bodies', () => {
  it('drops invisible elements with everything inside them, keeps visible structure and text outside <html>', async () => {
    const html =
      'Before <html><head><title>T</title><style>p{}</style></head><body>' +
      '<div style="display:none"><p>secret <b>one</b></p><table><tr><td>secret two</td></tr></table></div>' +
      '<p>First <span style="color:red">visible</span> paragraph.</p><font size="0">secret three</font>' +
      '<ul><li>item one</li><li>item two</li></ul><p hidden>secret four</p><input type="hidden" value="secret five">' +
      '<p style="color:#fff;background-color:#ffffff">secret six</p><br>Last line</body></html>';
    const msg = await normaliseMessage({ id: 'h', html });
    expect(msg.text).not.toMatch(/secret|p\{\}/);
    expect(msg.text).toContain('First visible paragraph.');
    expect(msg.text).toMatch(/\* item one\n \* item two/);
    expect(msg.text).toContain('Last line');
  });
});

describe('tidyLineEnds', () => {
  it('gives what the three replacements it stands for give', () => {
    const threePasses = (text: string) =>
      text
        .replace(/\r\n?/g, '\n')
        .replace(/(?<![ \t\u00A0])[ \t\u00A0]+\n/g, '\n')
        .replace(/\n{3,}/g, '\n\n');
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('\n', '\r', ' ', '\t', '\u00a0', 'a', '\u2028', '\u000b'), maxLength: 40 }),
        (text) => {
          expect(tidyLineEnds(text)).toBe(threePasses(text));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
