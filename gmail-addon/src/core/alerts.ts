/**
 * Alert channels and the CRM connection as the cards show and edit them: reading a channel form into the
 * /v1/alerts/channels request (with the reason a form is refused), and one line describing a channel's rules.
 * Pure: no Apps Script service is touched here.
 */
import type { AlertChannelInput, AlertChannelPatch, CrmConnection } from '@steward/shared';
import { DOMAIN_NAME, EMAIL_ADDRESS, parseDomains, parseList } from '@steward/shared/alert-rules';

/** The fields of the channel card, as strings (checkboxes as the list of checked values). */
export interface ChannelFormValues {
  kind?: string;
  name: string;
  url?: string;
  botToken?: string;
  channel?: string;
  /** Checked items of "Alert me about": `to_respond_high`, `meetings`. */
  about: string[];
  senders: string;
  domains: string;
  quietStart: string;
  quietEnd: string;
  maxPerHour: string;
}

const HHMM = /^([01]?[0-9]|2[0-3]):[0-5][0-9]$/;
const pad = (time: string) => (time.length === 4 ? `0${time}` : time);

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Rules, quiet hours and hourly limit from the form, or why they cannot be saved. */
export function parseRules(form: ChannelFormValues): Parsed<Required<Omit<AlertChannelPatch, 'name'>>> {
  const senders = parseList(form.senders);
  const domains = parseDomains(form.domains);
  const bad = senders.find((s) => !EMAIL_ADDRESS.test(s));
  if (bad) return { ok: false, message: `"${bad}" is not an email address.` };
  const badDomain = domains.find((d) => !DOMAIN_NAME.test(d));
  if (badDomain) return { ok: false, message: `"${badDomain}" is not a domain like acme.example.` };
  const toRespondHighPriority = form.about.includes('to_respond_high');
  const meetingRequests = form.about.includes('meetings');
  if (!toRespondHighPriority && !meetingRequests && senders.length === 0 && domains.length === 0)
    return { ok: false, message: 'Choose at least one kind of mail to be alerted about.' };
  const start = form.quietStart.trim();
  const end = form.quietEnd.trim();
  let quietHours: { start: string; end: string } | null = null;
  if (start || end) {
    if (!HHMM.test(start) || !HHMM.test(end))
      return { ok: false, message: 'Quiet hours are two times like 22:00 and 07:00 (leave both empty for none).' };
    if (pad(start) === pad(end)) return { ok: false, message: 'Quiet hours need a different start and end.' };
    quietHours = { start: pad(start), end: pad(end) };
  }
  const max = form.maxPerHour.trim() === '' ? 10 : Number(form.maxPerHour.trim());
  if (!Number.isInteger(max) || max < 1 || max > 60) return { ok: false, message: 'At most 1 to 60 alerts an hour.' };
  return {
    ok: true,
    value: { rules: { toRespondHighPriority, meetingRequests, senders, domains }, quietHours, maxPerHour: max },
  };
}

/** The POST /v1/alerts/channels body for a new channel, or why the form cannot be sent. */
export function channelInputOf(form: ChannelFormValues): Parsed<AlertChannelInput> {
  const kind = form.kind === 'teams' ? 'teams' : form.kind === 'slack' ? 'slack' : undefined;
  if (!kind) return { ok: false, message: 'Choose Slack or Teams.' };
  const name = form.name.trim();
  if (!name) return { ok: false, message: 'Give the channel a name.' };
  const url = form.url?.trim() ?? '';
  const botToken = form.botToken?.trim() ?? '';
  const channel = form.channel?.trim() ?? '';
  let where: { url: string } | { botToken: string; channel: string };
  if (kind === 'slack' && botToken) {
    if (!channel) return { ok: false, message: 'A Slack bot token needs a channel or user id.' };
    where = { botToken, channel };
  } else if (/^https:\/\//i.test(url)) {
    where = { url };
  } else {
    return {
      ok: false,
      message:
        kind === 'slack'
          ? 'Paste the Slack webhook URL (https://hooks.slack.com/…), or a bot token and channel.'
          : 'Paste the Teams webhook or Workflows URL (https://…).',
    };
  }
  const rules = parseRules(form);
  if (!rules.ok) return rules;
  return { ok: true, value: { kind, name: name.slice(0, 80), ...where, ...rules.value } };
}

/** The PATCH body for an existing channel (where it posts is fixed), or why the form cannot be sent. */
export function channelPatchOf(form: ChannelFormValues): Parsed<AlertChannelPatch> {
  const name = form.name.trim();
  if (!name) return { ok: false, message: 'Give the channel a name.' };
  const rules = parseRules(form);
  if (!rules.ok) return rules;
  return { ok: true, value: { name: name.slice(0, 80), ...rules.value } };
}

export const CRM_NAMES = { hubspot: 'HubSpot', salesforce: 'Salesforce' } as const;

export function crmStatusText(crm: CrmConnection): string {
  if (!crm.connected || !crm.provider) return 'Not connected: triage and drafts use no CRM context.';
  const since = crm.connectedAt ? ` since ${crm.connectedAt.slice(0, 10)}` : '';
  const where = crm.instanceUrl ? ` (${crm.instanceUrl})` : '';
  const how = crm.auth === 'oauth' ? ' with OAuth' : ' with a token';
  return `Connected to ${CRM_NAMES[crm.provider]}${where}${how}${since}. Senders are looked up read-only, kept ${crm.ttlMinutes} min.`;
}
