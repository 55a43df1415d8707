import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/ops/tracing.ts';
import type { Storage } from '../../src/storage/database.ts';
import { buildTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

/** A stand-in OpenTelemetry collector: keeps every span posted to /v1/traces (OTLP/HTTP JSON). */
async function startCollector() {
  const spans: OtlpSpan[] = [];
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        bodies.push(body);
        const parsed = JSON.parse(body) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const rs of parsed.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    bodies,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const ask = {
  id: 'm-trace-secret-id',
  from: 'Bo Secret <bo.secret@partner.example>',
  to: ['me@steward.example'],
  subject: 'Confidential acquisition timeline',
  text: 'Hi,\n\nCould you send me the confidential acquisition timeline by Friday?\n\nThanks,\nBo',
};

describe('OpenTelemetry tracing', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let tracing: Tracing | undefined;
  let storage: Storage;
  let app: FastifyInstance;

  beforeAll(async () => {
    collector = await startCollector();
    tracing = startTracing({ tracing: { endpoint: collector.url, serviceName: 'steward-test' } });
    storage = await testDatabases()[0]!.open();
    app = await buildTestApp(storage, {});
  });
  afterAll(async () => {
    await app?.close();
    await storage?.close();
    await tracing?.shutdown();
    await collector?.close();
  });

  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(startTracing({ tracing: { serviceName: 'steward' } })).toBeUndefined();
  });

  it('traces a request through triage and drafting, continuing the caller traceparent, with no mail in spans', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
    const triage = await app.inject({
      method: 'POST',
      url: '/v1/triage',
      headers: { traceparent },
      payload: { message: ask },
    });
    expect(triage.statusCode).toBe(200);
    const draft = await app.inject({ method: 'POST', url: '/v1/drafts', payload: { message: ask } });
    expect(draft.statusCode).toBe(200);
    await tracing!.flush();

    const server = collector.spans.find((s) => s.name === 'POST /v1/triage');
    expect(server, JSON.stringify(collector.spans.map((s) => s.name))).toBeDefined();
    expect(server!.traceId).toBe(traceId);
    expect(server!.parentSpanId).toBe('00f067aa0ba902b7');
    const triageSpan = collector.spans.find((s) => s.name === 'steward.triage' && s.traceId === traceId);
    expect(triageSpan?.parentSpanId).toBe(server!.spanId);
    expect(triageSpan?.attributes.map((a) => a.key)).toContain('steward.category');

    const draftServer = collector.spans.find((s) => s.name === 'POST /v1/drafts');
    const draftSpan = collector.spans.find((s) => s.name === 'steward.draft');
    expect(draftSpan?.traceId).toBe(draftServer?.traceId);
    expect(draftSpan?.parentSpanId).toBe(draftServer?.spanId);

    const everything = collector.bodies.join('\n');
    expect(everything).toContain('steward-test');
    for (const secret of ['m-trace-secret-id', 'bo.secret', 'partner.example', 'Confidential', 'acquisition'])
      expect(everything).not.toContain(secret);
  }, 60_000);
});
