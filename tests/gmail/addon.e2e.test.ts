/**
 * End to end: the built dist/Code.js (in a V8 context with the Apps Script fakes) against the real Steward
 * backend (child process, embedded PostgreSQL), authenticated with Google ID tokens minted by a test key
 * that the backend verifies through its configurable certificate URL.
 */
import { CATEGORY_LABELS, type CategoryId } from '@steward/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { button, json, navigation, visibleText } from '../../gmail-addon/test/fakes/index.ts';
import { MAILBOX, NEWSLETTER, ONE_TO_ONE, OWNER, QUESTION } from '../../gmail-addon/test/fixtures.ts';
import {
  api,
  type Backend,
  type Built,
  buildAddOn,
  CLIENT_ID,
  gmailUser,
  SYNC_OAUTH_CLIENT_ID,
  startBackend,
} from './support/harness.ts';

const ME = { email: OWNER, sub: '110000000000000000001', name: 'Sam Example' };

let backend: Backend;
let built: Built;
let user: ReturnType<typeof gmailUser>;

beforeAll(async () => {
  [backend, built] = await Promise.all([startBackend(), buildAddOn()]);
  user = gmailUser(built, backend, ME, MAILBOX);
});

afterAll(async () => {
  await user?.world.close();
  await backend?.stop();
  built?.cleanup();
});

// biome-ignore lint/suspicious/noExplicitAny: a JSON answer from the backend, read field by field
type Answer = { status: number | undefined; body: any };
function lastResponse(path: string): Answer {
  return lastOf(user, path);
}
function lastOf(who: { world: typeof user.world }, path: string): Answer {
  const r = [...who.world.UrlFetchApp.requests].reverse().find((q) => q.url.endsWith(path));
  if (!r) throw new Error(`no request to ${path}`);
  return { status: r.status, body: r.responseText ? JSON.parse(r.responseText) : null };
}

describe('identity', () => {
  it('the backend verifies the identity token the add-on sends and knows the user', async () => {
    const home = user.fn('onHomepage')(user.world.event());
    expect(visibleText(home)).toContain(OWNER);
    expect(user.world.ScriptApp.identityCalls).toBeGreaterThan(0);
    const me = await api<{ provider: string; email: string; localMode: boolean }>(
      backend,
      user.token(),
      'GET',
      '/v1/me',
    );
    expect(me).toMatchObject({ status: 200, body: { provider: 'google', email: OWNER, localMode: false } });
  });

  it('a token signed by another key, or for another client id, is refused and the card says why', async () => {
    const stranger = (await import('../../gmail-addon/test/fakes/index.ts')).createTestIssuer();
    const forged = stranger.mint({ clientId: CLIENT_ID, email: OWNER, sub: ME.sub });
    expect((await api(backend, forged, 'GET', '/v1/me')).status).toBe(401);
    const otherAudience = backend.issuer.mint({
      clientId: 'someone-else.apps.googleusercontent.com',
      email: OWNER,
      sub: ME.sub,
    });
    expect((await api(backend, otherAudience, 'GET', '/v1/me')).status).toBe(401);

    const intruder = gmailUser(built, { ...backend, issuer: stranger }, ME, MAILBOX);
    try {
      const text = visibleText(intruder.fn('onHomepage')(intruder.world.event()));
      expect(text).toContain('Steward couldn’t finish');
      expect(text).toMatch(/HTTP 401/);
    } finally {
      await intruder.world.close();
    }
  });
});

describe('mailbox sync on the homepage', () => {
  it('with no mailbox connected the homepage says so, and "Connect Gmail" opens Google\'s consent page', () => {
    const home = user.fn('onHomepage')(user.world.event());
    expect(lastResponse('/v1/sync/status')).toEqual({ status: 200, body: { mailboxes: [] } });
    const text = visibleText(home);
    expect(text).toContain('Mailbox sync');
    expect(text).toContain('<b>No mailbox connected.</b>');
    expect(text).not.toContain('Reconnect needed');

    const connect = button(home, 'Connect Gmail for background sorting');
    expect(connect).toMatchObject({ functionName: 'onConnectGmail', opensLink: true });
    const response = json(
      user.fn(connect.functionName)(user.world.event(undefined, { parameters: connect.parameters })),
    );
    expect(lastResponse('/v1/mailboxes/connect/google').status).toBe(200);
    expect(response).toMatchObject({ kind: 'ActionResponse', openLink: { openAs: 'OVERLAY', onClose: 'RELOAD' } });
    const opened = new URL((response as { openLink: { url: string } }).openLink.url);
    expect(`${opened.origin}${opened.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(opened.searchParams)).toMatchObject({
      client_id: SYNC_OAUTH_CLIENT_ID,
      access_type: 'offline',
      code_challenge_method: 'S256',
      login_hint: OWNER,
      state: expect.stringMatching(/^[\w-]{20,}$/),
      redirect_uri: expect.stringMatching(/\/oauth\/callback\/google$/),
    });
    // Apps Script only opens links under the manifest's openLinkUrlPrefixes.
    expect(built.manifest.addOns.common.openLinkUrlPrefixes.some((p) => opened.href.startsWith(p))).toBe(true);
  });
});

describe('the open message', () => {
  it('the contextual trigger shows the category the backend gave', () => {
    const card = user.fn('onGmailMessage')(user.world.event(QUESTION.id));
    const triage = lastResponse('/v1/triage');
    expect(triage.status).toBe(200);
    const category = triage.body.category as CategoryId;
    expect(visibleText(card)).toContain(`<b>${CATEGORY_LABELS[category]}</b>`);
    expect(visibleText(card)).toContain(`(${Math.round(triage.body.confidence * 100)}%)`);
    if (triage.body.summary)
      expect(visibleText(card)).toContain(
        triage.body.summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      );
  });

  it('a newsletter is marketing', () => {
    const card = user.fn('onGmailMessage')(user.world.event(NEWSLETTER.id));
    expect(visibleText(card)).toContain(`<b>${CATEGORY_LABELS.marketing}</b>`);
  });

  it('"Create draft reply" creates a Gmail draft in the thread with the backend draft text', () => {
    const card = user.fn('onGmailMessage')(user.world.event(QUESTION.id));
    const create = button(card, 'Create draft reply');
    const response = user.fn(create.functionName)(user.world.event(QUESTION.id, { parameters: create.parameters }));
    expect(json(response)).toMatchObject({
      kind: 'ComposeActionResponse',
      gmailDraft: { kind: 'GmailDraft', threadId: QUESTION.threadId },
    });
    const draft = lastResponse('/v1/drafts');
    expect(draft.status).toBe(200);
    const created = user.world.GmailApp.drafts.at(-1);
    expect(created).toMatchObject({
      threadId: QUESTION.threadId,
      inReplyTo: QUESTION.id,
      body: draft.body.text,
      htmlBody: draft.body.html,
    });
    expect(created?.body.length).toBeGreaterThan(20);
    // Bob was on Cc, so everyone gets the answer.
    expect(created).toMatchObject({ kind: 'replyAll', cc: ['bob@partner.example'] });
  });

  it('"Fix category" stores the correction: the backend files the sender\'s mail that way from now on', async () => {
    const card = user.fn('onGmailMessage')(user.world.event(ONE_TO_ONE.id));
    const before = lastResponse('/v1/triage').body.category as CategoryId;
    const target: CategoryId = before === 'fyi' ? 'notification' : 'fyi';
    const fix = button(card, 'Fix category');
    const opened = user.fn(fix.functionName)(user.world.event(ONE_TO_ONE.id, { parameters: fix.parameters }));
    const save = button(opened, 'Save');
    const response = user.fn(save.functionName)(
      user.world.event(ONE_TO_ONE.id, { parameters: save.parameters, form: { category: target, scope: 'sender' } }),
    );
    expect(lastResponse('/v1/triage/feedback').status).toBe(201);
    expect(json(response)).toMatchObject({
      notification: { text: `Filed as ${CATEGORY_LABELS[target]}. Steward will remember.` },
    });

    // Through the API: the stored result for this message is the user's choice...
    const stored = await api<{ category: string; confidence: number }>(
      backend,
      user.token(),
      'GET',
      `/v1/triage/${ONE_TO_ONE.id}`,
    );
    expect(stored).toMatchObject({ status: 200, body: { category: target, confidence: 1 } });
    // ...and a new message from the same sender now gets the corrected category.
    const next = await api<{ category: string }>(backend, user.token(), 'POST', '/v1/triage', {
      message: {
        id: 'new-from-carol',
        from: { name: 'Carol', address: 'carol@client.example' },
        to: [OWNER],
        subject: 'Another question',
        text: 'Can you confirm the renewal date?',
      },
      me: [OWNER],
    });
    expect(next).toMatchObject({ status: 200, body: { category: target } });
  });

  it('"Suggest times" lists free slots from the backend', () => {
    const card = user.fn('onGmailMessage')(user.world.event(QUESTION.id));
    const suggest = button(card, 'Suggest times');
    const response = user.fn(suggest.functionName)(user.world.event(QUESTION.id, { parameters: suggest.parameters }));
    const result = lastResponse('/v1/scheduling/suggest');
    expect(result.status).toBe(200);
    const shown = navigation(response)[0]?.arg;
    expect(visibleText(shown)).toContain(result.body.slots.length ? 'Option 1' : 'No free time fits');
  });
});

describe('Ask Steward against the real backend', () => {
  it('off until the user turns it on; then a message opened is indexed, answered with its quote, and summarised', async () => {
    // A user of their own: nothing opened before, so nothing cached and nothing indexed.
    const asker = gmailUser(
      built,
      backend,
      { email: 'asker@example.com', sub: '110000000000000000009', name: 'Asker' },
      MAILBOX,
    );
    try {
      const ask = (question: string) =>
        navigation(asker.fn('onAsk')(asker.world.event(undefined, { form: { question } })))[0]?.arg;
      const off = ask('When are the Q3 numbers due?');
      expect(lastOf(asker, '/v1/ask').status).toBe(409);
      const turnOn = button(off, 'Turn on Ask Steward');
      const enabled = asker.fn(turnOn.functionName)(asker.world.event(undefined, { parameters: turnOn.parameters }));
      expect(visibleText(enabled)).toContain('Ask Steward is on');
      // Nothing was indexed before it was on: the index says it cannot answer.
      expect(visibleText(navigation(enabled)[0]?.arg)).toContain('I could not find this in your indexed mail.');

      // Opening the message sends it for triage, which indexes it.
      const [card] = asker.fn('onGmailMessage')(asker.world.event(QUESTION.id)) as unknown[];
      const answer = ask('Could you send the Q3 numbers by Friday?');
      const result = lastOf(asker, '/v1/ask');
      expect(result.status).toBe(200);
      expect(result.body.found).toBe(true);
      expect(result.body.citations[0]).toMatchObject({ messageId: QUESTION.id, threadId: QUESTION.threadId });
      expect(visibleText(answer)).toContain('Q3 numbers by Friday');
      expect(button(answer, 'Open').url).toBe(`https://mail.google.com/mail/u/0/#all/${QUESTION.threadId}`);

      const summarise = button(card, 'Summarise thread');
      const summary = navigation(
        asker.fn(summarise.functionName)(asker.world.event(QUESTION.id, { parameters: summarise.parameters })),
      )[0]?.arg;
      expect(lastOf(asker, '/v1/threads/summary').status).toBe(200);
      expect(visibleText(summary)).toContain('Thread summary');
      expect(visibleText(summary)).toContain('Q3 numbers');

      // The briefing on the homepage comes from the real route too.
      const home = asker.fn('onHomepage')(asker.world.event());
      expect(lastOf(asker, '/v1/briefing').status).toBe(200);
      expect(visibleText(home)).toContain('Briefing for ');
    } finally {
      await asker.world.close();
    }
  });
});

describe('a backend outage', () => {
  it('shows the error card with "Try again" instead of failing the sidebar', async () => {
    const down = gmailUser(built, backend, ME, MAILBOX, 'http://127.0.0.1:9');
    try {
      const card = down.fn('onGmailMessage')(down.world.event(QUESTION.id));
      const text = visibleText(card);
      expect(text).toContain('The Steward server cannot be reached right now.');
      expect(button(card, 'Try again').parameters).toEqual({ view: 'message', messageId: QUESTION.id });
    } finally {
      await down.world.close();
    }
  });

  it('after the server stops, a message not seen before gets the error card; one seen before still shows from the cache', async () => {
    await backend.server.stop();
    const cached = user.fn('onGmailMessage')(user.world.event(QUESTION.id));
    expect(visibleText(cached)).not.toContain('couldn’t finish');
    const fresh = user.fn('onGmailMessage')(user.world.event(MAILBOX[0]?.id));
    expect(visibleText(fresh)).toContain('The Steward server cannot be reached right now.');
  });
});
