import type { MeetingNotes } from '@steward/shared';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { UserScope } from './user-scope.ts';

export interface StoredNotes {
  id: string;
  title: string | null;
  meetingDate: string | null;
  notes: MeetingNotes;
  createdAt: string;
  /** Where the transcript (and audio) of this meeting are kept in the blob store, if anywhere. */
  transcriptKey: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Meeting notes the user generated; kept until they delete them. */
export function notesStore(db: Kysely<Database>, scope: UserScope) {
  const toStored = (row: {
    id: string;
    title: string | null;
    meeting_date: Date | null;
    notes: unknown;
    created_at: Date;
    transcript_key: string | null;
  }): StoredNotes => ({
    id: row.id,
    title: row.title,
    meetingDate: row.meeting_date ? new Date(row.meeting_date).toISOString() : null,
    // The column holds what `create` wrote, and `create` takes only MeetingNotes: typed once, here.
    notes: row.notes as MeetingNotes,
    createdAt: new Date(row.created_at).toISOString(),
    transcriptKey: row.transcript_key,
  });
  const mine = () =>
    db.selectFrom('meeting_notes').where('tenant_id', '=', scope.tenantId).where('user_id', '=', scope.userId);

  return {
    async create(entry: {
      title?: string;
      meetingDate?: Date;
      notes: MeetingNotes;
      transcriptKey?: string;
    }): Promise<StoredNotes> {
      const row = await db
        .insertInto('meeting_notes')
        .values({
          tenant_id: scope.tenantId,
          user_id: scope.userId,
          title: entry.title ?? null,
          meeting_date: entry.meetingDate ?? null,
          notes: JSON.stringify(entry.notes),
          transcript_key: entry.transcriptKey ?? null,
        })
        .returning(['id', 'title', 'meeting_date', 'notes', 'created_at', 'transcript_key'])
        .executeTakeFirstOrThrow();
      return toStored(row);
    },

    async list(limit = 50): Promise<StoredNotes[]> {
      const rows = await mine()
        .select(['id', 'title', 'meeting_date', 'notes', 'created_at', 'transcript_key'])
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toStored);
    },

    async get(id: string): Promise<StoredNotes | undefined> {
      if (!UUID.test(id)) return undefined;
      const row = await mine()
        .select(['id', 'title', 'meeting_date', 'notes', 'created_at', 'transcript_key'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toStored(row) : undefined;
    },

    async delete(id: string): Promise<boolean> {
      if (!UUID.test(id)) return false;
      const result = await db
        .deleteFrom('meeting_notes')
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
