/** What every callback needs: reading Apps Script's event object, and the responses a callback returns. */

import type { Settings } from '@steward/shared';
import { BackendError } from './api/errors.ts';
import type { Params } from './cards/ui.ts';

export type Event = GoogleAppsScript.Addons.EventObject;

export type Card = GoogleAppsScript.Card_Service.Card;

type LegacyFields = { parameters?: Params; formInput?: Params };

export function param(e: Event | undefined, name: string): string {
  return e?.commonEventObject?.parameters?.[name] ?? (e as LegacyFields | undefined)?.parameters?.[name] ?? '';
}

export function formValue(e: Event | undefined, name: string): string {
  const input = e?.commonEventObject?.formInputs?.[name];
  return (
    input?.stringInputs?.value?.[0] ??
    input?.['']?.stringInputs?.value?.[0] ??
    (e as LegacyFields | undefined)?.formInput?.[name] ??
    ''
  );
}

/** Every value of a multi-valued input (checkboxes). */
export function formValues(e: Event | undefined, name: string): string[] {
  const input = e?.commonEventObject?.formInputs?.[name];
  const values = input?.stringInputs?.value ?? input?.['']?.stringInputs?.value;
  if (values) return values;
  const legacy = (e as LegacyFields | undefined)?.formInput?.[name];
  return legacy ? legacy.split(',') : [];
}

export function userTimeZone(e: Event | undefined, settings: Settings | null): string {
  return e?.commonEventObject?.timeZone?.id || settings?.timeZone || 'UTC';
}

/** Any failure becomes a BackendError, so a card can say what happened without a stack trace. */
export function asBackendError(err: unknown): BackendError {
  if (err instanceof BackendError) return err;
  const text = err instanceof Error ? err.message : String(err);
  if (/access|permission|authoriz/i.test(text)) {
    return new BackendError(
      'gmail_access',
      'Gmail did not let Steward read this message. Reopen it and try again.',
      0,
      true,
    );
  }
  return new BackendError('addon_error', `Something went wrong in the add-on: ${text.slice(0, 200)}`, 0, true);
}

export function notify(text: string): GoogleAppsScript.Card_Service.ActionResponse {
  return CardService.newActionResponseBuilder().setNotification(CardService.newNotification().setText(text)).build();
}

export function pushCard(card: Card): GoogleAppsScript.Card_Service.ActionResponse {
  return CardService.newActionResponseBuilder().setNavigation(CardService.newNavigation().pushCard(card)).build();
}

export function updateCard(card: Card): GoogleAppsScript.Card_Service.ActionResponse {
  return CardService.newActionResponseBuilder().setNavigation(CardService.newNavigation().updateCard(card)).build();
}

/** Compose callbacks cannot show a card, so a failure there becomes a notification. */
export function failure(err: unknown): GoogleAppsScript.Card_Service.ActionResponse {
  return notify(asBackendError(err).message);
}
