import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';

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
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false });
  },
);
