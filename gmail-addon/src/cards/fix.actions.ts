/** The fix-category card's actions: the choices, and the correction sent to the backend. */

import type { CategoryId, EmailMessage } from '@steward/shared';
import { api, type FeedbackScope } from '../api/client.ts';
import { cacheGet, cachePut, keys } from '../cache.ts';
import { categoryLabel, isCategory } from '../core/format.ts';
import { type CachedTriage, categoryChoices, messageView, scopeChoices } from '../core/views.ts';
import { asBackendError, type Event, formValue, notify, param, pushCard } from '../events.ts';
import { gmailContext } from '../gmail/read.ts';
import { cachedSettings, messageFor } from '../state.ts';
import { fixCategoryCard } from './fix.ts';
import { messageCard } from './message.ts';

/** "Fix category": shows the choices. */
export function onOpenFixCategory(e: Event) {
  const messageId = param(e, 'messageId') || gmailContext(e)?.messageId || '';
  const current = param(e, 'category');
  const category: CategoryId = isCategory(current) ? current : 'fyi';
  const settings = cachedSettings();
  return pushCard(
    fixCategoryCard(messageId, categoryChoices(category, settings), scopeChoices(param(e, 'fromAddress'))),
  );
}

/** "Save" on Fix category: the correction goes to the backend, and the card shows it at once. */
export function onFixCategory(e: Event) {
  const context = gmailContext(e);
  const messageId = param(e, 'messageId') || context?.messageId || '';
  const category = formValue(e, 'category');
  const scopeValue = formValue(e, 'scope') || 'message';
  if (!isCategory(category)) return notify('Choose a category.');
  const scope: FeedbackScope = scopeValue === 'sender' || scopeValue === 'domain' ? scopeValue : 'message';
  try {
    let message: EmailMessage | undefined;
    try {
      message = messageFor(context, messageId).message;
    } catch {
      // The correction for this message id still counts without its content.
    }
    const saved = api.feedback({ messageId, category, scope, ...(message ? { message } : {}) });
    const label = categoryLabel(category, cachedSettings());
    const entry = cacheGet<CachedTriage>(keys.triage(messageId));
    const navigation = CardService.newNavigation().popToRoot();
    // The server says what the result is now; the card shows exactly that.
    if (entry && saved.triage) {
      const fixed: CachedTriage = { ...entry, corrected: true, triage: saved.triage };
      cachePut(keys.triage(messageId), fixed);
      navigation.updateCard(messageCard(messageView(fixed, cachedSettings())));
    }
    return CardService.newActionResponseBuilder()
      .setNavigation(navigation)
      .setNotification(CardService.newNotification().setText(`Filed as ${label}. Steward will remember.`))
      .build();
  } catch (err) {
    return notify(asBackendError(err).message);
  }
}
