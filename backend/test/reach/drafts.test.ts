import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/database.ts';
import { buildTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import { type FakeOpenAi, reply, script, startFakeOpenAi } from '../support/fake-openai.ts';
import { type FakeReach, HUBSPOT_TOKEN, startFakeReach } from '../support/fake-reach.ts';

const ask = {
  id: 'm-renewal',
  from: 'Dana Smith <dana@acme.example>',
  to: ['me@steward.example'],
  subject: 'Renewal',
  date: '2026-03-02T10:00:00Z',
  text: 'Hi,\n\nWhere are we on the renewal? Could you send me the terms?\n\nThanks,\nDana',
};

describe('CRM facts in model drafts', () => {
  let openai: FakeOpenAi;
  let crm: FakeReach;
  let storage: Storage;
  let app: FastifyInstance;
  beforeAll(async () => {
    openai = await startFakeOpenAi(
      script([
        reply.text("Thanks Dana. The ACME renewal is with me; I'll send the terms. [confirm: the renewal terms]"),
      ]),
    );
    crm = await startFakeReach();
    storage = await testDatabases()[0]!.open();
    app = await buildTestApp(
      storage,
      {
        AI_PROVIDER: 'openai',
        OPENAI_BASE_URL: openai.url,
        OPENAI_API_KEY: 'test',
        OPENAI_TIMEOUT_MS: '5000',
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      },
      { reach: { redirect: crm.redirect } },
    );
  });
  afterAll(async () => {
    await app?.close();
    await storage?.close();
    await crm?.close();
    await openai?.close();
  });

  it("the model is given the sender's contact, owner and open deal as facts it may cite; without a CRM, none", async () => {
    const without = await app.inject({ method: 'POST', url: '/v1/drafts', payload: { message: ask } });
    expect(without.statusCode).toBe(200);
    expect(openai.requests[0]?.userText).not.toMatch(/CRM/);

    const connected = await app.inject({
      method: 'PUT',
      url: '/v1/admin/crm',
      payload: { provider: 'hubspot', token: HUBSPOT_TOKEN },
    });
    expect(connected.statusCode).toBe(200);
    const res = await app.inject({ method: 'POST', url: '/v1/drafts', payload: { message: { ...ask, id: 'm-2' } } });
    expect(res.statusCode).toBe(200);
    // Facts are data like the thread: spotlighted and datamarked (spaces become ˆ).
    const prompt = (openai.requests[1]?.userText ?? '').replace(/ˆ/g, ' ');
    expect(prompt).toContain("Facts about the sender from the organisation's CRM");
    expect(prompt).toContain("Open deal 'ACME renewal' at stage Negotiation, amount 48000, closing 2026-04-30.");
    expect(prompt).toContain('Their account owner is Olivia Owner.');
    expect(prompt).not.toContain('ACME pilot');
  });
});

describe('CRM facts in local drafts', () => {
  let crm: FakeReach;
  let storage: Storage;
  let app: FastifyInstance;
  beforeAll(async () => {
    crm = await startFakeReach();
    storage = await testDatabases()[0]!.open();
    app = await buildTestApp(
      storage,
      { TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex') },
      { reach: { redirect: crm.redirect } },
    );
  });
  afterAll(async () => {
    await app?.close();
    await storage?.close();
    await crm?.close();
  });
  const draft = async (message: object) => {
    const res = await app.inject({ method: 'POST', url: '/v1/drafts', payload: { message } });
    expect(res.statusCode).toBe(200);
    return res.json() as { text: string; placeholders: string[] };
  };

  it('greets by the contact name and names the deal in the placeholder, never in the reply itself', async () => {
    // A bare address: no name to greet by until the CRM says who it is.
    const bare = {
      ...ask,
      from: 'dana@acme.example',
      text: 'Hi,\n\nWhere are we on the renewal? Could you send me the terms?',
    };
    const before = await draft({ ...bare, id: 'local-1' });
    expect(before.text).not.toMatch(/Dana/);
    expect(before.text).not.toMatch(/open deal/);

    await app.inject({ method: 'PUT', url: '/v1/admin/crm', payload: { provider: 'hubspot', token: HUBSPOT_TOKEN } });
    const after = await draft({ ...bare, id: 'local-2' });
    expect(after.text.split('\n')[0]).toMatch(/Dana/);
    expect(after.placeholders.join(' ')).toContain("open deal 'ACME renewal', stage Negotiation");
    // Outside the placeholders the reply carries no CRM fact: no stage, amount or owner.
    const outside = after.text.replace(/\[confirm:[^\]]*\]/g, '');
    expect(outside).not.toMatch(/Negotiation|48000|Olivia|open deal/);

    // A message about something else from the same contact: no deal is named.
    const other = await draft({
      ...bare,
      id: 'local-3',
      subject: 'Parking',
      text: 'Hi,\n\nCould you send me the parking instructions for Tuesday?',
    });
    expect(other.text).not.toMatch(/open deal/);
    expect(other.text.split('\n')[0]).toMatch(/Dana/);
  });
});
