import type { Settings, Weekday } from '@steward/shared';
import { dayHoursText } from '../core/format.ts';
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

/** Working hours and zone, the settings the scheduling solver depends on. */
export function settingsCard(settings: Settings): GoogleAppsScript.Card_Service.Card {
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
  return card('settings', 'Settings').addSection(zone).addSection(hours).build();
}
