/** The compose card's trigger and actions: a draft or times inserted into the reply being written. */

import type { EmailMessage } from '@steward/shared';
import { api } from '../api/client.ts';
import { cacheGet, keys } from '../cache.ts';
import { textToHtml } from '../core/format.ts';
import { displayName } from '../core/message.ts';
import { type Card, type Event, failure, formValue, param, userTimeZone } from '../events.ts';
import { gmailContext } from '../gmail/read.ts';
import { cachedSettings, messageFor } from '../state.ts';
import { type ComposeView, composeCard } from './compose.ts';
import { proposalText, suggestionFor } from './times.actions.ts';

function composeView(messageId: string): ComposeView | null {
  const message = messageId ? cacheGet<EmailMessage>(keys.message(messageId)) : null;
  if (!message) return null;
  return { messageId, subject: message.subject ?? '', from: displayName(message.from) };
}

/** Compose trigger: the user is writing a reply with Steward open. */
export function onGmailCompose(e: Event): Card[] {
  const messageId = gmailContext(e)?.messageId || cacheGet<string>(keys.lastMessage) || '';
  return [composeCard(composeView(messageId))];
}

function insertIntoDraft(html: string) {
  return CardService.newUpdateDraftActionResponseBuilder()
    .setUpdateDraftBodyAction(
      CardService.newUpdateDraftBodyAction()
        .addUpdateContent(html, CardService.ContentType.MUTABLE_HTML)
        .setUpdateType(CardService.UpdateDraftBodyType.IN_PLACE_INSERT),
    )
    .build();
}

/** "Insert draft" while composing. */
export function onInsertDraft(e: Event) {
  try {
    const messageId = param(e, 'messageId');
    const { message, thread } = messageFor(null, messageId);
    const draft = api.draft(message, thread, formValue(e, 'instruction').trim() || undefined);
    return insertIntoDraft(draft.html);
  } catch (err) {
    return failure(err);
  }
}

/** "Insert times" while composing. */
export function onInsertTimesInCompose(e: Event) {
  try {
    const messageId = param(e, 'messageId');
    const suggestion = suggestionFor(null, messageId);
    return insertIntoDraft(textToHtml(proposalText(suggestion, userTimeZone(e, cachedSettings()))));
  } catch (err) {
    return failure(err);
  }
}
