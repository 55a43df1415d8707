/**
 * The service side of provider notifications (the routes in http/routes/webhooks.ts verify the sender and
 * parse the payload): which mailboxes a notification is for, and the delta syncs and subscription renewals
 * it asks for. No provider call and no mail processing happens here: jobs are enqueued, coalesced.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GraphNotification } from '@steward/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { syncStore } from '../storage/sync.ts';
import { SYNC_JOBS, type SyncService } from './service.ts';

/** Equal strings in constant time (hashed first, so the length is not revealed either). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export function webhookIntake(db: Kysely<Database>, sync: Pick<SyncService, 'notify' | 'queue'>) {
  const rows = syncStore(db);
  return {
    /** A verified Gmail push for `emailAddress`: a delta sync of each active mailbox of it. Returns how many. */
    async gmailPush(emailAddress: string): Promise<number> {
      const mailboxIds = await rows.activeGmailMailboxIds(emailAddress);
      for (const id of mailboxIds) await sync.notify(id, 'gmail-push');
      return mailboxIds.length;
    },

    /**
     * Graph notifications: each verifies by its subscription's client state (constant time); a verified one
     * of an active mailbox asks for a delta sync, and a lifecycle event for a renewal too. Returns how many
     * verified (0: the caller answers 401).
     */
    async graphNotifications(notes: GraphNotification[]): Promise<number> {
      const ids = [...new Set(notes.map((n) => n.subscriptionId).filter((id): id is string => typeof id === 'string'))];
      if (ids.length === 0) return 0;
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
      if (verified === 0) return 0;
      for (const id of syncs) await sync.notify(id, 'graph-notification');
      for (const id of renewals) await sync.queue.send(SYNC_JOBS.renew, { mailboxId: id }, { singletonKey: id });
      return verified;
    },
  };
}
