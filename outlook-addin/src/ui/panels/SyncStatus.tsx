import { Caption1, makeStyles, Subtitle2, tokens } from '@fluentui/react-components';
import type { MailboxSyncStatus } from '@steward/shared';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { usePane } from '../context.ts';
import { Progress } from './Progress.tsx';

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  mailbox: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  warning: { color: tokens.colorPaletteDarkOrangeForeground1 },
});

/** While a mailbox is in its first backfill, the progress refreshes this often. */
export const SYNC_POLL_MS = 10_000;

/**
 * Background sync of connected mailboxes (GET /v1/sync/status). A server without mailbox sync answers
 * 404: the section then does not show at all; any other failure hides it too (status is a nicety).
 */
export function SyncStatusSection() {
  const styles = useStyles();
  const { api } = usePane();
  const [mailboxes, setMailboxes] = useState<MailboxSyncStatus[] | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const status = await api.syncStatus();
        if (stopped) return;
        setMailboxes(status.mailboxes);
        if (status.mailboxes.some((m) => m.phase === 'backfill' && m.status === 'active'))
          timer = setTimeout(() => void load(), SYNC_POLL_MS);
      } catch (cause) {
        if (stopped) return;
        // 404: no mailbox sync on this server. Anything else: keep what was shown, stop polling.
        if (cause instanceof ApiError && cause.status === 404) setMailboxes(null);
      }
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api]);

  if (!mailboxes) return null;
  return (
    <section className={styles.section} aria-labelledby="sync-heading" data-testid="sync-status">
      <Subtitle2 as="h2" id="sync-heading">
        Mailbox sync
      </Subtitle2>
      {mailboxes.length === 0 ? (
        <Caption1>No mailbox is connected: Steward sorts messages when you open them.</Caption1>
      ) : null}
      {mailboxes.map((m) => (
        <div key={m.id} className={styles.mailbox} data-testid={`sync-${m.id}`}>
          <Caption1>
            <strong>{m.address}</strong> · {m.provider === 'graph' ? 'Microsoft 365' : 'Gmail'}
          </Caption1>
          {m.status !== 'active' ? (
            <Caption1 className={styles.warning} role="alert">
              {m.status === 'needs_reauth'
                ? `Needs to be connected again${m.statusReason ? `: ${m.statusReason}` : '.'}`
                : 'Disconnected.'}
            </Caption1>
          ) : null}
          {m.phase === 'backfill' && m.backfill.total > 0 ? (
            <>
              <Progress
                value={Math.min(1, m.backfill.done / m.backfill.total)}
                aria-label={`Sorting recent mail: ${m.backfill.done} of ${m.backfill.total}`}
              />
              <Caption1>{`Sorting recent mail: ${m.backfill.done} of ${m.backfill.total}`}</Caption1>
            </>
          ) : (
            <Caption1>
              {`${m.processed} messages sorted`}
              {m.lastSyncAt ? ` · last sync ${new Date(m.lastSyncAt).toLocaleString()}` : ''}
            </Caption1>
          )}
          {m.lastError ? <Caption1 className={styles.warning}>{`Last error: ${m.lastError}`}</Caption1> : null}
        </div>
      ))}
    </section>
  );
}
