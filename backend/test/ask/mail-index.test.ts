import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/database.ts';
import { embeddingKind, type IndexInput, mailIndexStore } from '../../src/storage/mail-index.ts';
import type { UserScope } from '../../src/storage/user-scope.ts';
import { resolveUser } from '../../src/storage/users.ts';
import { testDatabases } from '../support/db.ts';

const day = (d: number) => new Date(Date.UTC(2026, 10, d, 9));

function message(id: string, fields: Partial<IndexInput> = {}): IndexInput {
  return {
    messageId: id,
    threadId: `t-${id}`,
    subject: 'Hello',
    from: { name: 'Dana Reyes', address: 'dana@acme.example' },
    to: [{ address: 'me@x.example' }],
    date: day(2),
    newText: 'Nothing much.',
    ...fields,
  };
}

for (const database of testDatabases()) {
  describe(`mail index [${database.name}]`, () => {
    let storage: Storage;
    let alice: UserScope;
    let bob: UserScope;
    beforeAll(async () => {
      storage = await database.open();
      const a = await resolveUser(storage.db, { provider: 'local', tenantExternalId: 'ix', subject: 'alice' });
      const b = await resolveUser(storage.db, { provider: 'local', tenantExternalId: 'ix', subject: 'bob' });
      alice = { tenantId: a.tenant_id, userId: a.id };
      bob = { tenantId: b.tenant_id, userId: b.id };
      const store = mailIndexStore(storage.db, alice);
      await store.index([
        message('renewal', {
          subject: 'Renewal price for 2027',
          newText: 'The renewal price will be $42,000 per year, up from $39,000. Payment is due on 15 January.',
          date: day(3),
        }),
        message('review', {
          subject: 'Q3 review',
          from: { name: 'Lee Park', address: 'lee@corp.example' },
          newText: 'The Q3 review is on Thursday at 10:00 in room 4.',
          date: day(4),
        }),
        message('lunch', { subject: 'Lunch?', newText: 'Shall we have lunch on Friday?', date: day(5) }),
        message('quoted-1', {
          threadId: 'thread-q',
          subject: 'Re: plan',
          newText: 'Agreed.',
          quoted: 'On Monday Sam wrote: the zebra migration plan is ready',
          date: day(6),
        }),
        message('quoted-2', {
          threadId: 'thread-q',
          subject: 'Re: plan',
          newText: 'Still agreed.',
          quoted: 'On Monday Sam wrote: the zebra migration plan is ready',
          date: day(7),
        }),
      ]);
      await mailIndexStore(storage.db, bob).index([
        message('bob-secret', { subject: 'Renewal price', newText: 'Bob renewal price is secret: $1.' }),
      ]);
    });
    afterAll(async () => storage?.close());

    it('finds the message that answers a question, best first, with stemming', async () => {
      const hits = await mailIndexStore(storage.db, alice).search({
        text: 'what did Dana say about the renewal pricing?',
      });
      expect(hits[0]?.messageId).toBe('renewal');
      const review = await mailIndexStore(storage.db, alice).search({ text: 'when is the Q3 review' });
      expect(review[0]?.messageId).toBe('review');
    });

    it('never returns another user’s mail, and counts words per user', async () => {
      const hits = await mailIndexStore(storage.db, alice).search({ text: 'secret renewal price Bob' });
      expect(hits.map((h) => h.messageId)).not.toContain('bob-secret');
      const bobs = await mailIndexStore(storage.db, bob).search({ text: 'renewal price' });
      expect(bobs.map((h) => h.messageId)).toEqual(['bob-secret']);
      expect(await mailIndexStore(storage.db, bob).get({ messageIds: ['renewal'] })).toEqual([]);
      expect(await mailIndexStore(storage.db, bob).thread('thread-q')).toEqual([]);
    });

    it('indexes quoted history once per thread, and a message only once', async () => {
      const store = mailIndexStore(storage.db, alice);
      const hits = await store.search({ text: 'zebra migration' });
      expect(hits.map((h) => h.messageId)).toEqual(['quoted-1']);
      const again = await store.index([message('renewal', { newText: 'changed' })]);
      expect(again.size).toBe(0);
      expect((await store.get({ messageIds: ['renewal'] }))[0]?.body).toContain('$42,000');
    });

    it('filters by time and takes hostile input as words', async () => {
      const store = mailIndexStore(storage.db, alice);
      expect((await store.search({ text: 'renewal', after: day(4) })).map((h) => h.messageId)).toEqual([]);
      for (const text of [
        "'; drop table mail_index; --",
        "renewal & !( | :* <-> 'x' \\",
        '"renewal price" -lunch',
        '',
        'x'.repeat(10_000),
        'Preis der Verlängerung 価格',
        '\u0000',
      ]) {
        await expect(store.search({ text: text.replace(/\u0000/g, '') })).resolves.toBeInstanceOf(Array);
      }
      const phrase = await store.search({ text: '"renewal price" -lunch' });
      expect(phrase[0]?.messageId).toBe('renewal');
      expect(await store.count()).toBe(5);
    });

    it('stores chunk embeddings and ranks them by cosine, only for the owner', async () => {
      const store = mailIndexStore(storage.db, alice);
      const [renewal] = await store.get({ messageIds: ['renewal'] });
      const [lunch] = await store.get({ messageIds: ['lunch'] });
      await store.addChunks('m', [
        { entryId: renewal!.id, chunk: 0, text: 'renewal', embedding: [1, 0, 0] },
        { entryId: lunch!.id, chunk: 0, text: 'lunch', embedding: [0, 1, 0.1] },
      ]);
      // Another user cannot attach chunks to rows that are not theirs.
      await mailIndexStore(storage.db, bob).addChunks('m', [
        { entryId: lunch!.id, chunk: 1, text: 'x', embedding: [0, 0, 1] },
      ]);
      const near = await store.nearest('m', [0.1, 1, 0]);
      expect(near.map((n) => n.id)).toEqual([lunch!.id, renewal!.id]);
      expect(near[0]!.similarity).toBeGreaterThan(0.9);
      expect(await mailIndexStore(storage.db, bob).nearest('m', [0.1, 1, 0])).toEqual([]);
      expect(await embeddingKind(storage.db)).toBe(database.name === 'pglite' ? 'vector' : 'real[]');
      expect((await store.withoutChunks('m')).map((m) => m.messageId).sort()).toEqual([
        'quoted-1',
        'quoted-2',
        'review',
      ]);
    });

    it('reads a word’s term frequency back from ts_rank to within 0.11 (the BM25 ranking rests on it)', async () => {
      const zeta2 = Math.PI ** 2 / 6;
      for (const tf of [1, 2, 3, 5, 10, 40, 200]) {
        const { rows } = await sql<{ r: number }>`
          select ts_rank('{1,1,1,1}'::float4[], to_tsvector('simple', repeat('kiwi pear ', ${tf}::int)), 'kiwi'::tsquery, 0) as r`.execute(
          storage.db,
        );
        const r = Number(rows[0]?.r);
        expect(Math.abs(1 / (zeta2 * (1 - r)) - 1 / zeta2 - tf)).toBeLessThan(0.11);
      }
    });

    it('ranks by BM25: more of a rare word ranks higher, a long message is normalised by its length', async () => {
      const c = await resolveUser(storage.db, { provider: 'local', tenantExternalId: 'ix', subject: 'carol' });
      const store = mailIndexStore(storage.db, { tenantId: c.tenant_id, userId: c.id });
      const filler = (n: number, from: number) =>
        Array.from({ length: n }, (_, i) => `word${String.fromCharCode(97 + ((from + i) % 26))}${from + i}`).join(' ');
      await store.index([
        message('thrice', { subject: 'Notes', newText: `The kumquat order: kumquat, kumquat. ${filler(20, 0)}` }),
        message('once', { subject: 'Notes', newText: `The kumquat order. ${filler(20, 100)}` }),
        message('once-long', { subject: 'Notes', newText: `The kumquat order. ${filler(400, 200)}` }),
        message('none', { subject: 'Notes', newText: `Nothing about fruit. ${filler(20, 700)}` }),
      ]);
      const hits = await store.search({ text: 'kumquat' });
      expect(hits.map((h) => h.messageId)).toEqual(['thrice', 'once', 'once-long']);
      expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
      expect(hits[1]!.score).toBeGreaterThan(hits[2]!.score);
      // The summed length the search normalises by is the user's own, kept on insert and on delete.
      const totals = async () =>
        (
          await sql<{ kept: number; actual: number }>`
            select (select df from mail_terms where user_id = ${c.id} and lexeme = ' ')::int as kept,
              (select coalesce(sum(length(tsv)), 0) from mail_index where user_id = ${c.id})::int as actual`.execute(
            storage.db,
          )
        ).rows[0]!;
      const before = await totals();
      expect(before.kept).toBe(before.actual);
      expect(before.kept).toBeGreaterThan(400);
      await storage.db.deleteFrom('mail_index').where('message_id', '=', 'once-long').execute();
      const after = await totals();
      expect(after.kept).toBe(after.actual);
      expect(after.kept).toBeLessThan(before.kept - 300);
      await store.removeAll();
    });

    it('removing a user’s index forgets their word counts, and deleting the user removes every row', async () => {
      const store = mailIndexStore(storage.db, bob);
      expect(await store.removeAll()).toBe(1);
      expect(await store.search({ text: 'renewal price' })).toEqual([]);
      await storage.db.deleteFrom('users').where('id', '=', alice.userId).execute();
      const left = await sql<{ n: number }>`
        select (select count(*) from mail_index)::int + (select count(*) from mail_terms)::int
          + (select count(*) from mail_chunks)::int as n`.execute(storage.db);
      expect(left.rows[0]?.n).toBe(0);
    });
  });
}
