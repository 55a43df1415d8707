/** The actions of the settings card's reach sections and their cards: alert channels and the CRM connection. */
import { api } from '../api/client.ts';
import { BackendError } from '../api/errors.ts';
import { type ChannelFormValues, CRM_NAMES, channelInputOf, channelPatchOf } from '../core/alerts.ts';
import { asBackendError, type Event, formValue, formValues, notify, param, pushCard } from '../events.ts';
import { alertChannelCard, confirmCard } from './alerts.ts';
import { backToSettings, settingsOrErrorCard } from './settings.actions.ts';

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
