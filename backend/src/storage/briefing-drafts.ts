/**
 * The briefing's reads and the morning briefing draft to self (issue 19): the threads a briefing lists,
 * which users may be due, and the once-per-local-day claim. One row per user (`briefing_drafts`, migration
 * 0010) holds the last local day claimed and, once the provider made it, the draft id.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';
import type { UserScope } from './user-scope.ts';

export interface BriefingCandidate extends UserScope {
  /** The user's stored (partial) settings; defaults are merged by the caller. */
  settings: Record<string, unknown>;
}

/** A thread the briefing may list: its state, newest message, triage priority and indexed subject and sender. */
export interface BriefingThreadRow {
  thread_id: string;
  last_message_id: string;
  last_message_at: Date | string;
  follow_up_due_at: Date | string | null;
  state: string;
  priority: string | null;
  subject: string | null;
  sender: string | null;
}

/** Threads that need a reply, and replies awaited past their follow-up time at `now`; oldest first, at most 500. */
export async function briefingThreads(db: Kysely<Database>, scope: UserScope, now: Date): Promise<BriefingThreadRow[]> {
  const { rows } = await sql<BriefingThreadRow>`
    select s.thread_id, s.last_message_id, s.last_message_at, s.follow_up_due_at, s.state,
      t.result->>'priority' as priority, m.subject, coalesce(nullif(m.sender_name, ''), m.sender) as sender
    from thread_states s
    left join triage_results t on t.user_id = s.user_id and t.message_id = s.last_message_id
    left join mail_index m on m.user_id = s.user_id and m.message_id = s.last_message_id
    where s.tenant_id = ${scope.tenantId} and s.user_id = ${scope.userId}
      and (s.state = 'to_respond' or (s.state = 'awaiting_reply' and s.follow_up_due_at <= ${now.toISOString()}))
    order by s.last_message_at asc
    limit 500`.execute(db);
  return rows;
}

/** A claim older than this with no draft id is taken to be from a worker that died mid-way. */
export const BRIEFING_CLAIM_LEASE_MS = 10 * 60_000;

export function briefingDraftStore(db: Kysely<Database>) {
  return {
    /** Users with an active mailbox and an hour set (the hour and the day are checked by the caller). */
    async candidates(): Promise<BriefingCandidate[]> {
      const rows = await db
        .selectFrom('users')
        .select(['users.id', 'users.tenant_id', 'users.settings'])
        .where(sql<boolean>`users.settings->>'briefingDraftHour' is not null`)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('mailboxes')
              .select('mailboxes.id')
              .whereRef('mailboxes.user_id', '=', 'users.id')
              .where('mailboxes.status', '=', 'active'),
          ),
        )
        .execute();
      return rows.map((r) => ({
        tenantId: r.tenant_id,
        userId: r.id,
        settings: (r.settings as Record<string, unknown> | null) ?? {},
      }));
    },

    /** True when a draft was already claimed (and not released) for this day or a later one. */
    async done(scope: UserScope, day: string, now: Date): Promise<boolean> {
      const row = await db
        .selectFrom('briefing_drafts')
        .select('user_id')
        .where('user_id', '=', scope.userId)
        .where('tenant_id', '=', scope.tenantId)
        .where(sql<boolean>`day >= ${day}::date`)
        .where((eb) =>
          eb.or([
            eb('draft_id', 'is not', null),
            eb('claimed_at', '>', new Date(now.getTime() - BRIEFING_CLAIM_LEASE_MS)),
          ]),
        )
        .executeTakeFirst();
      return row !== undefined;
    },

    /**
     * Claims the day for one draft: true for exactly one caller. A later day replaces the row; the same day
     * is claimed again only when the earlier claim made no draft and was released or has outlived its lease.
     */
    async claim(scope: UserScope, mailboxId: string, day: string, now: Date): Promise<boolean> {
      const stale = new Date(now.getTime() - BRIEFING_CLAIM_LEASE_MS);
      const { rows } = await sql<{ user_id: string }>`
        insert into briefing_drafts (tenant_id, user_id, mailbox_id, day, draft_id, claimed_at)
        values (${scope.tenantId}, ${scope.userId}, ${mailboxId}, ${day}::date, null, ${now.toISOString()})
        on conflict (user_id) do update
          set mailbox_id = excluded.mailbox_id, day = excluded.day, draft_id = null, claimed_at = excluded.claimed_at
          where briefing_drafts.day < excluded.day
            or (briefing_drafts.day = excluded.day and briefing_drafts.draft_id is null
                and briefing_drafts.claimed_at < ${stale.toISOString()})
        returning user_id`.execute(db);
      return rows.length === 1;
    },

    async finish(scope: UserScope, day: string, draftId: string): Promise<void> {
      await db
        .updateTable('briefing_drafts')
        .set({ draft_id: draftId })
        .where('user_id', '=', scope.userId)
        .where('tenant_id', '=', scope.tenantId)
        .where(sql<boolean>`day = ${day}::date`)
        .execute();
    },

    /** Gives the day back after a failed attempt, so the job's retry may claim it again at once. */
    async release(scope: UserScope, day: string): Promise<void> {
      await db
        .updateTable('briefing_drafts')
        .set({ claimed_at: new Date(0) })
        .where('user_id', '=', scope.userId)
        .where('tenant_id', '=', scope.tenantId)
        .where(sql<boolean>`day = ${day}::date`)
        .where('draft_id', 'is', null)
        .execute();
    },

    /** The draft made for the user's latest claimed day, if any (tests and status). */
    async latest(scope: UserScope): Promise<{ day: string; draftId: string | null } | undefined> {
      return db
        .selectFrom('briefing_drafts')
        .select([sql<string>`day::text`.as('day'), 'draft_id as draftId'])
        .where('user_id', '=', scope.userId)
        .where('tenant_id', '=', scope.tenantId)
        .executeTakeFirst();
    },
  };
}
