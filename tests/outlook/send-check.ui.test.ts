// The OnMessageSend Smart Alert (outlook-addin/src/launchevent.ts) in headless Chromium: launchevent.html
// with the fake Office host in compose mode and a scripted API. The fake host plays Outlook pressing
// Send (host.send()) and records what the handler answers with event.completed().
import { defaultSettings } from '@steward/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from './fake-office.ts';
import {
  browserAvailable,
  ensureBuilt,
  installFakeOfficeHost,
  launchBrowser,
  officeCalls,
  servePaneFromDist,
} from './harness.ts';

const ORIGIN = 'https://steward.test';

/** A weekday at least two days ahead, as the pane writes it ("Tue 4 Feb"), and its ISO date (UTC). */
function upcomingWeekday(daysAhead: number): { label: string; date: string } {
  const day = new Date(Date.now() + daysAhead * 86_400_000);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
  const label = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(day);
  return { label: label.replace(/,/g, ''), date: day.toISOString().slice(0, 10) };
}

function reply(body: string): FakeMessage {
  return {
    itemId: '',
    conversationId: 'conv-pricing',
    subject: 'Re: Pricing for 200 seats before Friday?',
    from: { displayName: 'Alex Morgan', emailAddress: 'alex@northwind.example' },
    to: [{ displayName: 'Priya Raman', emailAddress: 'priya.raman@contoso.example' }],
    dateTimeCreated: new Date().toISOString(),
    bodyText: body,
    bodyHtml: body,
    compose: true,
  };
}

interface Logged {
  method: string;
  path: string;
  body: unknown;
}

describe.skipIf(!browserAvailable)('OnMessageSend Smart Alert (fake Office host)', () => {
  let browser: Browser;
  beforeAll(async () => {
    await ensureBuilt();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Busy from `busyStart` to `busyEnd` (ISO): the scripted solver answers like the real one. */
  async function openSendRuntime(body: string, busy: { start: string; end: string }[] = []) {
    const page = await browser.newPage();
    const log: Logged[] = [];
    await servePaneFromDist(page, ORIGIN);
    await installFakeOfficeHost(page, { messages: [reply(body)], selected: 0 });
    await page.route(`${ORIGIN}/v1/**`, async (route) => {
      const request = route.request();
      const path = new URL(request.url()).pathname;
      const parsed = request.postData() ? JSON.parse(request.postData() ?? 'null') : undefined;
      log.push({ method: request.method(), path, body: parsed });
      const json = (value: unknown, status = 200) =>
        route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(value) });
      if (path === '/v1/settings') return json({ ...defaultSettings(), timeZone: 'UTC' });
      if (path === '/v1/scheduling/suggest') {
        const window = (parsed as { request: { windows: { start: string; end: string }[] } }).request.windows[0];
        const clash = busy.some(
          (b) =>
            Date.parse(b.start) < Date.parse(window?.end ?? '') && Date.parse(window?.start ?? '') < Date.parse(b.end),
        );
        return json({
          understood: { theirTimesUnavailable: clash },
          slots: clash ? [] : [{ ...window, score: 1 }],
          proposal: '',
        });
      }
      return json({ error: { code: 'not_found', message: 'no route' } }, 404);
    });
    await page.goto(`${ORIGIN}/addin/launchevent.html`);
    await page.waitForFunction(() =>
      (window as unknown as { __fakeOffice: { calls: { method: string }[] } }).__fakeOffice.calls.some(
        (c) => c.method === 'actions.associate',
      ),
    );
    return { page, log };
  }

  const send = (page: Page) =>
    page.evaluate(() =>
      (
        window as unknown as { __fakeOffice: { send(): Promise<{ allowEvent?: boolean; errorMessage?: string }> } }
      ).__fakeOffice.send(),
    );

  it('warns before the mail leaves when a proposed time is no longer free', async () => {
    const taken = upcomingWeekday(2);
    const free = upcomingWeekday(5);
    const body = `Hi Priya,\n\nWould ${taken.label}, 10:00–10:30 or ${free.label}, 14:00–14:30 work for you?\n\nAlex`;
    const { page, log } = await openSendRuntime(body, [
      { start: `${taken.date}T09:45:00Z`, end: `${taken.date}T11:00:00Z` },
    ]);
    const completion = await send(page);
    expect(completion.allowEvent).toBe(false);
    expect(completion.errorMessage).toContain(`"${taken.label}, 10:00–10:30" is no longer free in your calendar`);
    expect(completion.errorMessage).not.toContain(free.label);
    // Mailbox 1.13 in the fake host: no custom cancel button (1.14).
    expect(completion).not.toHaveProperty('commandId');
    const suggests = log.filter((l) => l.path === '/v1/scheduling/suggest');
    expect(suggests).toHaveLength(2);
    expect(suggests[0]?.body).toMatchObject({
      request: {
        durationMinutes: 30,
        windows: [{ start: `${taken.date}T10:00:00.000Z`, end: `${taken.date}T10:30:00.000Z` }],
      },
    });
    // The handler only answers; it never sends or edits the message.
    const calls = await officeCalls(page);
    expect(calls.filter((c) => c.method === 'event.completed')).toHaveLength(1);
    expect(calls.some((c) => /setSelectedData|displayReply|send$/i.test(c.method) && c.method !== 'host.send')).toBe(
      false,
    );
    await page.close();
  });

  it('lets the mail go when every proposed time is still free', async () => {
    const free = upcomingWeekday(3);
    const { page } = await openSendRuntime(`Does ${free.label}, 11:00–11:30 suit you?`);
    expect(await send(page)).toEqual({ allowEvent: true });
    await page.close();
  });

  it('asks nothing of the backend when the message proposes no time', async () => {
    const { page, log } = await openSendRuntime('Thanks Priya, the pricing is attached.\n\nAlex');
    expect(await send(page)).toEqual({ allowEvent: true });
    expect(log).toEqual([]);
    await page.close();
  });

  it('uses the backend URL the pane left in the roaming settings', async () => {
    const free = upcomingWeekday(3);
    const page = await browser.newPage();
    await servePaneFromDist(page, ORIGIN);
    await installFakeOfficeHost(page, {
      messages: [reply(`How about ${free.label}, 11:00?`)],
      selected: 0,
      roamingSettings: { 'steward.apiBaseUrl': 'https://api.elsewhere.test' },
    });
    const hosts: string[] = [];
    await page.route('https://api.elsewhere.test/v1/**', async (route) => {
      hosts.push(new URL(route.request().url()).pathname);
      const path = new URL(route.request().url()).pathname;
      const body =
        path === '/v1/settings'
          ? { ...defaultSettings(), timeZone: 'UTC' }
          : { understood: { theirTimesUnavailable: false }, slots: [{ start: 'x', end: 'y', score: 1 }], proposal: '' };
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
    });
    await page.goto(`${ORIGIN}/addin/launchevent.html`);
    await page.waitForFunction(() => 'Office' in window);
    expect(await send(page)).toEqual({ allowEvent: true });
    expect(hosts).toEqual(['/v1/settings', '/v1/scheduling/suggest']);
    await page.close();
  });

  it('lets the mail go when the check cannot run (backend down)', async () => {
    const free = upcomingWeekday(3);
    const page = await browser.newPage();
    await servePaneFromDist(page, ORIGIN);
    await installFakeOfficeHost(page, { messages: [reply(`How about ${free.label}, 11:00?`)], selected: 0 });
    await page.route(`${ORIGIN}/v1/**`, (route) => route.abort('connectionrefused'));
    await page.goto(`${ORIGIN}/addin/launchevent.html`);
    await page.waitForFunction(() => 'Office' in window);
    expect(await send(page)).toEqual({ allowEvent: true });
    await page.close();
  });
});
