import {
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  tokens,
} from '@fluentui/react-components';
import type { EmailMessage, VoiceLearnResponse, VoiceProfile } from '@steward/shared';
import { useId, useRef, useState } from 'react';
import { fitForUpload, messagesFromFiles } from '../../voice/sent-mail.ts';
import { usePane } from '../context.ts';
import { describeError } from '../errors.ts';
import { Progress } from './Progress.tsx';

const useStyles = makeStyles({
  box: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    paddingTop: tokens.spacingVerticalS,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  hidden: { display: 'none' },
});

/** How many sent messages "Learn from my sent mail" reads from Outlook. */
export const SENT_MAIL_TO_READ = 100;

type LearnState =
  | { status: 'idle' }
  | { status: 'reading'; done: number; total: number; source: 'outlook' | 'files' }
  | { status: 'learning'; count: number }
  | { status: 'done'; result: VoiceLearnResponse; leftOut: number; notes: string[] }
  | { status: 'error'; message: string };

/**
 * "Learn from my sent mail": reads recent Sent Items through the mailbox port where the host allows it,
 * and always takes .eml / .mbox files exported from a mail client. One POST /v1/voice/learn at the end.
 */
export function VoiceLearning({ onLearned }: { onLearned: (profile: VoiceProfile) => void }) {
  const styles = useStyles();
  const { api, mailbox, announce } = usePane();
  const [state, setState] = useState<LearnState>({ status: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const canReadOutlook = mailbox.capabilities().sentMail;
  const busy = state.status === 'reading' || state.status === 'learning';

  const learn = async (messages: EmailMessage[], notes: string[], signal: AbortSignal) => {
    const upload = fitForUpload(messages);
    if (!upload.messages.length) {
      setState({ status: 'error', message: 'No messages to learn from were found.' });
      return;
    }
    setState({ status: 'learning', count: upload.messages.length });
    const result = await api.learnVoice(upload.messages, signal);
    setState({ status: 'done', result, leftOut: upload.leftOut, notes });
    onLearned(result.profile);
    announce(`Learned your style from ${result.learnedFrom} messages`, 'success');
  };

  const run = async (task: (signal: AbortSignal) => Promise<void>) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    try {
      await task(controller.signal);
    } catch (cause) {
      if (controller.signal.aborted) setState({ status: 'idle' });
      else setState({ status: 'error', message: describeError(cause) });
    } finally {
      if (abort.current === controller) abort.current = null;
    }
  };

  const fromOutlook = () =>
    run(async (signal) => {
      setState({ status: 'reading', done: 0, total: SENT_MAIL_TO_READ, source: 'outlook' });
      const messages = await mailbox.readSentMail({
        max: SENT_MAIL_TO_READ,
        signal,
        onProgress: (done, total) => setState({ status: 'reading', done, total, source: 'outlook' }),
      });
      await learn(messages, [], signal);
    });

  const fromFiles = (files: File[]) =>
    run(async (signal) => {
      setState({ status: 'reading', done: 0, total: files.length, source: 'files' });
      const read = await messagesFromFiles(files);
      const notes: string[] = [];
      if (read.unreadable.length)
        notes.push(
          `Not mail, left out: ${read.unreadable.slice(0, 5).join(', ')}${read.unreadable.length > 5 ? '…' : ''}.`,
        );
      if (read.truncated) notes.push('A large mailbox file was read from its newest part only.');
      await learn(read.messages, notes, signal);
    });

  return (
    <div className={styles.box} data-testid="voice-learning">
      <Body1 as="h3">
        <strong>Learn from my sent mail</strong>
      </Body1>
      <Caption1 id={hintId}>
        {canReadOutlook
          ? `Steward reads your last ${SENT_MAIL_TO_READ} sent messages and keeps only your style, plus a few short examples.`
          : 'Upload messages you sent: .eml files (Outlook on the web: open a sent message, … → Download) or an .mbox export (Thunderbird, Apple Mail, Google Takeout). Only your style is kept, plus a few short examples.'}
      </Caption1>
      <div className={styles.actions}>
        {canReadOutlook ? (
          <Button appearance="primary" disabled={busy} onClick={() => void fromOutlook()} data-testid="learn-outlook">
            Learn from Sent Items
          </Button>
        ) : null}
        <Button
          disabled={busy}
          aria-describedby={hintId}
          onClick={() => fileInput.current?.click()}
          data-testid="learn-upload"
        >
          Upload .eml or .mbox files
        </Button>
        {busy ? (
          <Button appearance="subtle" onClick={() => abort.current?.abort()}>
            Cancel
          </Button>
        ) : null}
      </div>
      <input
        ref={fileInput}
        className={styles.hidden}
        type="file"
        multiple
        accept=".eml,.mbox,.mbx,message/rfc822,application/mbox"
        aria-label="Sent messages to learn from"
        data-testid="learn-files"
        onChange={(event) => {
          const files = Array.from(event.currentTarget.files ?? []);
          event.currentTarget.value = '';
          if (files.length) void fromFiles(files);
        }}
      />
      {state.status === 'reading' ? (
        state.source === 'outlook' ? (
          <Progress
            value={state.total ? state.done / state.total : undefined}
            aria-label={`Reading sent mail: ${state.done} of ${state.total}`}
            data-testid="learn-progress"
          />
        ) : (
          <Spinner size="tiny" label="Reading the files…" labelPosition="after" />
        )
      ) : null}
      {state.status === 'reading' && state.source === 'outlook' ? (
        <Caption1 aria-live="polite">{`Reading sent mail: ${state.done} of ${state.total}`}</Caption1>
      ) : null}
      {state.status === 'learning' ? (
        <Spinner
          size="tiny"
          label={`Learning your style from ${state.count} messages…`}
          labelPosition="after"
          data-testid="learn-progress"
        />
      ) : null}
      {state.status === 'done' ? (
        <MessageBar intent="success" layout="multiline" data-testid="learn-result">
          <MessageBarBody>
            <MessageBarTitle>Style learned</MessageBarTitle>
            {`Learned from ${state.result.learnedFrom} messages`}
            {state.result.skipped ? `; ${state.result.skipped} had no text of their own` : ''}
            {state.leftOut ? `; ${state.leftOut} left out (too large, or over the 500-message limit)` : ''}
            {`. Confidence: ${state.result.profile.confidence}. Check the card above and save any changes.`}
            {state.notes.map((note) => ` ${note}`).join('')}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {state.status === 'error' ? (
        <MessageBar intent="error" layout="multiline" data-testid="learn-error">
          <MessageBarBody>
            <MessageBarTitle>Could not learn your style</MessageBarTitle>
            {state.message}
          </MessageBarBody>
        </MessageBar>
      ) : null}
    </div>
  );
}
