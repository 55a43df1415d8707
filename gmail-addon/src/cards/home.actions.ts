/** The homepage's trigger and actions: the overview, connecting a mailbox, unsubscribing from a sender. */

import type { Briefing, InboxStats, Sender, Settings } from '@steward/shared';
import { api } from '../api/client.ts';
import { BackendError } from '../api/errors.ts';
import { backendUrl } from '../config.ts';
import { authorizationUrlOf, type ConnectProvider, isConnectProvider, type SyncView, syncView } from '../core/sync.ts';
import { asBackendError, type Card, type Event, notify, param, updateCard } from '../events.ts';
import { loadSettings } from '../state.ts';
import { errorCard } from './error.ts';
import { homeCard } from './home.ts';

/** Mailbox sync for the homepage; a server without it (404) leaves the section out, other failures say why. */
function loadSync(settings: Settings | null): { sync: SyncView | null; syncError: string } {
  try {
    return { sync: syncView(api.syncStatus(), { backfillDays: settings?.backfillDays }), syncError: '' };
  } catch (err) {
    const error = asBackendError(err);
    return { sync: null, syncError: error.status === 404 ? '' : `Sync status could not be loaded: ${error.message}` };
  }
}

/** The dashboard's numbers and bulk senders; a server without them, or any failure, leaves them out. */
function loadStats(): { stats: InboxStats | null; senders: Sender[] } {
  try {
    const stats = api.stats(14);
    let senders: Sender[] = [];
    try {
      senders = api.senders('marketing').senders;
    } catch {
      // The numbers still show.
    }
    return { stats, senders };
  } catch {
    return { stats: null, senders: [] };
  }
}

/** The morning briefing; a server without it (404) leaves it out, other failures say why. */
function loadBriefing(): { briefing: Briefing | null; briefingError: string } {
  try {
    return { briefing: api.briefing(), briefingError: '' };
  } catch (err) {
    const error = asBackendError(err);
    return {
      briefing: null,
      briefingError: error.status === 404 ? '' : `The briefing could not be loaded: ${error.message}`,
    };
  }
}

export function homeOrErrorCard(timeZone?: string): Card {
  try {
    const me = api.me();
    let settings: Settings | null = null;
    try {
      settings = loadSettings(true);
    } catch {
      // Shown as "could not be loaded" on the card.
    }
    let voice = null;
    let voiceMissing = '';
    try {
      voice = api.voice();
    } catch (err) {
      const error = asBackendError(err);
      voiceMissing =
        error.status === 404
          ? 'No voice profile yet. Steward learns it from your sent mail.'
          : `The voice profile could not be loaded: ${error.message}`;
    }
    return homeCard({
      server: backendUrl(),
      me,
      settings,
      voice,
      voiceMissing,
      ...loadSync(settings),
      ...loadStats(),
      ...loadBriefing(),
      ...(timeZone ? { timeZone } : {}),
    });
  } catch (err) {
    return errorCard(asBackendError(err), { view: 'home' });
  }
}

/** Homepage trigger: Steward opened with no message selected. */
export function onHomepage(e?: Event): Card {
  return homeOrErrorCard(e?.commonEventObject?.timeZone?.id);
}

export function onRefreshHome(e?: Event) {
  return updateCard(homeOrErrorCard(e?.commonEventObject?.timeZone?.id));
}

/**
 * The provider's consent page, opened over Gmail; when the user closes it the add-on reloads, so the
 * homepage shows the mailbox sorting its first days. A failure (sync not configured on the server, say)
 * is a notification with the server's own words.
 */
function openConsent(provider: ConnectProvider): GoogleAppsScript.Card_Service.ActionResponse {
  try {
    const url = authorizationUrlOf(api.connectMailbox(provider));
    if (!url) throw new BackendError('bad_response', 'The Steward server did not send a sign-in link.', 0, true);
    const link = CardService.newOpenLink()
      .setUrl(url)
      .setOpenAs(CardService.OpenAs.OVERLAY)
      .setOnClose(CardService.OnClose.RELOAD);
    return CardService.newActionResponseBuilder().setOpenLink(link).build();
  } catch (err) {
    return notify(asBackendError(err).message);
  }
}

/**
 * "Unsubscribe" next to a bulk sender on the homepage: the server does what the sender's own
 * List-Unsubscribe header allows (one-click, a mailto draft, or the web page, which opens here).
 */
export function onUnsubscribe(e?: Event) {
  const senderId = param(e, 'senderId');
  if (!senderId) return notify('Which sender? Refresh the homepage and try again.');
  try {
    const result = api.unsubscribe(senderId);
    if (result.status === 'open_link' && result.url && /^(https|mailto):/i.test(result.url)) {
      const link = CardService.newOpenLink().setUrl(result.url).setOpenAs(CardService.OpenAs.FULL_SIZE);
      return CardService.newActionResponseBuilder().setOpenLink(link).build();
    }
    const text =
      result.status === 'unsubscribed'
        ? 'Unsubscribed.'
        : result.status === 'draft_created'
          ? 'An unsubscribe email is waiting in your Drafts: send it to finish.'
          : `Could not unsubscribe: ${result.detail ?? 'the sender did not accept it'}.`;
    return CardService.newActionResponseBuilder()
      .setNavigation(CardService.newNavigation().updateCard(homeOrErrorCard()))
      .setNotification(CardService.newNotification().setText(text))
      .build();
  } catch (err) {
    return notify(asBackendError(err).message);
  }
}

/** "Connect Gmail for background sorting" on the homepage: no mailbox is connected yet. */
export function onConnectGmail(_e?: Event) {
  return openConsent('google');
}

/** "Reconnect" on the homepage: Steward lost access to a mailbox (needs_reauth). */
export function onReconnectMailbox(e?: Event) {
  const provider = param(e, 'provider');
  return openConsent(isConnectProvider(provider) ? provider : 'google');
}
