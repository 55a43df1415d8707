// The Outlook pane's inbox dashboard in real headless Chromium with the fake Office host and a scripted API:
// the chart, its keyboard walk and table view, the tiles, and one-click unsubscribe only on the user's click.
import { defaultSettings } from '@steward/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  ensureBuilt,
  installFakeOfficeHost,
  launchBrowser,
  OUTLOOK_MESSAGES,
  screenshot,
  servePaneFromDist,
} from './harness.ts';

const ORIGIN = 'https://steward.test';
const CATEGORIES = [
  'meeting_update',
  'marketing',
  'notification',
  'comment',
  'awaiting_reply',
  'actioned',
  'to_respond',
  'fyi',
];

function stats() {
  const perDay = Array.from({ length: 14 }, (_, i) => {
    const day = new Date(Date.UTC(2026, 2, 1 + i)).toISOString().slice(0, 10);
    const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
    counts.to_respond = (i % 4) + 1;
    counts.marketing = (i * 3) % 7;
    counts.fyi = i % 3;
    return { day, counts };
  });
  const totals = Object.fromEntries(CATEGORIES.map((c) => [c, perDay.reduce((sum, d) => sum + (d.counts[c] ?? 0), 0)]));
  return {
    from: perDay[0]?.day,
    to: perDay.at(-1)?.day,
    perDay,
    totals,
    replies: { sent: 23, medianMinutes: 95 },
    awaitingReply: [
      { bucket: '<1d', threads: 4 },
      { bucket: '1-3d', threads: 3 },
      { bucket: '3-7d', threads: 2 },
      { bucket: '7-14d', threads: 1 },
      { bucket: '>14d', threads: 0 },
    ],
    drafts: { created: 12, used: 9, discarded: 2 },
    model: { calls: 140, promptTokens: 210_000, completionTokens: 18_000, costUsd: 0.04 },
  };
}

const SENDERS = [
  {
    id: '11111111-1111-4111-8111-111111111111',
    address: 'news@cloudly.example',
    name: 'Cloudly',
    category: 'marketing',
    messages: 31,
    firstSeen: '2026-01-02T08:00:00Z',
    lastSeen: '2026-03-14T08:00:00Z',
    unsubscribe: 'one_click',
    unsubscribedAt: null,
  },
  {
    id: '22222222-2222-4222-8222-222222222222',
    address: 'deals@shop.example',
    name: 'Shop Deals',
    category: 'marketing',
    messages: 12,
    firstSeen: '2026-02-02T08:00:00Z',
    lastSeen: '2026-03-10T08:00:00Z',
    unsubscribe: 'web',
    unsubscribedAt: null,
  },
];

interface Call {
  method: string;
  path: string;
  body: unknown;
}

async function scriptApi(page: Page, calls: Call[]) {
  await page.route(`${ORIGIN}/v1/**`, async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const body = request.postData() ? JSON.parse(request.postData() ?? 'null') : undefined;
    calls.push({ method: request.method(), path: `${url.pathname}${url.search}`, body });
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
    if (key === 'GET /v1/settings') return json(defaultSettings());
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
    if (key === 'GET /v1/stats') return json(stats());
    if (key === 'GET /v1/senders') return json({ senders: SENDERS });
    if (key === 'GET /v1/alerts/channels')
      return json({
        channels: [
          {
            id: 'c1',
            kind: 'slack',
            name: 'My DMs',
            target: 'Slack webhook hooks.slack.com/…',
            rules: { toRespondHighPriority: true, meetingRequests: false, senders: [], domains: [] },
            quietHours: null,
            maxPerHour: 10,
            lastError: null,
            createdAt: '2026-03-01T08:00:00Z',
          },
        ],
      });
    if (key === 'POST /v1/alerts/channels/c1/test') return json({ delivered: true, status: 200 });
    if (key === `POST /v1/senders/${SENDERS[0]?.id}/unsubscribe`)
      return json({ method: 'one_click', status: 'unsubscribed' });
    if (key === `POST /v1/senders/${SENDERS[1]?.id}/unsubscribe`)
      return json({ method: 'web', status: 'open_link', url: 'https://shop.example/preferences' });
    return json({ error: { code: 'not_found', message: `No route ${key}` } }, 404);
  });
}

describe.skipIf(!browserAvailable)('Outlook inbox dashboard (scripted API)', () => {
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function openDashboard() {
    const page = await browser.newPage({ viewport: { width: 360, height: 1100 } });
    const calls: Call[] = [];
    await servePaneFromDist(page, ORIGIN);
    await installFakeOfficeHost(page, { messages: OUTLOOK_MESSAGES, selected: 0 });
    await scriptApi(page, calls);
    await page.goto(`${ORIGIN}/addin/taskpane.html`);
    await page.getByTestId('tab-dashboard').click();
    await page.getByTestId('dashboard').waitFor();
    return { page, calls };
  }

  it('draws mail per day as a chart the arrow keys can read, with a table view and tiles', async () => {
    const { page, calls } = await openDashboard();
    expect(calls.some((c) => c.path === '/v1/stats?days=14')).toBe(true);
    const bars = page.getByTestId('chart-day');
    expect(await bars.count()).toBe(14);
    // One tab stop: the newest day; arrow keys walk the days and each reads out its counts.
    const last = bars.nth(13);
    expect(await last.getAttribute('tabindex')).toBe('0');
    expect(await bars.nth(0).getAttribute('tabindex')).toBe('-1');
    await last.focus();
    await page.keyboard.press('ArrowLeft');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    expect(focused).toMatch(/(Mar 13|13 Mar): \d+ messages, /);
    expect(focused).toContain('To respond');
    await page.keyboard.press('Home');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/(Mar 1|1 Mar): /);

    expect(await page.getByTestId('tile-replies').textContent()).toContain('23');
    expect(await page.getByTestId('tile-median').textContent()).toContain('1 h 35 min');
    expect(await page.getByTestId('tile-drafts').textContent()).toContain('9 / 12');
    expect(await page.getByTestId('tile-model').textContent()).toContain('$0.04');
    expect(await page.getByTestId('ageing-chart').getAttribute('aria-label')).toContain('<1d 4');
    await screenshot(page, 'outlook-ui-dashboard');

    await page.getByTestId('toggle-table').click();
    const table = page.getByTestId('mail-table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(14);
    expect(await table.locator('thead').textContent()).toContain('To respond');
    expect(await page.getByTestId('toggle-table').getAttribute('aria-pressed')).toBe('true');
    await screenshot(page, 'outlook-ui-dashboard-table');
    await page.close();
  });

  it('unsubscribes only when the user clicks, and offers the link when there is no one-click', async () => {
    const { page, calls } = await openDashboard();
    const unsubscribes = () => calls.filter((c) => c.path.includes('/unsubscribe'));
    expect(unsubscribes()).toEqual([]);
    const rows = page.getByTestId('sender');
    expect(await rows.count()).toBe(2);
    await rows.nth(0).getByTestId('unsubscribe').click();
    await page.getByText('Unsubscribed from news@cloudly.example').waitFor();
    expect(unsubscribes()).toEqual([
      { method: 'POST', path: `/v1/senders/${SENDERS[0]?.id}/unsubscribe`, body: { confirm: true } },
    ]);
    expect(await rows.nth(0).getByTestId('unsubscribe').isDisabled()).toBe(true);

    await rows.nth(1).getByTestId('unsubscribe').click();
    const link = rows.nth(1).getByTestId('unsubscribe-link');
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('https://shop.example/preferences');
    expect(await link.getAttribute('rel')).toContain('noopener');

    // "Send a test alert" on a Slack channel.
    await page.getByTestId('test-alert').click();
    await page.getByText('Test alert sent to My DMs.').waitFor();
    expect(calls.filter((c) => c.path === '/v1/alerts/channels/c1/test').map((c) => c.method)).toEqual(['POST']);
    await page.close();
  });
});
