/** The settings card's actions: opening it (button or menu), saving the hours and the Ask Steward switches. */

import type { AlertChannel, Settings, SettingsPatch, Weekday } from '@steward/shared';
import { api } from '../api/client.ts';
import { cachePut, keys } from '../cache.ts';
import { isValidTimeZone, parseDayHours } from '../core/format.ts';
import { asBackendError, type Card, type Event, formValue, notify, pushCard } from '../events.ts';
import { loadSettings } from '../state.ts';
import { errorCard } from './error.ts';
import { DAY_TITLES, type ReachSettings, settingsCard } from './settings.ts';

/** Alert channels (a failure says why) and, for administrators only, the CRM connection (403: left out). */
function loadReach(): ReachSettings {
  let channels: AlertChannel[] | null = null;
  let channelsError = '';
  try {
    channels = api.alertChannels().channels;
  } catch (err) {
    const error = asBackendError(err);
    if (error.status === 404) channels = [];
    else channelsError = `Alert channels could not be loaded: ${error.message}`;
  }
  let crm: ReachSettings['crm'] = null;
  try {
    crm = api.crmStatus();
  } catch {
    // Not an administrator (403), or a server without CRM context: the section is left out.
  }
  return { channels, ...(channelsError ? { channelsError } : {}), crm };
}

export function settingsOrErrorCard(): Card {
  try {
    return settingsCard(loadSettings(true), loadReach());
  } catch (err) {
    return errorCard(asBackendError(err), { view: 'settings' });
  }
}

/** Back to a fresh settings card, with a notification. */
export function backToSettings(text: string): GoogleAppsScript.Card_Service.ActionResponse {
  return CardService.newActionResponseBuilder()
    .setNavigation(CardService.newNavigation().popToNamedCard('settings').updateCard(settingsOrErrorCard()))
    .setNotification(CardService.newNotification().setText(text))
    .build();
}

/** "Settings" button on a card. */
export function onOpenSettings(_e?: Event) {
  return pushCard(settingsOrErrorCard());
}

/** "Settings" in the add-on's menu (universal action). */
export function onShowSettings(_e?: Event) {
  return CardService.newUniversalActionResponseBuilder().displayAddOnCards([settingsOrErrorCard()]).build();
}

/** Saves one Ask Steward setting from the settings card and shows the card again with what the server holds. */
function saveAskSetting(patch: SettingsPatch, saved: (settings: Settings) => string) {
  try {
    const settings = api.saveSettings(patch);
    cachePut(keys.settings, settings, 3600);
    return CardService.newActionResponseBuilder()
      .setNavigation(CardService.newNavigation().updateCard(settingsCard(settings, loadReach())))
      .setNotification(CardService.newNotification().setText(saved(settings)))
      .build();
  } catch (err) {
    // The switch shows the server's state again, not the one that failed to save.
    return CardService.newActionResponseBuilder()
      .setNavigation(CardService.newNavigation().updateCard(settingsOrErrorCard()))
      .setNotification(CardService.newNotification().setText(asBackendError(err).message))
      .build();
  }
}

/** The Ask Steward switch on the settings card: on indexes from now on, off deletes the index. */
export function onToggleMailIndex(e: Event) {
  const on = formValue(e, 'mailIndex') === 'on';
  return saveAskSetting({ mailIndex: on }, (s) =>
    s.mailIndex
      ? 'Ask Steward is on. Steward indexes your mail from now on.'
      : 'Ask Steward is off. Your mail index is deleted.',
  );
}

/** The morning briefing hour on the settings card: a draft to self each morning at that hour, or none. */
export function onSetBriefingHour(e: Event) {
  const value = formValue(e, 'briefingDraftHour');
  const hour = /^\d{1,2}$/.test(value) && Number(value) <= 23 ? Number(value) : null;
  return saveAskSetting({ briefingDraftHour: hour }, (s) =>
    s.briefingDraftHour === null || s.briefingDraftHour === undefined
      ? 'No morning briefing draft.'
      : `The briefing will be in your Drafts each morning at ${String(s.briefingDraftHour).padStart(2, '0')}:00.`,
  );
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
