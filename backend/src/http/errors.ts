import type { ErrorBody } from '@steward/shared';
import type { FastifyError, FastifyInstance } from 'fastify';

/** An error a route throws on purpose: it becomes `{"error":{code,message}}` with this status. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

const FASTIFY_CODES: Record<string, [number, string, string?]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'empty_body', 'The request body is empty; send a JSON document.'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_CTP_INVALID_TYPE: [400, 'invalid_content_type'],
  FST_ERR_VALIDATION: [400, 'invalid_request'],
};

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

/** The values a field allows, when the schema lists them (a union of constants, an enum). */
function allowedValues(issues: readonly ValidationIssue[], instancePath: string): unknown[] {
  const values: unknown[] = [];
  for (const issue of issues) {
    if (issue.instancePath !== instancePath) continue;
    const params = issue.params as { allowedValue?: unknown; allowedValues?: unknown[] };
    if (issue.keyword === 'const' && 'allowedValue' in params) values.push(params.allowedValue);
    if (issue.keyword === 'enum' && Array.isArray(params.allowedValues)) values.push(...params.allowedValues);
  }
  return [...new Set(values)];
}

function describeValidation(error: FastifyError): string {
  const issues = error.validation ?? [];
  const first = issues[0];
  if (!first) return error.message;
  const where = error.validationContext ?? 'body';
  const path = first.instancePath ? `${where}${first.instancePath.replace(/\//g, '.')}` : where;
  const allowed = allowedValues(issues, first.instancePath);
  if (allowed.length > 0) {
    return `${path} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}.`;
  }
  if (first.keyword === 'type') {
    const types = issues
      .filter((i) => i.instancePath === first.instancePath && i.keyword === 'type')
      .map((i) => String((i.params as { type?: unknown }).type));
    return `${path} must be ${[...new Set(types)].join(' or ')}.`;
  }
  if (first.keyword === 'additionalProperties') {
    const extra = (first.params as { additionalProperty?: string }).additionalProperty;
    return `${path} has an unknown field "${extra}".`;
  }
  if (first.keyword === 'required') {
    const missing = (first.params as { missingProperty?: string }).missingProperty;
    return `${path} is missing the required field "${missing}".`;
  }
  return `${path} ${first.message ?? 'is invalid'}.`;
}

/** The one error handler: every failure leaves as `{"error":{code,message}}`, never a stack trace. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { code?: string }, request, reply) => {
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send(errorBody(error.code, error.message));
    }
    if (error.name === 'AuthError' && error.statusCode === 401) {
      return reply
        .status(401)
        .header('WWW-Authenticate', 'Bearer')
        .send(errorBody(error.code ?? 'unauthorized', error.message));
    }
    if (error.validation) {
      const code =
        error.validationContext === 'body' || !error.validationContext
          ? 'invalid_body'
          : `invalid_${error.validationContext}`;
      return reply.status(400).send(errorBody(code, describeValidation(error)));
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) {
      const [status, code, message] = known;
      const contentType = String(request.headers['content-type'] ?? '').split(';')[0];
      const expected =
        (request.routeOptions.schema as { consumes?: string[] } | undefined)?.consumes?.join(' or ') ??
        'application/json';
      const text =
        message ??
        (status === 413
          ? `The request body is larger than the ${request.routeOptions.bodyLimit ?? ''} byte limit.`.replace('  ', ' ')
          : status === 415
            ? `A body of type "${contentType || 'none'}" is not accepted here; send it as ${expected}.`
            : error.message);
      return reply.status(status).send(errorBody(code, text));
    }
    if (error.statusCode === 429) {
      return reply.status(429).send(errorBody('rate_limited', error.message));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(errorBody('bad_request', error.message));
    }
    request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'unhandled error');
    return reply
      .status(500)
      .send(errorBody('internal_error', 'Something went wrong on our side; the error has been logged.'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody('not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`));
  });
}
