import type {
  AlertChannel,
  Briefing,
  CategoryId,
  EmailMessage,
  InboxStats,
  Sender,
  Settings,
  SettingsPatch,
  Weekday,
} from '@steward/shared';
import { api, type FeedbackScope, type TimesSuggestion } from './api/client.ts';
import { BackendError } from './api/errors.ts';
import { cacheGet, cachePut, cacheRemove, keys } from './cache.ts';
import { alertChannelCard, confirmCard } from './cards/alerts.ts';
import { answerCard, indexOffCard, notIndexedCard, summaryCard } from './cards/ask.ts';
import { type ComposeView, composeCard } from './cards/compose.ts';
import { errorCard } from './cards/error.ts';
import { fixCategoryCard } from './cards/fix.ts';
import { homeCard } from './cards/home.ts';
import { messageCard } from './cards/message.ts';
import { DAY_TITLES, type ReachSettings, settingsCard } from './cards/settings.ts';
import { timesCard } from './cards/times.ts';
import type { Params } from './cards/ui.ts';
import { backendUrl, LABELS_ENABLED } from './config.ts';
import { type ChannelFormValues, CRM_NAMES, channelInputOf, channelPatchOf } from './core/alerts.ts';
import { categoryLabel, isCategory, isValidTimeZone, parseDayHours, slotText, textToHtml } from './core/format.ts';
import { displayName, shouldReplyAll } from './core/message.ts';
import { authorizationUrlOf, type ConnectProvider, isConnectProvider, type SyncView, syncView } from './core/sync.ts';
import { type CachedTriage, cachedTriage, categoryChoices, messageView, scopeChoices } from './core/views.ts';
import { applyCategoryLabel } from './gmail/labels.ts';
import { type GmailContext, gmailContext, myAddresses, readOpenMessage } from './gmail/read.ts';

type Event = GoogleAppsScript.Addons.EventObject;
type Card = GoogleAppsScript.Card_Service.Card;

// ---- event helpers -------------------------------------------------------------------------------

type LegacyFields = { parameters?: Params; formInput?: Params };

function param(e: Event | undefined, name: string): string {
  return e?.commonEventObject?.parameters?.[name] ?? (e as LegacyFields | undefined)?.parameters?.[name] ?? '';
}

function formValue(e: Event | undefined, name: string): string {
  const input = e?.commonEventObject?.formInputs?.[name];
  return (
    input?.stringInputs?.value?.[0] ??
    input?.['']?.stringInputs?.value?.[0] ??
    (e as LegacyFields | undefined)?.formInput?.[name] ??
    ''
  );
}

/** Every value of a multi-valued input (checkboxes). */
function formValues(e: Event | undefined, name: string): string[] {
  const input = e?.commonEventObject?.formInputs?.[name];
  const values = input?.stringInputs?.value ?? input?.['']?.stringInputs?.value;
  if (values) return values;
  const legacy = (e as LegacyFields | undefined)?.formInput?.[name];
  return legacy ? legacy.split(',') : [];
}

function userTimeZone(e: Event | undefined, settings: Settings | null): string {
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

function notify(text: string): GoogleAppsScript.Card_Service.ActionResponse {
  return CardService.newActionResponseBuilder().setNotification(CardService.newNotification().setText(text)).build();
}

function pushCard(card: Card): GoogleAppsScript.Card_Service.ActionResponse {
  return CardService.newActionResponseBuilder().setNavigation(CardService.newNavigation().pushCard(card)).build();
}

function updateCard(card: Card): GoogleAppsScript.Card_Service.ActionResponse {
  return CardService.newActionResponseBuilder().setNavigation(CardService.newNavigation().updateCard(card)).build();
}

/** Compose callbacks cannot show a card, so a failure there becomes a notification. */
function failure(err: unknown): GoogleAppsScript.Card_Service.ActionResponse {
  return notify(asBackendError(err).message);
}

function cachedSettings(): Settings | null {
  return cacheGet<Settings>(keys.settings);
}

function loadSettings(fresh = false): Settings {
  const cached = fresh ? null : cachedSettings();
  if (cached) return cached;
  const settings = api.settings();
  cachePut(keys.settings, settings, 3600);
  return settings;
}

/** The open message as the backend wants it: from the cache when this message was seen before, else from Gmail. */
function messageFor(
  context: GmailContext | null,
  messageId: string,
): { message: EmailMessage; thread: EmailMessage[]; gmail?: GoogleAppsScript.Gmail.GmailMessage } {
  if (context) {
    try {
      return readOpenMessage(context);
    } catch (err) {
      const cached = cacheGet<EmailMessage>(keys.message(messageId || context.messageId));
      if (cached) return { message: cached, thread: [] };
      throw err;
    }
  }
  const cached = messageId ? cacheGet<EmailMessage>(keys.message(messageId)) : null;
  if (cached) return { message: cached, thread: [] };
  throw new BackendError('no_message', 'Open the message again: Steward no longer has it.', 0, false);
}

function rememberMessage(message: EmailMessage): void {
  // Compose callbacks may not be able to read the message, so keep a small copy (no HTML).
  const { html: _html, ...small } = message;
  cachePut(keys.message(message.id), small);
  cachePut(keys.lastMessage, message.id);
}

// ---- message card ----------------------------------------------------------------------------------

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

function messageOrErrorCard(context: GmailContext): Card {
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

function suggestionFor(context: GmailContext | null, messageId: string): TimesSuggestion {
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

function proposalText(suggestion: TimesSuggestion, timeZone: string): string {
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

// ---- homepage and settings -------------------------------------------------------------------------

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

function homeOrErrorCard(timeZone?: string): Card {
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

// ---- Ask Steward -----------------------------------------------------------------------------------

function isIndexOff(err: unknown): boolean {
  return err instanceof BackendError && err.code === 'mail_index_off';
}

function answerOrErrorCard(question: string, e: Event | undefined): Card {
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

function summaryOrErrorCard(threadId: string): Card {
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

function settingsOrErrorCard(): Card {
  try {
    return settingsCard(loadSettings(true), loadReach());
  } catch (err) {
    return errorCard(asBackendError(err), { view: 'settings' });
  }
}

/** Back to a fresh settings card, with a notification. */
function backToSettings(text: string): GoogleAppsScript.Card_Service.ActionResponse {
  return CardService.newActionResponseBuilder()
    .setNavigation(CardService.newNavigation().popToNamedCard('settings').updateCard(settingsOrErrorCard()))
    .setNotification(CardService.newNotification().setText(text))
    .build();
}

/** "Add a Slack or Teams channel" and "Edit" on the settings card. */
export function onOpenAlertChannel(e?: Event) {
  const channelId = param(e, 'channelId');
  if (!channelId) return pushCard(alertChannelCard(null));
  try {
    const channel = api.alertChannels().channels.find((c) => c.id === channelId);
    if (!channel) return backToSettings('That channel was removed.');
    return pushCard(alertChannelCard(channel));
  } catch (err) {
    return notify(asBackendError(err).message);
  }
}

/** "Add channel" / "Save changes" on the channel card. */
export function onSaveAlertChannel(e: Event) {
  const channelId = param(e, 'channelId');
  const form: ChannelFormValues = {
    kind: formValue(e, 'kind'),
    name: formValue(e, 'name'),
    url: formValue(e, 'url'),
    botToken: formValue(e, 'botToken'),
    channel: formValue(e, 'channel'),
    about: formValues(e, 'about'),
    senders: formValue(e, 'senders'),
    domains: formValue(e, 'domains'),
    quietStart: formValue(e, 'quietStart'),
    quietEnd: formValue(e, 'quietEnd'),
    maxPerHour: formValue(e, 'maxPerHour'),
  };
  try {
    if (channelId) {
      const patch = channelPatchOf(form);
      if (!patch.ok) return notify(patch.message);
      const saved = api.updateAlertChannel(channelId, patch.value);
      return backToSettings(`${saved.name} saved.`);
    }
    const input = channelInputOf(form);
    if (!input.ok) return notify(input.message);
    const created = api.createAlertChannel(input.value);
    return backToSettings(`Alert channel ${created.name} added.`);
  } catch (err) {
    return notify(asBackendError(err).message);
  }
}

/** "Send a test alert": one sample notice, now; the card then shows the channel's last error, if any. */
export function onTestAlert(e?: Event) {
  const channelId = param(e, 'channelId');
  if (!channelId) return notify('Which channel? Open the settings again.');
  try {
    const result = api.testAlert(channelId);
    const text = result.delivered
      ? 'Test alert sent.'
      : `The test alert was not delivered (${result.status || 'no answer'}${result.detail ? `: ${result.detail}` : ''}).`;
    return CardService.newActionResponseBuilder()
      .setNavigation(CardService.newNavigation().updateCard(settingsOrErrorCard()))
      .setNotification(CardService.newNotification().setText(text))
      .build();
  } catch (err) {
    return notify(asBackendError(err).message);
  }
}

/** "Remove" next to a channel: asks once more. */
export function onRemoveAlertChannel(e?: Event) {
  const channelId = param(e, 'channelId');
  if (!channelId) return notify('Which channel? Open the settings again.');
  const name = param(e, 'name') || 'this channel';
  return pushCard(
    confirmCard(`Remove ${name}?`, `Steward stops sending alerts to ${name}. Its webhook or token is deleted.`, {
      text: `Remove ${name}`,
      functionName: 'onConfirmRemoveAlertChannel',
      parameters: { channelId, name },
    }),
  );
}

export function onConfirmRemoveAlertChannel(e?: Event) {
  const channelId = param(e, 'channelId');
  if (!channelId) return notify('Which channel? Open the settings again.');
  try {
    api.deleteAlertChannel(channelId);
    return backToSettings(`${param(e, 'name') || 'The channel'} removed.`);
  } catch (err) {
    const error = asBackendError(err);
    if (error.status === 404) return backToSettings('That channel was already removed.');
    return notify(error.message);
  }
}

/** "Keep" on a confirmation card. */
export function onBack(_e?: Event) {
  return CardService.newActionResponseBuilder().setNavigation(CardService.newNavigation().popCard()).build();
}

/**
 * "Connect HubSpot" / "Connect Salesforce" (administrators, with the server's OAuth app configured): the
 * CRM's consent page opens over Gmail; the CRM returns to the server, which stores the tokens sealed.
 */
export function onConnectCrm(e?: Event) {
  const provider = param(e, 'provider');
  if (provider !== 'hubspot' && provider !== 'salesforce') return notify('Choose HubSpot or Salesforce.');
  try {
    const { url } = api.startCrmOAuth(provider);
    if (!/^https:\/\//i.test(url ?? ''))
      throw new BackendError('bad_response', 'The Steward server did not send a consent page.', 0, true);
    const link = CardService.newOpenLink()
      .setUrl(url)
      .setOpenAs(CardService.OpenAs.OVERLAY)
      .setOnClose(CardService.OnClose.RELOAD);
    return CardService.newActionResponseBuilder().setOpenLink(link).build();
  } catch (err) {
    return notify(asBackendError(err).message);
  }
}

/** "Connect with token" (administrators): a HubSpot private-app token or a Salesforce access token. */
export function onConnectCrmToken(e: Event) {
  const provider = formValue(e, 'crmProvider') === 'salesforce' ? 'salesforce' : 'hubspot';
  const token = formValue(e, 'crmToken').trim();
  const instanceUrl = formValue(e, 'crmInstanceUrl').trim();
  if (token.length < 10) return notify('Paste the token first.');
  if (provider === 'salesforce' && !/^https:\/\//i.test(instanceUrl))
    return notify('Salesforce needs its instance URL, like https://yourcompany.my.salesforce.com.');
  try {
    api.connectCrmToken({ provider, token, ...(provider === 'salesforce' ? { instanceUrl } : {}) });
    return CardService.newActionResponseBuilder()
      .setNavigation(CardService.newNavigation().updateCard(settingsOrErrorCard()))
      .setNotification(CardService.newNotification().setText(`${CRM_NAMES[provider]} connected.`))
      .build();
  } catch (err) {
    return notify(asBackendError(err).message);
  }
}

/** "Disconnect" (administrators): asks once more. */
export function onDisconnectCrm(e?: Event) {
  const provider = param(e, 'provider');
  const name = provider === 'salesforce' || provider === 'hubspot' ? CRM_NAMES[provider] : 'the CRM';
  return pushCard(
    confirmCard(
      `Disconnect ${name}?`,
      `Triage and drafts stop using ${name} for everyone in your organisation, and its cached answers are deleted.`,
      { text: `Disconnect ${name}`, functionName: 'onConfirmDisconnectCrm' },
    ),
  );
}

export function onConfirmDisconnectCrm(_e?: Event) {
  try {
    api.disconnectCrm();
    return backToSettings('CRM disconnected.');
  } catch (err) {
    const error = asBackendError(err);
    if (error.status === 404) return backToSettings('No CRM was connected.');
    return notify(error.message);
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

// ---- compose -------------------------------------------------------------------------------------

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
