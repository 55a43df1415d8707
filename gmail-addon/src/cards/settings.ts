import type { AlertChannel, CrmConnection, Settings, Weekday } from '@steward/shared';
import { dayHoursText } from '../core/format.ts';
import { alertsSection, crmSection } from './alerts.ts';
import { button, buttons, card, paragraph, section, textInput } from './ui.ts';

export const DAY_TITLES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export interface ReachSettings {
  /** The user's alert channels; null when they could not be listed (`channelsError` says why). */
  channels: AlertChannel[] | null;
  channelsError?: string;
  /** The organisation's CRM connection; null for users who are not administrators. */
  crm: CrmConnection | null;
}

/**
 * Working hours and zone (what the scheduling solver depends on), then alert channels and, for an
 * administrator, the CRM connection.
 */
export function settingsCard(
  settings: Settings,
  reach: ReachSettings = { channels: [], crm: null },
): GoogleAppsScript.Card_Service.Card {
  const zone = section('Time zone').addWidget(
    textInput('timeZone', 'IANA time zone', settings.timeZone, 'Europe/Berlin'),
  );
  const hours = section('Working hours').addWidget(
    paragraph('Ranges like 09:00-12:00, 13:00-17:00. Leave empty for a day off.'),
  );
  for (const day of Object.keys(DAY_TITLES) as Weekday[]) {
    const ranges = settings.workingHours[day] ?? [];
    hours.addWidget(
      textInput(`hours_${day}`, DAY_TITLES[day], ranges.length ? dayHoursText(ranges).replace(/–/g, '-') : ''),
    );
  }
  hours.addWidget(buttons(button('Save', 'onSaveSettings', {}, true)));
  const built = card('settings', 'Settings')
    .addSection(zone)
    .addSection(hours)
    .addSection(alertsSection(reach.channels, reach.channelsError));
  if (reach.crm) built.addSection(crmSection(reach.crm));
  return built.build();
}
