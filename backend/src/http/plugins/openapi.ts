import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';

/** The origin a request was made to ("http://127.0.0.1:8787"); the public URL when the Host is missing. */
export function requestOrigin(request: FastifyRequest, config: Pick<Config, 'publicUrl'>): string {
  const host = request.host;
  if (!host || /[^\w.:[\]-]/.test(host)) return config.publicUrl;
  return `${request.protocol}://${host}`;
}

/** OpenAPI generated from the route schemas; JSON at /docs/json, the browsable UI at /docs. */
export const openApiPlugin = fp<{ config: Config; version: string }>(
  async (app: FastifyInstance, { config, version }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Steward API',
          version,
          description:
            'Triage, drafts in your voice, scheduling and meeting notes for Outlook and Gmail. Every error is {"error":{"code","message"}}.',
        },
        servers: [{ url: config.publicUrl }],
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description: 'A Microsoft Entra access token (Outlook add-in) or a Google ID token (Gmail add-on).',
            },
          },
        },
        security: config.localMode ? [] : [{ bearer: [] }],
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: false,
      // "Try it out" calls the origin the page was loaded from: the page's CSP allows only that one
      // (connect-src 'self'), and 127.0.0.1 and localhost are different origins to a browser.
      transformSpecification: (spec, request) => ({ ...spec, servers: [{ url: requestOrigin(request, config) }] }),
    });
  },
);
