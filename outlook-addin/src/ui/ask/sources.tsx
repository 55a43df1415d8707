import {
  Body1,
  Button,
  Caption1,
  Link,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { usePane } from '../context.ts';
import { describeError } from '../errors.ts';

const useStyles = makeStyles({
  quote: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalS,
    borderLeft: `3px solid ${tokens.colorBrandStroke1}`,
    color: tokens.colorNeutralForeground2,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
});

/** The 409 the Ask routes answer while the user's mail index is off. */
export function isIndexOff(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'mail_index_off';
}

/** When a date stands beside a source: "3 Mar 2026". */
export function shortDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/**
 * A link that opens a message of the user's mailbox: Outlook's own reading form when the host can
 * (displayMessageForm), else the provider's web link when the server gave one.
 */
export function OpenMessageLink({
  messageId,
  webLink,
  children,
  testId = 'open-source',
}: {
  messageId: string;
  webLink?: string | undefined;
  children: React.ReactNode;
  testId?: string;
}) {
  const { mailbox, announce } = usePane();
  const open = async () => {
    try {
      if ((await mailbox.openMessage(messageId)) === 'opened') return;
    } catch (cause) {
      if (!webLink) {
        announce(`Could not open the message: ${describeError(cause)}`, 'error');
        return;
      }
    }
    if (webLink && /^https:\/\//.test(webLink)) window.open(webLink, '_blank', 'noopener,noreferrer');
    else announce('This message cannot be opened from here. Search for its subject in Outlook.', 'info');
  };
  return (
    <Link as="button" inline onClick={() => void open()} data-testid={testId}>
      {children}
    </Link>
  );
}

/** A verbatim quote from a message, set apart from Steward's own words. */
export function Quote({ children }: { children: string }) {
  const styles = useStyles();
  return (
    <blockquote className={styles.quote} data-testid="quote">
      {children}
    </blockquote>
  );
}

/**
 * Ask Steward is opt-in: while the index is off, say so and let the user turn it on with one click
 * (from then on, mail that sync fetches and messages opened in the pane are indexed; nothing earlier).
 */
export function IndexOffState({ onEnabled }: { onEnabled: () => void }) {
  const { api, setSettings, announce } = usePane();
  const [busy, setBusy] = useState(false);
  const enable = async () => {
    setBusy(true);
    try {
      setSettings(await api.updateSettings({ mailIndex: true }));
      announce('Ask Steward is on. Steward indexes your mail from now on.', 'success');
      onEnabled();
    } catch (cause) {
      announce(`Could not turn on Ask Steward: ${describeError(cause)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <MessageBar intent="info" layout="multiline" data-testid="index-off">
      <MessageBarBody>
        <MessageBarTitle>Ask Steward is off</MessageBarTitle>
        <Body1>
          It searches an index of your own mail, which you turn on. Mail Steward syncs or you open here is indexed from
          then on; turning it off deletes the index.
        </Body1>
      </MessageBarBody>
      <MessageBarActions>
        <Button
          size="small"
          appearance="primary"
          disabled={busy}
          onClick={() => void enable()}
          data-testid="enable-index"
        >
          Turn on
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}

/** "Priya Raman <priya@…> · 3 Mar 2026" */
export function SourceLine({ from, date }: { from: string; date?: string | null }) {
  const when = shortDate(date);
  return (
    <Caption1>
      {from}
      {when ? ` · ${when}` : ''}
    </Caption1>
  );
}
