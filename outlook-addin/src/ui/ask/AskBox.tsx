import {
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { Search20Regular } from '@fluentui/react-icons';
import type { AskResponse } from '@steward/shared';
import { useRef, useState } from 'react';
import { usePane } from '../context.ts';
import { describeError } from '../errors.ts';
import { ErrorState, LoadingCard } from '../states.tsx';
import { IndexOffState, isIndexOff, OpenMessageLink, Quote, SourceLine } from './sources.tsx';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  form: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end' },
  field: { flexGrow: 1, minWidth: 0 },
  answer: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
  sources: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  source: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, overflowWrap: 'anywhere' },
});

type AskState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'index-off' }
  | { status: 'error'; message: string }
  | { status: 'ready'; result: AskResponse };

/** Longest question the API takes (MAX_QUESTION_CHARS in @steward/shared). */
const MAX_CHARS = 10_000;

/** "Ask Steward": a question about the user's own mail, answered with numbered, openable sources. */
export function AskBox() {
  const styles = useStyles();
  const { api } = usePane();
  const [question, setQuestion] = useState('');
  const [hint, setHint] = useState('');
  const [state, setState] = useState<AskState>({ status: 'idle' });
  const inFlight = useRef<AbortController | null>(null);

  const ask = async (text = question) => {
    const trimmed = text.trim();
    if (!trimmed) {
      setHint('Type a question first.');
      return;
    }
    setHint('');
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setState({ status: 'loading' });
    try {
      const result = await api.ask(trimmed, controller.signal);
      if (!controller.signal.aborted) setState({ status: 'ready', result });
    } catch (cause) {
      if (controller.signal.aborted) return;
      setState(isIndexOff(cause) ? { status: 'index-off' } : { status: 'error', message: describeError(cause) });
    }
  };

  return (
    <section className={styles.box} aria-label="Ask Steward" data-testid="ask">
      <form
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          void ask();
        }}
      >
        <Field
          className={styles.field}
          label="Ask about your mail"
          validationState={hint ? 'error' : 'none'}
          validationMessage={hint || undefined}
        >
          <Input
            value={question}
            maxLength={MAX_CHARS}
            placeholder="What did Dana say about the renewal price?"
            onChange={(_e, data) => setQuestion(data.value)}
            data-testid="ask-input"
          />
        </Field>
        <Button
          type="submit"
          appearance="primary"
          icon={<Search20Regular />}
          disabled={state.status === 'loading'}
          data-testid="ask-submit"
        >
          Ask
        </Button>
      </form>
      {state.status === 'loading' ? <LoadingCard label="Searching your mail…" /> : null}
      {state.status === 'index-off' ? <IndexOffState onEnabled={() => setState({ status: 'idle' })} /> : null}
      {state.status === 'error' ? (
        <ErrorState title="Steward could not answer" message={state.message} onRetry={() => void ask()} />
      ) : null}
      {state.status === 'ready' ? <AskAnswer result={state.result} /> : null}
    </section>
  );
}

function AskAnswer({ result }: { result: AskResponse }) {
  const styles = useStyles();
  if (!result.found) {
    return (
      <MessageBar intent="info" layout="multiline" data-testid="ask-not-found">
        <MessageBarBody>
          {result.answer || 'I could not find this in your indexed mail.'}
          {result.window ? ` (searched ${result.window.text})` : ''}
        </MessageBarBody>
      </MessageBar>
    );
  }
  return (
    <div className={styles.box} data-testid="ask-answer" aria-live="polite">
      <Body1 className={styles.answer} data-testid="answer-text">
        {result.answer}
      </Body1>
      <Caption1>
        {result.engine === 'openai' ? 'Written by the model from the sources below' : 'Quoted from your mail'}
        {result.window ? ` · ${result.window.text}` : ''}
      </Caption1>
      {result.citations.length ? (
        <>
          <Subtitle2 as="h3">Sources</Subtitle2>
          <ol className={styles.sources} data-testid="citations">
            {result.citations.map((c, i) => (
              <li key={`${c.messageId}:${c.quote}`} className={styles.source} data-testid="citation">
                <OpenMessageLink messageId={c.messageId} webLink={c.webLink}>
                  {`[${i + 1}] ${c.subject || '(no subject)'}`}
                </OpenMessageLink>
                <SourceLine from={c.from} date={c.date} />
                <Quote>{c.quote}</Quote>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </div>
  );
}
