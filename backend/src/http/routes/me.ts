import { AuditTrail, ErrorBody, Me, MeIdentity } from '@steward/shared';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { identityKey, isAdmin } from '../../identity/admin.ts';
import { HttpError } from '../errors.ts';
import { signedIn } from '../plugins/auth.ts';

export async function meRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/me',
    {
      schema: {
        tags: ['account'],
        summary: 'Who the caller is',
        response: { 200: Me, 401: ErrorBody },
      },
    },
    async (request) => {
      const row = await request.store.profile();
      if (!row) throw new HttpError(404, 'user_not_found', 'This account has been deleted.');
      return {
        id: row.id,
        tenantId: row.tenant_id,
        provider: row.provider as 'microsoft' | 'google' | 'local',
        email: row.email,
        displayName: row.display_name,
        createdAt: new Date(row.created_at).toISOString(),
        localMode: app.services.config.localMode,
      };
    },
  );

  app.get(
    '/me/identity',
    {
      schema: {
        tags: ['account'],
        summary: 'The immutable identity behind the caller, as ADMIN_IDENTITIES names administrators',
        description:
          'For an Entra account "entra:<tenant id>:<object id>", for a Google account "google:<sub>". Email addresses never make anyone an administrator.',
        response: {
          200: MeIdentity,
        },
      },
    },
    async (request) => {
      const { identity } = signedIn(request);
      const key = identityKey(identity);
      return {
        provider: identity.provider,
        tenant: identity.tenantExternalId,
        subject: identity.subject,
        adminIdentity: key.startsWith('microsoft:') ? `entra:${key.slice('microsoft:'.length)}` : key,
        admin: isAdmin(app.services.config, identity),
      };
    },
  );

  app.get(
    '/me/audit',
    {
      schema: {
        tags: ['account'],
        summary: 'What Steward read and wrote for you, newest first',
        response: { 200: AuditTrail },
      },
    },
    async (request) => {
      const rows = await request.store.auditTrail(200);
      return {
        entries: rows.map((r) => ({
          id: String(r.id),
          action: r.action,
          detail: r.detail,
          createdAt: new Date(r.created_at).toISOString(),
        })),
      };
    },
  );

  app.delete(
    '/me',
    {
      schema: {
        tags: ['account'],
        summary: 'Delete all of my data',
        description:
          'Deletes the account, settings and everything Steward stored for the caller. Mail itself is never touched.',
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const scope = request.store.scope;
      for (const cleanUp of app.services.userDeletion) await cleanUp(scope);
      await request.store.deleteEverything();
      app.forgetUser(scope);
      request.log.info({ userId: scope.userId }, 'user data deleted');
      return reply.status(204).send();
    },
  );
}
