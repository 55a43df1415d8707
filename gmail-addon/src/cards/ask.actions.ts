/** The Ask Steward cards' actions: an answer, a thread summary, turning the index on, the briefing draft. */
import { api } from '../api/client.ts';
import { BackendError } from '../api/errors.ts';
import { cachePut, keys } from '../cache.ts';
import { textToHtml } from '../core/format.ts';
import {
  asBackendError,
  type Card,
  type Event,
  failure,
  formValue,
  notify,
  param,
  pushCard,
  userTimeZone,
} from '../events.ts';
import { gmailContext, myAddresses } from '../gmail/read.ts';
import { cachedSettings } from '../state.ts';
import { answerCard, indexOffCard, notIndexedCard, summaryCard } from './ask.ts';
import { errorCard } from './error.ts';
import { homeOrErrorCard } from './home.actions.ts';

function isIndexOff(err: unknown): boolean {
  return err instanceof BackendError && err.code === 'mail_index_off';
}

export function answerOrErrorCard(question: string, e: Event | undefined): Card {
  try {
    return answerCard(question, api.ask(question), userTimeZone(e, cachedSettings()));
  } catch (err) {
    if (isIndexOff(err)) return indexOffCard({ view: 'ask', question });
    return errorCard(asBackendError(err), { view: 'ask', question });
  }
}

/** "Ask" on the homepage or under an answer: the answer and its sources on a card of their own. */
export function onAsk(e: Event) {
  const question = formValue(e, 'question').trim() || param(e, 'question').trim();
  if (!question) return notify('Type a question first.');
  if (question.length > 10_000) return notify('That question is too long: keep it under 10,000 characters.');
  return pushCard(answerOrErrorCard(question, e));
}

export function summaryOrErrorCard(threadId: string): Card {
  try {
    return summaryCard(api.threadSummary(threadId));
  } catch (err) {
    if (isIndexOff(err)) return indexOffCard({ view: 'summary', threadId });
    const error = asBackendError(err);
    if (error.status === 404) return notIndexedCard();
    return errorCard(error, { view: 'summary', threadId });
  }
}

/** "Summarise thread" on the message card. */
export function onSummariseThread(e: Event) {
  const threadId = param(e, 'threadId') || gmailContext(e)?.threadId || '';
  if (!threadId) return notify('Open a message first.');
  return pushCard(summaryOrErrorCard(threadId));
}

/** "Turn on Ask Steward": only on the user's click; then shows what they asked for. */
export function onEnableMailIndex(e: Event) {
  try {
    const saved = api.saveSettings({ mailIndex: true });
    cachePut(keys.settings, saved, 3600);
  } catch (err) {
    return notify(asBackendError(err).message);
  }
  const view = param(e, 'view');
  const next =
    view === 'summary' && param(e, 'threadId')
      ? summaryOrErrorCard(param(e, 'threadId'))
      : view === 'ask' && param(e, 'question')
        ? answerOrErrorCard(param(e, 'question'), e)
        : homeOrErrorCard();
  return CardService.newActionResponseBuilder()
    .setNavigation(CardService.newNavigation().updateCard(next))
    .setNotification(CardService.newNotification().setText('Ask Steward is on. Steward indexes your mail from now on.'))
    .build();
}

/**
 * "Save as a draft to me" under the briefing: a Gmail draft addressed to the user, opened for them.
 * Steward never sends it (the add-on has no send scope).
 */
export function onBriefingDraft(_e?: Event) {
  try {
    const me = myAddresses()[0] ?? api.me().email ?? '';
    if (!me) throw new BackendError('no_address', 'Steward does not know your address to address the draft.', 0, false);
    const briefing = api.briefing();
    const draft = GmailApp.createDraft(me, `Steward briefing for ${briefing.date}`, briefing.text, {
      htmlBody: textToHtml(briefing.text),
    });
    return CardService.newComposeActionResponseBuilder().setGmailDraft(draft).build();
  } catch (err) {
    return failure(err);
  }
}
