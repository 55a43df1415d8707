import type { Me, Settings, VoiceProfile } from '@steward/shared';
import { voiceSummary, workingHoursText } from '../core/format.ts';
import type { SyncView } from '../core/sync.ts';
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

  const home = card('home', 'Steward', 'Your email assistant').addSection(status);
  const sync = syncSection(view);
  if (sync) home.addSection(sync);
  return home.addSection(voice).addSection(hours).build();
}
