/**
 * Ask Steward in the Gmail add-on, run from source against the scripted Steward API over real HTTP: the Ask
 * box and its answer card with cited sources that open in Gmail, the briefing on the homepage and as a draft
 * to self (a Gmail draft, never sent), "Summarise thread" on the message card, and every error state.
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
  navigation,
  nodes,
  visibleText,
  type World,
} from './fakes/index.ts';
import { MAILBOX, OWNER, QUESTION } from './fixtures.ts';
import { type ChildServer, getJson, startChildServer } from './servers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const PUBLIC = 'https://steward.test/';

let stub: ChildServer;
let world: World;
let restore: () => void;

// biome-ignore lint/suspicious/noExplicitAny: request bodies as the stub server logged them
type Logged = any;
const stubLog = () => getJson<{ log: { method: string; path: string; body: Logged }[] }>(`${stub.url}/__log`);
const control = (failures: Record<string, { status: number; body?: unknown; times?: number }>) =>
  fetch(`${stub.url}/__control`, { method: 'POST', body: JSON.stringify(failures) });

const INDEX_OFF = {
  status: 409,
  body: { error: { code: 'mail_index_off', message: 'Ask Steward searches your mail index, which is off.' } },
};

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

const pushed = (response: unknown) => {
  const steps = navigation(response);
  expect(steps[0]?.op).toBe('pushCard');
  return steps[0]?.arg;
};

describe('Ask Steward', () => {
  it('has an Ask box on the homepage; the answer card quotes each source and opens it in Gmail', async () => {
    const home = addon.onHomepage(world.event());
    expect(visibleText(home)).toContain('Ask about your mail');
    expect(button(home, 'Ask').functionName).toBe('onAsk');

    const card = pushed(addon.onAsk(world.event(undefined, { form: { question: '  what is the renewal price?  ' } })));
    const { log } = await stubLog();
    expect(log.filter((r) => r.path === '/v1/ask').map((r) => r.body)).toEqual([
      { question: 'what is the renewal price?' },
    ]);
    const text = visibleText(card);
    // Escaped: mail is text, never card markup.
    expect(text).toContain('“The renewal price is 42,000 EUR &lt;net&gt;.”');
    expect(text).toContain('[1] Renewal &lt;terms&gt;');
    expect(text).toContain('Dana Cole &lt;dana@fabrikam.example&gt; · 1 Mar 2025');
    expect(text).toContain('Quoted from your mail');
    const links = buttons(card)
      .filter((b) => b.url)
      .map((b) => b.url);
    // The server's Gmail link as it is; a link outside Gmail and Outlook is never opened: the message id instead.
    expect(links).toEqual([
      'https://mail.google.com/mail/u/0/#all/18f0thread-renewal',
      'https://mail.google.com/mail/u/0/#all/18f0pricing',
    ]);
    // The Ask box again under the answer, holding the question.
    expect(visibleText(card)).toContain('what is the renewal price?');
    expect(button(card, 'Ask').functionName).toBe('onAsk');
  });

  it('does not send an empty question, nor one over 10,000 characters', async () => {
    expect(visibleText(addon.onAsk(world.event(undefined, { form: { question: '   ' } })))).toContain(
      'Type a question first.',
    );
    expect(visibleText(addon.onAsk(world.event(undefined, { form: { question: 'x'.repeat(10_001) } })))).toContain(
      'too long',
    );
    const { log } = await stubLog();
    expect(log.some((r) => r.path === '/v1/ask')).toBe(false);
  });

  it('says plainly when nothing in the index answers', async () => {
    await control({
      'POST /v1/ask': {
        status: 200,
        body: {
          answer: 'I could not find this in your indexed mail.',
          citations: [],
          confidence: 0,
          found: false,
          engine: 'local',
          window: { start: '2025-02-24T00:00:00Z', end: '2025-03-03T00:00:00Z', text: 'last week' },
        },
      },
    });
    const card = pushed(addon.onAsk(world.event(undefined, { form: { question: 'hockey final last week?' } })));
    expect(visibleText(card)).toContain('I could not find this in your indexed mail.');
    expect(visibleText(card)).toContain('last week');
    expect(visibleText(card)).not.toContain('Sources');
  });

  it('offers to turn the index on when it is off, and then answers the same question', async () => {
    await control({ 'POST /v1/ask': INDEX_OFF });
    const card = pushed(addon.onAsk(world.event(undefined, { form: { question: 'when is the Q3 review?' } })));
    expect(visibleText(card)).toContain('Ask Steward is off');
    const turnOn = button(card, 'Turn on Ask Steward');
    expect(turnOn).toMatchObject({
      functionName: 'onEnableMailIndex',
      parameters: { view: 'ask', question: 'when is the Q3 review?' },
    });
    // Nothing is turned on until the user clicks.
    expect((await stubLog()).log.some((r) => r.method === 'PUT')).toBe(false);

    const response = addon.onEnableMailIndex(world.event(undefined, { parameters: turnOn.parameters }));
    const { log } = await stubLog();
    expect(log.filter((r) => r.method === 'PUT').map((r) => r.body)).toEqual([{ mailIndex: true }]);
    expect(visibleText(response)).toContain('Ask Steward is on');
    const steps = navigation(response);
    expect(steps[0]?.op).toBe('updateCard');
    expect(visibleText(steps[0]?.arg)).toContain('42,000 EUR');
  });

  it('shows a server failure on the error card, and "Try again" asks again', async () => {
    await control({
      'POST /v1/ask': { status: 503, body: { error: { code: 'unavailable', message: 'Starting up.' } } },
    });
    const card = pushed(addon.onAsk(world.event(undefined, { form: { question: 'renewal price?' } })));
    expect(visibleText(card)).toContain('Starting up.');
    const retry = button(card, 'Try again');
    expect(retry.parameters).toEqual({ view: 'ask', question: 'renewal price?' });
    const again = navigation(addon.onRetry(world.event(undefined, { parameters: retry.parameters })));
    expect(visibleText(again[0]?.arg)).toContain('42,000 EUR');
  });
});

describe('the morning briefing', () => {
  it('is on the homepage, each thread opening in Gmail', () => {
    const home = addon.onHomepage(world.event());
    const text = visibleText(home);
    expect(text).toContain('Briefing for 2025-03-03: needs your reply (1)');
    expect(text).toContain('High priority');
    expect(text).toContain('Alice Okafor · 2 days');
    expect(text).toContain('No reply is overdue.');
    expect(text).toContain('No calendar is connected');
    expect(button(home, 'Open').url).toBe('https://mail.google.com/mail/u/0/#all/thread-q3');
  });

  it('"Save as a draft to me" leaves a Gmail draft to the user, and nothing is sent', async () => {
    const home = addon.onHomepage(world.event());
    const save = button(home, 'Save as a draft to me');
    expect(save).toMatchObject({ functionName: 'onBriefingDraft', compose: true });
    const response = addon.onBriefingDraft(world.event());
    expect(nodes(response, 'ComposeActionResponse')).toHaveLength(1);
    const draft = world.GmailApp.drafts.at(-1);
    expect(draft).toMatchObject({
      kind: 'standalone',
      to: [OWNER.toLowerCase()],
      subject: 'Steward briefing for 2025-03-03',
    });
    expect(draft?.body).toContain('Q3 numbers and a quick call — Alice Okafor, 2 days');
  });

  it('a failing briefing says why, and the rest of the homepage still shows', async () => {
    await control({
      'GET /v1/briefing': { status: 500, body: { error: { code: 'internal', message: 'Database down.' } } },
    });
    const text = visibleText(addon.onHomepage(world.event()));
    expect(text).toContain('The briefing could not be loaded: Database down.');
    expect(text).toContain('Ask about your mail');
    expect(text).toContain('Working hours');
  });

  it('a server without the briefing (404) leaves it out', async () => {
    await control({ 'GET /v1/briefing': { status: 404, body: { error: { code: 'not_found', message: 'No route' } } } });
    const text = visibleText(addon.onHomepage(world.event()));
    expect(text).not.toContain('Briefing');
    expect(text).toContain('Ask about your mail');
  });

  it('a draft that cannot be made is a notification', async () => {
    await control({
      'GET /v1/briefing': { status: 503, body: { error: { code: 'unavailable', message: 'Starting up.' } } },
    });
    expect(visibleText(addon.onBriefingDraft(world.event()))).toContain('Starting up.');
    expect(world.GmailApp.drafts).toEqual([]);
  });
});

describe('"Summarise thread"', () => {
  it('is on the message card and shows who wants what and decisions, each with its quote', async () => {
    const [card] = addon.onGmailMessage(world.event(QUESTION.id));
    const summarise = button(card, 'Summarise thread');
    expect(summarise).toMatchObject({ functionName: 'onSummariseThread', parameters: { threadId: QUESTION.threadId } });
    const summary = pushed(addon.onSummariseThread(world.event(QUESTION.id, { parameters: summarise.parameters })));
    const { log } = await stubLog();
    expect(log.filter((r) => r.path === '/v1/threads/summary').map((r) => r.body)).toEqual([
      { threadId: QUESTION.threadId },
    ]);
    const text = visibleText(summary);
    expect(text).toContain('Who wants what');
    expect(text).toContain('the Q3 numbers by Friday');
    expect(text).toContain('“Could you send the Q3 numbers by Friday?”');
    expect(text).toContain('Decisions');
    expect(text).not.toContain('Open questions');
    expect(buttons(summary).every((b) => b.url.startsWith('https://mail.google.com/mail/u/0/#all/'))).toBe(true);
  });

  it('says when the thread is not indexed', async () => {
    await control({
      'POST /v1/threads/summary': {
        status: 404,
        body: { error: { code: 'not_found', message: 'No indexed thread.' } },
      },
    });
    const card = pushed(addon.onSummariseThread(world.event(QUESTION.id, { parameters: { threadId: 't-x' } })));
    expect(visibleText(card)).toContain('This thread is not in your index yet.');
  });

  it('offers to turn the index on, then summarises', async () => {
    await control({ 'POST /v1/threads/summary': INDEX_OFF });
    const card = pushed(addon.onSummariseThread(world.event(QUESTION.id, { parameters: { threadId: 'thread-q3' } })));
    const turnOn = button(card, 'Turn on Ask Steward');
    expect(turnOn.parameters).toEqual({ view: 'summary', threadId: 'thread-q3' });
    const steps = navigation(addon.onEnableMailIndex(world.event(undefined, { parameters: turnOn.parameters })));
    expect(visibleText(steps[0]?.arg)).toContain('Who wants what');
  });

  it('shows other failures on the error card with "Try again"', async () => {
    await control({
      'POST /v1/threads/summary': { status: 500, body: { error: { code: 'internal', message: 'Broken.' } } },
    });
    const card = pushed(addon.onSummariseThread(world.event(QUESTION.id, { parameters: { threadId: 'thread-q3' } })));
    expect(visibleText(card)).toContain('Broken.');
    expect(button(card, 'Try again').parameters).toEqual({ view: 'summary', threadId: 'thread-q3' });
  });
});

describe('Ask Steward in Settings', () => {
  /** The settings card's Ask Steward switch, as Gmail renders it: on when its one item is selected. */
  const switchOf = (card: unknown) => {
    const input = nodes(card, 'SelectionInput').find((n) => n.fieldName === 'mailIndex');
    expect(input?.type).toBe('SWITCH');
    expect((input?.onChangeAction as { functionName?: string } | null)?.functionName).toBe('onToggleMailIndex');
    const [item] = (input?.items ?? []) as [string, string, boolean][];
    return { value: item?.[1], on: item?.[2] === true };
  };
  const settingsShown = (response: unknown) => {
    const steps = navigation(response);
    expect(steps[0]?.op).toBe('updateCard');
    return steps[0]?.arg;
  };
  /** The stub server keeps settings between tests: each starts with the index off. */
  const resetIndexSetting = () =>
    fetch(`${stub.url}/v1/settings`, {
      method: 'PUT',
      headers: { authorization: 'Bearer test' },
      body: JSON.stringify({ mailIndex: false }),
    });
  const putBodies = async () =>
    (await stubLog()).log.filter((r) => r.method === 'PUT' && r.path === '/v1/settings').map((r) => r.body);

  it('turns the index on and off from Settings (off deletes it)', async () => {
    await resetIndexSetting();
    await control({});
    const opened = addon.onOpenSettings(world.event());
    expect(switchOf(navigation(opened)[0]?.arg)).toEqual({ value: 'on', on: false });

    // Gmail sends the switch's value while it is on, and leaves the field out once it is off.
    const on = addon.onToggleMailIndex(world.event(undefined, { form: { mailIndex: 'on' } }));
    expect(visibleText(on)).toContain('Ask Steward is on');
    expect(switchOf(settingsShown(on)).on).toBe(true);
    const off = addon.onToggleMailIndex(world.event(undefined, { form: {} }));
    expect(visibleText(off)).toContain('Ask Steward is off. Your mail index is deleted.');
    expect(switchOf(settingsShown(off)).on).toBe(false);
    expect(await putBodies()).toEqual([{ mailIndex: true }, { mailIndex: false }]);
  });

  it('keeps the switch as the server has it when saving fails', async () => {
    await resetIndexSetting();
    await control({
      'PUT /v1/settings': { status: 503, body: { error: { code: 'unavailable', message: 'Starting up.' } } },
    });
    const response = addon.onToggleMailIndex(world.event(undefined, { form: { mailIndex: 'on' } }));
    expect(visibleText(response)).toContain('Starting up.');
    expect(switchOf(settingsShown(response)).on).toBe(false);
  });

  it('sets the hour of the morning briefing draft to self, or none', async () => {
    await control({});
    const card = navigation(addon.onOpenSettings(world.event()))[0]?.arg;
    const hour = nodes(card, 'SelectionInput').find((n) => n.fieldName === 'briefingDraftHour');
    expect(hour?.type).toBe('DROPDOWN');
    expect((hour?.onChangeAction as { functionName?: string } | null)?.functionName).toBe('onSetBriefingHour');
    expect(((hour?.items ?? []) as [string, string, boolean][]).map((i) => i[1])).toEqual([
      'off',
      ...Array.from({ length: 24 }, (_, h) => String(h)),
    ]);
    expect(visibleText(card)).toContain('It is never sent.');

    const seven = addon.onSetBriefingHour(world.event(undefined, { form: { briefingDraftHour: '7' } }));
    expect(visibleText(seven)).toContain('each morning at 07:00');
    const shown = nodes(settingsShown(seven), 'SelectionInput').find((n) => n.fieldName === 'briefingDraftHour');
    expect(((shown?.items ?? []) as [string, string, boolean][]).filter((i) => i[2]).map((i) => i[1])).toEqual(['7']);
    const none = addon.onSetBriefingHour(world.event(undefined, { form: { briefingDraftHour: 'off' } }));
    expect(visibleText(none)).toContain('No morning briefing draft.');
    expect(await putBodies()).toEqual([{ briefingDraftHour: 7 }, { briefingDraftHour: null }]);
  });
});
