import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { metrics } from '../../ops/metrics.ts';
import { mailboxCounts, queueCounts, syncLag } from '../../storage/operations.ts';
import { errorBody } from '../errors.ts';

const WAITING_STATES = new Set(['created', 'retry', 'active']);

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '';
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GET /metrics in Prometheus's text format. Off unless METRICS_TOKEN is set (then 404, as if absent), and
 * only for `Authorization: Bearer <METRICS_TOKEN>` (else 401). Queue depth, dead letters, sync lag and
 * mailbox counts are read from the database at scrape time, so every process reports the same totals.
 */
export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  const { config, storage } = app.services;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const token = config.metrics.token;
    if (!token) {
      return reply.status(404).send(errorBody('not_found', 'Metrics are off; set METRICS_TOKEN to serve them.'));
    }
    if (!tokenMatches(request.headers.authorization, token)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .send(errorBody('unauthorized', 'Send Authorization: Bearer <METRICS_TOKEN>.'));
    }
    const m = metrics();
    const queue = config.sync.queue;
    const [jobs, lags, boxes] = await Promise.all([
      queueCounts(storage, queue),
      syncLag(storage),
      mailboxCounts(storage),
    ]);
    m.queueDepth.reset();
    m.deadLetters.reset();
    m.queueDepth.set({ queue, state: 'waiting' }, 0);
    m.deadLetters.set({ queue }, 0);
    for (const { state, count } of jobs) {
      if (WAITING_STATES.has(state))
        m.queueDepth.inc({ queue, state: state === 'active' ? 'active' : 'waiting' }, count);
      if (state === 'failed') m.deadLetters.set({ queue }, count);
    }
    m.syncLag.reset();
    for (const { provider, lagSeconds } of lags) m.syncLag.set({ provider }, lagSeconds);
    m.mailboxes.reset();
    for (const { provider, status, count } of boxes) m.mailboxes.set({ provider, status }, count);
    return reply.type(m.registry.contentType).send(await m.registry.metrics());
  });
}
