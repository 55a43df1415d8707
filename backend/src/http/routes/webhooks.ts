import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { GmailPush, GraphNotification, GraphNotifications, GraphValidationQuery } from '@steward/shared';
import type { FastifyInstance } from 'fastify';
import { OAuth2Client } from 'google-auth-library';
import { Compile } from 'typebox/compile';
import type { SyncService } from '../../sync/service.ts';
import { webhookIntake } from '../../sync/webhooks.ts';
import { errorBody } from '../errors.ts';

// Provider payloads are checked in the handlers, after the sender verifies, not by a route schema: a push
// that does not fit is acknowledged and dropped (Pub/Sub would retry a 400 forever).
const isGmailPush = Compile(GmailPush);
const isGraphNotifications = Compile(GraphNotifications);
const isGraphNotification = Compile(GraphNotification);

/**
 * Provider notifications. Each handler verifies the sender, hands the notification to the sync side
 * (sync/webhooks.ts: which mailboxes, a coalesced delta sync each) and acknowledges with 202: no provider
 * call and no mail processing happens on the request path.
 */
export async function webhookRoutes(fastify: FastifyInstance, sync: SyncService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config, storage } = app.services;
  const intake = webhookIntake(storage.db, sync);
  const pushVerifier = new OAuth2Client(
    config.google.certsUrl ? { endpoints: { oauth2FederatedSignonPemCertsUrl: config.google.certsUrl } } : {},
  );

  // Graph posts the validation handshake as text/plain; the body is ignored.
  app.addContentTypeParser(
    ['text/plain', 'application/x-www-form-urlencoded'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );

  app.post('/webhooks/gmail', { schema: { hide: true } }, async (request, reply) => {
    const audience = config.sync.gmailPushAudience;
    const account = config.sync.gmailPushServiceAccount;
    if (!account)
      return reply.status(503).send(errorBody('push_not_configured', 'GMAIL_PUSH_SERVICE_ACCOUNT is not set.'));
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token)
      return reply.status(401).send(errorBody('unauthorized', 'Pub/Sub push must carry an OIDC bearer token.'));
    try {
      const ticket = await pushVerifier.verifyIdToken({ idToken: token, audience });
      const claims = ticket.getPayload();
      const verified = claims?.email_verified === true || (claims?.email_verified as unknown) === 'true';
      if (!claims || claims.email?.toLowerCase() !== account || !verified) throw new Error('wrong account');
    } catch {
      return reply.status(401).send(errorBody('unauthorized', 'The push token does not verify.'));
    }
    const data = isGmailPush.Check(request.body) ? (request.body.message?.data ?? '') : '';
    let emailAddress: string | undefined;
    try {
      const push: unknown = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
      if (push && typeof push === 'object' && 'emailAddress' in push && typeof push.emailAddress === 'string')
        emailAddress = push.emailAddress.toLowerCase();
    } catch {}
    // A malformed message is acknowledged (not retried forever by Pub/Sub) and dropped.
    if (!emailAddress) return reply.status(202).send({ accepted: 0 });
    return reply.status(202).send({ accepted: await intake.gmailPush(emailAddress) });
  });

  app.post('/webhooks/graph', { schema: { hide: true, querystring: GraphValidationQuery } }, async (request, reply) => {
    const { validationToken } = request.query;
    if (typeof validationToken === 'string') {
      return reply.status(200).type('text/plain; charset=utf-8').send(validationToken.slice(0, 4096));
    }
    const notes = isGraphNotifications.Check(request.body)
      ? request.body.value.slice(0, 1000).filter((note) => isGraphNotification.Check(note))
      : [];
    const verified = await intake.graphNotifications(notes);
    if (verified === 0) return reply.status(401).send(errorBody('unauthorized', 'No notification verifies.'));
    return reply.status(202).send({ accepted: verified });
  });
}
