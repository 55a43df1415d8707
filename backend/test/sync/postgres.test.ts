import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../../src/storage/database.ts';
import { bearer, buildTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import { startTestIdp, type TestIdp } from '../support/idp.ts';
import { connectMailbox, type Fakes, GMAIL_ADDRESS, ledger, startFakes, waitProcessed } from './harness.ts';

const PUSH_ACCOUNT = 'gmail-push@steward-test.iam.gserviceaccount.com';
const AUDIENCE = 'https://steward.example/webhooks/gmail';
const url = process.env.TEST_DATABASE_URL;
const postgres = testDatabases().find((d) => d.name === 'postgres');

// How Steward scales past one machine: stateless processes, PostgreSQL (pg-boss) as the shared engine.
describe.skipIf(!url || !postgres)('two Steward instances with workers on one PostgreSQL (pg-boss)', () => {
  let storageA: Storage;
  let storageB: Storage;
  let idp: TestIdp;
  let fakes: Fakes;
  let apps: FastifyInstance[] = [];

  beforeAll(async () => {
    storageA = await postgres!.open();
    storageB = await openStorage({ databaseUrl: url!, schema: storageA.schema, poolSize: 4 });
    idp = await startTestIdp();
    fakes = await startFakes();
    const env = {
      ...idp.env,
      ...fakes.env,
      DATABASE_URL: url!,
      GMAIL_PUSH_SERVICE_ACCOUNT: PUSH_ACCOUNT,
      SYNC_WORKER: 'on',
    };
    apps = [await buildTestApp(storageA, env), await buildTestApp(storageB, env)];
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await storageB?.close();
    await storageA?.close();
    await fakes?.close();
    await idp?.close();
  });

  it('notifications landing on either instance: every message processed exactly once', async () => {
    expect(apps.map((a) => a.sync.queue.engine)).toEqual(['pg-boss', 'pg-boss']);
    const mailbox = await connectMailbox(storageA, fakes, 'gmail');
    await apps[0]!.sync.runMailboxSync(mailbox.id);
    const token = await idp.googleToken({ aud: AUDIENCE, email: PUSH_ACCOUNT, email_verified: true });
    const push = (i: number) =>
      apps[i % 2]!.inject({
        method: 'POST',
        url: '/webhooks/gmail',
        headers: bearer(token),
        payload: {
          message: {
            data: Buffer.from(JSON.stringify({ emailAddress: GMAIL_ADDRESS, historyId: '1' })).toString('base64'),
          },
        },
      });
    const messages = [];
    for (let i = 0; i < 20; i++) {
      if (i === 10)
        await waitProcessed(
          storageA,
          mailbox.id,
          messages.map((m) => m.id),
          30_000,
        );
      messages.push(
        fakes.gmail.deliver({
          from: `P${i} <p${i}@partner.example>`,
          to: GMAIL_ADDRESS,
          subject: `Question ${i}`,
          text: `Could you confirm the figures for item ${i} by Friday?`,
        }),
      );
      const res = await push(i);
      expect(res.statusCode).toBe(202);
    }
    await Promise.all([0, 1, 2, 3, 4, 5].map(push));
    // First the queue alone (pg-boss workers of both instances) processes the first half.
    await waitProcessed(
      storageA,
      mailbox.id,
      messages.slice(0, 10).map((m) => m.id),
      30_000,
    );
    // The same message jobs also arrive directly on both instances (a redelivery storm).
    await Promise.allSettled(
      messages.flatMap((m) => [apps[0]!.sync.runMessage(mailbox.id, m.id), apps[1]!.sync.runMessage(mailbox.id, m.id)]),
    );
    await waitProcessed(
      storageA,
      mailbox.id,
      messages.map((m) => m.id),
      30_000,
    );
    const rows = await ledger(storageA, mailbox.id);
    expect(rows).toHaveLength(20);
    for (const m of messages) {
      expect(fakes.gmail.requests.filter((r) => r === `POST /gmail/v1/users/me/messages/${m.id}/modify`)).toHaveLength(
        1,
      );
      expect(fakes.gmail.draftsIn(m.threadId)).toBeLessThanOrEqual(1);
    }
    expect(fakes.gmail.drafts.size).toBe(rows.filter((r) => r.draft_id).length);
  });
});
