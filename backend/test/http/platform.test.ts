import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';

for (const database of testDatabases()) {
  describe(`platform routes [${database.name}]`, () => {
    const ctx = useTestApp(database, {});

    it('/health and /ready answer 200', async () => {
      expect((await ctx.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
      expect((await ctx.app.inject({ method: 'GET', url: '/ready' })).json()).toEqual({
        status: 'ready',
        database: database.name,
      });
    });

    it('serves an OpenAPI document generated from the route schemas', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/me', '/v1/settings', '/health', '/ready']));
      expect(doc.paths['/v1/settings'].put.requestBody).toBeDefined();
    });

    it('points "Try it out" at the origin the documentation was loaded from (the page allows only that one)', async () => {
      for (const host of ['127.0.0.1:8787', 'localhost:8787', '[::1]:8787']) {
        const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json', headers: { host } })).json();
        expect(doc.servers).toEqual([{ url: `http://${host}` }]);
      }
      const page = await ctx.app.inject({ method: 'GET', url: '/docs/static/index.html' });
      expect(page.headers['content-security-policy']).toMatch(/connect-src 'self'/);
    });

    it('sends security headers and allows the Outlook origins only', async () => {
      const res = await ctx.app.inject({
        method: 'GET',
        url: '/health',
        headers: { origin: 'https://outlook.office.com' },
      });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain('frame-ancestors');
      expect(res.headers['access-control-allow-origin']).toBe('https://outlook.office.com');
      const evil = await ctx.app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://evil.example' } });
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('settings start complete and persist partial updates', async () => {
      const initial = (await ctx.app.inject({ method: 'GET', url: '/v1/settings' })).json();
      expect(initial).toMatchObject({ timeZone: 'UTC', replyThreshold: 0.5, marketingThreshold: 0.5 });
      expect(Object.keys(initial.categories)).toHaveLength(8);
      const put = await ctx.app.inject({
        method: 'PUT',
        url: '/v1/settings',
        payload: {
          timeZone: 'Europe/Berlin',
          categories: { ...initial.categories, marketing: { enabled: false, displayName: 'Promos' } },
        },
      });
      expect(put.statusCode).toBe(200);
      const after = (await ctx.app.inject({ method: 'GET', url: '/v1/settings' })).json();
      expect(after.timeZone).toBe('Europe/Berlin');
      expect(after.categories.marketing).toEqual({ enabled: false, displayName: 'Promos' });
      expect(after.categories.fyi).toEqual({ enabled: true, displayName: 'FYI' });
    });

    it('DELETE /v1/me removes the account and records that it happened', async () => {
      const before = (await ctx.app.inject({ method: 'GET', url: '/v1/me' })).json();
      await ctx.app.inject({ method: 'PUT', url: '/v1/settings', payload: { timeZone: 'Asia/Tokyo' } });
      const del = await ctx.app.inject({ method: 'DELETE', url: '/v1/me' });
      expect(del.statusCode).toBe(204);
      const rows = await ctx.storage.db.selectFrom('audit_log').selectAll().where('user_id', '=', before.id).execute();
      expect(rows.map((r) => r.action)).toEqual(['user.deleted']);
      expect(await ctx.storage.db.selectFrom('users').selectAll().where('id', '=', before.id).execute()).toEqual([]);
      // The next call starts a fresh account with default settings.
      const again = (await ctx.app.inject({ method: 'GET', url: '/v1/me' })).json();
      expect(again.id).not.toBe(before.id);
      expect((await ctx.app.inject({ method: 'GET', url: '/v1/settings' })).json().timeZone).toBe('UTC');
    });
  });
}
