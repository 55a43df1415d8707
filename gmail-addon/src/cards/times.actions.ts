/** The times card's actions: free slots for a meeting request, and a reply draft holding them. */
import { api, type TimesSuggestion } from '../api/client.ts';
import { BackendError } from '../api/errors.ts';
import { cacheGet, cachePut } from '../cache.ts';
import { slotText, textToHtml } from '../core/format.ts';
import { shouldReplyAll } from '../core/message.ts';
import { asBackendError, type Event, failure, param, pushCard, userTimeZone } from '../events.ts';
import { type GmailContext, gmailContext, myAddresses, readOpenMessage } from '../gmail/read.ts';
import { cachedSettings, messageFor } from '../state.ts';
import { errorCard } from './error.ts';
import { timesCard } from './times.ts';

export function suggestionFor(context: GmailContext | null, messageId: string): TimesSuggestion {
  const key = `times:${messageId}`;
  const cached = cacheGet<TimesSuggestion>(key);
  if (cached) return cached;
  const suggestion = api.suggestTimes(messageFor(context, messageId).message);
  cachePut(key, suggestion, 600);
  return suggestion;
}

/** "Suggest times": free slots from the user's working hours for this request. */
export function onSuggestTimes(e: Event) {
  const context = gmailContext(e);
  const messageId = param(e, 'messageId') || context?.messageId || '';
  try {
    const suggestion = suggestionFor(context, messageId);
    return pushCard(timesCard(messageId, suggestion, userTimeZone(e, cachedSettings())));
  } catch (err) {
    return pushCard(errorCard(asBackendError(err), { view: 'times', messageId }));
  }
}

export function proposalText(suggestion: TimesSuggestion, timeZone: string): string {
  if (suggestion.proposal) return suggestion.proposal;
  return `Would one of these times work for you?\n\n${suggestion.slots.map((s) => `- ${slotText(s, timeZone)} (${timeZone})`).join('\n')}`;
}

/** "Insert into reply": a reply draft holding the proposed times, opened for the user. */
export function onInsertTimes(e: Event) {
  try {
    const context = gmailContext(e);
    if (!context) throw new BackendError('no_message', 'Open a message first.', 0, false);
    const messageId = param(e, 'messageId') || context.messageId;
    const text = proposalText(suggestionFor(context, messageId), userTimeZone(e, cachedSettings()));
    const open = readOpenMessage(context);
    const options = { htmlBody: textToHtml(text) };
    const draft = shouldReplyAll(open.message, myAddresses())
      ? open.gmail.createDraftReplyAll(text, options)
      : open.gmail.createDraftReply(text, options);
    return CardService.newComposeActionResponseBuilder().setGmailDraft(draft).build();
  } catch (err) {
    return failure(err);
  }
}
