import { Badge, Button, Caption1, Divider, makeStyles, Subtitle2, Text, tokens } from '@fluentui/react-components';
import { ArrowClockwise20Regular, Drafts20Regular } from '@fluentui/react-icons';
import type { Briefing, BriefingThread } from '@steward/shared';
import { useCallback, useEffect, useState } from 'react';
import { AskBox } from '../ask/AskBox.tsx';
import { OpenMessageLink } from '../ask/sources.tsx';
import { usePane } from '../context.ts';
import { describeError } from '../errors.ts';
import { ErrorState, LoadingCard } from '../states.tsx';

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  briefing: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  heading: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  grow: { flexGrow: 1 },
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  item: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, overflowWrap: 'anywhere' },
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

type BriefingState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; briefing: Briefing };

/** "2 days", "today" */
export function ageText(days: number): string {
  if (days < 1) return 'today';
  const whole = Math.floor(days);
  return `${whole} day${whole === 1 ? '' : 's'}`;
}

function timeOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

/** The pane's home view: Ask Steward, then the morning briefing. */
export default function TodayPanel() {
  const styles = useStyles();
  return (
    <div className={styles.panel} data-testid="today">
      <AskBox />
      <Divider />
      <BriefingView />
    </div>
  );
}

export function BriefingView() {
  const styles = useStyles();
  const { api, mailbox, me, announce } = usePane();
  const [state, setState] = useState<BriefingState>({ status: 'loading' });

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setState({ status: 'loading' });
      try {
        const briefing = await api.briefing(signal);
        if (!signal?.aborted) setState({ status: 'ready', briefing });
      } catch (cause) {
        if (!signal?.aborted) setState({ status: 'error', message: describeError(cause) });
      }
    },
    [api],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  /** A new message to the user holding the briefing, opened for them: a draft, never sent by Steward. */
  const draftToSelf = async (briefing: Briefing) => {
    const to = me.email ?? mailbox.myAddresses()[0];
    if (!to) {
      announce('Steward does not know your address, so it cannot address the draft to you.', 'error');
      return;
    }
    try {
      const outcome = await mailbox.composeNew({
        to: [to],
        subject: `Steward briefing for ${briefing.date}`,
        html: `<pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(briefing.text)}</pre>`,
      });
      announce(
        outcome === 'new-message-opened'
          ? 'The briefing is open as a new message to you. Steward never sends it.'
          : 'This Outlook cannot open a new message from the pane.',
        outcome === 'new-message-opened' ? 'success' : 'error',
      );
    } catch (cause) {
      announce(`Could not open the draft: ${describeError(cause)}`, 'error');
    }
  };

  return (
    <section className={styles.briefing} aria-label="Morning briefing" data-testid="briefing">
      <div className={styles.heading}>
        <Subtitle2 as="h2" className={styles.grow}>
          {state.status === 'ready' ? `Briefing for ${state.briefing.date}` : 'Briefing'}
        </Subtitle2>
        <Button
          size="small"
          appearance="subtle"
          icon={<ArrowClockwise20Regular />}
          aria-label="Refresh the briefing"
          disabled={state.status === 'loading'}
          onClick={() => void load()}
          data-testid="briefing-refresh"
        />
      </div>
      {state.status === 'loading' ? <LoadingCard label="Preparing your briefing…" /> : null}
      {state.status === 'error' ? (
        <ErrorState title="The briefing could not be loaded" message={state.message} onRetry={() => void load()} />
      ) : null}
      {state.status === 'ready' ? (
        <>
          <ThreadList
            title="Needs your reply"
            empty="Nothing waits for your reply."
            items={state.briefing.needsReply}
            testId="needs-reply"
            describe={(t) => `${t.from || 'Unknown sender'} · ${ageText(t.ageDays)}`}
          />
          <ThreadList
            title="Waiting for a reply"
            empty="No reply is overdue."
            items={state.briefing.waitingFor}
            testId="waiting-for"
            describe={(t) => `Sent ${ageText(t.ageDays)}${t.ageDays >= 1 ? ' ago' : ''}`}
          />
          <Meetings briefing={state.briefing} />
          <div className={styles.actions}>
            <Button
              icon={<Drafts20Regular />}
              onClick={() => void draftToSelf(state.briefing)}
              data-testid="briefing-draft"
            >
              Open as a draft to me
            </Button>
          </div>
          <Caption1 className={styles.muted}>A draft only: Steward never sends mail.</Caption1>
        </>
      ) : null}
    </section>
  );
}

function ThreadList({
  title,
  empty,
  items,
  testId,
  describe,
}: {
  title: string;
  empty: string;
  items: BriefingThread[];
  testId: string;
  describe: (t: BriefingThread) => string;
}) {
  const styles = useStyles();
  return (
    <div className={styles.item} data-testid={testId}>
      <Text weight="semibold">{items.length ? `${title} (${items.length})` : title}</Text>
      {items.length === 0 ? (
        <Caption1 className={styles.muted}>{empty}</Caption1>
      ) : (
        <ul className={styles.list}>
          {items.map((t) => (
            <li key={t.threadId} className={styles.item} data-testid="briefing-thread">
              <span className={styles.row}>
                {t.priority === 'high' ? (
                  <Badge size="small" color="danger" appearance="tint">
                    High
                  </Badge>
                ) : null}
                <OpenMessageLink messageId={t.messageId} testId="open-thread">
                  {t.subject || '(no subject)'}
                </OpenMessageLink>
              </span>
              <Caption1 className={styles.muted}>{describe(t)}</Caption1>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Meetings({ briefing }: { briefing: Briefing }) {
  const styles = useStyles();
  const note =
    briefing.calendar === 'none'
      ? 'No calendar is connected: connect your mailbox for today’s meetings.'
      : briefing.calendar === 'unavailable'
        ? 'Your calendar could not be read just now.'
        : 'No meetings today.';
  return (
    <div className={styles.item} data-testid="meetings">
      <Text weight="semibold">
        {briefing.meetings.length ? `Today’s meetings (${briefing.meetings.length})` : 'Today’s meetings'}
      </Text>
      {briefing.meetings.length === 0 ? (
        <Caption1 className={styles.muted} data-testid="meetings-note">
          {note}
        </Caption1>
      ) : (
        <ul className={styles.list}>
          {briefing.meetings.map((m) => (
            <li key={`${m.start}:${m.title}`} className={styles.item} data-testid="meeting">
              <Text>
                {timeOf(m.start)}–{timeOf(m.end)} {m.title}
              </Text>
              {m.threads.map((t) => (
                <Caption1 key={t.messageId}>
                  Mentioned in{' '}
                  <OpenMessageLink messageId={t.messageId} testId="open-meeting-thread">
                    {t.subject || '(no subject)'}
                  </OpenMessageLink>
                </Caption1>
              ))}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
