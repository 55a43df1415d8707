/** The error card's action: rebuilding the view that failed. */
import { cacheRemove, keys } from '../cache.ts';
import { asBackendError, type Event, param, updateCard, userTimeZone } from '../events.ts';
import { gmailContext } from '../gmail/read.ts';
import { cachedSettings } from '../state.ts';
import { answerOrErrorCard, summaryOrErrorCard } from './ask.actions.ts';
import { errorCard } from './error.ts';
import { homeOrErrorCard } from './home.actions.ts';
import { messageOrErrorCard } from './message.actions.ts';
import { settingsOrErrorCard } from './settings.actions.ts';
import { suggestionFor } from './times.actions.ts';
import { timesCard } from './times.ts';

/** "Try again" on the error card: rebuilds the view that failed. */
export function onRetry(e: Event) {
  const view = param(e, 'view');
  const messageId = param(e, 'messageId');
  if (view === 'home') return updateCard(homeOrErrorCard());
  if (view === 'settings') return updateCard(settingsOrErrorCard());
  if (view === 'ask') return updateCard(answerOrErrorCard(param(e, 'question'), e));
  if (view === 'summary') return updateCard(summaryOrErrorCard(param(e, 'threadId')));
  const context = gmailContext(e) ?? (messageId ? { messageId, threadId: '', accessToken: '' } : null);
  if (!context) return updateCard(homeOrErrorCard());
  if (view === 'times') {
    try {
      return updateCard(
        timesCard(context.messageId, suggestionFor(context, context.messageId), userTimeZone(e, cachedSettings())),
      );
    } catch (err) {
      return updateCard(errorCard(asBackendError(err), { view: 'times', messageId: context.messageId }));
    }
  }
  cacheRemove(keys.triage(context.messageId));
  return updateCard(messageOrErrorCard(context));
}
