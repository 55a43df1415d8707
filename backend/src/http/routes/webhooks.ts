import { createHash, timingSafeEqual } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { GmailPush, GraphNotification, GraphNotifications, GraphValidationQuery } from '@steward/shared';
import type { FastifyInstance } from 'fastify';
import { OAuth2Client } from 'google-auth-library';
import { Compile } from 'typebox/compile';
import { syncStore } from '../../storage/sync.ts';
import type { SyncService } from '../../sync/service.ts';
import { SYNC_JOBS } from '../../sync/service.ts';
import { errorBody } from '../errors.ts';

// Provider payloads are checked in the handlers, after the sender verifies, not by a route schema: a push
// that does not fit is acknowledged and dropped (Pub/Sub would retry a 400 forever).
const isGmailPush = Compile(GmailPush);
const isGraphNotifications = Compile(GraphNotifications);
const isGraphNotification = Compile(GraphNotification);

/** Equal strings in constant time (hashed first, so the length is not revealed either). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/**
 * Provider notifications. Each handler verifies, enqueues a coalesced delta sync, and acknowledges with
 * 202: no provider call and no mail processing happens on the request path.
 */
export async function webhookRoutes(fastify: FastifyInstance, sync: SyncService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config, storage } = app.services;
  const rows = syncStore(storage.db);
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
    const mailboxIds = await rows.activeGmailMailboxIds(emailAddress);
    for (const id of mailboxIds) await sync.notify(id, 'gmail-push');
    return reply.status(202).send({ accepted: mailboxIds.length });
  });

  app.post('/webhooks/graph', { schema: { hide: true, querystring: GraphValidationQuery } }, async (request, reply) => {
    const { validationToken } = request.query;
    if (typeof validationToken === 'string') {
      return reply.status(200).type('text/plain; charset=utf-8').send(validationToken.slice(0, 4096));
    }
    const notes = isGraphNotifications.Check(request.body)
      ? request.body.value.slice(0, 1000).filter((note) => isGraphNotification.Check(note))
      : [];
    const ids = [...new Set(notes.map((n) => n.subscriptionId).filter((id): id is string => typeof id === 'string'))];
    if (ids.length === 0) return reply.status(401).send(errorBody('unauthorized', 'No notification verifies.'));
    const watched = await rows.mailboxesByWatch(ids);
    const bySubscription = new Map(watched.map((r) => [r.watch_id, r]));
    const syncs = new Set<string>();
    const renewals = new Set<string>();
    let verified = 0;
    for (const note of notes) {
      const mailbox = note.subscriptionId ? bySubscription.get(note.subscriptionId) : undefined;
      if (
        !mailbox?.client_state ||
        typeof note.clientState !== 'string' ||
        !constantTimeEqual(note.clientState, mailbox.client_state)
      )
        continue;
      verified++;
      if (mailbox.status !== 'active') continue;
      if (note.lifecycleEvent === 'reauthorizationRequired' || note.lifecycleEvent === 'subscriptionRemoved')
        renewals.add(mailbox.id);
      syncs.add(mailbox.id);
    }
    if (verified === 0) return reply.status(401).send(errorBody('unauthorized', 'No notification verifies.'));
    for (const id of syncs) await sync.notify(id, 'graph-notification');
    for (const id of renewals) await sync.queue.send(SYNC_JOBS.renew, { mailboxId: id }, { singletonKey: id });
    return reply.status(202).send({ accepted: verified });
  });
}
