// /preview: the real pane in an ordinary browser, over a sample mailbox instead of Outlook.
import type { EmailMessage } from '@steward/shared';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiClient } from './api/client.ts';
import { BackendAuth } from './auth/auth.ts';
import { readPaneConfig } from './config.ts';
import { type SampleEffect, SampleMailbox } from './mailbox/sample.ts';
import { App } from './ui/App.tsx';
import { addressLabel } from './ui/format.ts';

performance.mark('steward:pane-start');

function Preview({ mailbox, api, auth }: { mailbox: SampleMailbox; api: ApiClient; auth: BackendAuth }) {
  const [selected, setSelected] = useState(mailbox.selectedId);
  const [effect, setEffect] = useState<SampleEffect | null>(null);

  useEffect(() => mailbox.onEffect(setEffect), [mailbox]);
  // A cited source opened from the pane selects its message in the sample inbox.
  useEffect(() => mailbox.onItemChanged(() => setSelected(mailbox.selectedId)), [mailbox]);

  const select = (id: string) => {
    mailbox.select(id);
    setSelected(id);
    setEffect(null);
  };

  return (
    <div className="preview">
      <nav className="inbox" aria-label="Sample inbox">
        <h1>Sample inbox</h1>
        <p className="hint">
          Steward running without Outlook. Pick a message: it opens beside the pane, which follows it.
        </p>
        <ul>
          {mailbox.messages.map((message) => (
            <li key={message.id}>
              <button
                type="button"
                aria-pressed={message.id === selected}
                className={message.id === selected ? 'selected' : ''}
                onClick={() => select(message.id)}
                data-testid={`sample-${message.id}`}
              >
                <strong>{addressLabel(message.from).replace(/ <.*>$/, '')}</strong>
                <span>{message.subject}</span>
              </button>
            </li>
          ))}
        </ul>
        {effect ? <EffectView effect={effect} /> : null}
      </nav>
      <OpenMessageView message={mailbox.messages.find((m) => m.id === selected)} />
      <div className="pane" data-testid="pane">
        <App api={api} auth={auth} mailbox={mailbox} />
      </div>
    </div>
  );
}

/** The open message, as Outlook would show it beside the pane: a visitor can judge the verdicts. */
function OpenMessageView({ message }: { message: EmailMessage | undefined }) {
  if (!message) return null;
  const list = (addresses: EmailMessage['to']) => (addresses ?? []).map((a) => addressLabel(a)).join(', ');
  return (
    <article className="message" aria-label="Open message" data-testid="preview-message">
      <h2>{message.subject || '(no subject)'}</h2>
      <dl>
        <dt>From</dt>
        <dd>{message.from ? addressLabel(message.from) : '(unknown)'}</dd>
        {message.to?.length ? (
          <>
            <dt>To</dt>
            <dd>{list(message.to)}</dd>
          </>
        ) : null}
        {message.cc?.length ? (
          <>
            <dt>Cc</dt>
            <dd>{list(message.cc)}</dd>
          </>
        ) : null}
        {message.date ? (
          <>
            <dt>Date</dt>
            <dd>{new Date(message.date).toUTCString().replace(/ GMT$/, ' UTC')}</dd>
          </>
        ) : null}
      </dl>
      <div className="body">{message.text ?? ''}</div>
    </article>
  );
}

function EffectView({ effect }: { effect: SampleEffect }) {
  const title =
    effect.kind === 'reply'
      ? `Outlook would open a ${effect.replyAll ? 'reply-all' : 'reply'} with:`
      : effect.kind === 'new-message'
        ? `Outlook would open a new message "${effect.subject}":`
        : effect.kind === 'open'
          ? 'Outlook would open the message (selected in the sample inbox).'
          : `Outlook would tag the message "${effect.displayName}".`;
  return (
    <section className="effect" aria-live="polite" data-testid="preview-effect">
      <h2>{title}</h2>
      {effect.kind === 'reply' || effect.kind === 'new-message' ? (
        <iframe title="Reply preview" sandbox="" srcDoc={effect.html} />
      ) : null}
    </section>
  );
}

const config = readPaneConfig(window.location);
const mailbox = new SampleMailbox();
// The preview talks to a local-mode server; a signed-in server answers 401 and the pane says so.
const auth = new BackendAuth(null);
const api = new ApiClient({ baseUrl: config.apiBaseUrl, tokens: auth });
const container = document.getElementById('root');
if (!container) throw new Error('preview.html has no #root');
createRoot(container).render(<Preview mailbox={mailbox} api={api} auth={auth} />);
