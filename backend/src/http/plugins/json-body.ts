import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { HttpError } from '../errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies are decoded strictly: bytes that are not UTF-8 are refused (the default parser would silently
 * turn them into U+FFFD and lose data), and prototype-poisoning keys are refused.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  // No route reads plain text: a text/plain body is answered 415 (what to send instead), not 400.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
    if (body.length === 0)
      return done(new HttpError(400, 'empty_body', 'The request body is empty; send a JSON document.'), undefined);
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(new HttpError(400, 'invalid_encoding', 'The request body is not valid UTF-8.'), undefined);
    }
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      const message =
        error instanceof SyntaxError ? error.message : 'The body holds forbidden keys (__proto__ or constructor).';
      done(new HttpError(400, 'invalid_json', `The request body is not valid JSON: ${message}`), undefined);
    }
  });
}
