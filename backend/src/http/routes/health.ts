import { ErrorBody, Health, Readiness } from '@steward/shared';
import type { FastifyInstance } from 'fastify';
import { isReachable } from '../../storage/database.ts';
import { errorBody } from '../errors.ts';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'The process is alive',
        response: { 200: Health },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'The database is reachable',
        response: { 200: Readiness, 503: ErrorBody },
      },
    },
    async (_request, reply) => {
      if (await isReachable(app.services.storage.db)) {
        return { status: 'ready' as const, database: app.services.storage.kind };
      }
      return reply.status(503).send(errorBody('database_unreachable', 'The database does not answer.'));
    },
  );
}
