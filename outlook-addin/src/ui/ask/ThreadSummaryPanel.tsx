import { Button, Caption1, makeStyles, Subtitle2, Text, tokens } from '@fluentui/react-components';
import { TextBulletListLtr20Regular } from '@fluentui/react-icons';
import type { SummaryPoint, ThreadSummary } from '@steward/shared';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { usePane } from '../context.ts';
import { describeError } from '../errors.ts';
import { EmptyState, ErrorState, LoadingCard } from '../states.tsx';
import { IndexOffState, isIndexOff, OpenMessageLink, Quote } from './sources.tsx';

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  group: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  point: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, overflowWrap: 'anywhere' },
  muted: { color: tokens.colorNeutralForeground3 },
});

type SummaryState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'index-off' }
  | { status: 'not-indexed' }
  | { status: 'error'; message: string }
  | { status: 'ready'; summary: ThreadSummary };

/** "Summarise thread" on the message view: who wants what, decisions and open questions, each sourced. */
export default function ThreadSummaryPanel({ threadId }: { threadId: string }) {
  const styles = useStyles();
  const { api } = usePane();
  const [state, setState] = useState<SummaryState>({ status: 'idle' });
  const inFlight = useRef<AbortController | null>(null);
  useEffect(() => () => inFlight.current?.abort(), []);

  const run = async () => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setState({ status: 'loading' });
    try {
      const summary = await api.threadSummary(threadId, controller.signal);
      if (!controller.signal.aborted) setState({ status: 'ready', summary });
    } catch (cause) {
      if (controller.signal.aborted) return;
      if (isIndexOff(cause)) setState({ status: 'index-off' });
      else if (cause instanceof ApiError && cause.status === 404) setState({ status: 'not-indexed' });
      else setState({ status: 'error', message: describeError(cause) });
    }
  };

  return (
    <section className={styles.panel} aria-label="Thread summary" data-testid="thread-summary">
      {state.status === 'idle' ? (
        <Button icon={<TextBulletListLtr20Regular />} onClick={() => void run()} data-testid="summarise-thread">
          Summarise thread
        </Button>
      ) : null}
      {state.status === 'loading' ? <LoadingCard label="Summarising the thread…" /> : null}
      {state.status === 'index-off' ? <IndexOffState onEnabled={() => void run()} /> : null}
      {state.status === 'not-indexed' ? (
        <EmptyState title="This thread is not in your index yet">
          Steward summarises threads it has indexed: mail it syncs, and messages you open here once Ask Steward is on.
        </EmptyState>
      ) : null}
      {state.status === 'error' ? (
        <ErrorState title="The thread could not be summarised" message={state.message} onRetry={() => void run()} />
      ) : null}
      {state.status === 'ready' ? <SummaryView summary={state.summary} /> : null}
    </section>
  );
}

function SummaryView({ summary }: { summary: ThreadSummary }) {
  const styles = useStyles();
  const nothing = summary.requests.length === 0 && summary.decisions.length === 0 && summary.openQuestions.length === 0;
  return (
    <div className={styles.panel} data-testid="summary-ready">
      <Subtitle2 as="h2">Thread summary</Subtitle2>
      <Caption1 className={styles.muted}>
        {summary.messages} message{summary.messages === 1 ? '' : 's'}
        {summary.participants.length ? ` · ${summary.participants.join(', ')}` : ''}
      </Caption1>
      {nothing ? (
        <Text data-testid="summary-empty">No requests, decisions or open questions were found in this thread.</Text>
      ) : null}
      <Points title="Who wants what" points={summary.requests} testId="summary-requests" />
      <Points title="Decisions" points={summary.decisions} testId="summary-decisions" />
      <Points title="Open questions" points={summary.openQuestions} testId="summary-questions" />
    </div>
  );
}

function Points({ title, points, testId }: { title: string; points: SummaryPoint[]; testId: string }) {
  const styles = useStyles();
  if (points.length === 0) return null;
  return (
    <div className={styles.group} data-testid={testId}>
      <Text weight="semibold">{title}</Text>
      <ul className={styles.list}>
        {points.map((p) => (
          <li key={`${p.messageId}:${p.quote}`} className={styles.point} data-testid="summary-point">
            <Text>
              <Text weight="semibold">{p.who}</Text>: {p.text}
            </Text>
            <Quote>{p.quote}</Quote>
            <Caption1>
              <OpenMessageLink messageId={p.messageId}>Open the message</OpenMessageLink>
            </Caption1>
          </li>
        ))}
      </ul>
    </div>
  );
}
