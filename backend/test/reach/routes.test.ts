import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inboxStats } from '../../src/reach/stats.ts';
import { countMessage } from '../../src/storage/stats.ts';
import { usageStore } from '../../src/storage/usage.ts';
import { useTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import {
  type FakeReach,
  HUBSPOT_TOKEN,
  SALESFORCE_TOKEN,
  SLACK_BOT_TOKEN,
  startFakeReach,
} from '../support/fake-reach.ts';

const ME = 'me@steward.example';

const newsletter = (id: string, headers: Record<string, string>, from = 'Deals Weekly <news@deals.example>') => ({
  id,
  from,
  to: [ME],
  subject: '50% off everything this weekend only!',
  date: '2026-03-02T09:15:00Z',
  html: '<html><body><h1>Huge sale</h1><p>Shop now and save 50% on all items. Limited time offer!</p><a href="https://deals.example/unsubscribe">Unsubscribe</a></body></html>',
  headers: { precedence: 'bulk', ...headers },
});

const customerAsk = {
  id: 'm-dana',
  from: 'Dana Smith <dana@acme.example>',
  to: [ME],
  subject: 'Renewal terms',
  date: '2026-03-02T10:00:00Z',
  text: 'Hi,\n\nCould you send me the renewal terms by Friday? We need them for our budget review.\n\nThanks,\nDana',
};

for (const database of testDatabases()) {
  describe(`reach routes [${database.name}]`, () => {
    let fake: FakeReach;
    const sleeps: number[] = [];
    const key = randomBytes(32).toString('hex');
    beforeAll(async () => {
      fake = await startFakeReach();
    });
    afterAll(async () => {
      await fake?.close();
    });
    beforeEach(() => {
      fake.reset();
      sleeps.length = 0;
    });
    const ctx = useTestApp(
      database,
      { TOKEN_ENCRYPTION_KEY: key },
      {
        reach: {
          get redirect() {
            return fake.redirect;
          },
          sleep: async (ms: number) => {
            sleeps.push(ms);
          },
        },
      },
    );
    const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      ctx.app.inject({ method, url, ...(payload ? { payload } : {}) });
    const triage = (message: object) => inject('POST', '/v1/triage', { message, me: [ME] });
    const senderId = async (address: string) => {
      const res = await inject('GET', '/v1/senders?category=marketing');
      expect(res.statusCode).toBe(200);
      return (res.json().senders as Array<{ id: string; address: string }>).find((s) => s.address === address)?.id;
    };

    describe('senders and one-click unsubscribe', () => {
      it('lists bulk senders with counts, last seen and how to leave them', async () => {
        const headers = {
          'list-unsubscribe':
            '<https://news.example/unsubscribe?u=42>, <mailto:leave@deals.example?subject=unsubscribe>',
          'list-unsubscribe-post': 'List-Unsubscribe=One-Click',
        };
        expect((await triage(newsletter('n-1', headers))).json().category).toBe('marketing');
        await triage({ ...newsletter('n-2', headers), date: '2026-03-05T09:15:00Z' });
        await triage({ ...customerAsk, id: 'not-bulk' });
        const res = await inject('GET', '/v1/senders?category=marketing');
        const senders = res.json().senders;
        expect(senders).toHaveLength(1);
        expect(senders[0]).toMatchObject({
          address: 'news@deals.example',
          name: 'Deals Weekly',
          category: 'marketing',
          messages: 2,
          firstSeen: '2026-03-02T09:15:00.000Z',
          lastSeen: '2026-03-05T09:15:00.000Z',
          unsubscribe: 'one_click',
          unsubscribedAt: null,
        });
        const all = (await inject('GET', '/v1/senders')).json().senders;
        expect(all.map((s: { address: string }) => s.address).sort()).toEqual([
          'dana@acme.example',
          'news@deals.example',
        ]);
      });

      it("posts RFC 8058 one-click only on the user's click, to the header's own URL, and records it", async () => {
        const id = await senderId('news@deals.example');
        expect(id).toBeDefined();
        const refused = await inject('POST', `/v1/senders/${id}/unsubscribe`, {});
        expect(refused.statusCode).toBe(400);
        expect(fake.requests).toHaveLength(0);

        const res = await inject('POST', `/v1/senders/${id}/unsubscribe`, { confirm: true });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({ method: 'one_click', status: 'unsubscribed' });
        expect(fake.requests).toHaveLength(1);
        const [post] = fake.requests;
        expect(post).toMatchObject({ method: 'POST', path: '/unsubscribe?u=42', body: 'List-Unsubscribe=One-Click' });
        expect(post?.headers['content-type']).toBe('application/x-www-form-urlencoded');
        expect(post?.headers.cookie).toBeUndefined();
        expect(post?.headers.authorization).toBeUndefined();

        const listed = (await inject('GET', '/v1/senders?category=marketing')).json().senders[0];
        expect(listed.unsubscribedAt).not.toBeNull();
        const audit = await ctx.storage.db
          .selectFrom('audit_log')
          .select(['action', 'detail'])
          .where('action', '=', 'sender.unsubscribe')
          .execute();
        expect(audit).toHaveLength(1);
        expect(audit[0]?.detail).toMatchObject({
          method: 'one_click',
          status: 'unsubscribed',
          sender: 'news@deals.example',
        });
      });

      it('never follows a redirect from the unsubscribe endpoint', async () => {
        await triage(
          newsletter(
            'r-1',
            {
              'list-unsubscribe': '<https://news.example/moved>',
              'list-unsubscribe-post': 'List-Unsubscribe=One-Click',
            },
            'Moved <promo@moved.example>',
          ),
        );
        const id = await senderId('promo@moved.example');
        const res = await inject('POST', `/v1/senders/${id}/unsubscribe`, { confirm: true });
        expect(res.json()).toMatchObject({ method: 'one_click', status: 'failed' });
        expect(fake.requests.map((r) => r.path)).toEqual(['/moved']);
      });

      it('refuses a one-click URL on a private address without asking it', async () => {
        await triage(
          newsletter(
            'p-1',
            {
              'list-unsubscribe': '<https://127.0.0.1/unsubscribe>',
              'list-unsubscribe-post': 'List-Unsubscribe=One-Click',
            },
            'Inside <promo@inside.example>',
          ),
        );
        const id = await senderId('promo@inside.example');
        const res = await inject('POST', `/v1/senders/${id}/unsubscribe`, { confirm: true });
        expect(res.json()).toMatchObject({ method: 'one_click', status: 'failed' });
        expect(res.json().detail).toMatch(/public/);
        expect(fake.requests).toHaveLength(0);
      });

      it('without one-click: a mailto to send (no mailbox connected) or the web link to open', async () => {
        await triage(
          newsletter(
            'm-1',
            { 'list-unsubscribe': '<mailto:leave@mailer.example?subject=remove%20me>' },
            'M <m@mailer.example>',
          ),
        );
        const mailto = await inject('POST', `/v1/senders/${await senderId('m@mailer.example')}/unsubscribe`, {
          confirm: true,
        });
        expect(mailto.json()).toMatchObject({
          method: 'mailto',
          status: 'open_link',
          mailto: { to: 'leave@mailer.example', subject: 'remove me' },
        });
        // No List-Unsubscribe-Post: the https link is for the user to open, never POSTed or fetched.
        await triage(newsletter('w-1', { 'list-unsubscribe': '<https://news.example/prefs>' }, 'W <w@web.example>'));
        const web = await inject('POST', `/v1/senders/${await senderId('w@web.example')}/unsubscribe`, {
          confirm: true,
        });
        expect(web.json()).toEqual({ method: 'web', status: 'open_link', url: 'https://news.example/prefs' });
        expect(fake.requests).toHaveLength(0);
      });

      it('never unsubscribes from a sender filed as anything but marketing', async () => {
        const all = (await inject('GET', '/v1/senders')).json().senders as Array<{ id: string; address: string }>;
        const dana = all.find((s) => s.address === 'dana@acme.example');
        const res = await inject('POST', `/v1/senders/${dana?.id}/unsubscribe`, { confirm: true });
        expect(res.statusCode).toBe(409);
        expect(res.json().error.code).toBe('not_marketing');
        const missing = await inject('POST', '/v1/senders/00000000-0000-4000-8000-000000000000/unsubscribe', {
          confirm: true,
        });
        expect(missing.statusCode).toBe(404);
      });
    });

    describe('stats', () => {
      it('counts mail per category per day, replies, awaiting-reply ageing, drafts and model cost', async () => {
        const me = (await inject('GET', '/v1/me')).json();
        const scope = { tenantId: me.tenantId as string, userId: me.id as string };
        const db = ctx.storage.db;
        const today = new Date();
        const yesterday = new Date(today.getTime() - 86_400_000);
        await countMessage(db, scope, today, 'to_respond');
        await countMessage(db, scope, today, 'to_respond');
        await countMessage(db, scope, yesterday, 'marketing');
        await countMessage(db, scope, new Date(today.getTime() - 10 * 86_400_000), 'to_respond', { drafts: 2 });
        const mailbox = await db
          .insertInto('mailboxes')
          .values({
            tenant_id: scope.tenantId,
            user_id: scope.userId,
            provider: 'gmail',
            address: ME,
            refresh_token_ciphertext: 'x',
            refresh_token_iv: 'x',
            refresh_token_tag: 'x',
            key_version: 'x',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        for (const [i, minutes] of [10, 30, 90].entries()) {
          await db
            .insertInto('reply_events')
            .values({
              tenant_id: scope.tenantId,
              user_id: scope.userId,
              mailbox_id: mailbox.id,
              message_id: `reply-${i}`,
              thread_id: `t-${i}`,
              replied_at: today,
              minutes,
              drafted: i === 0,
            })
            .execute();
        }
        for (const [i, days] of [0.5, 2, 20].entries()) {
          await db
            .insertInto('thread_states')
            .values({
              tenant_id: scope.tenantId,
              user_id: scope.userId,
              mailbox_id: mailbox.id,
              thread_id: `wait-${i}`,
              state: 'awaiting_reply',
              last_message_id: `w-${i}`,
              last_from_me: true,
              last_message_at: new Date(today.getTime() - days * 86_400_000),
            })
            .execute();
        }
        await usageStore(db, scope).record({
          purpose: 'triage',
          model: 'gpt-4o-mini-2024-07-18',
          promptTokens: 1_000_000,
          completionTokens: 100_000,
          latencyMs: 300,
          ok: true,
        });

        const res = await inject('GET', '/v1/stats?days=30');
        expect(res.statusCode).toBe(200);
        const stats = res.json();
        expect(stats.perDay).toHaveLength(30);
        expect(stats.perDay.at(-1).counts.to_respond).toBe(2);
        expect(stats.perDay.at(-2).counts.marketing).toBeGreaterThanOrEqual(1);
        expect(stats.totals.to_respond).toBe(2);
        expect(stats.replies).toEqual({ sent: 3, medianMinutes: 30 });
        expect(stats.awaitingReply).toEqual([
          { bucket: '<1d', threads: 1 },
          { bucket: '1-3d', threads: 1 },
          { bucket: '3-7d', threads: 0 },
          { bucket: '7-14d', threads: 0 },
          { bucket: '>14d', threads: 1 },
        ]);
        expect(stats.drafts).toEqual({ created: 2, used: 1, discarded: 1 });
        expect(stats.model).toEqual({ calls: 1, promptTokens: 1_000_000, completionTokens: 100_000, costUsd: 0.21 });
        expect((await inject('GET', '/v1/stats?days=0')).statusCode).toBe(400);
        expect((await inject('GET', '/v1/stats?days=999')).statusCode).toBe(400);
      });

      it("counts days in the user's time zone: messages, replies and model calls", async () => {
        const me = (await inject('GET', '/v1/me')).json();
        const scope = { tenantId: me.tenantId as string, userId: me.id as string };
        const db = ctx.storage.db;
        const zone = 'Pacific/Kiritimati'; // UTC+14: its day starts at 10:00 UTC the day before
        const at = (iso: string) => new Date(iso);
        // 12:00 UTC on March 1 is already March 2 there; 09:00 UTC is still March 1 (23:00).
        await countMessage(db, scope, at('2026-03-01T12:00:00Z'), 'fyi', { messages: 1 }, zone);
        await countMessage(db, scope, at('2026-03-01T09:00:00Z'), 'fyi', { messages: 1 }, zone);
        await countMessage(db, scope, at('2026-03-01T09:00:00Z'), 'comment', { messages: 1 }, 'UTC');
        const mailbox = await db
          .insertInto('mailboxes')
          .values({
            tenant_id: scope.tenantId,
            user_id: scope.userId,
            provider: 'gmail',
            address: `tz-${ME}`,
            refresh_token_ciphertext: 'x',
            refresh_token_iv: 'x',
            refresh_token_tag: 'x',
            key_version: 'x',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        // Local midnight of March 1 is 10:00 UTC on February 28: a reply at 11:00 is inside, one at 09:00 is not.
        for (const [i, iso] of ['2026-02-28T11:00:00Z', '2026-02-28T09:00:00Z'].entries()) {
          await db
            .insertInto('reply_events')
            .values({
              tenant_id: scope.tenantId,
              user_id: scope.userId,
              mailbox_id: mailbox.id,
              message_id: `tz-reply-${i}`,
              thread_id: `tz-${i}`,
              replied_at: at(iso),
              minutes: 5 + i,
            })
            .execute();
        }
        const put = await inject('PUT', '/v1/settings', { timeZone: zone });
        expect(put.statusCode).toBe(200);
        await usageStore(db, scope).record(
          { purpose: 'triage', model: 'gpt-5-nano', promptTokens: 10, completionTokens: 1, latencyMs: 1, ok: true },
          at('2026-03-01T12:00:00Z'),
        );

        const stats = await inboxStats(db, scope, { days: 2, now: at('2026-03-01T12:30:00Z'), timeZone: zone });
        expect(stats).toMatchObject({ from: '2026-03-01', to: '2026-03-02', timeZone: zone });
        expect(stats.perDay.map((d) => [d.day, d.counts.fyi])).toEqual([
          ['2026-03-01', 1],
          ['2026-03-02', 1],
        ]);
        // Counted in UTC before the zone was set: it stays on its UTC day.
        expect(stats.perDay[0]?.counts.comment).toBe(1);
        expect(stats.replies).toEqual({ sent: 1, medianMinutes: 5 });
        expect(stats.model.calls).toBe(1);
        const utc = await inboxStats(db, scope, { days: 2, now: at('2026-03-01T12:30:00Z') });
        expect(utc).toMatchObject({ from: '2026-02-28', to: '2026-03-01', timeZone: 'UTC' });
        expect(utc.model.calls).toBe(0);

        // The route reads the zone from the user's settings.
        const res = await inject('GET', '/v1/stats?days=3');
        expect(res.json().timeZone).toBe(zone);
        await inject('PUT', '/v1/settings', { timeZone: 'UTC' });
      });
    });

    describe('alerts to Slack and Teams', () => {
      const rules = { toRespondHighPriority: true, meetingRequests: true, senders: [], domains: [] };

      it('refuses webhook URLs that are not https, not Slack or Teams, or private; seals the secret', async () => {
        for (const url of [
          'http://hooks.slack.com/services/T0/B0/x',
          'https://127.0.0.1/services/T0/B0/x',
          'https://10.1.2.3/services/x',
          'https://evil.example/services/T0/B0/x',
          'https://hooks.slack.com.evil.example/services/x',
          'https://user:pw@hooks.slack.com/services/x',
        ]) {
          const res = await inject('POST', '/v1/alerts/channels', { kind: 'slack', name: 'x', url, rules });
          expect(res.statusCode, url).toBe(400);
          expect(res.json().error.code).toBe('invalid_url');
        }
        const teamsOnSlack = await inject('POST', '/v1/alerts/channels', {
          kind: 'teams',
          name: 'x',
          url: 'https://hooks.slack.com/services/T0/B0/x',
          rules,
        });
        expect(teamsOnSlack.statusCode).toBe(400);

        const secretUrl = 'https://hooks.slack.com/services/T0001/B0001/SeCrEtWeBhOoK';
        const ok = await inject('POST', '/v1/alerts/channels', { kind: 'slack', name: 'Me', url: secretUrl, rules });
        expect(ok.statusCode).toBe(201);
        expect(JSON.stringify(ok.json())).not.toContain('SeCrEtWeBhOoK');
        const row = await ctx.storage.db.selectFrom('alert_channels').selectAll().executeTakeFirstOrThrow();
        expect(JSON.stringify(row)).not.toContain('SeCrEtWeBhOoK');
        const list = await inject('GET', '/v1/alerts/channels');
        expect(JSON.stringify(list.json())).not.toContain('SeCrEtWeBhOoK');
        expect(list.json().channels).toHaveLength(1);
      });

      it('sends a test alert as Block Kit, retrying 429 with Retry-After and 5xx with backoff', async () => {
        const id = (await inject('GET', '/v1/alerts/channels')).json().channels[0].id;
        fake.script('/services/', [
          { status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' },
          { status: 503, body: 'unavailable' },
        ]);
        const res = await inject('POST', `/v1/alerts/channels/${id}/test`);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({ delivered: true, status: 200 });
        const posts = fake.of('/services/T0001/B0001/SeCrEtWeBhOoK');
        expect(posts).toHaveLength(3);
        expect(sleeps).toEqual([2000, 1000]);
        const payload = posts[2]?.json as { text: string; blocks: Array<{ type: string }> };
        expect(payload.text).toBeTruthy();
        expect(payload.blocks[0]?.type).toBe('section');
      });

      it('a 4xx is not retried and is shown on the channel', async () => {
        const created = await inject('POST', '/v1/alerts/channels', {
          kind: 'slack',
          name: 'Gone',
          url: 'https://hooks.slack.com/services/gone/B/x',
          rules,
        });
        const res = await inject('POST', `/v1/alerts/channels/${created.json().id}/test`);
        expect(res.json()).toMatchObject({ delivered: false, status: 404 });
        expect(fake.of('/services/gone/')).toHaveLength(1);
        const channel = (await inject('GET', '/v1/alerts/channels'))
          .json()
          .channels.find((c: { id: string }) => c.id === created.json().id);
        expect(channel.lastError).toMatch(/404/);
        // Rules, quiet hours and the hourly limit can be changed; where it posts cannot.
        const patched = await inject('PATCH', `/v1/alerts/channels/${created.json().id}`, {
          name: 'Renamed',
          rules: { ...rules, meetingRequests: true, domains: ['acme.example'] },
          quietHours: { start: '22:00', end: '07:00' },
          maxPerHour: 3,
        });
        expect(patched.statusCode).toBe(200);
        expect(patched.json()).toMatchObject({
          name: 'Renamed',
          target: created.json().target,
          rules: { meetingRequests: true, domains: ['acme.example'] },
          quietHours: { start: '22:00', end: '07:00' },
          maxPerHour: 3,
        });
        const cleared = await inject('PATCH', `/v1/alerts/channels/${created.json().id}`, { quietHours: null });
        expect(cleared.json()).toMatchObject({ name: 'Renamed', quietHours: null, maxPerHour: 3 });
        expect(
          (await inject('PATCH', `/v1/alerts/channels/${created.json().id}`, { url: 'https://x' })).statusCode,
        ).toBe(400);
        expect((await inject('PATCH', `/v1/alerts/channels/${created.json().id}`, {})).statusCode).toBe(400);
        expect((await inject('DELETE', `/v1/alerts/channels/${created.json().id}`)).statusCode).toBe(204);
        expect((await inject('PATCH', `/v1/alerts/channels/${created.json().id}`, { name: 'x' })).statusCode).toBe(404);
        expect((await inject('DELETE', `/v1/alerts/channels/${created.json().id}`)).statusCode).toBe(404);
      });

      it('Slack bot token: chat.postMessage with the channel; Teams: an Adaptive Card', async () => {
        const bot = await inject('POST', '/v1/alerts/channels', {
          kind: 'slack',
          name: 'DM',
          botToken: SLACK_BOT_TOKEN,
          channel: 'U0123',
          rules,
        });
        expect(bot.statusCode).toBe(201);
        expect(bot.json().target).toBe('Slack U0123');
        expect((await inject('POST', `/v1/alerts/channels/${bot.json().id}/test`)).json()).toEqual({
          delivered: true,
          status: 200,
        });
        const [call] = fake.of('/api/chat.postMessage');
        expect(call?.headers.authorization).toBe(`Bearer ${SLACK_BOT_TOKEN}`);
        // Sent by @slack/web-api as Slack documents it: a form body, the Block Kit blocks as JSON.
        expect(call?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
        expect(call?.json).toMatchObject({
          channel: 'U0123',
          text: expect.stringContaining('Test alert'),
          blocks: [{ type: 'section' }, { type: 'section' }],
        });

        // Rate limited: Retry-After is honoured, then it goes through; {"ok": false} is not retried.
        fake.script('/api/chat.postMessage', [
          { status: 429, headers: { 'retry-after': '3', 'content-type': 'application/json' }, body: '{"ok":false}' },
        ]);
        expect((await inject('POST', `/v1/alerts/channels/${bot.json().id}/test`)).json()).toEqual({
          delivered: true,
          status: 200,
        });
        expect(sleeps).toEqual([3000]);
        fake.script('/api/chat.postMessage', [
          {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: '{"ok":false,"error":"not_in_channel"}',
          },
        ]);
        expect((await inject('POST', `/v1/alerts/channels/${bot.json().id}/test`)).json()).toEqual({
          delivered: false,
          status: 200,
          detail: 'not_in_channel',
        });
        expect(fake.of('/api/chat.postMessage')).toHaveLength(4);
        expect(sleeps).toEqual([3000]);

        const teams = await inject('POST', '/v1/alerts/channels', {
          kind: 'teams',
          name: 'Team',
          url: 'https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456',
          rules,
        });
        expect(teams.statusCode).toBe(201);
        expect((await inject('POST', `/v1/alerts/channels/${teams.json().id}/test`)).json()).toEqual({
          delivered: true,
          status: 200,
        });
        const [card] = fake.of('/webhookb2/');
        expect(card?.json).toMatchObject({
          type: 'message',
          attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }],
        });
        const workflow = await inject('POST', '/v1/alerts/channels', {
          kind: 'teams',
          name: 'Flow',
          url: 'https://prod-01.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=zzz',
          rules,
        });
        expect((await inject('POST', `/v1/alerts/channels/${workflow.json().id}/test`)).json()).toEqual({
          delivered: true,
          status: 202,
        });
      });
    });

    describe('CRM context', () => {
      it('only an admin connects it; the token is sealed; triage cites the open deal and raises priority', async () => {
        const before = (await triage({ ...customerAsk, id: 'before-crm' })).json();
        expect(before.reasons.join(' ')).not.toMatch(/open deal/);

        expect((await inject('GET', '/v1/admin/crm')).json()).toMatchObject({ connected: false });
        const bad = await inject('PUT', '/v1/admin/crm', {
          provider: 'salesforce',
          token: SALESFORCE_TOKEN,
          instanceUrl: 'https://169.254.169.254',
        });
        expect(bad.statusCode).toBe(400);
        const res = await inject('PUT', '/v1/admin/crm', { provider: 'hubspot', token: HUBSPOT_TOKEN, ttlMinutes: 60 });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ connected: true, provider: 'hubspot' });
        const row = await ctx.storage.db.selectFrom('crm_connections').selectAll().executeTakeFirstOrThrow();
        expect(JSON.stringify(row)).not.toContain(HUBSPOT_TOKEN);

        const result = (await triage(customerAsk)).json();
        expect(result.reasons[0]).toBe("open deal 'ACME renewal', stage Negotiation");
        expect(result.priority).toBe('high');
        expect(result.reasons.join(' ')).not.toMatch(/ACME pilot/);
        const calls = fake.requests.length;
        expect(calls).toBeGreaterThan(0);
        expect(fake.requests.every((r) => r.path.startsWith('/crm/'))).toBe(true);
        // Read-only: the only POSTs are HubSpot's search and batch read.
        expect(
          fake.requests
            .filter((r) => r.method === 'POST')
            .map((r) => r.path)
            .sort(),
        ).toEqual(['/crm/v3/objects/contacts/search', '/crm/v3/objects/deals/batch/read']);

        // Cached per sender for the TTL: another message from Dana asks nothing more.
        const again = (await triage({ ...customerAsk, id: 'm-dana-2', subject: 'Another thing' })).json();
        expect(again.reasons[0]).toMatch(/open deal/);
        expect(fake.requests.length).toBe(calls);

        // A stranger is looked up once, and the negative answer is cached too.
        await triage({ ...customerAsk, id: 'x-1', from: 'x@unknown.example' });
        await triage({ ...customerAsk, id: 'x-2', from: 'x@unknown.example' });
        expect(fake.of('/crm/v3/objects/contacts/search').length).toBe(2);
      });

      it('Salesforce: contact, account, owner and open opportunities through the query API', async () => {
        const res = await inject('PUT', '/v1/admin/crm', {
          provider: 'salesforce',
          token: SALESFORCE_TOKEN,
          instanceUrl: 'https://acme.my.salesforce.com',
        });
        expect(res.statusCode).toBe(200);
        const result = (await triage({ ...customerAsk, id: 'sf-1' })).json();
        expect(result.reasons[0]).toBe("open deal 'ACME renewal', stage Negotiation/Review");
        const queries = fake.of('/services/data/v60.0/query');
        expect(queries.length).toBe(2);
        expect(queries.every((q) => q.method === 'GET')).toBe(true);
        expect(decodeURIComponent(queries[0]?.path ?? '')).toContain("WHERE Email = 'dana@acme.example'");
        expect((await inject('DELETE', '/v1/admin/crm')).statusCode).toBe(204);
        expect((await inject('GET', '/v1/admin/crm')).json().connected).toBe(false);
      });
    });
  });
}
