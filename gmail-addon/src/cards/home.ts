import type { Briefing, InboxStats, Me, Sender, Settings, VoiceProfile } from '@steward/shared';
import { voiceSummary, workingHoursText } from '../core/format.ts';
import { categoryRows, summaryLines } from '../core/stats.ts';
import type { SyncView } from '../core/sync.ts';
import { askSection, briefingSections } from './ask.ts';
import { button, buttons, card, esc, labelled, linkButton, paragraph, section } from './ui.ts';

export interface HomeView {
  server: string;
  me: Me;
  settings: Settings | null;
  voice: VoiceProfile | null;
  voiceMissing: string;
  /** Null when the server has no mailbox sync (404): the section is left out. */
  sync: SyncView | null;
  /** Why the sync status could not be loaded (any failure but 404). */
  syncError: string;
  /** The dashboard's numbers; null when the server has none (404) or they could not be loaded. */
  stats?: InboxStats | null;
  /** Bulk senders, newest first (a few). */
  senders?: Sender[];
  /** The morning briefing; null when the server has none (404). */
  briefing?: Briefing | null;
  /** Why the briefing could not be loaded (any failure but 404). */
  briefingError?: string;
  /** The user's zone, for meeting times. */
  timeZone?: string;
}

/** "Your inbox": mail per category as coloured text bars, then replies, waiting threads, drafts, model use. */
function statsSections(view: HomeView): GoogleAppsScript.Card_Service.CardSection[] {
  if (!view.stats) return [];
  const days = view.stats.perDay.length;
  const inbox = section(`Your inbox, last ${days} days`);
  const rows = categoryRows(view.stats, view.settings);
  if (rows.length === 0) inbox.addWidget(paragraph('No mail sorted in these days yet.'));
  for (const row of rows) inbox.addWidget(labelled(esc(row.label), row.bar));
  inbox.addWidget(paragraph(summaryLines(view.stats).map(esc).join('<br>')));
  const list = (view.senders ?? []).filter((s) => s.unsubscribe !== 'none').slice(0, 3);
  if (list.length === 0) return [inbox];
  const news = section('Newsletters');
  for (const s of list) {
    news.addWidget(
      labelled(
        esc(s.name ?? s.address),
        esc(`${s.address} · ${s.messages} message${s.messages === 1 ? '' : 's'}`),
        s.unsubscribedAt ? 'Unsubscribed' : '',
      ),
    );
    if (!s.unsubscribedAt) news.addWidget(buttons(button('Unsubscribe', 'onUnsubscribe', { senderId: s.id })));
  }
  return [inbox, news];
}

/** Warnings stand out in red; Gmail cards allow <font color> in text. */
function warning(text: string): string {
  return `<font color="#b3261e">${text}</font>`;
}

function syncSection(view: HomeView): GoogleAppsScript.Card_Service.CardSection | null {
  if (!view.sync) {
    return view.syncError ? section('Mailbox sync').addWidget(paragraph(esc(view.syncError))) : null;
  }
  const s = section('Mailbox sync');
  for (const m of view.sync.mailboxes) {
    s.addWidget(labelled(`${m.provider} · ${m.address}`, esc(m.state), m.detail));
    if (m.warning) s.addWidget(paragraph(warning(`<b>Reconnect needed.</b> ${esc(m.warning)}`)));
    if (m.reconnect)
      s.addWidget(buttons(linkButton('Reconnect', 'onReconnectMailbox', { provider: m.reconnect }, true)));
  }
  if (view.sync.offerConnect) {
    s.addWidget(
      paragraph(
        view.sync.mailboxes.length
          ? 'No mailbox is connected now. Steward sorts a message when you open it.'
          : '<b>No mailbox connected.</b> Steward sorts a message when you open it; connect Gmail to have new mail sorted in the background.',
      ),
    );
    s.addWidget(buttons(linkButton('Connect Gmail for background sorting', 'onConnectGmail')));
  }
  return s;
}

/** Homepage: is Steward connected, is mail sorted in the background, the user's voice, when they work. */
export function homeCard(view: HomeView): GoogleAppsScript.Card_Service.Card {
  const status = section('Status')
    .addWidget(labelled('Connected to', esc(view.server)))
    .addWidget(labelled('Signed in as', esc(view.me.email ?? view.me.displayName ?? view.me.id)));
  if (view.me.localMode) {
    status.addWidget(paragraph('<b>Local mode</b>: this server has no identity provider configured.'));
  }
  status.addWidget(paragraph('Open a message to see its category, a draft reply and free times.'));

  const voice = section('Your voice');
  if (view.voice) voice.addWidget(paragraph(voiceSummary(view.voice).map(esc).join('<br>')));
  else voice.addWidget(paragraph(esc(view.voiceMissing)));

  const hours = section('Working hours');
  if (view.settings) {
    hours.addWidget(labelled(view.settings.timeZone, esc(workingHoursText(view.settings.workingHours))));
  } else {
    hours.addWidget(paragraph('Settings could not be loaded.'));
  }
  hours.addWidget(buttons(button('Settings', 'onOpenSettings'), button('Refresh', 'onRefreshHome')));

  const home = card('home', 'Steward', 'Your email assistant').addSection(status).addSection(askSection());
  if (view.briefing) {
    for (const part of briefingSections(view.briefing, view.timeZone ?? view.settings?.timeZone ?? 'UTC'))
      home.addSection(part);
  } else if (view.briefingError) {
    home.addSection(section('Briefing').addWidget(paragraph(esc(view.briefingError))));
  }
  const sync = syncSection(view);
  if (sync) home.addSection(sync);
  for (const extra of statsSections(view)) home.addSection(extra);
  return home.addSection(voice).addSection(hours).build();
}
