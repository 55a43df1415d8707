import type { AlertChannel, CrmConnection, Settings, Weekday } from '@steward/shared';
import { dayHoursText } from '../core/format.ts';
import { alertsSection, crmSection } from './alerts.ts';
import { action, button, buttons, card, choices, paragraph, section, textInput } from './ui.ts';

export const DAY_TITLES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

const hourText = (h: number) => `${String(h).padStart(2, '0')}:00`;

/**
 * Ask Steward: the index switch (on indexes from then on, off deletes the index) and the hour of the morning
 * briefing draft to self. Both save as soon as they change, as in Outlook's settings.
 */
function askSection(settings: Settings): GoogleAppsScript.Card_Service.CardSection {
  const hour = settings.briefingDraftHour ?? null;
  return section('Ask Steward')
    .addWidget(
      choices('mailIndex', 'Ask Steward', CardService.SelectionInputType.SWITCH, [
        { value: 'on', label: 'Index my mail so I can ask about it', selected: settings.mailIndex === true },
      ]).setOnChangeAction(action('onToggleMailIndex')),
    )
    .addWidget(
      paragraph(
        'Mail Steward syncs, and messages you open here, are indexed from when this is on. Turning it off deletes the index.',
      ),
    )
    .addWidget(
      choices('briefingDraftHour', 'Morning briefing draft to me', CardService.SelectionInputType.DROPDOWN, [
        { value: 'off', label: 'Off', selected: hour === null },
        ...Array.from({ length: 24 }, (_, h) => ({
          value: String(h),
          label: `At ${hourText(h)}`,
          selected: hour === h,
        })),
      ]).setOnChangeAction(action('onSetBriefingHour')),
    )
    .addWidget(
      paragraph(
        'Each morning at this hour of your time zone Steward leaves the briefing in your Drafts, addressed to you. It is never sent.',
      ),
    );
}

export interface ReachSettings {
  /** The user's alert channels; null when they could not be listed (`channelsError` says why). */
  channels: AlertChannel[] | null;
  channelsError?: string;
  /** The organisation's CRM connection; null for users who are not administrators. */
  crm: CrmConnection | null;
}

/**
 * Working hours and zone (what the scheduling solver depends on), Ask Steward, then alert channels and, for
 * an administrator, the CRM connection.
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
    .addSection(askSection(settings))
    .addSection(alertsSection(reach.channels, reach.channelsError));
  if (reach.crm) built.addSection(crmSection(reach.crm));
  return built.build();
}
