import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountTokens } from '../../src/accounts/tokens.ts';
import { migrateToLatest, openStorage, type Storage } from '../../src/storage/database.ts';
import { syncStore } from '../../src/storage/sync.ts';
import { connectMailbox, type Fakes, startFakes, syncConfig } from './harness.ts';

// Microsoft rotates the refresh token on every refresh. Each worker process keeps its own access-token cache;
// a rotation stored by one process must not make the others (or itself) refresh again on their next job.
describe('access tokens across worker processes, with a rotating refresh token', () => {
  let storage: Storage;
  let fakes: Fakes;

  beforeAll(async () => {
    storage = await openStorage({});
    await migrateToLatest(storage.db);
    fakes = await startFakes();
    fakes.oauth.rotate = true;
  });
  afterAll(async () => {
    await fakes?.close();
    await storage?.close();
  });

  it('two processes taking turns refresh once each, and the stored refresh token is the newest', async () => {
    const config = syncConfig(fakes);
    const row = await connectMailbox(storage, fakes, 'graph');
    const processes = [createAccountTokens({ config, storage }), createAccountTokens({ config, storage })];
    const rows = syncStore(storage.db);
    const tokens: string[] = [];
    for (let job = 0; job < 10; job++) {
      // Each job loads the mailbox row afresh, as the sync service does.
      const mailbox = (await rows.mailbox(row.id))!;
      tokens.push(await processes[job % 2]!.accessTokens(mailbox).get());
    }
    expect(fakes.oauth.refreshScopes).toHaveLength(2);
    expect(new Set(tokens).size).toBe(2);
    for (const t of tokens) expect(fakes.oauth.issued.has(t)).toBe(true);
    // The row holds the refresh token of the last rotation, which a new process can use.
    const latest = (await rows.mailbox(row.id))!;
    const opened = processes[0]!.refreshTokenOf(latest);
    expect(opened).toMatch(/~\d+$/);
    expect(fakes.oauth.valid.has(opened)).toBe(true);
    await createAccountTokens({ config, storage }).accessTokens(latest).get();
    expect(fakes.oauth.refreshScopes).toHaveLength(3);
  });

  it('a token the provider refuses is refreshed with the stored refresh token', async () => {
    const config = syncConfig(fakes);
    const row = await connectMailbox(storage, fakes, 'graph');
    const a = createAccountTokens({ config, storage });
    const b = createAccountTokens({ config, storage });
    const rows = syncStore(storage.db);
    const first = await a.accessTokens((await rows.mailbox(row.id))!).get();
    await b.accessTokens((await rows.mailbox(row.id))!).get(); // rotates the stored refresh token
    // In process a, the row changed: the access token in hand is kept until the provider refuses it.
    const source = a.accessTokens((await rows.mailbox(row.id))!);
    expect(await source.get()).toBe(first);
    source.invalidate();
    const next = await source.get();
    expect(next).not.toBe(first);
    expect(fakes.oauth.issued.has(next)).toBe(true);
  });
});
