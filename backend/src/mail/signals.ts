import type { HeaderSignals, Mailbox } from './types.ts';

/**
 * Bulk-mail service fingerprints: a header that exists, or a header whose value contains a marker.
 * `marketing` says whether the service is used (almost) only for campaigns; transactional services
 * (SES, SendGrid, Mailgun, Postmark) also carry receipts and password resets.
 */
interface Fingerprint {
  service: string;
  marketing: boolean;
  headers?: string[];
  valueMatches?: Array<[header: string, pattern: RegExp]>;
}

const FINGERPRINTS: Fingerprint[] = [
  {
    service: 'Mailchimp',
    marketing: true,
    headers: ['x-mc-user', 'x-mailchimp-id'],
    valueMatches: [
      ['x-mailer', /mailchimp/i],
      ['received', /mcsv\.net|mcdlv\.net|rsgsv\.net/i],
      ['list-id', /mailchimp|mcsv\.net/i],
    ],
  },
  {
    service: 'Constant Contact',
    marketing: true,
    headers: ['x-roving-id', 'x-roving-campaignid'],
    valueMatches: [['received', /constantcontact\.com|ccsend\.com|ctctcdn/i]],
  },
  {
    service: 'HubSpot',
    marketing: true,
    headers: ['x-hubspot-mail-id'],
    valueMatches: [
      ['return-path', /hubspotemail\.net|hubspot/i],
      ['received', /hubspotemail\.net/i],
    ],
  },
  {
    service: 'Salesforce Marketing Cloud (ExactTarget)',
    marketing: true,
    headers: ['x-sfmc-stack'],
    valueMatches: [
      ['x-mailer', /exacttarget|salesforce/i],
      ['received', /exacttarget\.com|\.exct\.net/i],
    ],
  },
  {
    service: 'Marketo',
    marketing: true,
    headers: ['x-mktarchive', 'x-mktmaildkim'],
    valueMatches: [['received', /mktomail\.com|marketo/i]],
  },
  {
    service: 'Klaviyo',
    marketing: true,
    headers: ['x-klaviyo-message-id'],
    valueMatches: [['received', /klaviyomail|klaviyo/i]],
  },
  {
    service: 'Campaign Monitor',
    marketing: true,
    valueMatches: [
      ['received', /createsend\.com|cmail\d+\.com/i],
      ['x-mailer', /createsend|campaign monitor/i],
    ],
  },
  {
    service: 'Brevo (Sendinblue)',
    marketing: true,
    headers: ['x-sib-id', 'x-mailin-campaign'],
    valueMatches: [['received', /sendinblue|brevo/i]],
  },
  {
    service: 'Mailjet',
    marketing: true,
    headers: ['x-mj-mid', 'x-mj-campaignid'],
    valueMatches: [['received', /mailjet/i]],
  },
  { service: 'Braze', marketing: true, valueMatches: [['received', /braze\.com|appboy/i]] },
  { service: 'Iterable', marketing: true, valueMatches: [['received', /iterable\.com/i]] },
  {
    service: 'Eloqua',
    marketing: true,
    valueMatches: [
      ['x-mailer', /eloqua/i],
      ['received', /eloqua/i],
    ],
  },
  { service: 'Acoustic (Silverpop)', marketing: true, valueMatches: [['received', /silverpop|mkt\d+\.com/i]] },
  {
    service: 'Amazon SES',
    marketing: false,
    headers: ['x-ses-outgoing'],
    valueMatches: [
      ['feedback-id', /amazonses/i],
      ['message-id', /amazonses\.com/i],
      ['received', /amazonses\.com/i],
    ],
  },
  {
    service: 'SendGrid',
    marketing: false,
    headers: ['x-sg-eid', 'x-sg-id'],
    valueMatches: [['received', /sendgrid\.net/i]],
  },
  {
    service: 'Mailgun',
    marketing: false,
    headers: ['x-mailgun-sid', 'x-mailgun-variables'],
    valueMatches: [['received', /mailgun\.(net|org)/i]],
  },
  { service: 'Postmark', marketing: false, headers: ['x-pm-message-id'], valueMatches: [['received', /mtasv\.net/i]] },
  { service: 'SparkPost', marketing: false, valueMatches: [['received', /sparkpostmail\.com/i]] },
];

export const MARKETING_SERVICES = new Set(FINGERPRINTS.filter((f) => f.marketing).map((f) => f.service));

/**
 * Per header, every value pattern of every fingerprint in one expression: a value none of them matches
 * (most mail) is scanned once instead of once per service. Only a value this matches is tried pattern by
 * pattern, in fingerprint order, as before.
 */
const ANY_VALUE_MATCH = new Map<string, RegExp>();
{
  const byHeader = new Map<string, RegExp[]>();
  for (const [name, pattern] of FINGERPRINTS.flatMap((f) => f.valueMatches ?? [])) {
    byHeader.set(name, [...(byHeader.get(name) ?? []), pattern]);
  }
  for (const [name, patterns] of byHeader) {
    // Joined only when they share the one flag (case-insensitive, no g/y state); else always tried.
    if (patterns.every((p) => p.flags === 'i'))
      ANY_VALUE_MATCH.set(name, new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), 'i'));
  }
}

export function detectBulkMailer(headers: Record<string, string>): string | undefined {
  const ruledOut = new Set<string>();
  for (const [name, any] of ANY_VALUE_MATCH) {
    const value = headers[name];
    if (value === undefined || !any.test(value.slice(0, 20_000))) ruledOut.add(name);
  }
  for (const fingerprint of FINGERPRINTS) {
    if (fingerprint.headers?.some((name) => name in headers)) return fingerprint.service;
    if (
      fingerprint.valueMatches?.some(([name, pattern]) => {
        const value = headers[name];
        return !ruledOut.has(name) && value !== undefined && pattern.test(value.slice(0, 20_000));
      })
    )
      return fingerprint.service;
  }
  return undefined;
}

const NO_REPLY =
  /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply|mailer-daemon|postmaster|bounces?|no\.reply)([-+_.].*)?@/i;

export function isNoReplyAddress(address: string | undefined): boolean {
  return address !== undefined && NO_REPLY.test(address);
}

function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  return (value.match(/<[^<>\s]{1,500}>/g) ?? []).slice(0, 100);
}

export function headerSignals(input: {
  headers: Record<string, string>;
  from?: Mailbox;
  replyTo: Mailbox[];
  calendarMethod?: string | null; // null: a calendar part without METHOD
}): HeaderSignals {
  const { headers } = input;
  const autoSubmitted = headers['auto-submitted']?.trim().toLowerCase();
  const precedence = headers.precedence?.trim().toLowerCase();
  const listId = headers['list-id']?.trim();
  const replyToDiffers =
    input.replyTo.length > 0 &&
    input.from !== undefined &&
    !input.replyTo.some((r) => r.address === input.from?.address);
  const signals: HeaderSignals = {
    listUnsubscribe: 'list-unsubscribe' in headers,
    noReplySender: isNoReplyAddress(input.from?.address),
    replyToDiffers,
    references: messageIds(headers.references),
  };
  if (listId) signals.listId = listId.slice(0, 300);
  if (precedence) signals.precedence = precedence.slice(0, 40);
  if (autoSubmitted && autoSubmitted !== 'no') signals.autoSubmitted = autoSubmitted.slice(0, 60);
  const bulkMailer = detectBulkMailer(headers);
  if (bulkMailer) signals.bulkMailer = bulkMailer;
  if (input.calendarMethod !== undefined)
    signals.calendar = input.calendarMethod ? { method: input.calendarMethod } : {};
  const inReplyTo = messageIds(headers['in-reply-to'])[0];
  if (inReplyTo) signals.inReplyTo = inReplyTo;
  return signals;
}
