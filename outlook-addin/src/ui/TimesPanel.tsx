import { Body1, Button, Caption1, makeStyles, Spinner, Subtitle2, tokens } from '@fluentui/react-components';
import { CalendarLtr20Regular } from '@fluentui/react-icons';
import type { EmailMessage, SuggestResponse } from '@steward/shared';
import { useEffect, useState } from 'react';
import { usePane } from './context.ts';
import { describeError } from './errors.ts';
import { formatSlot } from './format.ts';
import { escapeHtml, textToHtml } from './reply-html.ts';
import { ErrorState } from './states.tsx';

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
  slot: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalS },
});

export function TimesPanel({ message, autoStart }: { message: EmailMessage; autoStart: boolean }) {
  const styles = useStyles();
  const { api, mailbox, settings, announce } = usePane();
  const [state, setState] = useState<
    | { status: 'idle' }
    | { status: 'loading' }
    | { status: 'ready'; result: SuggestResponse }
    | { status: 'error'; message: string }
  >({ status: 'idle' });

  const suggest = async (automatic = false) => {
    setState({ status: 'loading' });
    try {
      const result = await api.suggestTimes({ message });
      // Opened on its own, the panel only lists times when the scheduler also reads an ask to meet (a
      // deadline alone is not one); the button stays for the user who wants times anyway.
      const understood = typeof result.understood === 'object' ? result.understood : null;
      if (automatic && understood?.isMeetingRequest === false) setState({ status: 'idle' });
      else setState({ status: 'ready', result });
    } catch (cause) {
      setState({ status: 'error', message: describeError(cause) });
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per message (the panel is keyed by it)
  useEffect(() => {
    if (autoStart) void suggest(true);
  }, []);

  const insert = async (html: string, text: string) => {
    try {
      const outcome = await mailbox.insertReply({ html, text });
      announce(
        outcome === 'unsupported' ? 'This Outlook cannot open a reply from an add-in.' : 'Times added to the reply',
        outcome === 'unsupported' ? 'error' : 'success',
      );
    } catch (cause) {
      announce(describeError(cause), 'error');
    }
  };

  return (
    <section className={styles.panel} aria-labelledby="times-heading" data-testid="times-panel">
      <Subtitle2 as="h2" id="times-heading">
        Suggested times
      </Subtitle2>
      {state.status === 'idle' ? (
        <div>
          <Button icon={<CalendarLtr20Regular />} onClick={() => void suggest()}>
            Find times that work
          </Button>
        </div>
      ) : null}
      {state.status === 'loading' ? (
        <Spinner size="tiny" label="Checking your calendar…" labelPosition="after" />
      ) : null}
      {state.status === 'error' ? (
        <ErrorState title="No times" message={state.message} onRetry={() => void suggest()} />
      ) : null}
      {state.status === 'ready' && state.result.slots.length === 0 ? (
        <Body1>No free slot matches the request within your working hours.</Body1>
      ) : null}
      {state.status === 'ready' && state.result.slots.length > 0 ? (
        <>
          <Caption1 data-testid="times-zone">Times in your zone, {settings.timeZone}</Caption1>
          <ul className={styles.list} aria-label="Free slots">
            {state.result.slots.map((slot) => {
              const label = slot.label ?? formatSlot(slot.start, slot.end, settings.timeZone);
              return (
                <li key={slot.start} className={styles.slot}>
                  <Caption1>{label}</Caption1>
                  <Button
                    size="small"
                    aria-label={`Insert ${label} into the reply`}
                    onClick={() =>
                      void insert(`<p>Would ${escapeHtml(label)} work for you?</p>`, `Would ${label} work for you?`)
                    }
                  >
                    Insert
                  </Button>
                </li>
              );
            })}
          </ul>
          {state.result.proposal ? (
            <div>
              <Button
                appearance="primary"
                onClick={() => void insert(textToHtml(state.result.proposal), state.result.proposal)}
              >
                Insert all as a proposal
              </Button>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
