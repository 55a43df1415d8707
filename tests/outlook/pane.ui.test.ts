// The task pane in real headless Chromium with the fake Office host and a scripted API: checks what the
// pane does with each answer (streaming, errors, follow-the-selection, settings) independently of the
// backend. pane.e2e.test.ts runs the same pane against the real backend.
import { defaultSettings } from '@steward/shared';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  ensureBuilt,
  installFakeOfficeHost,
  launchBrowser,
  OUTLOOK_MESSAGES,
  officeCalls,
  screenshot,
  servePaneFromDist,
} from './harness.ts';

const ORIGIN = 'https://steward.test';

interface ApiLog {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
}

const triageFor = (message: { id: string; subject?: string }) =>
  message.subject?.includes('50% off')
    ? {
        id: message.id,
        category: 'marketing',
        needsReply: false,
        meetingRequest: false,
        priority: 'low',
        confidence: 0.93,
        reasons: ['has an unsubscribe link and promotional wording'],
        summary: 'Cloudly Pro discount, this week only.',
      }
    : {
        id: message.id,
        category: 'to_respond',
        needsReply: true,
        meetingRequest: true,
        priority: 'high',
        confidence: 0.87,
        reasons: ['asks you directly for pricing', 'deadline: Friday'],
        summary: 'Priya needs pricing for 200 seats before Friday.',
      };

const DRAFT = {
  subject: 'Re: Pricing for 200 seats before Friday?',
  text: 'Hi Priya,\n\nThanks for asking. For 200 seats the price is [confirm: price for 200 seats].\n\nBest,\nAlex',
  html: '<p>Hi Priya,</p><p>Thanks for asking. For 200 seats the price is [confirm: price for 200 seats].</p><p>Best,<br>Alex</p>',
  placeholders: ['[confirm: price for 200 seats]'],
  proposedTimes: [],
};

/** A scripted backend, answered from the browser's network layer. */
async function scriptApi(
  page: Page,
  log: ApiLog[],
  overrides: Partial<Record<string, (route: Route) => Promise<void>>> = {},
) {
  let settings = defaultSettings();
  await page.route(`${ORIGIN}/v1/**`, async (route) => {
    const request = route.request();
    const path = new URL(request.url()).pathname;
    const body = request.postData() ? JSON.parse(request.postData() ?? 'null') : undefined;
    log.push({ method: request.method(), path, body, headers: request.headers() });
    const key = `${request.method()} ${path}`;
    const override = overrides[key];
    if (override) return override(route);
    const json = (value: unknown, status = 200) =>
      route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(value) });
    switch (key) {
      case 'GET /v1/me':
        return json({
          id: 'u1',
          tenantId: 'local',
          provider: 'local',
          email: 'alex@northwind.example',
          displayName: 'Alex Morgan',
          createdAt: new Date().toISOString(),
          localMode: true,
        });
      case 'GET /v1/settings':
        return json(settings);
      case 'PUT /v1/settings':
        settings = { ...settings, ...(body as object) };
        return json(settings);
      case 'POST /v1/triage':
        return json(triageFor((body as { message: { id: string; subject?: string } }).message));
      case 'POST /v1/triage/feedback': {
        // As the server answers: the stored result as corrected.
        const fb = body as { messageId: string; category: string };
        const corrected = {
          ...triageFor({ id: fb.messageId }),
          category: fb.category,
          confidence: 1,
          reasons: [`you filed this message as ${fb.category}`],
        };
        return json({ messageId: fb.messageId, category: fb.category, triage: corrected }, 201);
      }
      case 'POST /v1/drafts': {
        const words = DRAFT.text.split(/(?<= )/);
        const events = words.map((w) => `event: delta\ndata: ${JSON.stringify({ text: w })}\n\n`).join('');
        return route.fulfill({
          status: 200,
          contentType: 'text/event-stream',
          body: `${events}event: done\ndata: ${JSON.stringify(DRAFT)}\n\n`,
        });
      }
      case 'POST /v1/scheduling/suggest':
        return json({
          understood: { durationMinutes: 30 },
          slots: [
            { start: '2030-02-05T14:00:00Z', end: '2030-02-05T14:30:00Z', score: 0.9 },
            { start: '2030-02-06T15:00:00Z', end: '2030-02-06T15:30:00Z', score: 0.8 },
          ],
          proposal: 'Would Tue 5 Feb, 14:00 or Wed 6 Feb, 15:00 (UTC) work for you?',
        });
      case 'GET /v1/voice':
        return json({ error: { code: 'not_found', message: 'No voice profile yet.' } }, 404);
      default:
        return json({ error: { code: 'not_found', message: `No route ${key}` } }, 404);
    }
  });
}

describe.skipIf(!browserAvailable)('Outlook task pane (scripted API)', () => {
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function openPane(
    options: {
      selected?: number;
      overrides?: Parameters<typeof scriptApi>[2];
      requirementSets?: Record<string, string>;
    } = {},
  ) {
    const page = await browser.newPage({ viewport: { width: 360, height: 900 } });
    const log: ApiLog[] = [];
    await servePaneFromDist(page, ORIGIN);
    await installFakeOfficeHost(page, {
      messages: OUTLOOK_MESSAGES,
      selected: options.selected ?? 0,
      ...(options.requirementSets ? { requirementSets: options.requirementSets } : {}),
    });
    await scriptApi(page, log, options.overrides);
    await page.goto(`${ORIGIN}/addin/taskpane.html`);
    return { page, log };
  }

  it('shows the category with its reasons, confidence and summary, and asks no token of a local server', async () => {
    const { page, log } = await openPane();
    const chip = page.getByTestId('category');
    await chip.waitFor();
    expect(await chip.textContent()).toBe('To respond');
    expect(await page.getByTestId('confidence').textContent()).toBe('87% sure');
    expect(await page.getByTestId('reasons').textContent()).toContain('deadline: Friday');
    expect(await page.getByTestId('summary').textContent()).toBe('Priya needs pricing for 200 seats before Friday.');
    const triage = log.find((l) => l.path === '/v1/triage');
    expect(triage?.body).toMatchObject({
      message: {
        id: 'AAMkADe2e-pricing',
        subject: 'Pricing for 200 seats before Friday?',
        from: { address: 'priya.raman@contoso.example' },
      },
      me: ['alex@northwind.example'],
    });
    expect(log.every((l) => !l.headers.authorization)).toBe(true);
    await screenshot(page, 'outlook-ui-category');
    await page.close();
  });

  it('streams a draft, shows its placeholders, and opens a reply form holding it', async () => {
    const { page } = await openPane();
    await page.getByTestId('draft-generate').click();
    await page.getByTestId('placeholders').waitFor();
    expect(await page.getByTestId('draft-text').inputValue()).toBe(DRAFT.text);
    await page.getByTestId('draft-insert').click();
    await page.getByText('Reply opened with the draft').waitFor();
    const replies = (await officeCalls(page)).filter((c) => c.method === 'displayReplyForm');
    expect(replies).toEqual([{ method: 'displayReplyForm', args: [{ htmlBody: DRAFT.html }] }]);
    await screenshot(page, 'outlook-ui-draft');
    await page.close();
  });

  it('inserts the edited text, not the stale HTML, after the user edits the draft', async () => {
    const { page } = await openPane();
    await page.getByTestId('draft-generate').click();
    await page.getByTestId('placeholders').waitFor();
    await page.getByTestId('draft-text').fill('Hi Priya,\n\n$24 per seat <all in>.\n\nAlex');
    await page.getByTestId('draft-insert').click();
    await page.getByText('Reply opened with the draft').waitFor();
    const reply = (await officeCalls(page)).find((c) => c.method === 'displayReplyForm');
    expect(reply?.args[0]).toEqual({ htmlBody: '<p>Hi Priya,</p><p>$24 per seat &lt;all in&gt;.</p><p>Alex</p>' });
    await page.close();
  });

  it('regenerates with an instruction', async () => {
    const { page, log } = await openPane();
    await page.getByTestId('draft-generate').click();
    await page.getByTestId('placeholders').waitFor();
    await page.getByTestId('draft-regenerate').click();
    await page.getByRole('menuitem', { name: 'More formal' }).click();
    await page.getByTestId('placeholders').waitFor();
    const drafts = log.filter((l) => l.path === '/v1/drafts');
    expect(drafts.map((d) => (d.body as { instruction?: string }).instruction)).toEqual([undefined, 'more formal']);
    expect(drafts.every((d) => d.headers.accept === 'text/event-stream')).toBe(true);
    await page.close();
  });

  it('fixes the category with the keyboard: sends feedback and tags the message in Outlook', async () => {
    const { page, log } = await openPane();
    await page.getByTestId('category').waitFor();
    await page.getByRole('button', { name: 'Fix category' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitemradio', { name: 'Always for this sender' }).click();
    await page.getByTestId('fix-fyi').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('notice').getByText('Moved to FYI and tagged in Outlook. Steward will remember.').waitFor();
    expect(await page.getByTestId('category').textContent()).toBe('FYI');
    const feedback = log.find((l) => l.path === '/v1/triage/feedback');
    expect(feedback?.body).toMatchObject({
      messageId: 'AAMkADe2e-pricing',
      category: 'fyi',
      scope: 'sender',
      message: { id: 'AAMkADe2e-pricing' },
    });
    const calls = await officeCalls(page);
    expect(calls.find((c) => c.method === 'masterCategories.addAsync')?.args[0]).toEqual([
      { displayName: 'Steward: FYI', color: 'Preset7' },
    ]);
    expect(calls.find((c) => c.method === 'item.categories.addAsync')?.args).toEqual([
      'AAMkADe2e-pricing',
      ['Steward: FYI'],
    ]);
    await page.close();
  });

  it('follows the selection in a pinned pane', async () => {
    const { page } = await openPane();
    await page.getByTestId('category').waitFor();
    await page.evaluate(() =>
      (window as unknown as { __fakeOffice: { select(i: number): void } }).__fakeOffice.select(1),
    );
    await page.locator('[data-category="marketing"]').waitFor();
    expect(await page.getByTestId('subject').textContent()).toBe('50% off Cloudly Pro this week only');
    // Meeting times are offered only when the message asks for a meeting.
    expect(await page.getByTestId('times-panel').count()).toBe(0);
    await page.close();
  });

  it('suggests meeting times for a meeting request and inserts one into the reply', async () => {
    const { page } = await openPane();
    const insert = page.getByRole('button', { name: /^Insert .* into the reply$/ }).first();
    await insert.waitFor();
    // The zone is named, as in drafts: the user's setting, and on every slot (this server sends no label).
    expect(await page.getByTestId('times-zone').textContent()).toBe(
      `Times in your zone, ${defaultSettings().timeZone}`,
    );
    expect(
      await page
        .getByRole('list', { name: 'Free slots' })
        .getByText(/14:00–14:30 UTC$/)
        .count(),
    ).toBe(1);
    await insert.click();
    await page.getByText('Times added to the reply').waitFor();
    const reply = (await officeCalls(page)).find((c) => c.method === 'displayReplyForm');
    expect((reply?.args[0] as { htmlBody?: string } | undefined)?.htmlBody).toMatch(
      /^<p>Would .*5 Feb.* work for you\?<\/p>$/,
    );
    await page.close();
  });

  it('keeps times behind a button when the scheduler reads no ask to meet (a deadline is not a meeting)', async () => {
    const { page, log } = await openPane({
      overrides: {
        'POST /v1/scheduling/suggest': (route) =>
          route.fulfill({
            status: 200,
            contentType: 'application/json',
            body: JSON.stringify({
              understood: { isMeetingRequest: false, durationMinutes: 30 },
              slots: [{ start: '2030-02-05T14:00:00Z', end: '2030-02-05T14:30:00Z', score: 0.9 }],
              proposal: 'Would Tue 5 Feb, 14:00 (UTC) work for you?',
            }),
          }),
      },
    });
    const button = page.getByRole('button', { name: 'Find times that work' });
    await button.waitFor();
    expect(await page.getByRole('list', { name: 'Free slots' }).count()).toBe(0);
    await button.click();
    await page.getByRole('list', { name: 'Free slots' }).waitFor();
    expect(log.filter((l) => l.path === '/v1/scheduling/suggest')).toHaveLength(2);
    await page.close();
  });

  it('shows the error the backend sends, and recovers on retry', async () => {
    let failures = 1;
    const { page } = await openPane({
      overrides: {
        'POST /v1/triage': async (route) => {
          if (failures-- > 0) {
            return route.fulfill({
              status: 503,
              contentType: 'application/json',
              body: JSON.stringify({
                error: { code: 'engine_unavailable', message: 'The triage engine is restarting.' },
              }),
            });
          }
          return route.fulfill({
            status: 200,
            contentType: 'application/json',
            body: JSON.stringify(triageFor({ id: 'AAMkADe2e-pricing' })),
          });
        },
      },
    });
    const error = page.getByTestId('error');
    await error.waitFor();
    expect(await error.textContent()).toContain('The triage engine is restarting.');
    await screenshot(page, 'outlook-ui-error');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('category').waitFor();
    await page.close();
  });

  it('says when it is offline', async () => {
    const { page } = await openPane();
    await page.getByTestId('category').waitFor();
    await page.context().setOffline(true);
    await page.getByTestId('offline').waitFor();
    await screenshot(page, 'outlook-ui-offline');
    await page.context().setOffline(false);
    await page.getByTestId('offline').waitFor({ state: 'detached' });
    await page.close();
  });

  it('opens on Today when nothing is selected, with an empty state under This message', async () => {
    const { page } = await openPane({ selected: -1 });
    await page.getByTestId('today').waitFor();
    expect(await page.getByTestId('tab-today').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('tab-message').click();
    await page.getByTestId('empty').waitFor();
    expect(await page.getByTestId('empty').textContent()).toContain('Select a message');
    await page.close();
  });

  it('loads settings on demand and saves the thresholds', async () => {
    const { page, log } = await openPane();
    await page.getByTestId('category').waitFor();
    const before = new Set(await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name)));
    expect([...before].some((name) => name.includes('SettingsPanel'))).toBe(false);
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-panel').waitFor();
    await page.getByRole('button', { name: 'Start a style card' }).waitFor();
    // This server answers 404 to GET /v1/sync/status: no sync section.
    expect(log.some((l) => l.path === '/v1/sync/status')).toBe(true);
    expect(await page.getByTestId('sync-status').count()).toBe(0);
    const reply = page.getByTestId('thresholds-section').getByRole('slider').first();
    await reply.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.getByRole('button', { name: 'Save thresholds' }).click();
    await page.getByText('Thresholds saved').waitFor();
    const put = log.find((l) => l.method === 'PUT' && l.path === '/v1/settings');
    expect(put?.body).toEqual({ replyThreshold: 0.6, marketingThreshold: 0.5 });
    await screenshot(page, 'outlook-ui-settings');
    await page.close();
  });

  it('learns the style from uploaded .eml and .mbox files and shows the learned card', async () => {
    const learned = {
      greetings: [{ text: 'Hey {name},', share: 0.8 }],
      signOffs: [{ text: 'Cheers,', share: 0.9 }],
      perRecipient: [],
      signatureName: 'Alex',
      typicalWords: 60,
      formality: 'casual',
      contractionsRate: 0.7,
      emojiRate: 0,
      punctuation: { exclamationRate: 0.1, ellipsisRate: 0 },
      languages: ['en'],
      sampleCount: 3,
      confidence: 'low',
    };
    const { page, log } = await openPane({
      overrides: {
        'POST /v1/voice/learn': (route) =>
          route.fulfill({
            status: 200,
            contentType: 'application/json',
            body: JSON.stringify({ profile: learned, learnedFrom: 3, skipped: 0 }),
          }),
      },
    });
    await page.getByTestId('category').waitFor();
    await page.getByTestId('open-settings').click();
    await page.getByTestId('voice-learning').waitFor();
    // No Entra app in this pane: no Graph, only uploads.
    expect(await page.getByTestId('learn-outlook').count()).toBe(0);
    const mail = (n: number) =>
      `From: Alex Morgan <alex@northwind.example>\r\nTo: sam@contoso.example\r\nSubject: Note ${n}\r\n\r\nHey Sam,\r\n\r\nNote ${n}.\r\n\r\nCheers,\r\nAlex\r\n`;
    const mbox = `From alex@northwind.example Mon Feb  3 09:00:00 2031\n${mail(2)}\nFrom alex@northwind.example Tue Feb  4 09:00:00 2031\n${mail(3)}`;
    await page.getByTestId('learn-files').setInputFiles([
      { name: 'note-1.eml', mimeType: 'message/rfc822', buffer: Buffer.from(mail(1)) },
      { name: 'Sent.mbox', mimeType: 'application/mbox', buffer: Buffer.from(mbox) },
    ]);
    await page.getByTestId('learn-result').waitFor();
    expect(await page.getByTestId('learn-result').textContent()).toContain('Learned from 3 messages');
    const request = log.find((l) => l.path === '/v1/voice/learn');
    const sent = (request?.body as { messages: { id: string; raw: string }[] } | undefined)?.messages ?? [];
    expect(sent.map((m) => m.id)).toEqual(['note-1.eml', 'Sent.mbox#1', 'Sent.mbox#2']);
    expect(sent[1]?.raw).toContain('Subject: Note 2');
    expect(sent[1]?.raw).not.toContain('From alex@northwind.example Mon');
    // The card now shows what was learned, ready to edit and save.
    await page.getByText('Learned from 3 sent messages (low confidence).').waitFor();
    expect(await page.getByLabel('Greetings, most used first').inputValue()).toBe('Hey {name},');
    await screenshot(page, 'outlook-ui-voice-learned');
    await page.close();
  });

  it('shows what went wrong when learning fails', async () => {
    const { page } = await openPane({
      overrides: {
        'POST /v1/voice/learn': (route) =>
          route.fulfill({
            status: 400,
            contentType: 'application/json',
            body: JSON.stringify({
              error: { code: 'no_usable_messages', message: 'None of the messages has text of its own to learn from.' },
            }),
          }),
      },
    });
    await page.getByTestId('category').waitFor();
    await page.getByTestId('open-settings').click();
    await page.getByTestId('learn-files').setInputFiles([
      { name: 'empty.eml', mimeType: 'message/rfc822', buffer: Buffer.from('From: a@b.example\r\nSubject: x\r\n\r\n') },
      { name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7') },
    ]);
    await page.getByTestId('learn-error').waitFor();
    expect(await page.getByTestId('learn-error').textContent()).toContain('None of the messages has text of its own');
    await page.close();
  });

  it('shows mailbox sync progress when the server has mailbox sync', async () => {
    const status = {
      mailboxes: [
        {
          id: 'mb1',
          provider: 'graph',
          address: 'alex@northwind.example',
          status: 'active',
          statusReason: null,
          phase: 'backfill',
          backfill: { total: 400, done: 120, startedAt: new Date().toISOString(), finishedAt: null },
          processed: 120,
          lastSyncAt: null,
          lastError: null,
        },
      ],
    };
    const { page } = await openPane({
      overrides: {
        'GET /v1/sync/status': (route) =>
          route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(status) }),
      },
    });
    await page.getByTestId('category').waitFor();
    await page.getByTestId('open-settings').click();
    await page.getByTestId('sync-status').waitFor();
    expect(await page.getByTestId('sync-mb1').textContent()).toContain('Sorting recent mail: 120 of 400');
    expect(await page.getByRole('progressbar', { name: 'Sorting recent mail: 120 of 400' }).count()).toBe(1);
    await screenshot(page, 'outlook-ui-sync-status');
    await page.close();
  });

  it('works on an older Outlook without categories or pinning', async () => {
    const { page } = await openPane({ requirementSets: { Mailbox: '1.3', DialogApi: '1.1' } });
    await page.getByTestId('category').waitFor();
    // No "tag in Outlook" button when Mailbox 1.8 is missing.
    expect(await page.getByRole('button', { name: 'Add this category to the message in Outlook' }).count()).toBe(0);
    const calls = await officeCalls(page);
    expect(calls.some((c) => c.method === 'mailbox.addHandlerAsync')).toBe(false);
    await page.close();
  });
});
