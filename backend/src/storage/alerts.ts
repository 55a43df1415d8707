/**
 * Alert channels and their log (reach/alerts.ts keeps the rules, quiet hours and delivery): alert_channels
 * holds a user's Slack or Teams channels with their sealed secret, rules and quiet hours; alert_log one row
 * per channel and message (sending, sent, held for the digest, digested or failed), so a message is
 * alerted at most once. The JSON columns are typed here: rules and quiet hours as the API accepted them,
 * a notice as it was built.
 */
import type { AlertRules } from '@steward/shared';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { SealedSecret } from '../accounts/crypto.ts';
import type { AlertChannelsTable, Database } from './schema.ts';
import type { UserScope } from './user-scope.ts';

export interface QuietHours {
  start: string;
  end: string;
}

/** What a notice says. Never a message body. */
export interface AlertNotice {
  from: string;
  subject: string;
  summary?: string;
  link?: string;
  reason: string;
}

/** An alert channel as read: the table's columns with its JSON columns typed. */
export type AlertChannelRow = Omit<Selectable<AlertChannelsTable>, 'rules' | 'quiet_hours'> & {
  rules: AlertRules;
  quiet_hours: QuietHours | null;
};

export interface NewAlertChannel {
  id: string;
  kind: 'slack' | 'teams';
  name: string;
  target: string;
  sealed: SealedSecret;
  rules: AlertRules;
  quietHours: QuietHours | null;
  maxPerHour: number;
}

export interface AlertChannelChanges {
  name?: string;
  rules?: AlertRules;
  quietHours?: QuietHours | null;
  maxPerHour?: number;
}

/** The JSON columns hold what `create` and `update` wrote (AlertRules, QuietHours): typed once, here. */
const typed = (row: { rules: unknown; quiet_hours: unknown }) => row as unknown as AlertChannelRow;

export function alertStore(db: Kysely<Database>) {
  return {
    async channelsOf(scope: UserScope): Promise<AlertChannelRow[]> {
      const rows = await db
        .selectFrom('alert_channels')
        .selectAll()
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .orderBy('created_at')
        .execute();
      return rows.map(typed);
    },

    async create(scope: UserScope, channel: NewAlertChannel): Promise<AlertChannelRow> {
      const row = await db
        .insertInto('alert_channels')
        .values({
          id: channel.id,
          tenant_id: scope.tenantId,
          user_id: scope.userId,
          kind: channel.kind,
          name: channel.name,
          target: channel.target,
          secret_ciphertext: channel.sealed.ciphertext,
          secret_iv: channel.sealed.iv,
          secret_tag: channel.sealed.tag,
          key_version: channel.sealed.keyVersion,
          rules: JSON.stringify(channel.rules),
          quiet_hours: channel.quietHours ? JSON.stringify(channel.quietHours) : null,
          max_per_hour: channel.maxPerHour,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return typed(row);
    },

    /** Changes the given fields of one of the user's channels; undefined when it is not theirs. */
    async update(scope: UserScope, id: string, changes: AlertChannelChanges): Promise<AlertChannelRow | undefined> {
      const row = await db
        .updateTable('alert_channels')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.rules !== undefined ? { rules: JSON.stringify(changes.rules) } : {}),
          ...(changes.quietHours !== undefined
            ? { quiet_hours: changes.quietHours ? JSON.stringify(changes.quietHours) : null }
            : {}),
          ...(changes.maxPerHour !== undefined ? { max_per_hour: changes.maxPerHour } : {}),
        })
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? typed(row) : undefined;
    },

    async remove(scope: UserScope, id: string): Promise<boolean> {
      const result = await db
        .deleteFrom('alert_channels')
        .where('tenant_id', '=', scope.tenantId)
        .where('user_id', '=', scope.userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async setError(channelId: string, error: string | null): Promise<void> {
      await db.updateTable('alert_channels').set({ last_error: error }).where('id', '=', channelId).execute();
    },

    /** Notices the channel delivered in the hour before `at`. */
    async sentLastHour(channelId: string, at: Date): Promise<number> {
      const row = await db
        .selectFrom('alert_log')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('channel_id', '=', channelId)
        .where('sent_at', 'is not', null)
        .where('sent_at', '>', new Date(at.getTime() - 3_600_000))
        .executeTakeFirst();
      return row?.n ?? 0;
    },

    /** Claims the message for the channel ("sending"); false when it was claimed before (a retry). */
    async claim(scope: UserScope, channelId: string, messageKey: string, notice: AlertNotice): Promise<boolean> {
      const claimed = await db
        .insertInto('alert_log')
        .values({
          tenant_id: scope.tenantId,
          user_id: scope.userId,
          channel_id: channelId,
          message_key: messageKey,
          status: 'sending',
          notice: JSON.stringify(notice),
        })
        .onConflict((oc) => oc.columns(['channel_id', 'message_key']).doNothing())
        .returning('message_key')
        .executeTakeFirst();
      return claimed !== undefined;
    },

    async setStatus(
      channelId: string,
      messageKey: string,
      status: 'held' | 'sent' | 'failed',
      sentAt?: Date,
    ): Promise<void> {
      await db
        .updateTable('alert_log')
        .set(sentAt ? { status, sent_at: sentAt } : { status })
        .where('channel_id', '=', channelId)
        .where('message_key', '=', messageKey)
        .execute();
    },

    /** The channel's held notices, oldest first (at most 200: one digest). */
    async held(channelId: string): Promise<Array<{ message_key: string; notice: AlertNotice }>> {
      const rows = await db
        .selectFrom('alert_log')
        .select(['message_key', 'notice'])
        .where('channel_id', '=', channelId)
        .where('status', '=', 'held')
        .orderBy('created_at')
        .limit(200)
        .execute();
      // The notice column holds what `claim` wrote.
      return rows as Array<{ message_key: string; notice: AlertNotice }>;
    },

    async markDigested(channelId: string, messageKeys: string[], at: Date): Promise<void> {
      await db
        .updateTable('alert_log')
        .set({ status: 'digested', sent_at: at })
        .where('channel_id', '=', channelId)
        .where('message_key', 'in', messageKeys)
        .execute();
    },

    /** Every channel with held notices. */
    async channelsWithHeld(): Promise<AlertChannelRow[]> {
      const rows = await db
        .selectFrom('alert_log')
        .innerJoin('alert_channels', 'alert_channels.id', 'alert_log.channel_id')
        .selectAll('alert_channels')
        .where('alert_log.status', '=', 'held')
        .distinct()
        .execute();
      return rows.map(typed);
    },

    /** Every channel's id, for `steward keys rotate`. */
    async channelIds(): Promise<string[]> {
      const rows = await db.selectFrom('alert_channels').select('id').orderBy('id').execute();
      return rows.map((r) => r.id);
    },

    /**
     * Re-seals one channel's secret under a row lock: `reseal` sees the row and returns the new sealed secret,
     * or undefined to leave it alone.
     */
    async resealChannel(id: string, reseal: (row: AlertChannelRow) => SealedSecret | undefined): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('alert_channels')
          .selectAll()
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (!row) return;
        const sealed = reseal(typed(row));
        if (!sealed) return;
        await trx
          .updateTable('alert_channels')
          .set({
            secret_ciphertext: sealed.ciphertext,
            secret_iv: sealed.iv,
            secret_tag: sealed.tag,
            key_version: sealed.keyVersion,
          })
          .where('id', '=', id)
          .execute();
      });
    },
  };
}
