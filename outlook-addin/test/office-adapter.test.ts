import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FakeMessage, type FakeOfficeOptions, installFakeOffice } from '../../tests/outlook/fake-office.ts';
import { OfficeMailbox, type OfficeMailboxOptions } from '../src/mailbox/office.ts';
import type { OfficeApi } from '../src/mailbox/office-api.ts';

const priya: FakeMessage = {
  itemId: 'AAMkAD-priya',
  conversationId: 'conv-pricing',
  subject: 'Pricing for 200 seats before Friday?',
  from: { displayName: 'Priya Raman', emailAddress: 'priya.raman@contoso.example' },
  to: [{ displayName: 'Alex Morgan', emailAddress: 'alex@northwind.example' }],
  cc: [{ displayName: 'Sam Ortiz', emailAddress: 'sam@contoso.example' }],
  dateTimeCreated: '2025-02-03T09:15:00.000Z',
  bodyText: 'Hi Alex,\nCould you send pricing for 200 seats by Friday?\nPriya',
  bodyHtml: '<p>Hi Alex,</p><p>Could you send pricing for 200 seats by Friday?</p><p>Priya</p>',
};
const newsletter: FakeMessage = {
  itemId: 'AAMkAD-news',
  conversationId: 'conv-news',
  subject: '50% off this week',
  from: { displayName: 'Cloudly', emailAddress: 'news@cloudly.example' },
  to: [{ displayName: 'Alex Morgan', emailAddress: 'alex@northwind.example' }],
  dateTimeCreated: '2025-02-03T08:00:00.000Z',
  bodyText: 'Upgrade now',
  bodyHtml: '<p>Upgrade now</p>',
};

function setup(options: Partial<FakeOfficeOptions> = {}, adapter: OfficeMailboxOptions = {}) {
  const globalLike: Record<string, unknown> = {};
  const host = installFakeOffice(globalLike, { messages: [priya, newsletter], ...options });
  return { host, mailbox: new OfficeMailbox(globalLike.Office as OfficeApi, adapter) };
}

describe('OfficeMailbox (read mode)', () => {
  it('reads the open message in the backend shape: addresses, date, thread, text and HTML', async () => {
    const { mailbox, host } = setup();
    const open = await mailbox.readCurrentItem();
    expect(open?.mode).toBe('read');
    expect(open?.message).toEqual({
      id: 'AAMkAD-priya',
      threadId: 'conv-pricing',
      subject: 'Pricing for 200 seats before Friday?',
      from: { name: 'Priya Raman', address: 'priya.raman@contoso.example' },
      to: [{ name: 'Alex Morgan', address: 'alex@northwind.example' }],
      cc: [{ name: 'Sam Ortiz', address: 'sam@contoso.example' }],
      date: '2025-02-03T09:15:00.000Z',
      text: priya.bodyText,
      html: priya.bodyHtml,
    });
    expect(
      host.calls
        .filter((c) => c.method === 'item.body.getAsync')
        .map((c) => c.args[0])
        .sort(),
    ).toEqual(['html', 'text']);
    expect(mailbox.myAddresses()).toEqual(['alex@northwind.example']);
  });

  it('returns null when nothing is selected', async () => {
    const { mailbox } = setup({ selected: -1 });
    expect(await mailbox.readCurrentItem()).toBeNull();
  });

  it('follows the selection in a pinned pane and stops when unsubscribed', async () => {
    const { mailbox, host } = setup();
    const seen: (string | undefined)[] = [];
    const stop = mailbox.onItemChanged(() => {
      void mailbox.readCurrentItem().then((open) => seen.push(open?.message.id));
    });
    await new Promise((r) => setTimeout(r, 5));
    host.select(1);
    await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual(['AAMkAD-news']);
    stop();
    await new Promise((r) => setTimeout(r, 5));
    host.select(0);
    await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual(['AAMkAD-news']);
    expect(host.calls.map((c) => c.method)).toContain('mailbox.removeHandlerAsync');
  });

  it('opens a reply form with the HTML (and reply all when asked)', async () => {
    const { mailbox, host } = setup();
    expect(await mailbox.insertReply({ html: '<p>Hi Priya</p>', text: 'Hi Priya' })).toBe('reply-form-opened');
    expect(await mailbox.insertReply({ html: '<p>All</p>', text: 'All', replyAll: true })).toBe('reply-form-opened');
    expect(host.calls.filter((c) => c.method.startsWith('displayReply'))).toEqual([
      { method: 'displayReplyForm', args: [{ htmlBody: '<p>Hi Priya</p>' }] },
      { method: 'displayReplyAllForm', args: [{ htmlBody: '<p>All</p>' }] },
    ]);
  });

  it('creates the coloured master category once and swaps Steward categories on the item', async () => {
    const { mailbox, host } = setup({
      messages: [{ ...priya, categories: ['Project X'] }],
      masterCategories: [{ displayName: 'Project X', color: 'Preset9' }],
    });
    expect(await mailbox.applyCategory('to_respond', 'To respond')).toBe('applied');
    expect(host.masterCategories).toContainEqual({ displayName: 'Steward: To respond', color: 'Preset0' });
    expect(host.categoriesOf('AAMkAD-priya')).toEqual(['Project X', 'Steward: To respond']);

    // A correction replaces Steward's category and leaves the user's own alone.
    expect(await mailbox.applyCategory('fyi', 'FYI')).toBe('applied');
    expect(host.categoriesOf('AAMkAD-priya')).toEqual(['Project X', 'Steward: FYI']);

    // Applying again neither re-creates the master category nor duplicates it on the item.
    await mailbox.applyCategory('fyi', 'FYI');
    expect(host.calls.filter((c) => c.method === 'masterCategories.addAsync')).toHaveLength(2);
    expect(host.categoriesOf('AAMkAD-priya')).toEqual(['Project X', 'Steward: FYI']);
  });

  it('survives a master category created meanwhile by another window', async () => {
    const { mailbox, host } = setup({ masterCategories: [{ displayName: 'steward: to respond', color: 'Preset3' }] });
    // Outlook compares category names case-insensitively: the add fails as a duplicate, the tag still lands.
    expect(await mailbox.applyCategory('to_respond', 'To respond')).toBe('applied');
    expect(host.categoriesOf('AAMkAD-priya')).toEqual(['Steward: To respond']);
  });

  it('reports what the host supports from the requirement sets', () => {
    expect(setup().mailbox.capabilities()).toEqual({
      followsSelection: true,
      categories: true,
      insertReply: true,
      nestedAppAuth: true,
      dialogApi: true,
      // No Graph token without an Entra app (local mode).
      sentMail: false,
    });
  });
});

describe('OfficeMailbox on an older Outlook', () => {
  // Mailbox 1.3: no ItemChanged (1.5), no categories (1.8), no nested app auth.
  const old = () => setup({ requirementSets: { Mailbox: '1.3', DialogApi: '1.1' } });

  it('falls back instead of failing', async () => {
    const { mailbox, host } = old();
    expect(mailbox.capabilities()).toMatchObject({
      followsSelection: false,
      categories: false,
      nestedAppAuth: false,
      dialogApi: true,
    });
    expect(await mailbox.applyCategory('to_respond', 'To respond')).toBe('unsupported');
    const stop = mailbox.onItemChanged(() => {});
    stop();
    expect(host.calls.some((c) => c.method.startsWith('mailbox.'))).toBe(false);
    // Replies still work: displayReplyForm is Mailbox 1.1.
    expect(await mailbox.insertReply({ html: '<p>x</p>', text: 'x' })).toBe('reply-form-opened');
  });

  it('checks versions part by part: Mailbox 1.13 supports categories (1.8), 1.7 does not', () => {
    expect(setup({ requirementSets: { Mailbox: '1.13' } }).mailbox.capabilities().categories).toBe(true);
    expect(setup({ requirementSets: { Mailbox: '1.7' } }).mailbox.capabilities().categories).toBe(false);
  });
});

describe('OfficeMailbox (compose mode)', () => {
  const draft: FakeMessage = { ...priya, subject: 'RE: Pricing', compose: true, bodyHtml: '<p>Quoted</p>' };

  it('reads the message being written and inserts at the cursor as HTML', async () => {
    const { mailbox, host } = setup({ messages: [draft] });
    const open = await mailbox.readCurrentItem();
    expect(open?.mode).toBe('compose');
    expect(open?.message).toMatchObject({
      subject: 'RE: Pricing',
      threadId: 'conv-pricing',
      from: { address: 'alex@northwind.example' },
    });
    expect(await mailbox.insertReply({ html: '<p>Tue 15:00?</p>', text: 'Tue 15:00?' })).toBe('inserted-at-cursor');
    expect(host.calls.find((c) => c.method === 'item.body.setSelectedDataAsync')?.args).toEqual([
      '<p>Tue 15:00?</p>',
      { coercionType: 'html' },
    ]);
  });
});

describe('OfficeMailbox: sent mail for voice learning', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const graphToken = async () => 'graph-token';

  it('offers sent mail only with a Graph token, NestedAppAuth 1.1 and Mailbox 1.5', () => {
    expect(setup({}, { graphToken }).mailbox.capabilities().sentMail).toBe(true);
    expect(setup({}, { graphToken: null }).mailbox.capabilities().sentMail).toBe(false);
    expect(
      setup({ requirementSets: { Mailbox: '1.13', DialogApi: '1.2' } }, { graphToken }).mailbox.capabilities().sentMail,
    ).toBe(false);
    expect(
      setup({ requirementSets: { Mailbox: '1.4', NestedAppAuth: '1.1' } }, { graphToken }).mailbox.capabilities()
        .sentMail,
    ).toBe(false);
  });

  it('reads Sent Items through Graph with the token, behind the port', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      urls.push(url);
      expect((init.headers as Record<string, string>).authorization).toBe('Bearer graph-token');
      return new Response(
        JSON.stringify({
          value: [
            {
              id: 'm1',
              subject: 'Re: pricing',
              sentDateTime: '2025-02-03T10:00:00Z',
              from: { emailAddress: { name: 'Alex Morgan', address: 'alex@northwind.example' } },
              toRecipients: [{ emailAddress: { name: 'Priya', address: 'priya@contoso.example' } }],
              body: { contentType: 'text', content: 'Hi Priya,\n\nHere it is.\n\nBest,\nAlex' },
            },
          ],
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    });
    const { mailbox } = setup({}, { graphToken, graphBaseUrl: 'https://graph.test/v1.0' });
    const messages = await mailbox.readSentMail({ max: 10 });
    expect(urls[0]).toMatch(/^https:\/\/graph\.test\/v1\.0\/me\/mailFolders\/sentitems\/messages\?\$top=10&\$select=/);
    expect(messages).toEqual([
      {
        id: 'm1',
        subject: 'Re: pricing',
        date: '2025-02-03T10:00:00Z',
        from: { name: 'Alex Morgan', address: 'alex@northwind.example' },
        to: [{ name: 'Priya', address: 'priya@contoso.example' }],
        cc: [],
        text: 'Hi Priya,\n\nHere it is.\n\nBest,\nAlex',
      },
    ]);
  });

  it('refuses without a token instead of calling Graph', async () => {
    const { mailbox } = setup();
    await expect(mailbox.readSentMail({ max: 10 })).rejects.toThrow(/cannot read your sent mail/);
  });
});

describe('OfficeMailbox: the Smart Alert needs the API URL', () => {
  it('leaves the backend URL in the roaming settings once', () => {
    const { mailbox, host } = setup();
    mailbox.rememberApiBaseUrl('https://steward.example');
    mailbox.rememberApiBaseUrl('https://steward.example');
    expect(host.calls.filter((c) => c.method === 'roamingSettings.saveAsync')).toHaveLength(1);
    expect(host.savedRoamingSettings()).toEqual({ 'steward.apiBaseUrl': 'https://steward.example' });
  });
});

describe('OfficeMailbox.openMessage (cited sources, briefing items)', () => {
  it('opens an EWS id as it is and converts a Graph REST id first', async () => {
    const { mailbox, host } = setup();
    expect(await mailbox.openMessage('AAMkAD+ews/id=')).toBe('opened');
    expect(await mailbox.openMessage('AAMkAD-rest_id')).toBe('opened');
    expect(host.calls.filter((c) => c.method === 'convertToEwsId').map((c) => c.args)).toEqual([
      ['AAMkAD-rest_id', 'v2.0'],
    ]);
    expect(host.calls.filter((c) => c.method === 'displayMessageForm').map((c) => c.args)).toEqual([
      ['AAMkAD+ews/id='],
      ['ews:AAMkAD-rest_id'],
    ]);
  });

  it('refuses ids that are not mailbox items (a draft being composed, an empty id)', async () => {
    const { mailbox, host } = setup();
    expect(await mailbox.openMessage('compose:conv-1')).toBe('unsupported');
    expect(await mailbox.openMessage('')).toBe('unsupported');
    expect(host.calls.some((c) => c.method === 'displayMessageForm')).toBe(false);
  });
});
