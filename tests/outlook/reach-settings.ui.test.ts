// The Outlook pane's Settings for reach in real headless Chromium with the fake Office host and a scripted API:
// adding, editing, testing and removing Slack and Teams alert channels, and an administrator connecting the
// organisation's CRM (OAuth consent page or a pasted token), with the connected state shown.
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
const CONSENT = 'https://app.hubspot.com/oauth/authorize?client_id=hs&state=abc';

interface Call {
  method: string;
  path: string;
  body: unknown;
}

interface Channel {
  id: string;
  kind: 'slack' | 'teams';
  name: string;
  target: string;
  rules: { toRespondHighPriority: boolean; meetingRequests: boolean; senders: string[]; domains: string[] };
  quietHours: { start: string; end: string } | null;
  maxPerHour: number;
  lastError: string | null;
  createdAt: string;
}

interface Crm {
  connected: boolean;
  provider: 'hubspot' | 'salesforce' | null;
  instanceUrl: string | null;
  ttlMinutes: number;
  connectedAt: string | null;
  auth: 'token' | 'oauth' | null;
  oauthAvailable: Array<'hubspot' | 'salesforce'>;
}

const NOT_CONNECTED: Crm = {
  connected: false,
  provider: null,
  instanceUrl: null,
  ttlMinutes: 60,
  connectedAt: null,
  auth: null,
  oauthAvailable: ['hubspot'],
};

/** A scripted /v1 with alert channels and the CRM connection kept in memory, as the server would. */
async function scriptApi(page: Page, calls: Call[], options: { admin: boolean }) {
  const channels: Channel[] = [
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
  ];
  const state = { crm: { ...NOT_CONNECTED }, consented: false };
  await page.route(`${ORIGIN}/v1/**`, async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const body = request.postData() ? JSON.parse(request.postData() ?? 'null') : undefined;
    calls.push({ method: request.method(), path: url.pathname, body });
    const json = (value: unknown, status = 200) =>
      route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(value) });
    const key = `${request.method()} ${url.pathname}`;
    const channelId = /^\/v1\/alerts\/channels\/([^/]+)/.exec(url.pathname)?.[1];
    const channel = channels.find((c) => c.id === channelId);
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
    if (key === 'GET /v1/alerts/channels') return json({ channels });
    if (key === 'POST /v1/alerts/channels') {
      const input = body as Channel & { url?: string; botToken?: string; channel?: string };
      const created: Channel = {
        id: `c${channels.length + 1}`,
        kind: input.kind,
        name: input.name,
        target: input.botToken ? `Slack ${input.channel}` : `${input.kind === 'slack' ? 'Slack' : 'Teams'} webhook …`,
        rules: input.rules,
        quietHours: input.quietHours ?? null,
        maxPerHour: input.maxPerHour ?? 10,
        lastError: null,
        createdAt: new Date().toISOString(),
      };
      channels.push(created);
      return json(created, 201);
    }
    if (channel && request.method() === 'PATCH') {
      Object.assign(channel, body);
      return json(channel);
    }
    if (channel && request.method() === 'DELETE') {
      channels.splice(channels.indexOf(channel), 1);
      return route.fulfill({ status: 204 });
    }
    if (channel && key.endsWith('/test'))
      return json(
        channel.kind === 'slack'
          ? { delivered: true, status: 200 }
          : { delivered: false, status: 404, detail: 'no_service' },
      );
    if (url.pathname.startsWith('/v1/admin/crm') && !options.admin)
      return json({ error: { code: 'forbidden', message: 'Only an administrator can change the CRM.' } }, 403);
    if (key === 'GET /v1/admin/crm') {
      // The admin gave consent in the CRM's window: the server's callback stored the tokens.
      if (state.consented && !state.crm.connected)
        state.crm = {
          ...state.crm,
          connected: true,
          provider: 'hubspot',
          auth: 'oauth',
          connectedAt: '2026-03-02T09:00:00Z',
        };
      return json(state.crm);
    }
    if (key === 'POST /v1/admin/crm/connect/hubspot') {
      state.consented = true;
      return json({ url: CONSENT });
    }
    if (key === 'PUT /v1/admin/crm') {
      const input = body as { provider: 'hubspot' | 'salesforce'; instanceUrl?: string };
      state.crm = {
        ...state.crm,
        connected: true,
        provider: input.provider,
        instanceUrl: input.instanceUrl ?? null,
        auth: 'token',
        connectedAt: '2026-03-02T09:00:00Z',
      };
      return json(state.crm);
    }
    if (key === 'DELETE /v1/admin/crm') {
      state.crm = { ...NOT_CONNECTED };
      state.consented = false;
      return route.fulfill({ status: 204 });
    }
    return json({ error: { code: 'not_found', message: `No route ${key}` } }, 404);
  });
}

describe.skipIf(!browserAvailable)('Outlook settings: alert channels and the CRM (scripted API)', () => {
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function openSettings(options: { admin: boolean }) {
    const page = await browser.newPage({ viewport: { width: 360, height: 1400 } });
    const calls: Call[] = [];
    await servePaneFromDist(page, ORIGIN);
    await installFakeOfficeHost(page, { messages: OUTLOOK_MESSAGES, selected: 0 });
    await scriptApi(page, calls, options);
    await page.goto(`${ORIGIN}/addin/taskpane.html`);
    await page.getByTestId('open-settings').click();
    await page.getByTestId('alert-channel').first().waitFor();
    return { page, calls };
  }

  const sent = (calls: Call[], method: string, prefix: string) =>
    calls.filter((c) => c.method === method && c.path.startsWith(prefix)).map((c) => c.body);

  it('adds a Teams channel with rules, quiet hours and a limit; edits, tests and removes channels', async () => {
    const { page, calls } = await openSettings({ admin: false });
    const section = page.getByTestId('alerts-section');
    expect(await section.getByTestId('channel-rules').first().textContent()).toContain(
      'needs your reply, high priority',
    );

    // Add a Teams channel: meeting requests and one domain, quiet hours, five an hour.
    await section.getByTestId('add-channel').click();
    const form = section.getByTestId('channel-form');
    await form.getByTestId('kind-teams').check();
    await form.getByTestId('channel-name').fill('Sales team');
    await form.getByTestId('channel-url').fill('https://prod-01.westus.logic.azure.com/workflows/abc/triggers/manual');
    await form.getByTestId('rule-to-respond').uncheck();
    await form.getByTestId('rule-meetings').check();
    // A typo in a domain is caught before anything is sent.
    await form.getByTestId('rule-domains').fill('acme example');
    await form.getByRole('alert').getByText('Domains look like acme.example.').waitFor();
    expect(await form.getByTestId('save-channel').isDisabled()).toBe(true);
    await form.getByTestId('rule-domains').fill('ACME.example\n@contoso.example');
    await form.getByTestId('quiet-switch').check();
    await form.getByTestId('quiet-start').fill('21:30');
    await form.getByTestId('quiet-end').fill('06:45');
    await form.getByTestId('max-per-hour').fill('5');
    await screenshot(page, 'outlook-ui-alert-channel-form');
    await form.getByTestId('save-channel').click();
    await page.getByText('Alert channel Sales team added').waitFor();
    expect(sent(calls, 'POST', '/v1/alerts/channels')).toEqual([
      {
        kind: 'teams',
        name: 'Sales team',
        url: 'https://prod-01.westus.logic.azure.com/workflows/abc/triggers/manual',
        rules: {
          toRespondHighPriority: false,
          meetingRequests: true,
          senders: [],
          domains: ['acme.example', 'contoso.example'],
        },
        quietHours: { start: '21:30', end: '06:45' },
        maxPerHour: 5,
      },
    ]);
    const rows = section.getByTestId('alert-channel');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(1).getByTestId('channel-rules').textContent()).toBe(
      'meeting requests; from @acme.example, @contoso.example · quiet 21:30–06:45 · at most 5 an hour',
    );

    // Edit the Slack channel's rules: one sender instead of high-priority mail, three an hour.
    await rows.nth(0).getByTestId('edit-channel').click();
    const edit = rows.nth(0).getByTestId('channel-form');
    expect(await edit.getByTestId('channel-url').count()).toBe(0);
    expect(await edit.getByTestId('rule-to-respond').isChecked()).toBe(true);
    await edit.getByTestId('rule-to-respond').uncheck();
    await edit.getByTestId('rule-senders').fill('dana@acme.example');
    await edit.getByTestId('max-per-hour').fill('3');
    await edit.getByTestId('save-channel').click();
    await page.getByText('My DMs saved').waitFor();
    expect(sent(calls, 'PATCH', '/v1/alerts/channels/c1')).toEqual([
      {
        name: 'My DMs',
        rules: { toRespondHighPriority: false, meetingRequests: false, senders: ['dana@acme.example'], domains: [] },
        quietHours: null,
        maxPerHour: 3,
      },
    ]);
    expect(await rows.nth(0).getByTestId('channel-rules').textContent()).toBe(
      'from dana@acme.example · at most 3 an hour',
    );

    // "Send a test alert": delivered to Slack; the Teams one fails and says why.
    await rows.nth(0).getByTestId('test-alert').click();
    await page.getByText('Test alert sent to My DMs.').waitFor();
    await rows.nth(1).getByTestId('test-alert').click();
    await page.getByText('The test alert was not delivered (404: no_service).').waitFor();
    await rows.nth(1).getByText('Last error: 404: no_service').waitFor();
    expect(calls.filter((c) => c.path.endsWith('/test')).map((c) => c.path)).toEqual([
      '/v1/alerts/channels/c1/test',
      '/v1/alerts/channels/c2/test',
    ]);

    // Remove asks once more before the DELETE.
    await rows.nth(1).getByTestId('remove-channel').click();
    expect(sent(calls, 'DELETE', '/v1/alerts/channels/')).toEqual([]);
    await rows.nth(1).getByTestId('confirm-remove').click();
    await page.getByText('Sales team removed').waitFor();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/v1/alerts/channels/c2']);
    expect(await rows.count()).toBe(1);

    // A Slack bot token and channel id instead of a webhook.
    await section.getByTestId('add-channel').click();
    await form.getByTestId('channel-name').fill('Bot');
    await form.getByTestId('via-bot').check();
    await form.getByTestId('channel-token').fill('xoxb-1111-2222-abc');
    await form.getByTestId('channel-id').fill('U0123456789');
    await form.getByTestId('save-channel').click();
    await page.getByText('Alert channel Bot added').waitFor();
    expect(sent(calls, 'POST', '/v1/alerts/channels').at(-1)).toMatchObject({
      kind: 'slack',
      botToken: 'xoxb-1111-2222-abc',
      channel: 'U0123456789',
      rules: { toRespondHighPriority: true },
      quietHours: null,
      maxPerHour: 10,
    });
    expect(sent(calls, 'POST', '/v1/alerts/channels').at(-1)).not.toHaveProperty('url');
    // Not an administrator: no CRM section.
    expect(await page.getByTestId('crm-section').count()).toBe(0);
    await page.close();
  });

  it('an administrator connects HubSpot with OAuth, sees it connected, disconnects, and connects Salesforce with a token', async () => {
    const { page, calls } = await openSettings({ admin: true });
    const crm = page.getByTestId('crm-section');
    await crm.waitFor();
    await crm.getByTestId('crm-oauth-hubspot').click();
    const link = crm.getByTestId('crm-consent-link');
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(CONSENT);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    // Consent given in the CRM's window; "check the connection" shows it.
    await crm.getByTestId('crm-check').click();
    const connected = crm.getByTestId('crm-connected');
    await connected.waitFor();
    expect(await connected.textContent()).toContain('Connected to HubSpot with OAuth');
    await screenshot(page, 'outlook-ui-crm-connected');

    await crm.getByTestId('crm-disconnect').click();
    expect(calls.filter((c) => c.method === 'DELETE')).toEqual([]);
    await crm.getByTestId('crm-confirm-disconnect').click();
    await page.getByText('CRM disconnected').waitFor();
    await crm.getByTestId('crm-oauth-hubspot').waitFor();

    await crm.getByTestId('crm-provider-salesforce').check();
    await crm.getByTestId('crm-token').fill('00Dfake!AQ0AQFakeToken');
    await crm.getByTestId('crm-instance').fill('https://acme.my.salesforce.com');
    await crm.getByTestId('crm-connect-token').click();
    await page.getByText('Salesforce connected').waitFor();
    expect(await crm.getByTestId('crm-connected').textContent()).toContain(
      'Connected to Salesforce (https://acme.my.salesforce.com) with a token',
    );
    expect(sent(calls, 'PUT', '/v1/admin/crm')).toEqual([
      { provider: 'salesforce', token: '00Dfake!AQ0AQFakeToken', instanceUrl: 'https://acme.my.salesforce.com' },
    ]);
    expect(sent(calls, 'POST', '/v1/admin/crm/connect/')).toEqual([{}]);
    await page.close();
  });
});
