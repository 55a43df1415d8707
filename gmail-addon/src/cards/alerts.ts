/**
 * Alerts in Slack and Teams and the organisation's CRM connection, on the settings card: each channel
 * with Edit, Send a test alert and Remove; a card to add or edit a channel; and, for an administrator,
 * the CRM's state with Connect (OAuth or a pasted token) or Disconnect.
 */
import type { AlertChannel, CrmConnection } from '@steward/shared';
import { describeRules } from '@steward/shared/alert-rules';
import { CRM_NAMES, crmStatusText } from '../core/alerts.ts';
import {
  button,
  buttons,
  type Callback,
  card,
  choices,
  esc,
  labelled,
  linkButton,
  paragraph,
  section,
  textInput,
} from './ui.ts';

/** The settings card's alerts section; `null` channels: the server could not list them (`error` says why). */
export function alertsSection(channels: AlertChannel[] | null, error = ''): GoogleAppsScript.Card_Service.CardSection {
  const s = section('Alerts in Slack and Teams');
  s.addWidget(
    paragraph(
      "A short notice (sender, subject, Steward's one-line summary and a link) for the mail you choose. Never the message itself.",
    ),
  );
  if (channels === null) {
    s.addWidget(paragraph(esc(error || 'Alert channels could not be loaded.')));
    return s;
  }
  if (channels.length === 0) s.addWidget(paragraph('No channels yet.'));
  for (const channel of channels) {
    const bottom = channel.lastError ? `Last error: ${channel.lastError}` : channel.target;
    s.addWidget(
      labelled(
        `${channel.kind === 'slack' ? 'Slack' : 'Teams'} · ${esc(channel.name)}`,
        esc(describeRules(channel)),
        esc(bottom),
      ),
    );
    s.addWidget(
      buttons(
        button('Send a test alert', 'onTestAlert', { channelId: channel.id }),
        button('Edit', 'onOpenAlertChannel', { channelId: channel.id }),
        button('Remove', 'onRemoveAlertChannel', { channelId: channel.id, name: channel.name }),
      ),
    );
  }
  s.addWidget(buttons(button('Add a Slack or Teams channel', 'onOpenAlertChannel')));
  return s;
}

/** Adding (no channel) or editing a channel: where it posts only when adding; rules, quiet hours, limit. */
export function alertChannelCard(channel: AlertChannel | null): GoogleAppsScript.Card_Service.Card {
  const where = section(channel ? '' : 'Where');
  if (channel) {
    where.addWidget(labelled(channel.kind === 'slack' ? 'Slack' : 'Teams', esc(channel.target)));
  } else {
    where.addWidget(
      choices('kind', 'Post to', CardService.SelectionInputType.RADIO_BUTTON, [
        { value: 'slack', label: 'Slack', selected: true },
        { value: 'teams', label: 'Microsoft Teams', selected: false },
      ]),
    );
  }
  where.addWidget(textInput('name', 'Name', channel?.name ?? '', 'My DMs, #sales…'));
  if (!channel) {
    where.addWidget(
      textInput(
        'url',
        'Webhook URL',
        '',
        'Slack: https://hooks.slack.com/services/… · Teams: the channel’s Workflows or incoming-webhook URL',
      ),
    );
    where.addWidget(paragraph('<i>Or, for Slack, a bot token (with chat:write) and a channel or user id:</i>'));
    where.addWidget(textInput('botToken', 'Slack bot token', '', 'xoxb-…'));
    where.addWidget(textInput('channel', 'Slack channel or user id', '', 'C0123456789 or U0123456789'));
    where.addWidget(paragraph('The URL or token is kept sealed on the server and never shown again.'));
  }
  const rules = channel?.rules;
  const about = section('Alert me about')
    .addWidget(
      choices('about', 'Mail that', CardService.SelectionInputType.CHECK_BOX, [
        {
          value: 'to_respond_high',
          label: 'needs my reply, high priority',
          selected: rules?.toRespondHighPriority ?? true,
        },
        { value: 'meetings', label: 'is a meeting request', selected: rules?.meetingRequests ?? false },
      ]),
    )
    .addWidget(
      textInput('senders', 'From these senders', rules?.senders.join(', ') ?? '', 'Addresses, separated by commas'),
    )
    .addWidget(
      textInput(
        'domains',
        'From these domains',
        rules?.domains.join(', ') ?? '',
        'acme.example, … (subdomains included)',
      ),
    );
  const limits = section('Quiet hours and limit')
    .addWidget(paragraph('In your time zone. Alerts held back arrive as one digest afterwards.'))
    .addWidget(textInput('quietStart', 'Quiet from', channel?.quietHours?.start ?? '', '22:00 (empty: none)'))
    .addWidget(textInput('quietEnd', 'Quiet until', channel?.quietHours?.end ?? '', '07:00'))
    .addWidget(textInput('maxPerHour', 'At most this many alerts an hour', String(channel?.maxPerHour ?? 10), '1–60'))
    .addWidget(
      buttons(
        button(
          channel ? 'Save changes' : 'Add channel',
          'onSaveAlertChannel',
          channel ? { channelId: channel.id } : {},
          true,
        ),
      ),
    );
  return card('alert-channel', channel ? `Edit ${channel.name}` : 'New alert channel')
    .addSection(where)
    .addSection(about)
    .addSection(limits)
    .build();
}

/** A second click before anything is removed or disconnected. */
export function confirmCard(
  title: string,
  text: string,
  confirm: { text: string; functionName: Callback; parameters?: Record<string, string> },
): GoogleAppsScript.Card_Service.Card {
  return card('confirm', title)
    .addSection(
      section()
        .addWidget(paragraph(esc(text)))
        .addWidget(
          buttons(button(confirm.text, confirm.functionName, confirm.parameters ?? {}, true), button('Keep', 'onBack')),
        ),
    )
    .build();
}

/** The organisation's CRM connection, shown to administrators only. */
export function crmSection(crm: CrmConnection): GoogleAppsScript.Card_Service.CardSection {
  const s = section('CRM context (organisation)').addWidget(paragraph(esc(crmStatusText(crm))));
  if (crm.connected && crm.provider) {
    s.addWidget(buttons(button('Disconnect', 'onDisconnectCrm', { provider: crm.provider })));
    return s;
  }
  s.addWidget(
    paragraph(
      "Connect HubSpot or Salesforce and Steward looks up senders' contacts, companies, owners and open deals (read-only) for everyone in your organisation.",
    ),
  );
  const oauth = crm.oauthAvailable ?? [];
  if (oauth.length > 0)
    s.addWidget(
      buttons(...oauth.map((p) => linkButton(`Connect ${CRM_NAMES[p]}`, 'onConnectCrm', { provider: p }, true))),
    );
  s.addWidget(paragraph('<i>Or connect with a read-only token:</i>'))
    .addWidget(
      choices('crmProvider', 'CRM', CardService.SelectionInputType.DROPDOWN, [
        { value: 'hubspot', label: 'HubSpot (private app token)', selected: true },
        { value: 'salesforce', label: 'Salesforce (OAuth access token)', selected: false },
      ]),
    )
    .addWidget(textInput('crmToken', 'Token', '', 'HubSpot: read scopes only (contacts, deals, owners)'))
    .addWidget(textInput('crmInstanceUrl', 'Salesforce instance URL', '', 'https://yourcompany.my.salesforce.com'))
    .addWidget(buttons(button('Connect with token', 'onConnectCrmToken')));
  return s;
}
