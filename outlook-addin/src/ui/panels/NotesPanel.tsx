import {
  Body1,
  Button,
  Field,
  Input,
  makeStyles,
  Spinner,
  Subtitle2,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { DocumentArrowUp20Regular, Notepad20Regular } from '@fluentui/react-icons';
import type { MeetingNotesRecord, NotesRequest, TranscriptFormat } from '@steward/shared';
import { useRef, useState } from 'react';
import { usePane } from '../context.ts';
import { describeError } from '../errors.ts';
import { textToHtml } from '../reply-html.ts';
import { ErrorState } from '../states.tsx';

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL },
  hidden: { display: 'none' },
});

/** The transcript format from a file name; undefined lets the backend sniff it. */
export function formatFromFileName(name: string): TranscriptFormat | undefined {
  const extension = name.toLowerCase().split('.').pop();
  return extension === 'vtt' || extension === 'srt' || extension === 'txt' || extension === 'json'
    ? extension
    : undefined;
}

export default function NotesPanel() {
  const styles = useStyles();
  const { api, mailbox, announce } = usePane();
  const [transcript, setTranscript] = useState('');
  const [format, setFormat] = useState<TranscriptFormat | undefined>(undefined);
  const [meetingDate, setMeetingDate] = useState('');
  const [state, setState] = useState<
    | { status: 'idle' }
    | { status: 'working' }
    | { status: 'error'; message: string }
    | { status: 'ready'; notes: MeetingNotesRecord }
  >({ status: 'idle' });
  const [followUp, setFollowUp] = useState('');
  const file = useRef<HTMLInputElement>(null);

  const upload = async (chosen: File | undefined) => {
    if (!chosen) return;
    setTranscript(await chosen.text());
    setFormat(formatFromFileName(chosen.name));
    announce(`Loaded ${chosen.name}`);
  };

  const submit = async () => {
    setState({ status: 'working' });
    try {
      const request: NotesRequest = { transcript };
      if (format) request.format = format;
      if (meetingDate) request.meetingDate = meetingDate;
      const notes = await api.meetingNotes(request);
      setFollowUp(notes.followUp.text);
      setState({ status: 'ready', notes });
    } catch (cause) {
      setState({ status: 'error', message: describeError(cause) });
    }
  };

  const send = async (notes: MeetingNotesRecord, asReply: boolean) => {
    const html = textToHtml(followUp);
    const outcome = asReply
      ? await mailbox.insertReply({ html, text: followUp, replyAll: true })
      : await mailbox.composeNew({ to: [], subject: notes.followUp.subject, html });
    announce(
      outcome === 'unsupported' ? 'This Outlook cannot open a message from an add-in.' : 'Follow-up opened',
      outcome === 'unsupported' ? 'error' : 'success',
    );
  };

  return (
    <section className={styles.panel} aria-labelledby="notes-heading" data-testid="notes-panel">
      <Subtitle2 as="h2" id="notes-heading">
        Meeting notes
      </Subtitle2>
      <Body1>Paste a transcript (Teams, Zoom or Meet export, or "Speaker: text") or upload the file.</Body1>
      <Field label="Transcript">
        <Textarea
          value={transcript}
          onChange={(_e, data) => {
            setTranscript(data.value);
            setFormat(undefined);
          }}
          resize="vertical"
          rows={8}
          data-testid="notes-transcript"
        />
      </Field>
      <div className={styles.row}>
        <input
          ref={file}
          className={styles.hidden}
          type="file"
          accept=".vtt,.srt,.txt,.json,text/vtt,text/plain,application/json"
          aria-label="Transcript file"
          onChange={(event) => void upload(event.target.files?.[0])}
        />
        <Button icon={<DocumentArrowUp20Regular />} onClick={() => file.current?.click()}>
          Upload file
        </Button>
        <Field label="Meeting date">
          <Input type="date" value={meetingDate} onChange={(_e, data) => setMeetingDate(data.value)} />
        </Field>
      </div>
      <div>
        <Button
          appearance="primary"
          icon={<Notepad20Regular />}
          disabled={!transcript.trim() || state.status === 'working'}
          onClick={() => void submit()}
          data-testid="notes-submit"
        >
          Write notes and follow-up
        </Button>
      </div>
      {state.status === 'working' ? (
        <Spinner size="tiny" label="Reading the transcript…" labelPosition="after" />
      ) : null}
      {state.status === 'error' ? (
        <ErrorState title="No notes" message={state.message} onRetry={() => void submit()} />
      ) : null}
      {state.status === 'ready' ? (
        <div className={styles.panel} data-testid="notes-result">
          <NotesList title="Summary" items={state.notes.summary} />
          <NotesList title="Decisions" items={state.notes.decisions.map((d) => d.text)} />
          <NotesList
            title="Action items"
            items={state.notes.actionItems.map((a) => `${a.owner}: ${a.task}${a.due ? ` (due ${a.due})` : ''}`)}
          />
          <NotesList title="Open questions" items={state.notes.openQuestions.map((q) => q.text)} />
          <Field label={`Follow-up: ${state.notes.followUp.subject}`}>
            <Textarea value={followUp} onChange={(_e, data) => setFollowUp(data.value)} resize="vertical" rows={10} />
          </Field>
          <div className={styles.row}>
            <Button appearance="primary" onClick={() => void send(state.notes, false)}>
              Open as new email
            </Button>
            <Button onClick={() => void send(state.notes, true)}>Insert as reply all</Button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function NotesList({ title, items }: { title: string; items: string[] }) {
  const styles = useStyles();
  if (items.length === 0) return null;
  return (
    <div>
      <Subtitle2 as="h3">{title}</Subtitle2>
      <ul className={styles.list}>
        {items.map((item, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: notes can repeat a sentence
          <li key={index}>
            <Body1>{item}</Body1>
          </li>
        ))}
      </ul>
    </div>
  );
}
