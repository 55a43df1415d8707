/** The settings card's actions: opening it (button or menu) and saving it. */

import type { SettingsPatch, Weekday } from '@steward/shared';
import { api } from '../api/client.ts';
import { cachePut, keys } from '../cache.ts';
import { isValidTimeZone, parseDayHours } from '../core/format.ts';
import { asBackendError, type Card, type Event, formValue, notify, pushCard } from '../events.ts';
import { loadSettings } from '../state.ts';
import { errorCard } from './error.ts';
import { DAY_TITLES, settingsCard } from './settings.ts';

export function settingsOrErrorCard(): Card {
  try {
    return settingsCard(loadSettings(true));
  } catch (err) {
    return errorCard(asBackendError(err), { view: 'settings' });
  }
}

/** "Settings" button on a card. */
export function onOpenSettings(_e?: Event) {
  return pushCard(settingsOrErrorCard());
}

/** "Settings" in the add-on's menu (universal action). */
export function onShowSettings(_e?: Event) {
  return CardService.newUniversalActionResponseBuilder().displayAddOnCards([settingsOrErrorCard()]).build();
}

/** "Save" on the settings card. */
export function onSaveSettings(e: Event) {
  const timeZone = formValue(e, 'timeZone').trim();
  if (!isValidTimeZone(timeZone)) return notify(`"${timeZone}" is not a time zone. Use a name like Europe/Berlin.`);
  const workingHours = {} as NonNullable<SettingsPatch['workingHours']>;
  for (const day of Object.keys(DAY_TITLES) as Weekday[]) {
    const parsed = parseDayHours(formValue(e, `hours_${day}`));
    if (typeof parsed === 'string') return notify(`${DAY_TITLES[day]}: ${parsed}`);
    workingHours[day] = parsed;
  }
  try {
    const saved = api.saveSettings({ timeZone, workingHours });
    cachePut(keys.settings, saved, 3600);
    return CardService.newActionResponseBuilder()
      .setNavigation(CardService.newNavigation().popCard())
      .setNotification(CardService.newNotification().setText('Settings saved.'))
      .build();
  } catch (err) {
    return notify(asBackendError(err).message);
  }
}
