// Ask Steward in the Outlook pane, in real headless Chromium with the fake Office host and a scripted API:
// the Today view (Ask box and morning briefing), cited sources that open the message in Outlook, the
// briefing as a draft to self (a new message form, never sent), "Summarise thread", and every error state.
import { defaultSettings } from '@steward/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOfficeOptions } from './fake-office.ts';
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
const PRICING = OUTLOOK_MESSAGES[0];
/** A message the pane sent for triage: the EWS id Office.js gave it (standard base64). */
const EWS_ID = 'AAMkAD+pricing/AAA=';
/** A message synced through Microsoft Graph: a REST id, which Outlook's reading form takes only converted. */
const GRAPH_ID = 'AAMkAGI2TG93AAA-rest_id';

const ANSWER = {
  answer:
    '[1] Priya Raman (2 Mar 2026): “Could you send me your pricing for 200 seats, including onboarding?”\n[2] Dana Cole (1 Mar 2026): “The renewal price is 42,000 EUR.”',
  citations: [
    {
      messageId: EWS_ID,
      threadId: PRICING?.conversationId,
      subject: 'Pricing for 200 seats before Friday?',
      from: 'Priya Raman <priya.raman@contoso.example>',
      date: '2026-03-02T09:00:00.000Z',
      quote: 'Could you send me your pricing for 200 seats, including onboarding?',
    },
    {
      messageId: GRAPH_ID,
      threadId: 'conv-renewal',
      subject: 'Renewal',
      from: 'Dana Cole <dana@fabrikam.example>',
      date: '2026-03-01T09:00:00.000Z',
      quote: 'The renewal price is 42,000 EUR.',
      webLink: `https://outlook.office.com/mail/deeplink/read/${GRAPH_ID}`,
    },
  ],
  confidence: 0.7,
  found: true,
  engine: 'local',
};

const BRIEFING = {
  date: '2026-03-03',
  needsReply: [
    {
      threadId: 'conv-renewal',
      messageId: GRAPH_ID,
      subject: 'Renewal <b>terms</b>',
      from: 'Dana Cole',
      since: '2026-03-01T09:00:00.000Z',
      ageDays: 2.1,
      priority: 'high',
    },
    {
      threadId: 'conv-lunch',
      messageId: 'AAMk+lunch/1',
      subject: 'Lunch on Thursday?',
      from: 'Sam Ortiz',
      since: '2026-03-03T07:00:00.000Z',
      ageDays: 0.2,
      priority: 'normal',
    },
  ],
  waitingFor: [
    {
      threadId: 'conv-contract',
      messageId: 'AAMk+contract/1',
      subject: 'Signed contract',
      from: 'Alex Morgan',
      since: '2026-02-24T09:00:00.000Z',
      ageDays: 7,
      priority: 'normal',
    },
  ],
  meetings: [
    {
      start: '2026-03-03T10:00:00.000Z',
      end: '2026-03-03T10:30:00.000Z',
      title: 'Q3 review',
      threads: [{ messageId: 'AAMk+q3/1', threadId: 'conv-q3', subject: 'Q3 review agenda' }],
    },
  ],
  calendar: 'connected',
  text: 'Steward briefing for 2026-03-03\n\nNeeds your reply (2):\n- [high] Renewal <b>terms</b> — Dana Cole, 2 days',
};

const SUMMARY = {
  threadId: PRICING?.conversationId,
  subject: 'Pricing for 200 seats before Friday?',
  messages: 3,
  participants: ['Priya Raman', 'Alex Morgan'],
  requests: [
    {
      text: 'pricing for 200 seats, including onboarding',
      who: 'Priya Raman',
      messageId: EWS_ID,
      quote: 'Could you send me your pricing for 200 seats, including onboarding?',
    },
  ],
  decisions: [
    {
      text: 'go with the annual plan',
      who: 'Alex Morgan',
      messageId: 'AAMk+reply/2',
      quote: "Let's go with the annual plan.",
    },
  ],
  openQuestions: [
    {
      text: 'Does the price include support?',
      who: 'Priya Raman',
      messageId: 'AAMk+q/3',
      quote: 'Does the price include support?',
    },
  ],
  engine: 'local',
};

interface Call {
  method: string;
  path: string;
  body: unknown;
}

/** What each Ask route answers; a test changes it before it acts. */
interface Script {
  ask: { status: number; body: unknown };
  summary: { status: number; body: unknown };
  briefing: { status: number; body: unknown };
}

const INDEX_OFF = {
  status: 409,
  body: { error: { code: 'mail_index_off', message: 'Ask Steward searches your mail index, which is off.' } },
};

async function scriptApi(page: Page, calls: Call[], script: Script) {
  let settings = defaultSettings();
  await page.route(`${ORIGIN}/v1/**`, async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const body = request.postData() ? JSON.parse(request.postData() ?? 'null') : undefined;
    calls.push({ method: request.method(), path: url.pathname, body });
    const json = (value: unknown, status = 200) =>
      route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(value) });
    const key = `${request.method()} ${url.pathname}`;
    if (key === 'GET /v1/me')
      return json({
        id: 'u1',
        tenantId: 'local',
        provider: 'local',
        email: 'alex@northwind.example',
        displayName: 'Alex Morgan',
        createdAt: new Date().toISOString(),
        localMode: true,
      });
    if (key === 'GET /v1/settings') return json(settings);
    if (key === 'PUT /v1/settings') {
      settings = { ...settings, ...(body as object) };
      // Once the index is on, the Ask routes answer.
      if ((body as { mailIndex?: boolean }).mailIndex) {
        script.ask = { status: 200, body: ANSWER };
        script.summary = { status: 200, body: SUMMARY };
      }
      return json(settings);
    }
    if (key === 'POST /v1/triage')
      return json({
        id: (body as { message: { id: string } }).message.id,
        category: 'to_respond',
        needsReply: true,
        meetingRequest: false,
        priority: 'high',
        confidence: 0.9,
        reasons: ['asks you directly'],
        summary: 'A question for you.',
      });
    if (key === 'POST /v1/ask') return json(script.ask.body, script.ask.status);
    if (key === 'POST /v1/threads/summary') return json(script.summary.body, script.summary.status);
    if (key === 'GET /v1/briefing') return json(script.briefing.body, script.briefing.status);
    return json({ error: { code: 'not_found', message: `No route ${key}` } }, 404);
  });
}

describe.skipIf(!browserAvailable)('Ask Steward in the Outlook pane (scripted API)', () => {
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function openPane(script: Partial<Script> = {}, office: Partial<FakeOfficeOptions> = {}) {
    const page = await browser.newPage({ viewport: { width: 320, height: 1200 } });
    const calls: Call[] = [];
    const full: Script = {
      ask: { status: 200, body: ANSWER },
      summary: { status: 200, body: SUMMARY },
      briefing: { status: 200, body: BRIEFING },
      ...script,
    };
    await servePaneFromDist(page, ORIGIN);
    await installFakeOfficeHost(page, { messages: OUTLOOK_MESSAGES, selected: -1, ...office });
    await scriptApi(page, calls, full);
    await page.goto(`${ORIGIN}/addin/taskpane.html`);
    return { page, calls, script: full };
  }

  const formCalls = async (page: Page, method: string) =>
    (await officeCalls(page)).filter((c) => c.method === method).map((c) => c.args);

  it('opens on Today with the briefing; items open in Outlook and the draft to self is a form, never sent', async () => {
    const { page, calls } = await openPane();
    await page.getByTestId('today').waitFor();
    const briefing = page.getByTestId('briefing');
    await briefing.getByText('Briefing for 2026-03-03').waitFor();
    expect(calls.filter((c) => c.path === '/v1/briefing').map((c) => c.method)).toEqual(['GET']);

    const needs = page.getByTestId('needs-reply');
    expect(await needs.textContent()).toContain('Needs your reply (2)');
    // Text from mail is text, never markup.
    expect(await needs.getByTestId('open-thread').first().textContent()).toBe('Renewal <b>terms</b>');
    expect(await needs.getByText('High', { exact: true }).count()).toBe(1);
    expect(await needs.textContent()).toContain('Dana Cole · 2 days');
    expect(await needs.textContent()).toContain('Sam Ortiz · today');
    expect(await page.getByTestId('waiting-for').textContent()).toContain('Sent 7 days ago');
    expect(await page.getByTestId('meeting').textContent()).toContain('Q3 review');
    expect(await page.getByTestId('meeting').textContent()).toContain('Mentioned in Q3 review agenda');

    // A Graph (REST) id is converted to the EWS id Outlook's reading form takes; an EWS id is used as it is.
    await needs.getByTestId('open-thread').first().click();
    await page.getByTestId('open-meeting-thread').click();
    expect(await formCalls(page, 'convertToEwsId')).toEqual([[GRAPH_ID, 'v2.0']]);
    expect(await formCalls(page, 'displayMessageForm')).toEqual([[`ews:${GRAPH_ID}`], ['AAMk+q3/1']]);
    await screenshot(page, 'outlook-ui-today');

    await page.getByTestId('briefing-draft').click();
    await page.getByText('The briefing is open as a new message to you. Steward never sends it.').waitFor();
    const [form] = (await formCalls(page, 'displayNewMessageForm')) as [
      { toRecipients: string[]; subject: string; htmlBody: string },
    ][];
    expect(form?.[0]?.toRecipients).toEqual(['alex@northwind.example']);
    expect(form?.[0]?.subject).toBe('Steward briefing for 2026-03-03');
    expect(form?.[0]?.htmlBody).toContain('Renewal &lt;b&gt;terms&lt;/b&gt; — Dana Cole, 2 days');
    expect(form?.[0]?.htmlBody).not.toContain('<b>terms');
    // Nothing but reads: no call of the pane asks the server to send anything.
    expect(calls.filter((c) => c.method !== 'GET').map((c) => c.path)).toEqual([]);
    await page.close();
  });

  it('says when the briefing cannot be loaded, and tries again', async () => {
    const { page, script } = await openPane({
      briefing: { status: 500, body: { error: { code: 'internal', message: 'The database is not answering.' } } },
    });
    const error = page.getByTestId('briefing').getByTestId('error');
    await error.waitFor();
    expect(await error.textContent()).toContain('The briefing could not be loaded');
    expect(await error.textContent()).toContain('The database is not answering.');
    script.briefing = { status: 200, body: { ...BRIEFING, meetings: [], calendar: 'none' } };
    await error.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('meetings-note').waitFor();
    expect(await page.getByTestId('meetings-note').textContent()).toContain('No calendar is connected');
    await page.close();
  });

  it('answers a question with numbered sources that open the message', async () => {
    const { page, calls } = await openPane();
    await page.getByTestId('today').waitFor();
    // An empty question is not sent.
    await page.getByTestId('ask-submit').click();
    await page.getByText('Type a question first.').waitFor();
    expect(calls.some((c) => c.path === '/v1/ask')).toBe(false);

    await page.getByTestId('ask-input').fill('what did Dana say about the renewal price?');
    await page.getByTestId('ask-input').press('Enter');
    await page.getByTestId('ask-answer').waitFor();
    expect(calls.filter((c) => c.path === '/v1/ask').map((c) => c.body)).toEqual([
      { question: 'what did Dana say about the renewal price?' },
    ]);
    expect(await page.getByTestId('answer-text').textContent()).toContain('The renewal price is 42,000 EUR.');
    const citations = page.getByTestId('citation');
    expect(await citations.count()).toBe(2);
    expect(await citations.nth(0).getByTestId('open-source').textContent()).toBe(
      '[1] Pricing for 200 seats before Friday?',
    );
    expect(await citations.nth(1).getByTestId('quote').textContent()).toBe('The renewal price is 42,000 EUR.');
    expect(await citations.nth(1).textContent()).toContain('Dana Cole <dana@fabrikam.example>');
    await citations.nth(0).getByTestId('open-source').click();
    expect(await formCalls(page, 'displayMessageForm')).toEqual([[EWS_ID]]);
    expect(await formCalls(page, 'convertToEwsId')).toEqual([]);
    await screenshot(page, 'outlook-ui-ask');
    await page.close();
  });

  it('says plainly when the index holds no answer', async () => {
    const { page } = await openPane({
      ask: {
        status: 200,
        body: {
          answer: 'I could not find this in your indexed mail.',
          citations: [],
          confidence: 0,
          found: false,
          engine: 'local',
          window: { start: '2026-02-23T00:00:00Z', end: '2026-03-02T00:00:00Z', text: 'last week' },
        },
      },
    });
    await page.getByTestId('ask-input').fill('who won the hockey final last week?');
    await page.getByTestId('ask-submit').click();
    const notFound = page.getByTestId('ask-not-found');
    await notFound.waitFor();
    expect(await notFound.textContent()).toContain('I could not find this in your indexed mail. (searched last week)');
    expect(await page.getByTestId('citation').count()).toBe(0);
    await page.close();
  });

  it('offers to turn the index on when it is off, and asks again only when the user does', async () => {
    const { page, calls } = await openPane({ ask: INDEX_OFF });
    await page.getByTestId('ask-input').fill('when is the Q3 review?');
    await page.getByTestId('ask-submit').click();
    await page.getByTestId('index-off').waitFor();
    expect(await page.getByTestId('index-off').textContent()).toContain('Ask Steward is off');
    await screenshot(page, 'outlook-ui-ask-index-off');
    await page.getByTestId('enable-index').click();
    await page.getByText('Ask Steward is on. Steward indexes your mail from now on.').waitFor();
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([{ mailIndex: true }]);
    await page.getByTestId('ask-submit').click();
    await page.getByTestId('ask-answer').waitFor();
    await page.close();
  });

  it('shows a server error with the server’s words and retries', async () => {
    const { page, script } = await openPane({
      ask: { status: 400, body: { error: { code: 'invalid_body', message: 'body.question is empty.' } } },
    });
    await page.getByTestId('ask-input').fill('   ?');
    await page.getByTestId('ask-submit').click();
    const error = page.getByTestId('ask').getByTestId('error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Steward could not answer');
    expect(await error.textContent()).toContain('body.question is empty.');
    script.ask = { status: 200, body: ANSWER };
    await error.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('ask-answer').waitFor();
    await page.close();
  });

  it('summarises the open thread with who said what, each quote openable', async () => {
    const { page, calls } = await openPane({}, { selected: 0 });
    await page.getByTestId('category').waitFor();
    expect(await page.getByTestId('tab-message').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('summarise-thread').click();
    await page.getByTestId('summary-ready').waitFor();
    expect(calls.filter((c) => c.path === '/v1/threads/summary').map((c) => c.body)).toEqual([
      { threadId: PRICING?.conversationId },
    ]);
    expect(await page.getByTestId('summary-ready').textContent()).toContain('3 messages · Priya Raman, Alex Morgan');
    expect(await page.getByTestId('summary-requests').textContent()).toContain(
      'Priya Raman: pricing for 200 seats, including onboarding',
    );
    expect(await page.getByTestId('summary-decisions').getByTestId('quote').textContent()).toBe(
      "Let's go with the annual plan.",
    );
    expect(await page.getByTestId('summary-questions').textContent()).toContain('Does the price include support?');
    await page.getByTestId('summary-decisions').getByTestId('open-source').click();
    expect(await formCalls(page, 'displayMessageForm')).toEqual([['AAMk+reply/2']]);
    await screenshot(page, 'outlook-ui-thread-summary');
    await page.close();
  });

  it('says when the thread is not indexed, and when the index is off', async () => {
    const notIndexed = await openPane(
      { summary: { status: 404, body: { error: { code: 'not_found', message: 'No indexed thread has this id.' } } } },
      { selected: 0 },
    );
    await notIndexed.page.getByTestId('summarise-thread').click();
    await notIndexed.page.getByText('This thread is not in your index yet').waitFor();
    await notIndexed.page.close();

    const off = await openPane({ summary: INDEX_OFF }, { selected: 0 });
    await off.page.getByTestId('summarise-thread').click();
    await off.page.getByTestId('index-off').waitFor();
    await off.page.getByTestId('enable-index').click();
    // Turned on, the summary is asked for again.
    await off.page.getByTestId('summary-ready').waitFor();
    expect(off.calls.filter((c) => c.path === '/v1/threads/summary').length).toBe(2);
    await off.page.close();

    const failing = await openPane(
      { summary: { status: 503, body: { error: { code: 'unavailable', message: 'Try again in a minute.' } } } },
      { selected: 0 },
    );
    await failing.page.getByTestId('summarise-thread').click();
    const error = failing.page.getByTestId('thread-summary').getByTestId('error');
    await error.waitFor();
    expect(await error.textContent()).toContain('The thread could not be summarised');
    expect(await error.textContent()).toContain('Try again in a minute.');
    await failing.page.close();
  });
  it('turns the index on and off from Settings (off deletes it)', async () => {
    const { page, calls } = await openPane();
    await page.getByTestId('open-settings').click();
    const toggle = page.getByTestId('mail-index-switch');
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click();
    await page.getByText('Ask Steward setting saved').waitFor();
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await page.waitForFunction(() =>
      Boolean(
        (document.querySelector('[data-testid="mail-index-switch"]') as HTMLInputElement | null)?.checked === false,
      ),
    );
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([
      { mailIndex: true },
      { mailIndex: false },
    ]);
    await page.close();
  });

  it('sets the hour of the morning briefing draft to self from Settings', async () => {
    const { page, calls } = await openPane();
    await page.getByTestId('open-settings').click();
    const hour = page.getByTestId('briefing-hour');
    await hour.waitFor();
    expect(await hour.inputValue()).toBe('off');
    await hour.selectOption('7');
    await page.getByText('Briefing draft hour saved').waitFor();
    expect(await hour.inputValue()).toBe('7');
    await hour.selectOption('off');
    await page.waitForFunction(() =>
      Boolean((document.querySelector('[data-testid="briefing-hour"]') as HTMLSelectElement | null)?.value === 'off'),
    );
    await page.getByText('Briefing draft hour saved').waitFor();
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([
      { briefingDraftHour: 7 },
      { briefingDraftHour: null },
    ]);
    await page.close();
  });
});
