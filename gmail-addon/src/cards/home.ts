import type { Me, Settings, VoiceProfile } from '@steward/shared';
import { voiceSummary, workingHoursText } from '../core/format.ts';
import { button, buttons, card, esc, labelled, paragraph, section } from './ui.ts';

export interface HomeView {
  server: string;
  me: Me;
  settings: Settings | null;
  voice: VoiceProfile | null;
  voiceMissing: string;
}

/** Homepage: is Steward connected, what does it know of the user's voice, when do they work. */
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

  return card('home', 'Steward', 'Your email assistant').addSection(status).addSection(voice).addSection(hours).build();
}
