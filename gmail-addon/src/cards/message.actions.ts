/** The message card's trigger and actions: the triage of the open message, and a draft reply. */
import { api } from '../api/client.ts';
import { BackendError } from '../api/errors.ts';
import { cacheGet, cachePut, keys } from '../cache.ts';
import { LABELS_ENABLED } from '../config.ts';
import { categoryLabel } from '../core/format.ts';
import { shouldReplyAll } from '../core/message.ts';
import { type CachedTriage, cachedTriage, messageView } from '../core/views.ts';
import { asBackendError, type Card, type Event, failure, formValue } from '../events.ts';
import { applyCategoryLabel } from '../gmail/labels.ts';
import { type GmailContext, gmailContext, myAddresses, readOpenMessage } from '../gmail/read.ts';
import { cachedSettings, rememberMessage } from '../state.ts';
import { errorCard } from './error.ts';
import { homeOrErrorCard } from './home.actions.ts';
import { messageCard } from './message.ts';

function triageFor(context: GmailContext): CachedTriage {
  const cached = cacheGet<CachedTriage>(keys.triage(context.messageId));
  if (cached) return cached;
  const open = readOpenMessage(context);
  const triage = api.triage(open.message, open.thread, myAddresses());
  const entry = cachedTriage(open.message, triage);
  cachePut(keys.triage(context.messageId), entry);
  rememberMessage(open.message);
  if (LABELS_ENABLED && open.message.threadId) {
    applyCategoryLabel(open.message.threadId, categoryLabel(triage.category, cachedSettings()));
  }
  return entry;
}

export function messageOrErrorCard(context: GmailContext): Card {
  try {
    return messageCard(messageView(triageFor(context), cachedSettings()));
  } catch (err) {
    return errorCard(asBackendError(err), { view: 'message', messageId: context.messageId });
  }
}

/** Contextual trigger: the user opened a message. */
export function onGmailMessage(e: Event): Card[] {
  const context = gmailContext(e);
  if (!context) return [homeOrErrorCard()];
  return [messageOrErrorCard(context)];
}

/** "Create draft reply": a real Gmail draft in the thread, opened for the user. */
export function onCreateDraft(e: Event) {
  try {
    const context = gmailContext(e);
    if (!context) throw new BackendError('no_message', 'Open a message first.', 0, false);
    const open = readOpenMessage(context);
    const draft = api.draft(open.message, open.thread, formValue(e, 'instruction').trim() || undefined);
    const options = { htmlBody: draft.html };
    const gmailDraft = shouldReplyAll(open.message, myAddresses())
      ? open.gmail.createDraftReplyAll(draft.text, options)
      : open.gmail.createDraftReply(draft.text, options);
    return CardService.newComposeActionResponseBuilder().setGmailDraft(gmailDraft).build();
  } catch (err) {
    return failure(err);
  }
}
