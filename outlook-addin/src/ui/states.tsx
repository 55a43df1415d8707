import {
  Body1,
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Skeleton,
  SkeletonItem,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { MailInbox24Regular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';

const useStyles = makeStyles({
  empty: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    textAlign: 'center',
    gap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalL}`,
    color: tokens.colorNeutralForeground2,
  },
  skeleton: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

export function LoadingCard({ label }: { label: string }) {
  const styles = useStyles();
  return (
    <div role="status" aria-live="polite" aria-busy="true" aria-label={label} data-testid="loading">
      <Skeleton className={styles.skeleton} aria-label={label}>
        <SkeletonItem shape="rectangle" size={24} style={{ width: '40%' }} />
        <SkeletonItem shape="rectangle" size={16} />
        <SkeletonItem shape="rectangle" size={16} style={{ width: '80%' }} />
      </Skeleton>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  const styles = useStyles();
  return (
    <div className={styles.empty} data-testid="empty">
      <MailInbox24Regular aria-hidden="true" />
      <Subtitle2 as="h2">{title}</Subtitle2>
      {children ? <Body1>{children}</Body1> : null}
    </div>
  );
}

export function ErrorState({ title, message, onRetry }: { title: string; message: string; onRetry?: () => void }) {
  return (
    <MessageBar intent="error" layout="multiline" data-testid="error">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {message}
      </MessageBarBody>
      {onRetry ? (
        <MessageBarActions>
          <Button size="small" onClick={onRetry}>
            Try again
          </Button>
        </MessageBarActions>
      ) : null}
    </MessageBar>
  );
}

/** Shown while the browser says it has no network; the pane keeps what it already has. */
export function OfflineBanner() {
  return (
    <MessageBar intent="warning" data-testid="offline">
      <MessageBarBody>
        <MessageBarTitle>You are offline</MessageBarTitle>
        Steward will pick up again when the connection is back.
      </MessageBarBody>
    </MessageBar>
  );
}

export function useOnline(): boolean {
  const [online, setOnline] = useState(() => (typeof navigator === 'undefined' ? true : navigator.onLine));
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}
