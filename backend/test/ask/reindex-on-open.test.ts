import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/database.ts';
import { bearer, buildTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import { startTestIdp, type TestIdp } from '../support/idp.ts';

const MESSAGE = {
  id: 'm-before-index',
  threadId: 't-before-index',
  from: 'Dana Reyes <dana@acme.example>',
  to: ['me@contoso.example'],
  subject: 'Renewal price for next year',
  date: new Date(Date.now() - 86_400_000).toUTCString(),
  text: 'Hi,\n\nThe renewal price will be $42,000 per year. Can you approve the renewal by Friday?\n\nDana',
};

// A message the client sent for triage before Ask Steward was on is answered from the triage cache; the
// next time a client sends it, with the index on, it is indexed (once) from that copy.
for (const database of testDatabases()) {
  describe(`Ask Steward: mail opened before the index was on [${database.name}]`, () => {
    let storage: Storage;
    let idp: TestIdp;
    let app: FastifyInstance;
    let me: Record<string, string>;
    const post = (url: string, payload: unknown) =>
      app.inject({ method: 'POST', url, payload: payload as object, headers: me });
    const indexed = async () =>
      (await storage.db.selectFrom('mail_index').select('message_id').execute()).map((r) => r.message_id);

    beforeAll(async () => {
      storage = await database.open();
      idp = await startTestIdp();
      app = await buildTestApp(storage, idp.env);
      me = bearer(await idp.entraToken({ oid: 'reindex-me', preferred_username: 'me@contoso.example' }));
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await idp?.close();
      await storage?.close();
    });

    it('is indexed when the client sends it again after the index is turned on, and only once', async () => {
      expect((await post('/v1/triage', { message: MESSAGE })).statusCode).toBe(200);
      expect(await indexed()).toEqual([]);
      const on = await app.inject({ method: 'PUT', url: '/v1/settings', payload: { mailIndex: true }, headers: me });
      expect(on.statusCode).toBe(200);

      const again = await post('/v1/triage', { message: MESSAGE });
      expect(again.statusCode).toBe(200);
      expect(await indexed()).toEqual([MESSAGE.id]);
      const answer = await post('/v1/ask', { question: 'What is the renewal price?' });
      expect(answer.json().found).toBe(true);
      expect(answer.json().citations[0]).toMatchObject({ messageId: MESSAGE.id });

      // A marker in the row shows whether a third send writes it again: it must not.
      await storage.db.updateTable('mail_index').set({ body: 'marker' }).execute();
      expect((await post('/v1/triage', { message: MESSAGE })).statusCode).toBe(200);
      expect((await storage.db.selectFrom('mail_index').select('body').execute()).map((r) => r.body)).toEqual([
        'marker',
      ]);
    });
  });
}
