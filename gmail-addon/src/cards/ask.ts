import type { AskResponse, Briefing, BriefingThread, SummaryPoint, ThreadSummary } from '@steward/shared';
import {
  button,
  buttons,
  type Callback,
  card,
  esc,
  labelled,
  type Params,
  paragraph,
  section,
  textInput,
} from './ui.ts';

type Section = GoogleAppsScript.Card_Service.CardSection;

/** Where Gmail shows a message of this mailbox: its thread when known (Gmail ids), else the message id. */
export function gmailLink(messageId: string, threadId?: string | null): string {
  return `https://mail.google.com/mail/u/0/#all/${encodeURIComponent(threadId || messageId)}`;
}

/** The links the manifest lets the add-on open (MESSAGE_URL_PREFIXES in scripts/manifest.ts). */
const OPENABLE = /^https:\/\/(mail\.google\.com|outlook\.office\.com)\//;

function openButton(text: string, url: string): GoogleAppsScript.Card_Service.TextButton {
  return CardService.newTextButton()
    .setText(text)
    .setOpenLink(CardService.newOpenLink().setUrl(url).setOpenAs(CardService.OpenAs.FULL_SIZE));
}

/** "3 Mar 2026" in the user's zone. */
export function dayText(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(date);
}

function timeText(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(date);
}

export function ageText(days: number): string {
  if (days < 1) return 'today';
  const whole = Math.floor(days);
  return `${whole} day${whole === 1 ? '' : 's'}`;
}

/** The Ask box: on the homepage, and again under every answer. */
export function askSection(question = ''): Section {
  return section('Ask Steward')
    .addWidget(textInput('question', 'Ask about your mail', question, 'What did Dana say about the renewal price?'))
    .addWidget(buttons(button('Ask', 'onAsk', {}, true)));
}

/** The answer, then each source: subject, who and when, the verbatim quote, and a link that opens it in Gmail. */
export function answerCard(
  question: string,
  result: AskResponse,
  timeZone: string,
): GoogleAppsScript.Card_Service.Card {
  const answer = section();
  if (!result.found) {
    answer.addWidget(paragraph(esc(result.answer || 'I could not find this in your indexed mail.')));
    if (result.window) answer.addWidget(labelled('Searched', esc(result.window.text)));
  } else {
    answer.addWidget(paragraph(esc(result.answer).replace(/\n/g, '<br>')));
    const how = result.engine === 'openai' ? 'Written by the model from the sources below' : 'Quoted from your mail';
    answer.addWidget(paragraph(`<i>${how}${result.window ? ` · ${esc(result.window.text)}` : ''}</i>`));
  }
  const builder = card('ask-answer', 'Ask Steward', question.slice(0, 120)).addSection(answer);
  if (result.citations.length) {
    const sources = section('Sources');
    result.citations.forEach((c, i) => {
      const when = dayText(c.date, timeZone);
      const url = c.webLink && OPENABLE.test(c.webLink) ? c.webLink : gmailLink(c.messageId, c.threadId);
      sources.addWidget(
        labelled(
          `[${i + 1}] ${esc(c.subject || '(no subject)')}`,
          `“${esc(c.quote)}”`,
          esc([c.from, when].filter(Boolean).join(' · ')),
        ).setButton(openButton('Open', url)),
      );
    });
    builder.addSection(sources);
  }
  return builder.addSection(askSection(question)).build();
}

/**
 * Ask Steward is opt-in: while the mail index is off the Ask routes answer 409 `mail_index_off`; this card
 * says so and turns it on only on the user's click. `retry` says what to show once it is on.
 */
export function indexOffCard(retry: Params): GoogleAppsScript.Card_Service.Card {
  const body = section()
    .addWidget(
      paragraph(
        'Ask Steward searches an index of your own mail, which is off. Once on, the mail Steward syncs and the messages you open are indexed from then on; turning it off deletes the index.',
      ),
    )
    .addWidget(buttons(button('Turn on Ask Steward', 'onEnableMailIndex', retry, true)));
  return card('index-off', 'Ask Steward is off').addSection(body).build();
}

function pointsSection(title: string, points: SummaryPoint[], threadId: string): Section | null {
  if (points.length === 0) return null;
  const s = section(title);
  for (const p of points) {
    s.addWidget(
      labelled(esc(p.who), esc(p.text), `“${esc(p.quote)}”`).setButton(
        openButton('Open', gmailLink(p.messageId, threadId)),
      ),
    );
  }
  return s;
}

/** "Summarise thread": who wants what, decisions, open questions, each with who said it and the quote. */
export function summaryCard(summary: ThreadSummary): GoogleAppsScript.Card_Service.Card {
  const head = section().addWidget(
    labelled(
      `${summary.messages} message${summary.messages === 1 ? '' : 's'}`,
      esc(summary.participants.join(', ') || '—'),
    ),
  );
  const parts = [
    pointsSection('Who wants what', summary.requests, summary.threadId),
    pointsSection('Decisions', summary.decisions, summary.threadId),
    pointsSection('Open questions', summary.openQuestions, summary.threadId),
  ].filter((s): s is Section => s !== null);
  if (parts.length === 0)
    head.addWidget(paragraph('No requests, decisions or open questions were found in this thread.'));
  const builder = card('thread-summary', 'Thread summary', summary.subject || '(no subject)').addSection(head);
  for (const part of parts) builder.addSection(part);
  return builder.build();
}

/** The thread is not in the user's index (404): say why and what makes it appear. */
export function notIndexedCard(): GoogleAppsScript.Card_Service.Card {
  return card('thread-summary', 'Thread summary')
    .addSection(
      section().addWidget(
        paragraph(
          'This thread is not in your index yet. Steward summarises threads it has indexed: mail it syncs, and messages you open here once Ask Steward is on.',
        ),
      ),
    )
    .build();
}

function threadLines(items: BriefingThread[], describe: (t: BriefingThread) => string, s: Section): void {
  for (const t of items) {
    const line = CardService.newDecoratedText()
      .setText(esc(t.subject || '(no subject)'))
      .setBottomLabel(esc(describe(t)))
      .setWrapText(true)
      .setButton(openButton('Open', gmailLink(t.messageId, t.threadId)));
    s.addWidget(t.priority === 'high' ? line.setTopLabel('High priority') : line);
  }
}

/** The morning briefing on the homepage; each thread opens in Gmail. */
export function briefingSections(briefing: Briefing, timeZone: string): Section[] {
  const needs = section(
    `Briefing for ${esc(briefing.date)}: ${briefing.needsReply.length ? `needs your reply (${briefing.needsReply.length})` : 'needs your reply'}`,
  );
  if (briefing.needsReply.length === 0) needs.addWidget(paragraph('Nothing waits for your reply.'));
  threadLines(briefing.needsReply, (t) => `${t.from || 'Unknown sender'} · ${ageText(t.ageDays)}`, needs);

  const waiting = section(
    briefing.waitingFor.length ? `Waiting for a reply (${briefing.waitingFor.length})` : 'Waiting for a reply',
  );
  if (briefing.waitingFor.length === 0) waiting.addWidget(paragraph('No reply is overdue.'));
  threadLines(briefing.waitingFor, (t) => `Sent ${ageText(t.ageDays)}${t.ageDays >= 1 ? ' ago' : ''}`, waiting);

  const meetings = section(
    briefing.meetings.length ? `Today’s meetings (${briefing.meetings.length})` : 'Today’s meetings',
  );
  if (briefing.meetings.length === 0) {
    meetings.addWidget(
      paragraph(
        briefing.calendar === 'none'
          ? 'No calendar is connected: connect your mailbox for today’s meetings.'
          : briefing.calendar === 'unavailable'
            ? 'Your calendar could not be read just now.'
            : 'No meetings today.',
      ),
    );
  }
  for (const m of briefing.meetings) {
    const mentioned = m.threads.map((t) => esc(t.subject)).join(', ');
    meetings.addWidget(
      labelled(
        `${timeText(m.start, timeZone)}–${timeText(m.end, timeZone)}`,
        esc(m.title),
        mentioned ? `Mentioned in ${mentioned}` : '',
      ),
    );
  }
  meetings.addWidget(
    buttons(
      CardService.newTextButton()
        .setText('Save as a draft to me')
        .setComposeAction(
          CardService.newAction().setFunctionName('onBriefingDraft' satisfies Callback),
          CardService.ComposedEmailType.STANDALONE_DRAFT,
        ),
    ),
  );
  meetings.addWidget(paragraph('<i>A draft only: Steward never sends mail.</i>'));
  return [needs, waiting, meetings];
}
