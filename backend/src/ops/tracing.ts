import { type Attributes, context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { DraftingService } from '../drafting/service.ts';
import type { TriageService } from '../triage/service.ts';
import { metrics } from './metrics.ts';

/**
 * OpenTelemetry tracing. With OTEL_EXPORTER_OTLP_ENDPOINT set, spans go to `<endpoint>/v1/traces` over
 * OTLP/HTTP; without it the API's tracer does nothing and costs next to nothing. Spans carry route
 * templates, status codes, categories and engines: never a message id, an address, a subject or mail text.
 */
const TRACER = 'steward';

export interface Tracing {
  /** Sends what is buffered (tests, and shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: { endpoint: string; tracing: Tracing } | undefined;

/** Starts exporting spans when the configuration names an endpoint; once per process. */
export function startTracing(config: Pick<Config, 'tracing'>, version = '0.0.0'): Tracing | undefined {
  const endpoint = config.tracing.endpoint;
  if (!endpoint) return undefined;
  if (active) {
    if (active.endpoint !== endpoint) throw new Error('tracing already exports to another endpoint in this process');
    return active.tracing;
  }
  const exporter = new OTLPTraceExporter({ url: `${endpoint}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.tracing.serviceName, 'service.version': version }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  provider.register(); // the AsyncLocalStorage context manager and the W3C traceparent propagator
  const tracing: Tracing = {
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      active = undefined;
      await provider.shutdown();
    },
  };
  active = { endpoint, tracing };
  return tracing;
}

const spans = new WeakMap<FastifyRequest, Span>();

/** Route template or "unmatched": the raw URL never becomes a span name or a label. */
export function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}

/**
 * One server span per request, continuing the caller's `traceparent`; the handler runs inside it, so the
 * triage and drafting spans below become its children.
 */
export function registerRequestTelemetry(app: FastifyInstance): void {
  const tracer = trace.getTracer(TRACER);
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer.startSpan(
      `${request.method} ${routeOf(request)}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': routeOf(request) },
      },
      parent,
    );
    spans.set(request, span);
    context.with(trace.setSpan(parent, span), done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const seconds = reply.elapsedTime / 1000;
    const route = routeOf(request);
    const status = String(reply.statusCode);
    metrics().httpDuration.observe({ method: request.method, route, status }, seconds);
    const provider = /^\/webhooks\/(gmail|graph)$/.exec(route)?.[1];
    if (provider) metrics().webhookAcks.inc({ provider, status });
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      spans.delete(request);
    }
    done();
  });
}

/** Runs `fn` in a child span of the current one; an error marks the span and is thrown on. */
export async function traced<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The triage service with a span around each triage, and results counted per category and engine. */
export function instrumentTriage(service: TriageService): TriageService {
  return {
    provider: service.provider,
    triage: (ctx, message, options) =>
      traced('steward.triage', { 'steward.provider': service.provider }, async (span) => {
        const result = await service.triage(ctx, message, options);
        const engine = result.reasons.some((r) => r.includes('used the local engine')) ? 'local' : service.provider;
        span.setAttributes({ 'steward.category': result.category, 'steward.engine': engine });
        metrics().triageResults.inc({ category: result.category, engine });
        return result;
      }),
  };
}

/** The drafting service with a span around each draft and each streamed draft. */
export function instrumentDrafting(service: DraftingService): DraftingService {
  const run: DraftingService['run'] = (prepared) =>
    traced('steward.draft', { 'steward.provider': service.provider }, async (span) => {
      const outcome = await service.run(prepared);
      span.setAttributes({ 'steward.engine': outcome.engine, 'steward.fallback': Boolean(outcome.fallback) });
      return outcome;
    });
  return {
    provider: service.provider,
    prepare: (ctx, input) => service.prepare(ctx, input),
    run,
    draft: async (ctx, input) => run(await service.prepare(ctx, input)),
    stream: (prepared, signal) => {
      const span = trace.getTracer(TRACER).startSpan('steward.draft.stream', {
        attributes: { 'steward.provider': service.provider },
      });
      const inner = service.stream(prepared, signal);
      return {
        async *[Symbol.asyncIterator]() {
          try {
            yield* inner;
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw error;
          } finally {
            span.end();
          }
        },
      };
    },
  };
}
