import { Body1, Caption1, Divider, makeStyles, Subtitle1, tokens } from '@fluentui/react-components';
import type { CategoryId, TriageResult as Triage } from '@steward/shared';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { OpenMessage } from '../mailbox/port.ts';
import { CategoryCard } from './CategoryCard.tsx';
import { usePane } from './context.ts';
import { DraftPanel } from './DraftPanel.tsx';
import { describeError } from './errors.ts';
import { addressLabel } from './format.ts';
import { EmptyState, ErrorState, LoadingCard } from './states.tsx';
import { TimesPanel } from './TimesPanel.tsx';

// Few users summarise a given message: the panel loads on demand.
const ThreadSummaryPanel = lazy(() => import('./ask/ThreadSummaryPanel.tsx'));

const useStyles = makeStyles({
  view: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  heading: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, overflowWrap: 'anywhere' },
});

type ItemState =
  | { status: 'loading' }
  | { status: 'empty' }
  | { status: 'error'; message: string }
  | { status: 'ready'; open: OpenMessage };

/**
 * Follows the open message (and the selection, in a pinned pane) and shows Steward's take on it.
 * `onNothingOpen` is told once, when the pane starts with no message selected (the App then shows Today).
 */
export function CurrentMessage({ onNothingOpen }: { onNothingOpen?: () => void } = {}) {
  const { mailbox } = usePane();
  const [item, setItem] = useState<ItemState>({ status: 'loading' });
  const first = useRef(true);

  const read = useCallback(async () => {
    setItem({ status: 'loading' });
    try {
      const open = await mailbox.readCurrentItem();
      setItem(open ? { status: 'ready', open } : { status: 'empty' });
      if (first.current && !open) onNothingOpen?.();
      first.current = false;
    } catch (cause) {
      setItem({ status: 'error', message: describeError(cause) });
    }
  }, [mailbox, onNothingOpen]);

  useEffect(() => {
    void read();
    return mailbox.onItemChanged(() => void read());
  }, [mailbox, read]);

  if (item.status === 'loading') return <LoadingCard label="Reading the message…" />;
  if (item.status === 'empty')
    return (
      <EmptyState title="Select a message">Steward shows its category, a summary and a reply draft here.</EmptyState>
    );
  if (item.status === 'error')
    return <ErrorState title="Cannot read this message" message={item.message} onRetry={() => void read()} />;
  // Keyed by message: a new selection starts from a clean slate and cancels the old requests.
  return <MessageView key={`${item.open.mode}:${item.open.message.id}`} open={item.open} />;
}

type TriageState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; triage: Triage };

function MessageView({ open }: { open: OpenMessage }) {
  const styles = useStyles();
  const { api, mailbox, settings, announce } = usePane();
  const { message } = open;
  const [triage, setTriage] = useState<TriageState>({ status: 'loading' });
  const capabilities = mailbox.capabilities();

  const run = useCallback(
    async (signal?: AbortSignal) => {
      setTriage({ status: 'loading' });
      try {
        const triage = await api.triage({ message, me: mailbox.myAddresses() }, signal);
        if (!signal?.aborted) setTriage({ status: 'ready', triage });
      } catch (cause) {
        if (!signal?.aborted) setTriage({ status: 'error', message: describeError(cause) });
      }
    },
    [api, mailbox, message],
  );

  useEffect(() => {
    if (open.mode === 'compose') return;
    const controller = new AbortController();
    void run(controller.signal);
    return () => controller.abort();
  }, [open.mode, run]);

  /** Tags the message with the category in Outlook; returns whether it did. */
  const tag = async (category: CategoryId): Promise<boolean> => {
    try {
      return (await mailbox.applyCategory(category, settings.categories[category].displayName)) === 'applied';
    } catch (cause) {
      announce(`Could not tag the message in Outlook: ${describeError(cause)}`, 'error');
      return false;
    }
  };

  const tagNow = async (category: CategoryId) => {
    if (await tag(category)) announce(`Tagged as ${settings.categories[category].displayName} in Outlook`, 'success');
  };

  const fix = async (category: CategoryId, scope: 'message' | 'sender' | 'domain') => {
    if (triage.status !== 'ready') return;
    let saved: { triage: Triage | null };
    try {
      saved = await api.sendFeedback({ messageId: message.id, category, message, scope });
    } catch (cause) {
      announce(describeError(cause), 'error');
      return;
    }
    const name = settings.categories[category].displayName;
    // The server says what the result is now (it triaged this message, so it has one).
    if (saved.triage) setTriage({ status: 'ready', triage: saved.triage });
    const tagged = capabilities.categories && (await tag(category));
    announce(`Moved to ${name}${tagged ? ' and tagged in Outlook' : ''}. Steward will remember.`, 'success');
  };

  const from = addressLabel(message.from);

  return (
    <article className={styles.view} aria-label="Open message">
      <header className={styles.heading}>
        <Subtitle1 as="h1" data-testid="subject">
          {message.subject || '(no subject)'}
        </Subtitle1>
        {from ? <Caption1>From {from}</Caption1> : null}
      </header>
      {open.mode === 'compose' ? (
        <Body1>You are writing a message. Steward can add meeting times at the cursor.</Body1>
      ) : triage.status === 'loading' ? (
        <LoadingCard label="Sorting the message…" />
      ) : triage.status === 'error' ? (
        <ErrorState title="Steward could not sort this message" message={triage.message} onRetry={() => void run()} />
      ) : (
        <CategoryCard
          triage={triage.triage}
          onFix={fix}
          {...(capabilities.categories ? { onTag: () => tagNow(triage.triage.category) } : {})}
        />
      )}
      {open.mode === 'read' && triage.status === 'ready' ? (
        <>
          <Divider />
          <DraftPanel message={message} autoStart={false} />
          {triage.triage.meetingRequest ? (
            <>
              <Divider />
              <TimesPanel message={message} autoStart />
            </>
          ) : null}
          {message.threadId ? (
            <>
              <Divider />
              <Suspense fallback={<LoadingCard label="Loading…" />}>
                <ThreadSummaryPanel threadId={message.threadId} />
              </Suspense>
            </>
          ) : null}
        </>
      ) : null}
      {open.mode === 'compose' ? <TimesPanel message={message} autoStart={false} /> : null}
    </article>
  );
}
