import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/database.ts';
import { bearer, buildTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import { OTHER_TENANT, startTestIdp, TEST_TENANT, type TestIdp } from '../support/idp.ts';
import { connectMailbox, type Fakes, GMAIL_ADDRESS, GRAPH_ADDRESS, startFakes, waitProcessed } from './harness.ts';

const REFRESH = 'graph-refresh-secret-0123456789';

const PUSH_ACCOUNT = 'gmail-push@steward-test.iam.gserviceaccount.com';
const AUDIENCE = 'https://steward.example/webhooks/gmail';

const pushBody = (emailAddress: string) => ({
  message: {
    data: Buffer.from(JSON.stringify({ emailAddress, historyId: '1234' })).toString('base64'),
    messageId: '1',
    publishTime: new Date().toISOString(),
  },
  subscription: 'projects/steward-test/subscriptions/gmail-push',
});

for (const database of testDatabases()) {
  describe(`webhooks and mailbox routes [${database.name}]`, () => {
    let storage: Storage;
    let idp: TestIdp;
    let fakes: Fakes;
    let app: FastifyInstance;

    const jobs = async () => storage.db.selectFrom('jobs').select(['name', 'data']).execute();
    const build = (extra: Record<string, string> = {}) =>
      buildTestApp(storage, {
        ...idp.env,
        ...fakes.env,
        GMAIL_PUSH_SERVICE_ACCOUNT: PUSH_ACCOUNT,
        SYNC_WORKER: 'off',
        ...extra,
      });

    /** Answers the confirmation page the callback showed, as the browser holding it would. */
    const confirmInBrowser = (html: string, decision: 'connect' | 'cancel') =>
      app.inject({
        method: 'POST',
        url: '/oauth/confirm',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          token: /name="token" value="([^"]+)"/.exec(html)?.[1] ?? '',
          decision,
        }).toString(),
      });

    beforeAll(async () => {
      storage = await database.open();
      idp = await startTestIdp();
    });
    afterAll(async () => {
      await idp?.close();
      await storage?.close();
    });
    beforeEach(async () => {
      fakes = await startFakes();
      await storage.db.deleteFrom('jobs').execute();
    });
    afterEach(async () => {
      await app?.close();
      await fakes.close();
    });

    it('Gmail push with a verified Pub/Sub token is acknowledged with 202 and enqueues one sync', async () => {
      app = await build();
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      const token = await idp.googleToken({
        aud: AUDIENCE,
        email: PUSH_ACCOUNT,
        email_verified: true,
        sub: '1234567890',
      });
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks/gmail',
        headers: bearer(token),
        payload: pushBody(GMAIL_ADDRESS),
      });
      expect(res.statusCode).toBe(202);
      expect(await jobs()).toEqual([{ name: 'sync-mailbox', data: { mailboxId: mailbox.id, reason: 'gmail-push' } }]);
      // Replays coalesce into the one waiting job.
      for (let i = 0; i < 4; i++)
        await app.inject({
          method: 'POST',
          url: '/webhooks/gmail',
          headers: bearer(token),
          payload: pushBody(GMAIL_ADDRESS),
        });
      expect(await jobs()).toHaveLength(1);
      await storage.db.deleteFrom('mailboxes').where('id', '=', mailbox.id).execute();
    });

    it('a forged Gmail push is refused with 401 and nothing is enqueued', async () => {
      app = await build();
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      const forged = [
        undefined,
        await idp.googleToken({ aud: AUDIENCE, email: 'attacker@evil.example', email_verified: true }),
        await idp.googleToken({ aud: 'https://elsewhere.example/push', email: PUSH_ACCOUNT, email_verified: true }),
        `${(await idp.googleToken({ aud: AUDIENCE, email: PUSH_ACCOUNT, email_verified: true })).slice(0, -4)}AAAA`,
      ];
      for (const token of forged) {
        const res = await app.inject({
          method: 'POST',
          url: '/webhooks/gmail',
          headers: token ? bearer(token) : {},
          payload: pushBody(GMAIL_ADDRESS),
        });
        expect(res.statusCode).toBe(401);
        expect(res.json().error.code).toBe('unauthorized');
      }
      expect(await jobs()).toEqual([]);
      await storage.db.deleteFrom('mailboxes').where('id', '=', mailbox.id).execute();
    });

    it('Graph: the validation token is echoed as text/plain', async () => {
      app = await build();
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks/graph?validationToken=Validation%3A%20Testing%20client%20application',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        payload: '',
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toBe('Validation: Testing client application');
    });

    it('Graph: a wrong clientState is refused with 401 and nothing is enqueued; lifecycle events resync and renew', async () => {
      app = await build();
      const mailbox = await connectMailbox(storage, fakes, 'graph');
      await storage.db
        .updateTable('mailboxes')
        .set({ watch_id: 'sub-1', client_state: 'the-real-client-state' })
        .where('id', '=', mailbox.id)
        .execute();
      const note = (clientState: string, extra: object = {}) => ({
        value: [
          {
            subscriptionId: 'sub-1',
            clientState,
            changeType: 'created',
            resource: 'Users/x/Messages/AAMk-1',
            resourceData: { id: 'AAMk-1' },
            ...extra,
          },
        ],
      });
      for (const payload of [
        note('forged'),
        note('the-real-client-statX'),
        { value: [{ subscriptionId: 'sub-unknown', clientState: 'the-real-client-state' }] },
        { value: [] },
      ]) {
        const res = await app.inject({ method: 'POST', url: '/webhooks/graph', payload });
        expect(res.statusCode).toBe(401);
      }
      expect(await jobs()).toEqual([]);
      const ok = await app.inject({ method: 'POST', url: '/webhooks/graph', payload: note('the-real-client-state') });
      expect(ok.statusCode).toBe(202);
      expect((await jobs()).map((j) => j.name)).toEqual(['sync-mailbox']);
      await storage.db.deleteFrom('jobs').execute();
      const life = await app.inject({
        method: 'POST',
        url: '/webhooks/graph',
        payload: note('the-real-client-state', { lifecycleEvent: 'reauthorizationRequired' }),
      });
      expect(life.statusCode).toBe(202);
      expect((await jobs()).map((j) => j.name).sort()).toEqual(['sync-mailbox', 'sync-renew']);
      await storage.db.deleteFrom('mailboxes').where('id', '=', mailbox.id).execute();
    });

    // Waits on the ledger, bounded generously: a loaded machine only makes it slower.
    it('end to end: a message arrives, Gmail pushes, and its label and draft appear in the mailbox', {
      timeout: 120_000,
    }, async () => {
      app = await build({ SYNC_WORKER: 'on' });
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      await app.sync.runMailboxSync(mailbox.id);
      const msg = fakes.gmail.deliver({
        from: 'Dana <dana@partner.example>',
        to: GMAIL_ADDRESS,
        subject: 'Budget',
        text: 'Could you approve the budget by Thursday?',
      });
      const token = await idp.googleToken({ aud: AUDIENCE, email: PUSH_ACCOUNT, email_verified: true });
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks/gmail',
        headers: bearer(token),
        payload: pushBody(GMAIL_ADDRESS),
      });
      expect(res.statusCode).toBe(202);
      await waitProcessed(storage, mailbox.id, [msg.id]);
      expect(fakes.gmail.labelNamesOf(msg.id)).toContain('Steward/To respond');
      expect(fakes.gmail.draftsIn(msg.threadId)).toBe(1);
      await storage.db.deleteFrom('mailboxes').where('id', '=', mailbox.id).execute();
    });

    it('connect Google: state and PKCE, the token sealed at rest, backfill started; disconnect revokes and deletes', async () => {
      app = await build();
      const user = bearer(await idp.entraToken({ oid: 'oid-connect', preferred_username: 'owner@contoso.example' }));
      const start = await app.inject({ method: 'POST', url: '/v1/mailboxes/connect/google', headers: user });
      expect(start.statusCode).toBe(200);
      const url = new URL(start.json().authorizationUrl);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('access_type')).toBe('offline');
      const state = url.searchParams.get('state') ?? '';
      expect(state.length).toBeGreaterThan(20);
      fakes.oauth.codes.set('code-1', { refreshToken: 'google-refresh-secret', email: GMAIL_ADDRESS });
      const wrong = await app.inject({ method: 'GET', url: `/oauth/callback/google?code=code-1&state=not-the-state` });
      expect(wrong.statusCode).toBe(400);
      const done = await app.inject({ method: 'GET', url: `/oauth/callback/google?code=code-1&state=${state}` });
      expect(done.statusCode).toBe(200);
      // A Microsoft user connecting a Gmail account is not provably that account: the browser confirms.
      expect(done.body).toContain(`Connect ${GMAIL_ADDRESS}`);
      expect(done.headers['cache-control']).toBe('no-store');
      expect(
        await storage.db.selectFrom('mailboxes').select('id').where('address', '=', GMAIL_ADDRESS).execute(),
      ).toEqual([]);
      const confirmed = await confirmInBrowser(done.body, 'connect');
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      expect(confirmed.body).toContain(`now connected to ${GMAIL_ADDRESS}`);
      expect((await confirmInBrowser(done.body, 'connect')).statusCode).toBe(400);
      const replay = await app.inject({ method: 'GET', url: `/oauth/callback/google?code=code-1&state=${state}` });
      expect(replay.statusCode).toBe(400);
      const row = await storage.db
        .selectFrom('mailboxes')
        .selectAll()
        .where('address', '=', GMAIL_ADDRESS)
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain('google-refresh-secret');
      expect(row.key_version).toMatch(/^sha256:/);
      expect((await jobs()).map((j) => j.name).sort()).toEqual(['sync-backfill', 'sync-renew']);
      const status = await app.inject({ method: 'GET', url: '/v1/sync/status', headers: user });
      expect(status.json().mailboxes).toEqual([
        expect.objectContaining({ id: row.id, provider: 'gmail', status: 'active', phase: 'backfill' }),
      ]);

      const del = await app.inject({ method: 'DELETE', url: `/v1/mailboxes/${row.id}`, headers: user });
      expect(del.statusCode).toBe(204);
      expect(fakes.oauth.revoked).toContain('google-refresh-secret');
      expect(await storage.db.selectFrom('mailboxes').select('id').where('id', '=', row.id).execute()).toEqual([]);
    });

    it("login CSRF: a victim who follows Carol's authorization link does not attach their mailbox to Carol", async () => {
      app = await build();
      const carol = bearer(await idp.googleToken({ sub: '5555', email: 'carol@gmail.example', name: 'Carol Crane' }));
      const start = await app.inject({ method: 'POST', url: '/v1/mailboxes/connect/google', headers: carol });
      const state = new URL(start.json().authorizationUrl).searchParams.get('state') ?? '';
      // The victim consents with their own Google account (another subject) and lands on the callback.
      fakes.oauth.codes.set('victim-code', { refreshToken: 'victim-refresh', email: 'victim@gmail.example' });
      const landed = await app.inject({ method: 'GET', url: `/oauth/callback/google?code=victim-code&state=${state}` });
      expect(landed.statusCode).toBe(200);
      expect(landed.body).toContain('Carol Crane');
      expect(landed.body).toContain('&lt;carol@gmail.example&gt;');
      expect(landed.body).not.toContain('victim-refresh');
      expect(landed.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      const victimMailbox = () =>
        storage.db.selectFrom('mailboxes').select('id').where('address', '=', 'victim@gmail.example').execute();
      expect(await victimMailbox()).toEqual([]);
      // The victim reads whose account it is and cancels: nothing is attached, and the handle is spent.
      const cancelled = await confirmInBrowser(landed.body, 'cancel');
      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.body).toContain('Nothing was connected');
      expect((await confirmInBrowser(landed.body, 'connect')).statusCode).toBe(400);
      expect(await victimMailbox()).toEqual([]);
      // Carol cannot finish it from her side either: the callback state was spent, and a guessed handle fails.
      const forged = await app.inject({
        method: 'POST',
        url: '/oauth/confirm',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'token=guess&decision=connect',
      });
      expect(forged.statusCode).toBe(400);
      expect(
        (await app.inject({ method: 'GET', url: `/oauth/callback/google?code=victim-code&state=${state}` })).statusCode,
      ).toBe(400);
      expect(await victimMailbox()).toEqual([]);

      // Carol consenting with her own Google account (same subject) is connected at once.
      const again = await app.inject({ method: 'POST', url: '/v1/mailboxes/connect/google', headers: carol });
      const state2 = new URL(again.json().authorizationUrl).searchParams.get('state') ?? '';
      fakes.oauth.codes.set('carol-code', {
        refreshToken: 'carol-refresh',
        email: 'carol@gmail.example',
        claims: { sub: '5555' },
      });
      const own = await app.inject({ method: 'GET', url: `/oauth/callback/google?code=carol-code&state=${state2}` });
      expect(own.statusCode).toBe(200);
      expect(own.body).toContain('now connected to carol@gmail.example');
      const rows = await storage.db
        .selectFrom('mailboxes')
        .select('id')
        .where('address', '=', 'carol@gmail.example')
        .execute();
      expect(rows).toHaveLength(1);
      await storage.db.deleteFrom('mailboxes').where('id', '=', rows[0]!.id).execute();
    });

    it('connect Microsoft 365: authorization URL with state, PKCE and scopes; code exchanged through MSAL; token sealed; jobs queued', async () => {
      app = await build();
      const user = bearer(await idp.entraToken({ oid: 'oid-ms-connect', preferred_username: 'owner@contoso.example' }));
      const start = await app.inject({ method: 'POST', url: '/v1/mailboxes/connect/microsoft', headers: user });
      expect(start.statusCode, start.body).toBe(200);
      const url = new URL(start.json().authorizationUrl);
      expect(url.pathname).toMatch(/\/oauth2\/v2\.0\/authorize$/);
      expect(url.searchParams.get('client_id')).toBe(idp.env.MICROSOFT_CLIENT_ID);
      expect(url.searchParams.get('response_type')).toBe('code');
      expect(url.searchParams.get('redirect_uri')).toBe('https://steward.example/oauth/callback/microsoft');
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      const challenge = url.searchParams.get('code_challenge') ?? '';
      expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const state = url.searchParams.get('state') ?? '';
      expect(state.length).toBeGreaterThan(20);
      const scopes = (url.searchParams.get('scope') ?? '').split(' ');
      expect(scopes).toEqual(
        expect.arrayContaining([
          'offline_access',
          'https://graph.microsoft.com/Mail.ReadWrite',
          'https://graph.microsoft.com/Calendars.ReadWrite',
        ]),
      );

      // The stored verifier is the one behind the challenge: the fake only accepts the code with it.
      const stored = await storage.db
        .selectFrom('oauth_states')
        .select('code_verifier')
        .where('state', '=', state)
        .executeTakeFirstOrThrow();
      expect(createHash('sha256').update(stored.code_verifier).digest('base64url')).toBe(challenge);
      // The account consented to is the user's own (same tenant and object id): connected at once.
      fakes.oauth.codes.set('ms-code-1', {
        refreshToken: REFRESH,
        email: GRAPH_ADDRESS,
        verifier: stored.code_verifier,
        claims: { oid: 'oid-ms-connect', tid: TEST_TENANT },
      });

      const forged = await app.inject({
        method: 'GET',
        url: '/oauth/callback/microsoft?code=ms-code-1&state=forged-state',
      });
      expect(forged.statusCode).toBe(400);
      expect(forged.json()).toMatchObject({ error: { code: 'invalid_state' } });
      // A state issued for Google cannot finish a Microsoft sign-in, and is spent.
      const google = new URL(
        (await app.inject({ method: 'POST', url: '/v1/mailboxes/connect/google', headers: user })).json()
          .authorizationUrl,
      );
      const crossed = await app.inject({
        method: 'GET',
        url: `/oauth/callback/microsoft?code=ms-code-1&state=${google.searchParams.get('state')}`,
      });
      expect(crossed.statusCode).toBe(400);
      expect(await jobs()).toEqual([]);

      const done = await app.inject({ method: 'GET', url: `/oauth/callback/microsoft?code=ms-code-1&state=${state}` });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.body).toContain(GRAPH_ADDRESS);
      expect(fakes.oauth.requests.filter((r) => r.endsWith('/oauth2/v2.0/token'))).toHaveLength(1);

      const replay = await app.inject({
        method: 'GET',
        url: `/oauth/callback/microsoft?code=ms-code-1&state=${state}`,
      });
      expect(replay.statusCode).toBe(400);
      expect(replay.json()).toMatchObject({ error: { code: 'invalid_state' } });

      const rows = await storage.db.selectFrom('mailboxes').selectAll().where('address', '=', GRAPH_ADDRESS).execute();
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row.provider).toBe('graph');
      expect(JSON.stringify(row)).not.toContain(REFRESH);
      expect(Buffer.from(row.refresh_token_ciphertext as unknown as Uint8Array).toString('latin1')).not.toContain(
        REFRESH,
      );
      expect(row.key_version).toMatch(/^sha256:/);
      expect((await jobs()).map((j) => j.name).sort()).toEqual(['sync-backfill', 'sync-renew']);

      const status = await app.inject({ method: 'GET', url: '/v1/sync/status', headers: user });
      expect(status.json().mailboxes).toEqual([
        expect.objectContaining({
          id: row.id,
          provider: 'graph',
          address: GRAPH_ADDRESS,
          status: 'active',
          phase: 'backfill',
        }),
      ]);

      // The sealed token is the one the provider issued, and the worker can use it against Graph.
      expect(app.sync.refreshTokenOf(row)).toBe(REFRESH);
      const port = app.sync.portFor(row);
      expect(await port.startCursor()).toBeTruthy();

      // Reconnecting after the provider revoked access: same mailbox, active again, new sealed token.
      await app.sync.markNeedsReauth(row, 'test');
      const again = new URL(
        (await app.inject({ method: 'POST', url: '/v1/mailboxes/connect/microsoft', headers: user })).json()
          .authorizationUrl,
      );
      const state2 = again.searchParams.get('state') ?? '';
      expect(state2).not.toBe(state);
      const verifier2 = await storage.db
        .selectFrom('oauth_states')
        .select('code_verifier')
        .where('state', '=', state2)
        .executeTakeFirstOrThrow();
      fakes.oauth.codes.set('ms-code-3', {
        refreshToken: `${REFRESH}-2`,
        email: GRAPH_ADDRESS,
        verifier: verifier2.code_verifier,
        claims: { oid: 'oid-ms-connect', tid: TEST_TENANT },
      });
      const re = await app.inject({ method: 'GET', url: `/oauth/callback/microsoft?code=ms-code-3&state=${state2}` });
      expect(re.statusCode, re.body).toBe(200);
      const after = await storage.db.selectFrom('mailboxes').selectAll().where('address', '=', GRAPH_ADDRESS).execute();
      expect(after.map((r) => [r.id, r.status])).toEqual([[row.id, 'active']]);
      expect(app.sync.refreshTokenOf(after[0]!)).toBe(`${REFRESH}-2`);
      await storage.db.deleteFrom('mailboxes').where('id', '=', row.id).execute();
    });

    it('connect Microsoft 365: an expired state is refused', async () => {
      app = await build();
      const user = bearer(await idp.entraToken({ oid: 'oid-ms-late', preferred_username: 'late@contoso.example' }));
      const start = await app.inject({ method: 'POST', url: '/v1/mailboxes/connect/microsoft', headers: user });
      const state = new URL(start.json().authorizationUrl).searchParams.get('state') ?? '';
      await storage.db
        .updateTable('oauth_states')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('state', '=', state)
        .execute();
      fakes.oauth.codes.set('ms-code-4', { refreshToken: REFRESH, email: GRAPH_ADDRESS });
      const done = await app.inject({ method: 'GET', url: `/oauth/callback/microsoft?code=ms-code-4&state=${state}` });
      expect(done.statusCode).toBe(400);
      expect(fakes.oauth.requests).toEqual([]);
    });

    it('connect Microsoft 365: a wrong PKCE verifier or unknown code is refused without creating a mailbox', async () => {
      app = await build();
      const user = bearer(await idp.entraToken({ oid: 'oid-ms-bad', preferred_username: 'bad@contoso.example' }));
      const start = await app.inject({ method: 'POST', url: '/v1/mailboxes/connect/microsoft', headers: user });
      const state = new URL(start.json().authorizationUrl).searchParams.get('state') ?? '';
      fakes.oauth.codes.set('ms-code-2', { refreshToken: REFRESH, email: GRAPH_ADDRESS, verifier: 'not-the-verifier' });
      const done = await app.inject({ method: 'GET', url: `/oauth/callback/microsoft?code=ms-code-2&state=${state}` });
      expect(done.statusCode).toBe(502);
      expect(done.body).not.toContain(REFRESH);
      expect(
        await storage.db.selectFrom('mailboxes').select('id').where('address', '=', GRAPH_ADDRESS).execute(),
      ).toEqual([]);
      expect(await jobs()).toEqual([]);
    });
    it('dead letters are listed for admins only, named by tenant and object id, never by email', async () => {
      app = await build({ ADMIN_IDENTITIES: `entra:${TEST_TENANT}:oid-admin,google:4242` });
      await storage.db
        .insertInto('jobs')
        .values({
          name: 'sync-message',
          data: JSON.stringify({ mailboxId: 'm', messageId: 'x' }),
          retry_limit: 0,
          retry_delay_ms: 1,
        })
        .execute();
      await storage.db
        .updateTable('jobs')
        .set({ state: 'failed', last_error: 'ProviderError: boom', completed_at: new Date() })
        .execute();
      const admin = bearer(await idp.entraToken({ oid: 'oid-admin', preferred_username: 'admin@contoso.example' }));
      const other = bearer(await idp.entraToken({ oid: 'oid-other', preferred_username: 'other@contoso.example' }));
      expect((await app.inject({ method: 'GET', url: '/v1/admin/jobs', headers: other })).statusCode).toBe(403);
      // Another tenant's token carrying the admin's address (and even the same object id) is not the admin.
      const lookalikes = [
        await idp.entraToken({ tid: OTHER_TENANT, oid: 'oid-other', preferred_username: 'admin@contoso.example' }),
        await idp.entraToken({ tid: OTHER_TENANT, oid: 'oid-admin', email: 'admin@contoso.example' }),
        await idp.googleToken({ sub: '777', email: 'admin@contoso.example' }),
      ];
      for (const token of lookalikes) {
        const res = await app.inject({ method: 'GET', url: '/v1/admin/jobs', headers: bearer(token) });
        expect(res.statusCode, res.body).toBe(403);
      }
      const google = await app.inject({
        method: 'GET',
        url: '/v1/admin/jobs',
        headers: bearer(await idp.googleToken({ sub: '4242' })),
      });
      expect(google.statusCode).toBe(200);
      const whoAmI = await app.inject({ method: 'GET', url: '/v1/me/identity', headers: admin });
      expect(whoAmI.json()).toMatchObject({ adminIdentity: `entra:${TEST_TENANT}:oid-admin`, admin: true });
      const res = await app.inject({ method: 'GET', url: '/v1/admin/jobs', headers: admin });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        engine: 'table',
        deadLetters: [{ name: 'sync-message', error: 'ProviderError: boom', attempts: 1 }],
      });
    });
  });
}
