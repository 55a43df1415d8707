/**
 * The add-on's triggers and callbacks, run from source against a scripted Steward API over real HTTP.
 * (tests/gmail runs the built Code.js against the real backend.)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as addon from '../src/main.ts';
import {
  button,
  buttons,
  createWorld,
  installGlobals,
  json,
  navigation,
  nodes,
  visibleText,
  type World,
} from './fakes/index.ts';
import { EARLIER, MAILBOX, NEWSLETTER, ONE_TO_ONE, OWNER, QUESTION } from './fixtures.ts';
import { type ChildServer, getJson, startChildServer } from './servers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const PUBLIC = 'https://steward.test/';

let stub: ChildServer;
let world: World;
let restore: () => void;

// biome-ignore lint/suspicious/noExplicitAny: request bodies as the stub server logged them, read field by field
type Logged = any;
interface StubLog {
  log: { method: string; path: string; authorization: string | null; contentType: string | null; body: Logged }[];
  feedback: Logged[];
}
const stubLog = () => getJson<StubLog>(`${stub.url}/__log`);
const control = (failures: Record<string, { status: number; body?: unknown; delayMs?: number; times?: number }>) =>
  fetch(`${stub.url}/__control`, { method: 'POST', body: JSON.stringify(failures) });

/** Renames To respond on the stub server, as a user would in settings (the stub starts with the default). */
const rename = (displayName: string) =>
  fetch(`${stub.url}/v1/settings`, {
    method: 'PUT',
    headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
    body: JSON.stringify({ categories: { to_respond: { enabled: true, displayName } } }),
  });

beforeAll(async () => {
  stub = await startChildServer([path.join(here, 'stub-backend.mjs')]);
});
afterAll(async () => {
  await stub.stop();
});

function newWorld(extra: { scriptProperties?: Record<string, string>; timeoutMs?: number } = {}) {
  return createWorld({
    owner: OWNER,
    messages: MAILBOX,
    identityToken: () => 'test-identity-token',
    scriptProperties: { STEWARD_URL: 'https://steward.test', ...extra.scriptProperties },
    urlFetch: { whitelist: [PUBLIC], routes: { [PUBLIC]: `${stub.url}/` }, timeoutMs: extra.timeoutMs ?? 10_000 },
  });
}

beforeEach(async () => {
  await control({});
  world = newWorld();
  restore = installGlobals(world);
});
afterEach(async () => {
  restore();
  await world.close();
});

describe('opening a message', () => {
  it('shows the category, why, how sure, and the summary from the backend', async () => {
    const [card] = addon.onGmailMessage(world.event(QUESTION.id));
    const text = visibleText(card);
    expect(text).toContain('<b>To respond</b>');
    expect(text).toContain('High confidence (81%) · High priority');
    expect(text).toContain('• asks you a direct question');
    expect(text).toContain('Q3 numbers and a quick call');
    expect(button(card, 'Create draft reply')).toMatchObject({
      functionName: 'onCreateDraft',
      compose: true,
      primary: true,
    });

    const { log } = await stubLog();
    const triage = log.find((r) => r.path === '/v1/triage');
    expect(triage?.authorization).toBe('Bearer test-identity-token');
    expect(triage?.contentType).toBe('application/json');
    expect(triage?.body.message).toMatchObject({
      id: QUESTION.id,
      threadId: QUESTION.threadId,
      from: { name: 'Okafor, Alice', address: 'alice@partner.example' },
      cc: [{ name: 'Bob Lee', address: 'bob@partner.example' }],
      headers: { 'Message-ID': '<q3-1@partner.example>' },
    });
    expect(triage?.body.thread.map((m: { id: string }) => m.id)).toEqual([EARLIER.id]);
    expect(triage?.body.me).toEqual([OWNER]);
    expect(world.GmailApp.tokens).toContain(world.GmailApp.accessTokenFor(QUESTION.id));
  });

  it('is instant the second time: the user cache answers and the backend is not called', async () => {
    addon.onGmailMessage(world.event(QUESTION.id));
    const calls = world.UrlFetchApp.requests.length;
    const [again] = addon.onGmailMessage(world.event(QUESTION.id));
    expect(world.UrlFetchApp.requests.length).toBe(calls);
    expect(visibleText(again)).toContain('<b>To respond</b>');
  });

  it('files a newsletter as marketing, with a reply button that is not the primary action', () => {
    const [card] = addon.onGmailMessage(world.event(NEWSLETTER.id));
    expect(visibleText(card)).toContain('<b>Marketing</b>');
    expect(button(card, 'Create draft reply').primary).toBe(false);
  });

  it('escapes what the backend and the email say before it goes into card HTML', async () => {
    await control({
      'POST /v1/triage': {
        status: 200,
        body: {
          id: QUESTION.id,
          category: 'fyi',
          needsReply: false,
          meetingRequest: false,
          priority: 'normal',
          confidence: 0.5,
          reasons: ['<a href="x">click</a>'],
          summary: 'a < b',
        },
      },
    });
    const text = visibleText(addon.onGmailMessage(world.event(QUESTION.id)));
    expect(text).toContain('&lt;a href="x"&gt;click&lt;/a&gt;');
    expect(text).not.toContain('<a href');
  });
});

describe('backend failures become an error card with a way to retry', () => {
  it('shows the backend message and code, and "Try again" rebuilds the message card', async () => {
    await control({
      'POST /v1/triage': {
        status: 503,
        body: { error: { code: 'engine_busy', message: 'The triage engine is warming up.' } },
      },
    });
    const [card] = addon.onGmailMessage(world.event(QUESTION.id));
    const text = visibleText(card);
    expect(text).toContain('Steward couldn’t finish');
    expect(text).toContain('The triage engine is warming up.');
    expect(text).toContain('engine_busy · HTTP 503');
    const retry = button(card, 'Try again');
    expect(retry.parameters).toEqual({ view: 'message', messageId: QUESTION.id });

    const response = addon.onRetry(world.event(QUESTION.id, { parameters: retry.parameters }));
    const steps = navigation(response);
    expect(steps[0]?.op).toBe('updateCard');
    expect(visibleText(steps[0]?.arg)).toContain('<b>To respond</b>');
  });

  it('explains a proxy error page that is not JSON', async () => {
    await control({ '*': { status: 502, body: '<html>Bad gateway</html>' } });
    expect(visibleText(addon.onGmailMessage(world.event(QUESTION.id)))).toContain(
      'The Steward server is not reachable behind its proxy.',
    );
  });

  it('reports a timeout when the backend does not answer in time', async () => {
    restore();
    await world.close();
    world = newWorld({ timeoutMs: 300 });
    restore = installGlobals(world);
    await control({ 'POST /v1/triage': { status: 200, body: {}, delayMs: 2_000 } });
    const text = visibleText(addon.onGmailMessage(world.event(QUESTION.id)));
    expect(text).toContain('Steward did not answer in time.');
    expect(text).toContain('timeout');
  });

  it('reports an unreachable server (nothing listening)', async () => {
    restore();
    await world.close();
    world = createWorld({
      owner: OWNER,
      messages: MAILBOX,
      identityToken: () => 'tok',
      scriptProperties: { STEWARD_URL: 'https://down.test' },
      urlFetch: { whitelist: ['https://down.test/'], routes: { 'https://down.test/': 'http://127.0.0.1:9/' } },
    });
    restore = installGlobals(world);
    const text = visibleText(addon.onGmailMessage(world.event(QUESTION.id)));
    expect(text).toContain('The Steward server cannot be reached right now.');
  });

  it('refuses a STEWARD_URL outside the manifest whitelist, as Apps Script does', () => {
    world.PropertiesService.script.setProperty('STEWARD_URL', 'https://elsewhere.example');
    const text = visibleText(addon.onGmailMessage(world.event(QUESTION.id)));
    expect(text).toContain('not_allowed');
  });

  it('says so when no server is configured', () => {
    world.PropertiesService.script.deleteProperty('STEWARD_URL');
    expect(visibleText(addon.onGmailMessage(world.event(QUESTION.id)))).toContain('No Steward server is configured');
  });
});

describe('"Create draft reply"', () => {
  it('creates a reply-all draft in the thread with the backend text and HTML, and opens it', async () => {
    const response = addon.onCreateDraft(world.event(QUESTION.id, { form: { instruction: 'shorter' } }));
    expect(json(response)).toMatchObject({
      kind: 'ComposeActionResponse',
      gmailDraft: { kind: 'GmailDraft', threadId: QUESTION.threadId },
    });
    const [draft] = world.GmailApp.drafts;
    expect(draft).toMatchObject({
      kind: 'replyAll',
      inReplyTo: QUESTION.id,
      to: ['alice@partner.example'],
      cc: ['bob@partner.example'],
      subject: 'Re: Q3 numbers and a quick call',
    });
    expect(draft?.body).toContain("I'll send the numbers by Friday (shorter). [confirm: Q3 total]\n\nBest,\nSam");
    expect(draft?.htmlBody).toMatch(/^<p>Hi .*\[confirm: Q3 total\]<br><br>Best,<br>Sam<\/p>$/);
    const { log } = await stubLog();
    expect(log.find((r) => r.path === '/v1/drafts')?.body.instruction).toBe('shorter');
  });

  it('replies only to the sender in a one-to-one conversation', () => {
    addon.onCreateDraft(world.event(ONE_TO_ONE.id));
    expect(world.GmailApp.drafts[0]).toMatchObject({ kind: 'reply', to: ['carol@client.example'], cc: [] });
  });

  it('creates no draft and says why when the backend fails', async () => {
    await control({
      'POST /v1/drafts': {
        status: 500,
        body: { error: { code: 'draft_failed', message: 'The drafting engine failed.' } },
      },
    });
    const response = addon.onCreateDraft(world.event(QUESTION.id));
    expect(json(response)).toMatchObject({
      kind: 'ActionResponse',
      notification: { text: 'The drafting engine failed.' },
    });
    expect(world.GmailApp.drafts).toHaveLength(0);
  });
});

describe('"Suggest times"', () => {
  it('lists the free slots in the user zone and inserts the proposal into a reply', async () => {
    const response = addon.onSuggestTimes(world.event(QUESTION.id, { parameters: { messageId: QUESTION.id } }));
    const card = navigation(response)[0]?.arg;
    const text = visibleText(card);
    expect(text).toContain('Your free times (Europe/Berlin)');
    expect(text).toContain('Tue 25 Mar, 14:00–14:30');
    expect(text).toContain('30 min · Tuesday afternoon, Wednesday afternoon');
    const insert = button(card, 'Insert into reply');
    expect(insert.compose).toBe(true);

    addon.onInsertTimes(world.event(QUESTION.id, { parameters: insert.parameters }));
    expect(world.GmailApp.drafts[0]?.body).toBe('Would Tue 25 Mar, 14:00 CET or Wed 26 Mar, 15:00 CET work for you?');
    const calls = (await stubLog()).log.filter((r) => r.path === '/v1/scheduling/suggest');
    expect(calls).toHaveLength(1);
  });
});

describe('"Fix category"', () => {
  it('sends the correction with its scope and shows it on the card at once', async () => {
    const [card] = addon.onGmailMessage(world.event(QUESTION.id));
    const fix = button(card, 'Fix category');
    expect(fix.parameters).toEqual({
      messageId: QUESTION.id,
      category: 'to_respond',
      fromAddress: 'alice@partner.example',
    });

    const opened = addon.onOpenFixCategory(world.event(QUESTION.id, { parameters: fix.parameters }));
    const inputs = nodes(opened, 'SelectionInput');
    expect(inputs.map((i) => i.fieldName)).toEqual(['category', 'scope']);
    expect(inputs[0]?.items).toContainEqual(['To respond', 'to_respond', true]);
    expect(inputs[1]?.items).toContainEqual(['Everything from @partner.example', 'domain', false]);

    const save = button(opened, 'Save');
    const response = addon.onFixCategory(
      world.event(QUESTION.id, { parameters: save.parameters, form: { category: 'fyi', scope: 'sender' } }),
    );
    expect(json(response)).toMatchObject({ notification: { text: 'Filed as FYI. Steward will remember.' } });
    const steps = navigation(response);
    expect(steps.map((s) => s.op)).toEqual(['popToRoot', 'updateCard']);
    expect(visibleText(steps[1]?.arg)).toContain('Category (your correction)');
    expect(visibleText(steps[1]?.arg)).toContain('<b>FYI</b>');

    const { feedback } = await stubLog();
    expect(feedback).toEqual([expect.objectContaining({ messageId: QUESTION.id, category: 'fyi', scope: 'sender' })]);
    expect(feedback[0].message.from.address).toBe('alice@partner.example');

    // Reopening the message shows the correction, not the old category.
    expect(visibleText(addon.onGmailMessage(world.event(QUESTION.id)))).toContain('<b>FYI</b>');
  });

  it('rejects a value that is not a category without calling the backend', async () => {
    const response = addon.onFixCategory(
      world.event(QUESTION.id, { parameters: { messageId: QUESTION.id }, form: { category: 'spam' } }),
    );
    expect(json(response)).toMatchObject({ notification: { text: 'Choose a category.' } });
    expect((await stubLog()).feedback).toHaveLength(0);
  });
});

describe('homepage and settings', () => {
  it('shows status, the voice profile and working hours', () => {
    const text = visibleText(addon.onHomepage(world.event()));
    expect(text).toContain('https://steward.test');
    expect(text).toContain('me@example.com');
    expect(text).toContain('Greeting: “Hi {name},”');
    expect(text).toContain('Learned from 140 sent messages (high confidence)');
    expect(text).toContain('Mon–Thu 09:00–17:00; Fri 09:00–13:00; Sat–Sun off');
  });

  it('says when there is no voice profile yet', async () => {
    await control({
      'GET /v1/voice': {
        status: 404,
        body: { error: { code: 'voice_not_learned', message: 'No voice profile yet.' } },
      },
    });
    expect(visibleText(addon.onHomepage(world.event()))).toContain(
      'No voice profile yet. Steward learns it from your sent mail.',
    );
  });

  it('shows each connected mailbox and how far its first sort has come', () => {
    const home = addon.onHomepage(world.event());
    const text = visibleText(home);
    expect(text).toContain('Mailbox sync');
    expect(text).toContain('Gmail · me@example.com');
    expect(text).toContain('Sorting your last 14 days: 120 of 400');
    expect(text).toMatch(/Last checked (just now|\d+ min ago)/);
    expect(text).not.toContain('Reconnect needed');
    expect(buttons(home).map((b) => b.text)).toEqual(['Ask', 'Open', 'Save as a draft to me', 'Settings', 'Refresh']);
  });

  it('warns when Steward lost access to a mailbox, and "Reconnect" opens the consent page', async () => {
    await control({
      'GET /v1/sync/status': {
        status: 200,
        body: {
          mailboxes: [
            {
              id: 'mbx-1',
              provider: 'gmail',
              address: 'me@example.com',
              status: 'needs_reauth',
              statusReason: "The provider rejected Steward's access (expired or revoked). Reconnect the mailbox.",
              phase: 'live',
              backfill: { total: 400, done: 400, startedAt: null, finishedAt: null },
              processed: 400,
              lastSyncAt: null,
              lastError: null,
            },
          ],
        },
      },
    });
    const home = addon.onHomepage(world.event());
    const text = visibleText(home);
    expect(text).toContain('Paused: Steward lost access');
    expect(text).toContain(
      '<font color="#b3261e"><b>Reconnect needed.</b> The provider rejected Steward\'s access (expired or revoked). Reconnect the mailbox.</font>',
    );
    expect(text).not.toContain('Connect Gmail for background sorting');
    const reconnect = button(home, 'Reconnect');
    expect(reconnect).toMatchObject({
      functionName: 'onReconnectMailbox',
      parameters: { provider: 'google' },
      opensLink: true,
      primary: true,
    });

    const response = addon.onReconnectMailbox(world.event(undefined, { parameters: reconnect.parameters }));
    expect(json(response)).toMatchObject({
      kind: 'ActionResponse',
      openLink: {
        kind: 'OpenLink',
        url: expect.stringMatching(/^https:\/\/accounts\.google\.com\/o\/oauth2\/v2\/auth\?.*state=stub-state/),
        openAs: 'OVERLAY',
        onClose: 'RELOAD',
      },
    });
    const posts = (await stubLog()).log.filter((r) => r.method === 'POST');
    expect(posts).toMatchObject([{ path: '/v1/mailboxes/connect/google', contentType: 'application/json', body: {} }]);
  });

  it('offers "Connect Gmail for background sorting" when no mailbox is connected', async () => {
    await control({ 'GET /v1/sync/status': { status: 200, body: { mailboxes: [] } } });
    const home = addon.onHomepage(world.event());
    expect(visibleText(home)).toContain('<b>No mailbox connected.</b>');
    const connect = button(home, 'Connect Gmail for background sorting');
    expect(connect).toMatchObject({ functionName: 'onConnectGmail', opensLink: true });
    expect(json(addon.onConnectGmail(world.event()))).toMatchObject({
      openLink: { url: expect.stringMatching(/^https:\/\/accounts\.google\.com\//), onClose: 'RELOAD' },
    });
  });

  it('connecting on a server without Gmail sync configured says so and opens nothing', async () => {
    await control({
      'POST /v1/mailboxes/connect/google': {
        status: 503,
        body: {
          error: {
            code: 'sync_not_configured',
            message: 'Gmail sync needs GOOGLE_OAUTH_CLIENT_ID, GOOGLE_OAUTH_CLIENT_SECRET and TOKEN_ENCRYPTION_KEY.',
          },
        },
      },
    });
    const response = json(addon.onConnectGmail(world.event()));
    expect(response).toMatchObject({
      notification: { text: expect.stringContaining('Gmail sync needs GOOGLE_OAUTH_CLIENT_ID') },
    });
    expect(response).not.toHaveProperty('openLink');
  });

  it('refuses to open anything but an https link from the connect route', async () => {
    await control({
      'POST /v1/mailboxes/connect/google': { status: 200, body: { authorizationUrl: 'javascript:alert(1)' } },
    });
    expect(json(addon.onConnectGmail(world.event()))).toMatchObject({
      notification: { text: 'The Steward server did not send a sign-in link.' },
    });
  });

  it('an older server without mailbox sync (404) shows nothing about it', async () => {
    await control({
      'GET /v1/sync/status': { status: 404, body: { error: { code: 'not_found', message: 'Route not found' } } },
      'GET /v1/briefing': { status: 404, body: { error: { code: 'not_found', message: 'Route not found' } } },
    });
    const home = addon.onHomepage(world.event());
    const text = visibleText(home);
    expect(text).not.toMatch(/Mailbox sync|mailbox connected|Connect Gmail|could not be loaded|Briefing/);
    // The Ask box stays: on a server without it, asking says the server needs an update (a 404 in words).
    expect(nodes(home, 'CardSection').map((s) => s.header)).toEqual([
      'Status',
      'Ask Steward',
      'Your voice',
      'Working hours',
    ]);
    expect(text).toContain('Greeting: “Hi {name},”');
  });

  it('a failing sync status says why, and the rest of the homepage still shows', async () => {
    await control({ 'GET /v1/sync/status': { status: 500 } });
    const text = visibleText(addon.onHomepage(world.event()));
    expect(text).toContain('Sync status could not be loaded: Steward hit an internal error.');
    expect(text).toContain('Mon–Thu 09:00–17:00');
  });

  it('shows the default display name, then the one from settings once it is known', async () => {
    addon.onHomepage(world.event());
    expect(visibleText(addon.onGmailMessage(world.event(QUESTION.id)))).toContain('<b>To respond</b>');
    await rename('Reply needed');
    try {
      addon.onHomepage(world.event());
      expect(visibleText(addon.onGmailMessage(world.event(QUESTION.id)))).toContain('<b>Reply needed</b>');
    } finally {
      await rename('To respond');
    }
  });

  it('saves working hours typed by the user, and refuses nonsense with a reason', async () => {
    const opened = addon.onOpenSettings(world.event());
    const fields = nodes(opened, 'TextInput');
    expect(fields.find((f) => f.fieldName === 'hours_fri')?.value).toBe('09:00-13:00');
    expect(fields.find((f) => f.fieldName === 'hours_sat')?.value).toBeUndefined();

    const form = {
      timeZone: 'Europe/Lisbon',
      hours_mon: '08:00-12:00, 13:00-16:00',
      hours_tue: '9:00-17:00',
      hours_wed: '',
      hours_thu: 'off',
      hours_fri: '09:00-13:00',
      hours_sat: '',
      hours_sun: '',
    };
    const bad = addon.onSaveSettings(world.event(undefined, { form: { ...form, hours_tue: '17-9' } }));
    expect(json(bad)).toMatchObject({ notification: { text: 'Tuesday: "17-9" is not a range like 09:00-17:00.' } });
    const badZone = addon.onSaveSettings(world.event(undefined, { form: { ...form, timeZone: 'Mars/Olympus' } }));
    expect(json(badZone)).toMatchObject({ notification: { text: expect.stringContaining('is not a time zone') } });

    const ok = addon.onSaveSettings(world.event(undefined, { form }));
    expect(json(ok)).toMatchObject({ notification: { text: 'Settings saved.' } });
    const put = (await stubLog()).log.filter((r) => r.method === 'PUT');
    expect(put).toHaveLength(1);
    expect(put[0]?.body).toEqual({
      timeZone: 'Europe/Lisbon',
      workingHours: {
        mon: [
          { start: '08:00', end: '12:00' },
          { start: '13:00', end: '16:00' },
        ],
        tue: [{ start: '09:00', end: '17:00' }],
        wed: [],
        thu: [],
        fri: [{ start: '09:00', end: '13:00' }],
        sat: [],
        sun: [],
      },
    });
  });

  it('the Settings menu item shows the settings card', () => {
    expect(json(addon.onShowSettings(world.event()))).toMatchObject({
      kind: 'UniversalActionResponse',
      displayAddOnCards: [{ kind: 'Card', name: 'settings' }],
    });
  });
});

describe('compose', () => {
  it('offers to draft for the message the user last opened and inserts the draft into the open reply', async () => {
    expect(visibleText(addon.onGmailCompose(world.event()))).toContain('Open a message, then reply to it');
    addon.onGmailMessage(world.event(QUESTION.id));
    const [card] = addon.onGmailCompose(world.event());
    expect(visibleText(card)).toContain('Q3 numbers and a quick call');
    const insert = button(card, 'Insert draft');
    const response = addon.onInsertDraft(
      world.event(undefined, { parameters: insert.parameters, form: { instruction: 'more formal' } }),
    );
    expect(json(response)).toMatchObject({
      kind: 'UpdateDraftActionResponse',
      updateDraftBodyAction: {
        updateType: 'IN_PLACE_INSERT',
        updateContents: [[expect.stringContaining('(more formal)'), 'MUTABLE_HTML']],
      },
    });
    expect(buttons(card).map((b) => b.text)).toEqual(['Insert draft', 'Insert times']);
    const times = addon.onInsertTimesInCompose(world.event(undefined, { parameters: insert.parameters }));
    expect(json(times)).toMatchObject({
      updateDraftBodyAction: { updateContents: [[expect.stringContaining('Tue 25 Mar, 14:00 CET'), 'MUTABLE_HTML']] },
    });
  });
});

describe('inbox dashboard on the homepage', () => {
  const days = Array.from({ length: 14 }, (_, i) => ({
    day: new Date(Date.UTC(2026, 2, 1 + i)).toISOString().slice(0, 10),
    counts: { to_respond: 2, marketing: i % 2 ? 4 : 0, fyi: 1 },
  }));
  const STATS = {
    from: '2026-03-01',
    to: '2026-03-14',
    perDay: days,
    totals: { to_respond: 28, marketing: 28, fyi: 14, comment: 0 },
    replies: { sent: 23, medianMinutes: 95 },
    awaitingReply: [
      { bucket: '<1d', threads: 4 },
      { bucket: '1-3d', threads: 3 },
      { bucket: '3-7d', threads: 2 },
      { bucket: '7-14d', threads: 1 },
      { bucket: '>14d', threads: 0 },
    ],
    drafts: { created: 12, used: 9, discarded: 2 },
    model: { calls: 140, promptTokens: 1, completionTokens: 1, costUsd: 0.04 },
  };
  const SENDER = {
    id: 's-1',
    address: 'news@cloudly.example',
    name: 'Cloudly <Deals>',
    category: 'marketing',
    messages: 31,
    firstSeen: '2026-01-02T08:00:00Z',
    lastSeen: '2026-03-14T08:00:00Z',
    unsubscribe: 'one_click',
    unsubscribedAt: null,
  };

  it('draws mail per category as coloured text bars, with replies, waiting threads, drafts and model use', async () => {
    await control({
      'GET /v1/stats': { status: 200, body: STATS, times: 5 },
      'GET /v1/senders': { status: 200, body: { senders: [SENDER] }, times: 5 },
    });
    await rename('Reply needed');
    let home: ReturnType<typeof addon.onHomepage>;
    try {
      home = addon.onHomepage(world.event());
    } finally {
      await rename('To respond');
    }
    const text = visibleText(home);
    expect(nodes(home, 'CardSection').map((s) => s.header)).toContain('Your inbox, last 14 days');
    // Renamed categories keep the user's name; the largest category gets the full bar.
    expect(text).toContain('Reply needed');
    expect(text).toContain('<font color="#c50f1f">████████████</font> 28');
    expect(text).toContain('<font color="#038387">██████</font> 14');
    expect(text).not.toContain('Comment');
    expect(text).toContain('Replies sent: 23 · median time to reply 1 h 35 min');
    expect(text).toContain('Waiting for a reply: 10 threads (1 older than a week)');
    expect(text).toContain('Drafts used: 9 of 12');
    expect(text).toContain('Model calls: 140 · $0.04');
    expect(text).toContain('Cloudly &lt;Deals&gt;');
    expect(button(home, 'Unsubscribe')).toMatchObject({
      functionName: 'onUnsubscribe',
      parameters: { senderId: 's-1' },
    });
    const gets = (await stubLog()).log.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(gets).toContain('/v1/stats');
    expect((await stubLog()).log.some((r) => r.path.endsWith('/unsubscribe'))).toBe(false);
  });

  it('"Unsubscribe" posts the confirmation only on the click, and opens the web page when that is all there is', async () => {
    await control({
      'POST /v1/senders/s-1/unsubscribe': { status: 200, body: { method: 'one_click', status: 'unsubscribed' } },
    });
    const done = json(addon.onUnsubscribe(world.event(undefined, { parameters: { senderId: 's-1' } })));
    expect(done).toMatchObject({ notification: { text: 'Unsubscribed.' } });
    const posts = (await stubLog()).log.filter((r) => r.method === 'POST');
    expect(posts).toMatchObject([{ path: '/v1/senders/s-1/unsubscribe', body: { confirm: true } }]);

    await control({
      'POST /v1/senders/s-1/unsubscribe': {
        status: 200,
        body: { method: 'web', status: 'open_link', url: 'https://cloudly.example/preferences' },
      },
    });
    const open = json(addon.onUnsubscribe(world.event(undefined, { parameters: { senderId: 's-1' } })));
    expect(open).toMatchObject({ openLink: { url: 'https://cloudly.example/preferences' } });

    await control({
      'POST /v1/senders/s-1/unsubscribe': {
        status: 409,
        body: { error: { code: 'not_marketing', message: 'This sender is filed as fyi, not marketing.' } },
      },
    });
    const refused = json(addon.onUnsubscribe(world.event(undefined, { parameters: { senderId: 's-1' } })));
    expect(refused).toMatchObject({ notification: { text: expect.stringContaining('not marketing') } });
  });

  it('a server without the dashboard (404) shows nothing about it', () => {
    const home = addon.onHomepage(world.event());
    expect(nodes(home, 'CardSection').map((s) => s.header)).not.toContain('Your inbox, last 14 days');
  });
});
