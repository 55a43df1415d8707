import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/database.ts';
import { buildTestApp, useTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import { connectMailbox, type Fakes, GMAIL_ADDRESS, startFakes, waitProcessed } from '../sync/harness.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

const ask = {
  id: 'm-metrics-secret-id',
  from: 'Ann Lee <ann.secret@partner.example>',
  to: ['me@steward.example'],
  subject: 'Confidential merger budget',
  text: 'Hi,\n\nCould you approve the confidential merger budget by Friday?\n\nThanks,\nAnn',
};

/** A metric's value for a label set, from Prometheus text (labels in any order). */
function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics is off by default', () => {
  const ctx = useTestApp(testDatabases()[0]!, {});
  it('answers 404 in the error shape when METRICS_TOKEN is not set', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

for (const database of testDatabases()) {
  describe(`GET /metrics [${database.name}]`, () => {
    const ctx = useTestApp(database, { METRICS_TOKEN: TOKEN });
    const scrape = async () => {
      const res = await ctx.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.statusCode).toBe(200);
      return res;
    };

    it('refuses a missing or wrong bearer token with 401', async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789abcdef' }, { authorization: TOKEN }]) {
        const res = await ctx.app.inject({ method: 'GET', url: '/metrics', headers });
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } });
        expect(res.headers['www-authenticate']).toContain('Bearer');
      }
    });

    it('serves Prometheus text with latency per route template, triage per category and the queue', async () => {
      await ctx.app.inject({ method: 'GET', url: '/health' });
      const triage = await ctx.app.inject({ method: 'POST', url: '/v1/triage', payload: { message: ask } });
      expect(triage.statusCode).toBe(200);
      const category = triage.json().category as string;
      await ctx.app.inject({ method: 'GET', url: `/v1/triage/${ask.id}` });
      await ctx.app.inject({ method: 'GET', url: '/nowhere/ann.secret@partner.example' });

      const res = await scrape();
      expect(res.headers['content-type']).toContain('text/plain');
      const text = res.body;
      expect(
        value(text, 'steward_http_request_duration_seconds_count', { route: '/health', method: 'GET', status: '200' }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        value(text, 'steward_http_request_duration_seconds_count', { route: '/v1/triage/:messageId' }),
      ).toBeGreaterThanOrEqual(1);
      expect(value(text, 'steward_http_request_duration_seconds_count', { route: 'unmatched' })).toBeGreaterThanOrEqual(
        1,
      );
      expect(value(text, 'steward_triage_results_total', { category, engine: 'local' })).toBeGreaterThanOrEqual(1);
      expect(value(text, 'steward_job_queue_depth', { state: 'waiting' })).toBe(0);
      expect(value(text, 'steward_job_dead_letters', {})).toBe(0);
      expect(text).toContain('# TYPE steward_mailbox_sync_lag_seconds gauge');
      expect(text).toContain('# TYPE steward_webhook_acknowledgements_total counter');
      expect(text).toContain('steward_process_cpu_seconds_total');
      // No message id, address, subject or raw URL ever becomes a label.
      for (const secret of ['m-metrics-secret-id', 'ann.secret', 'partner.example', 'Confidential', 'nowhere'])
        expect(text).not.toContain(secret);
    });

    it('counts webhook acknowledgements by provider and status', async () => {
      const before = value((await scrape()).body, 'steward_webhook_acknowledgements_total', { provider: 'graph' }) ?? 0;
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/webhooks/graph',
        payload: { value: [{ subscriptionId: 'unknown', clientState: 'x', changeType: 'created' }] },
      });
      const after = (await scrape()).body;
      expect(
        value(after, 'steward_webhook_acknowledgements_total', { provider: 'graph', status: String(res.statusCode) }),
      ).toBeGreaterThanOrEqual(1);
      const total = after
        .split('\n')
        .filter((l) => l.startsWith('steward_webhook_acknowledgements_total{') && l.includes('provider="graph"'))
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      expect(total).toBe(before + 1);
    });
  });
}

for (const database of testDatabases()) {
  describe(`GET /metrics with mailbox sync [${database.name}]`, () => {
    let storage: Storage;
    let fakes: Fakes;
    let app: FastifyInstance;
    beforeAll(async () => {
      storage = await database.open();
      fakes = await startFakes();
      app = await buildTestApp(storage, { ...fakes.env, METRICS_TOKEN: TOKEN });
      await app.sync.startWorkers();
    });
    afterAll(async () => {
      await app?.close();
      await fakes?.close();
      await storage?.close();
    });

    it('counts the jobs a new message runs, the connected mailboxes and their sync lag', async () => {
      const mailbox = await connectMailbox(storage, fakes, 'gmail');
      await app.sync.runMailboxSync(mailbox.id);
      const msg = fakes.gmail.deliver({ ...ask, to: GMAIL_ADDRESS });
      await app.sync.notify(mailbox.id, 'test');
      await waitProcessed(storage, mailbox.id, [msg.id], 120_000);
      const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.statusCode).toBe(200);
      const ok = res.body
        .split('\n')
        .filter((l) => l.startsWith('steward_jobs_total{') && l.includes('outcome="ok"'))
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      expect(ok).toBeGreaterThanOrEqual(1);
      expect(value(res.body, 'steward_mailboxes', { provider: 'gmail', status: 'active' })).toBe(1);
      expect(value(res.body, 'steward_mailbox_sync_lag_seconds', { provider: 'gmail' })).toBeGreaterThanOrEqual(0);
      expect(value(res.body, 'steward_triage_results_total', { engine: 'local' })).toBeGreaterThanOrEqual(1);
      for (const secret of ['ann.secret', 'Confidential', GMAIL_ADDRESS, msg.id])
        expect(res.body).not.toContain(secret);
    }, 180_000);
  });
}
