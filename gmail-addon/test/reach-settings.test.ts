/**
 * Alert channels and the CRM connection on the Gmail add-on's settings card, run from source against the
 * scripted Steward API over real HTTP: add, edit, test and remove a Slack or Teams channel; an administrator
 * connects HubSpot (OAuth consent page or a token) and sees it connected. Plus the form parsing itself.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChannelFormValues, channelInputOf, channelPatchOf } from '../src/core/alerts.ts';
import * as addon from '../src/main.ts';
import {
  button,
  createWorld,
  installGlobals,
  json,
  navigation,
  nodes,
  visibleText,
  type World,
} from './fakes/index.ts';
import { MAILBOX, OWNER } from './fixtures.ts';
import { type ChildServer, getJson, startChildServer } from './servers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const PUBLIC = 'https://steward.test/';

let stub: ChildServer;
let world: World;
let restore: () => void;

// biome-ignore lint/suspicious/noExplicitAny: request bodies as the stub server logged them, read field by field
type Logged = any;
const stubLog = () =>
  getJson<{ log: { method: string; path: string; contentType: string | null; body: Logged }[] }>(`${stub.url}/__log`);
const control = (failures: Record<string, { status: number; body?: unknown; times?: number }>) =>
  fetch(`${stub.url}/__control`, { method: 'POST', body: JSON.stringify(failures) });
const sent = async (method: string) => (await stubLog()).log.filter((r) => r.method === method);

beforeAll(async () => {
  stub = await startChildServer([path.join(here, 'stub-backend.mjs')]);
});
afterAll(async () => {
  await stub.stop();
});
beforeEach(async () => {
  await control({});
  world = createWorld({
    owner: OWNER,
    messages: MAILBOX,
    identityToken: () => 'test-identity-token',
    scriptProperties: { STEWARD_URL: 'https://steward.test' },
    urlFetch: { whitelist: [PUBLIC], routes: { [PUBLIC]: `${stub.url}/` }, timeoutMs: 10_000 },
  });
  restore = installGlobals(world);
});
afterEach(async () => {
  restore();
  await world.close();
});

const settingsCard = () => (json(addon.onOpenSettings(world.event())) as { navigation: unknown }).navigation;
const notification = (response: unknown) => (json(response) as { notification?: { text: string } }).notification?.text;
const event = (parameters: Record<string, string>, form: Record<string, string | string[]> = {}) =>
  world.event(undefined, { parameters, form });

describe('alert channels on the settings card', () => {
  it('lists channels with test, edit and remove; adds a Teams channel with rules, quiet hours and a limit', async () => {
    const card = settingsCard();
    expect(nodes(card, 'CardSection').map((s) => s.header)).toContain('Alerts in Slack and Teams');
    expect(visibleText(card)).toContain('needs your reply, high priority · at most 10 an hour');
    expect(button(card, 'Send a test alert').parameters).toEqual({ channelId: 'c1' });
    expect(button(card, 'Edit').parameters).toEqual({ channelId: 'c1' });

    const form = json(addon.onOpenAlertChannel(event({})));
    const fields = nodes(form, 'TextInput').map((f) => f.fieldName);
    expect(fields).toEqual(
      expect.arrayContaining(['name', 'url', 'botToken', 'channel', 'senders', 'domains', 'quietStart', 'quietEnd']),
    );
    expect(nodes(form, 'SelectionInput').map((s) => s.fieldName)).toEqual(['kind', 'about']);
    expect(button(form, 'Add channel').functionName).toBe('onSaveAlertChannel');

    // A typo is refused before anything is sent.
    const teams = {
      kind: 'teams',
      name: 'Sales team',
      url: 'https://prod-01.westus.logic.azure.com/workflows/abc/triggers/manual',
      about: ['meetings'],
      senders: '',
      domains: 'acme example',
      quietStart: '21:30',
      quietEnd: '6:45',
      maxPerHour: '5',
    };
    expect(notification(addon.onSaveAlertChannel(event({}, teams)))).toBe('"acme" is not a domain like acme.example.');
    expect(await sent('POST')).toEqual([]);

    const added = addon.onSaveAlertChannel(event({}, { ...teams, domains: 'ACME.example, @contoso.example' }));
    expect(notification(added)).toBe('Alert channel Sales team added.');
    expect(navigation(added).map((s) => s.op)).toEqual(['popToNamedCard', 'updateCard']);
    expect(visibleText(navigation(added)[1]?.arg)).toContain(
      'meeting requests; from @acme.example, @contoso.example · quiet 21:30–06:45 · at most 5 an hour',
    );
    expect((await sent('POST')).map((r) => [r.path, r.body])).toEqual([
      [
        '/v1/alerts/channels',
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
      ],
    ]);
  });

  it('edits a channel (rules, quiet hours, limit; never where it posts), tests it and removes it after a second click', async () => {
    const edit = json(addon.onOpenAlertChannel(event({ channelId: 'c1' })));
    const fields = nodes(edit, 'TextInput');
    expect(fields.map((f) => f.fieldName)).not.toContain('url');
    expect(fields.find((f) => f.fieldName === 'name')?.value).toBe('My DMs');
    const about = nodes(edit, 'SelectionInput')[0] as { items?: unknown };
    expect(JSON.stringify(about.items)).toContain('to_respond_high');

    const saved = addon.onSaveAlertChannel(
      event(
        { channelId: 'c1' },
        {
          name: 'My DMs',
          about: [],
          senders: 'Dana@Acme.example',
          domains: '',
          quietStart: '',
          quietEnd: '',
          maxPerHour: '3',
        },
      ),
    );
    expect(notification(saved)).toBe('My DMs saved.');
    expect((await sent('PATCH')).map((r) => [r.path, r.body])).toEqual([
      [
        '/v1/alerts/channels/c1',
        {
          name: 'My DMs',
          rules: { toRespondHighPriority: false, meetingRequests: false, senders: ['dana@acme.example'], domains: [] },
          quietHours: null,
          maxPerHour: 3,
        },
      ],
    ]);

    const tested = addon.onTestAlert(event({ channelId: 'c1' }));
    expect(notification(tested)).toBe('Test alert sent.');
    expect((await sent('POST')).map((r) => r.path)).toEqual(['/v1/alerts/channels/c1/test']);

    const confirm = json(addon.onRemoveAlertChannel(event({ channelId: 'c1', name: 'My DMs' })));
    expect(await sent('DELETE')).toEqual([]);
    const yes = button(confirm, 'Remove My DMs');
    expect(button(confirm, 'Keep').functionName).toBe('onBack');
    const removed = addon.onConfirmRemoveAlertChannel(event(yes.parameters));
    expect(notification(removed)).toBe('My DMs removed.');
    expect((await sent('DELETE')).map((r) => r.path)).toEqual(['/v1/alerts/channels/c1']);
    expect(visibleText(navigation(removed)[1]?.arg)).toContain('No channels yet.');
  });

  it('a failing test alert says why, and the card shows the last error', async () => {
    addon.onSaveAlertChannel(
      event(
        {},
        {
          kind: 'teams',
          name: 'Gone',
          url: 'https://contoso.webhook.office.com/webhookb2/x',
          about: ['to_respond_high'],
          senders: '',
          domains: '',
          quietStart: '',
          quietEnd: '',
          maxPerHour: '',
        },
      ),
    );
    const tested = addon.onTestAlert(event({ channelId: 'c2' }));
    expect(notification(tested)).toBe('The test alert was not delivered (404: no_service).');
    expect(visibleText(navigation(tested)[0]?.arg)).toContain('Last error: 404: no_service');
  });
});

describe('the CRM connection on the settings card', () => {
  it('an administrator connects HubSpot with OAuth (consent page over Gmail) or a token, sees it, and disconnects', async () => {
    const card = settingsCard();
    expect(visibleText(card)).toContain('Not connected: triage and drafts use no CRM context.');
    const connect = button(card, 'Connect HubSpot');
    expect(connect).toMatchObject({
      functionName: 'onConnectCrm',
      parameters: { provider: 'hubspot' },
      opensLink: true,
    });
    expect(json(addon.onConnectCrm(event(connect.parameters)))).toMatchObject({
      openLink: {
        url: expect.stringMatching(/^https:\/\/app\.hubspot\.com\/oauth\/authorize\?/),
        openAs: 'OVERLAY',
        onClose: 'RELOAD',
      },
    });
    expect((await sent('POST')).map((r) => [r.path, r.contentType, r.body])).toEqual([
      ['/v1/admin/crm/connect/hubspot', 'application/json', {}],
    ]);

    expect(
      notification(addon.onConnectCrmToken(event({}, { crmProvider: 'salesforce', crmToken: '00Dfake!AQ0AQtoken' }))),
    ).toContain('Salesforce needs its instance URL');
    const connected = addon.onConnectCrmToken(
      event({}, { crmProvider: 'hubspot', crmToken: 'pat-eu1-11111111-2222', crmInstanceUrl: '' }),
    );
    expect(notification(connected)).toBe('HubSpot connected.');
    expect((await sent('PUT')).map((r) => r.body)).toEqual([{ provider: 'hubspot', token: 'pat-eu1-11111111-2222' }]);
    const after = navigation(connected)[0]?.arg;
    expect(visibleText(after)).toContain('Connected to HubSpot with a token since 2025-03-02.');
    // The token is never shown back.
    expect(JSON.stringify(after)).not.toContain('pat-eu1-11111111-2222');

    const confirm = json(addon.onDisconnectCrm(event({ provider: 'hubspot' })));
    expect(await sent('DELETE')).toEqual([]);
    const done = addon.onConfirmDisconnectCrm(event(button(confirm, 'Disconnect HubSpot').parameters));
    expect(notification(done)).toBe('CRM disconnected.');
    expect((await sent('DELETE')).map((r) => r.path)).toEqual(['/v1/admin/crm']);
  });

  it('a user who is not an administrator (403) sees no CRM section', async () => {
    await control({
      'GET /v1/admin/crm': { status: 403, body: { error: { code: 'forbidden', message: 'Only an administrator…' } } },
    });
    const card = settingsCard();
    expect(nodes(card, 'CardSection').map((s) => s.header)).not.toContain('CRM context (organisation)');
    expect(nodes(card, 'CardSection').map((s) => s.header)).toContain('Alerts in Slack and Teams');
  });
});

describe('channel forms', () => {
  const base: ChannelFormValues = {
    kind: 'slack',
    name: 'Me',
    url: '',
    botToken: '',
    channel: '',
    about: ['to_respond_high'],
    senders: '',
    domains: '',
    quietStart: '',
    quietEnd: '',
    maxPerHour: '',
  };

  it('reads lists, a bot token, quiet hours and the limit, and says what is wrong', () => {
    expect(channelInputOf({ ...base, botToken: 'xoxb-1-2-3', channel: 'U012' })).toEqual({
      ok: true,
      value: {
        kind: 'slack',
        name: 'Me',
        botToken: 'xoxb-1-2-3',
        channel: 'U012',
        rules: { toRespondHighPriority: true, meetingRequests: false, senders: [], domains: [] },
        quietHours: null,
        maxPerHour: 10,
      },
    });
    const refused = (form: Partial<ChannelFormValues>) => {
      const result = channelInputOf({ ...base, url: 'https://hooks.slack.com/services/T/B/x', ...form });
      return result.ok ? '' : result.message;
    };
    expect(refused({ kind: '' })).toBe('Choose Slack or Teams.');
    expect(refused({ url: 'http://hooks.slack.com/x' })).toContain('Paste the Slack webhook URL');
    expect(refused({ botToken: 'xoxb-1-2-3' })).toBe('A Slack bot token needs a channel or user id.');
    expect(refused({ about: [] })).toBe('Choose at least one kind of mail to be alerted about.');
    expect(refused({ senders: 'dana' })).toBe('"dana" is not an email address.');
    expect(refused({ quietStart: '22:00' })).toContain('Quiet hours are two times');
    expect(refused({ quietStart: '7:00', quietEnd: '07:00' })).toBe('Quiet hours need a different start and end.');
    expect(refused({ maxPerHour: '0' })).toBe('At most 1 to 60 alerts an hour.');
    expect(refused({ maxPerHour: '61' })).toBe('At most 1 to 60 alerts an hour.');
    expect(refused({})).toBe('');
    expect(channelPatchOf({ ...base, name: ' ' })).toEqual({ ok: false, message: 'Give the channel a name.' });
  });
});
