import {
  Button,
  Field,
  Input,
  Menu,
  MenuButton,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  SplitButton,
  Subtitle2,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwise20Regular, Send20Regular, Sparkle20Regular } from '@fluentui/react-icons';
import type { Draft, EmailMessage } from '@steward/shared';
import { useEffect, useRef, useState } from 'react';
import { usePane } from './context.ts';
import { describeError } from './errors.ts';
import { textToHtml } from './reply-html.ts';
import { ErrorState } from './states.tsx';

const INSTRUCTIONS = [
  { label: 'Shorter', instruction: 'shorter' },
  { label: 'Longer', instruction: 'longer' },
  { label: 'More formal', instruction: 'more formal' },
  { label: 'More casual', instruction: 'more casual' },
  { label: 'Decline politely', instruction: 'decline politely' },
] as const;

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  draft: { minHeight: '180px' },
  custom: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end' },
  grow: { flexGrow: 1 },
});

type Status = 'idle' | 'writing' | 'ready' | 'error';

/**
 * Drafts kept per message for the session (the pane's lifetime): opening another message and coming back
 * finds the draft as it was left, edits included. The oldest is forgotten beyond MAX_KEPT.
 */
interface KeptDraft {
  text: string;
  draft: Draft;
}
const kept = new Map<string, KeptDraft>();
const MAX_KEPT = 50;
function keepDraft(messageId: string, value: KeptDraft): void {
  kept.delete(messageId);
  kept.set(messageId, value);
  if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as string);
}

export function DraftPanel({ message, autoStart }: { message: EmailMessage; autoStart: boolean }) {
  const styles = useStyles();
  const { api, mailbox, announce } = usePane();
  const remembered = kept.get(message.id);
  const [status, setStatus] = useState<Status>(remembered ? 'ready' : 'idle');
  const [text, setText] = useState(remembered?.text ?? '');
  const [draft, setDraft] = useState<Draft | null>(remembered?.draft ?? null);
  const [error, setError] = useState<string | null>(null);
  const [custom, setCustom] = useState('');
  const running = useRef<AbortController | null>(null);

  useEffect(() => () => running.current?.abort(), []);
  useEffect(() => {
    if (status === 'ready' && draft) keepDraft(message.id, { text, draft });
  }, [status, draft, text, message.id]);

  const generate = async (instruction?: string) => {
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    setStatus('writing');
    setError(null);
    setText('');
    try {
      const me = mailbox.myAddresses();
      const body = { message, ...(me.length ? { me } : {}), ...(instruction ? { instruction } : {}) };
      const result = await api.draftStream(body, {
        signal: controller.signal,
        onDelta: (piece) => setText((previous) => previous + piece),
      });
      if (controller.signal.aborted) return;
      setDraft(result);
      setText(result.text);
      setStatus('ready');
      announce('Draft ready');
    } catch (cause) {
      if (controller.signal.aborted) return;
      setError(describeError(cause));
      setStatus('error');
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per message (the panel is keyed by it)
  useEffect(() => {
    if (autoStart && !kept.has(message.id)) void generate();
  }, []);

  const insert = async (replyAll: boolean) => {
    if (!draft) return;
    // The backend's HTML is only valid while the user has not edited the text.
    const html = text === draft.text ? draft.html : textToHtml(text);
    try {
      const outcome = await mailbox.insertReply({ html, text, replyAll });
      if (outcome === 'unsupported')
        announce('This Outlook cannot open a reply from an add-in. Copy the text instead.', 'error');
      else
        announce(
          outcome === 'inserted-at-cursor' ? 'Inserted at the cursor' : 'Reply opened with the draft',
          'success',
        );
    } catch (cause) {
      announce(describeError(cause), 'error');
    }
  };

  return (
    <section className={styles.panel} aria-labelledby="draft-heading" data-testid="draft-panel">
      <Subtitle2 as="h2" id="draft-heading">
        Reply draft
      </Subtitle2>
      {status === 'idle' ? (
        <div className={styles.row}>
          <Button
            appearance="primary"
            icon={<Sparkle20Regular />}
            onClick={() => void generate()}
            data-testid="draft-generate"
          >
            Write a reply
          </Button>
        </div>
      ) : null}
      {status === 'error' && error ? (
        <ErrorState title="No draft this time" message={error} onRetry={() => void generate()} />
      ) : null}
      {status === 'writing' || status === 'ready' ? (
        <>
          <Field label="Draft (edit before inserting)" hint={status === 'writing' ? 'Writing…' : undefined}>
            <Textarea
              className={styles.draft}
              value={text}
              readOnly={status === 'writing'}
              onChange={(_e, data) => setText(data.value)}
              resize="vertical"
              aria-busy={status === 'writing'}
              data-testid="draft-text"
            />
          </Field>
          {status === 'writing' ? <Spinner size="tiny" label="Writing the draft…" labelPosition="after" /> : null}
          {draft?.placeholders.length && status === 'ready' ? (
            <MessageBar intent="warning" layout="multiline" data-testid="placeholders">
              <MessageBarBody>
                <MessageBarTitle>Fill in before sending</MessageBarTitle>
                {draft.placeholders.join(' · ')}
              </MessageBarBody>
            </MessageBar>
          ) : null}
          <div className={styles.row}>
            <Menu positioning="below-end">
              <MenuTrigger disableButtonEnhancement>
                {(triggerProps) => (
                  <SplitButton
                    appearance="primary"
                    icon={<Send20Regular />}
                    disabled={status !== 'ready'}
                    menuButton={{ ...triggerProps, 'aria-label': 'More insert options' }}
                    primaryActionButton={{ onClick: () => void insert(false), 'data-testid': 'draft-insert' } as object}
                  >
                    Insert reply
                  </SplitButton>
                )}
              </MenuTrigger>
              <MenuPopover>
                <MenuList>
                  <MenuItem onClick={() => void insert(true)}>Insert as reply all</MenuItem>
                </MenuList>
              </MenuPopover>
            </Menu>
            <Menu>
              <MenuTrigger disableButtonEnhancement>
                <MenuButton
                  icon={<ArrowClockwise20Regular />}
                  disabled={status === 'writing'}
                  data-testid="draft-regenerate"
                >
                  Regenerate
                </MenuButton>
              </MenuTrigger>
              <MenuPopover>
                <MenuList>
                  <MenuItem onClick={() => void generate()}>Try again</MenuItem>
                  {INSTRUCTIONS.map((item) => (
                    <MenuItem key={item.instruction} onClick={() => void generate(item.instruction)}>
                      {item.label}
                    </MenuItem>
                  ))}
                </MenuList>
              </MenuPopover>
            </Menu>
          </div>
          <form
            className={styles.custom}
            onSubmit={(event) => {
              event.preventDefault();
              if (custom.trim()) void generate(custom.trim());
            }}
          >
            <Field label="Or say what to change" className={styles.grow}>
              <Input
                value={custom}
                maxLength={500}
                placeholder="e.g. mention the discount"
                onChange={(_e, data) => setCustom(data.value)}
              />
            </Field>
            <Button type="submit" disabled={!custom.trim() || status === 'writing'}>
              Rewrite
            </Button>
          </form>
        </>
      ) : null}
    </section>
  );
}
