/**
 * Reach and context (issue 20): bulk senders and one-click unsubscribe, the inbox dashboard's numbers, alert
 * channels (Slack and Microsoft Teams) and the tenant's CRM connection. Shared by the backend routes and
 * both clients.
 */
import { type Static, Type } from 'typebox';
import { Category } from './triage.ts';

export const SenderCategoryQuery = Type.Object(
  {
    category: Type.Optional(Category),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: '1 to 999, default 100' })),
  },
  { additionalProperties: false },
);
export type SenderCategoryQuery = Static<typeof SenderCategoryQuery>;

/** How a sender can be left, from its own List-Unsubscribe header only. */
export const UnsubscribeMethod = Type.Union([
  Type.Literal('one_click', { description: 'RFC 8058: an HTTPS POST of List-Unsubscribe=One-Click' }),
  Type.Literal('mailto', { description: 'a draft to the mailto address, for the user to send' }),
  Type.Literal('web', { description: 'a web page the user opens' }),
  Type.Literal('none'),
]);
export type UnsubscribeMethod = Static<typeof UnsubscribeMethod>;

export const Sender = Type.Object(
  {
    id: Type.String(),
    address: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    category: Category,
    messages: Type.Integer({ minimum: 0 }),
    firstSeen: Type.String({ format: 'date-time' }),
    lastSeen: Type.String({ format: 'date-time' }),
    unsubscribe: UnsubscribeMethod,
    unsubscribedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type Sender = Static<typeof Sender>;

export const SenderList = Type.Object({ senders: Type.Array(Sender) }, { additionalProperties: false });
export type SenderList = Static<typeof SenderList>;

export const UnsubscribeRequest = Type.Object(
  {
    confirm: Type.Literal(true, { description: 'The user clicked; nothing happens without it.' }),
    prefer: Type.Optional(UnsubscribeMethod),
  },
  { additionalProperties: false },
);
export type UnsubscribeRequest = Static<typeof UnsubscribeRequest>;

export const UnsubscribeResult = Type.Object(
  {
    method: UnsubscribeMethod,
    status: Type.Union([
      Type.Literal('unsubscribed', { description: 'the sender accepted the one-click POST' }),
      Type.Literal('draft_created', { description: 'a mailto draft waits in the mailbox; the user sends it' }),
      Type.Literal('open_link', { description: 'open `url` to finish' }),
      Type.Literal('failed'),
    ]),
    url: Type.Optional(Type.String()),
    mailto: Type.Optional(Type.Object({ to: Type.String(), subject: Type.String(), body: Type.String() })),
    draftId: Type.Optional(Type.String()),
    detail: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type UnsubscribeResult = Static<typeof UnsubscribeResult>;

export const StatsQuery = Type.Object(
  {
    days: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: 'days back, 1 to 365 (default 30)' })),
  },
  { additionalProperties: false },
);
export type StatsQuery = Static<typeof StatsQuery>;

export const InboxStats = Type.Object(
  {
    from: Type.String({ description: "first day (YYYY-MM-DD, in the user's time zone)" }),
    to: Type.String({ description: "last day, today (YYYY-MM-DD, in the user's time zone)" }),
    timeZone: Type.Optional(Type.String({ description: 'the IANA time zone the days are in (settings.timeZone)' })),
    perDay: Type.Array(
      Type.Object({
        day: Type.String(),
        counts: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
      }),
      { description: 'mail per category per day, every day of the range present' },
    ),
    totals: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
    replies: Type.Object({
      sent: Type.Integer({ minimum: 0 }),
      medianMinutes: Type.Union([Type.Number(), Type.Null()]),
    }),
    awaitingReply: Type.Array(Type.Object({ bucket: Type.String(), threads: Type.Integer({ minimum: 0 }) }), {
      description: 'threads waiting for the other side, by age: <1d, 1-3d, 3-7d, 7-14d, >14d',
    }),
    drafts: Type.Object({
      created: Type.Integer({ minimum: 0 }),
      used: Type.Integer({ minimum: 0, description: 'the user replied in the thread after the draft' }),
      discarded: Type.Integer({ minimum: 0, description: 'older than 7 days with no reply from the user' }),
    }),
    model: Type.Object({
      calls: Type.Integer({ minimum: 0 }),
      promptTokens: Type.Integer({ minimum: 0 }),
      completionTokens: Type.Integer({ minimum: 0 }),
      costUsd: Type.Union([Type.Number(), Type.Null()], { description: 'null when a model has no known price' }),
    }),
  },
  { additionalProperties: false },
);
export type InboxStats = Static<typeof InboxStats>;

export const AlertRules = Type.Object(
  {
    toRespondHighPriority: Type.Boolean({ description: 'to_respond and high priority' }),
    meetingRequests: Type.Boolean(),
    senders: Type.Array(Type.String({ minLength: 3, maxLength: 320 }), { maxItems: 200 }),
    domains: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 200 }),
  },
  { additionalProperties: false },
);
export type AlertRules = Static<typeof AlertRules>;

const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });

export const AlertChannelInput = Type.Object(
  {
    kind: Type.Union([Type.Literal('slack'), Type.Literal('teams')]),
    name: Type.String({ minLength: 1, maxLength: 80 }),
    url: Type.Optional(
      Type.String({
        minLength: 12,
        maxLength: 2048,
        description: 'Slack incoming webhook, or Teams incoming-webhook / Workflows URL (https only)',
      }),
    ),
    botToken: Type.Optional(Type.String({ minLength: 10, maxLength: 512, description: 'Slack bot token (xoxb-…)' })),
    channel: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: 'Slack channel or user id' })),
    rules: AlertRules,
    quietHours: Type.Optional(Type.Union([Type.Object({ start: HHMM, end: HHMM }), Type.Null()])),
    maxPerHour: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
  },
  { additionalProperties: false },
);
export type AlertChannelInput = Static<typeof AlertChannelInput>;

/** PATCH /v1/alerts/channels/:id: name, rules, quiet hours and hourly limit (the secret is replaced by adding anew). */
export const AlertChannelPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    rules: Type.Optional(AlertRules),
    quietHours: Type.Optional(Type.Union([Type.Object({ start: HHMM, end: HHMM }), Type.Null()])),
    maxPerHour: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AlertChannelPatch = Static<typeof AlertChannelPatch>;

export const AlertChannel = Type.Object(
  {
    id: Type.String(),
    kind: Type.Union([Type.Literal('slack'), Type.Literal('teams')]),
    name: Type.String(),
    target: Type.String({ description: 'where it posts, with the secret part hidden' }),
    rules: AlertRules,
    quietHours: Type.Union([Type.Object({ start: Type.String(), end: Type.String() }), Type.Null()]),
    maxPerHour: Type.Integer(),
    lastError: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type AlertChannel = Static<typeof AlertChannel>;

export const AlertChannelList = Type.Object({ channels: Type.Array(AlertChannel) }, { additionalProperties: false });
export type AlertChannelList = Static<typeof AlertChannelList>;

export const AlertTestResult = Type.Object(
  { delivered: Type.Boolean(), status: Type.Integer(), detail: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
export type AlertTestResult = Static<typeof AlertTestResult>;

export const CrmProvider = Type.Union([Type.Literal('hubspot'), Type.Literal('salesforce')]);
export type CrmProvider = Static<typeof CrmProvider>;

/** The `:provider` of POST /v1/admin/crm/connect/:provider and of the CRM's OAuth callback. */
export const CrmProviderParams = Type.Object({ provider: CrmProvider });
export type CrmProviderParams = Static<typeof CrmProviderParams>;

/**
 * What HubSpot or Salesforce put on the OAuth redirect. Each field is checked by the handler, so a malformed
 * redirect gets a page a person reads rather than a schema error.
 */
export const CrmOAuthCallbackQuery = Type.Object({
  code: Type.Optional(Type.Unknown()),
  state: Type.Optional(Type.Unknown()),
  error: Type.Optional(Type.Unknown()),
});
export type CrmOAuthCallbackQuery = Static<typeof CrmOAuthCallbackQuery>;

export const CrmConnectionInput = Type.Object(
  {
    provider: CrmProvider,
    token: Type.String({
      minLength: 10,
      maxLength: 4096,
      description: 'HubSpot private-app token or OAuth access token; Salesforce OAuth access token',
    }),
    instanceUrl: Type.Optional(
      Type.String({ maxLength: 512, description: 'Salesforce: https://<domain>.my.salesforce.com' }),
    ),
    ttlMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10080 })),
  },
  { additionalProperties: false },
);
export type CrmConnectionInput = Static<typeof CrmConnectionInput>;

export const CrmConnection = Type.Object(
  {
    connected: Type.Boolean(),
    provider: Type.Union([Type.Literal('hubspot'), Type.Literal('salesforce'), Type.Null()]),
    instanceUrl: Type.Union([Type.String(), Type.Null()]),
    ttlMinutes: Type.Integer(),
    connectedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    auth: Type.Optional(
      Type.Union([Type.Literal('token'), Type.Literal('oauth'), Type.Null()], {
        description: 'a pasted token, or OAuth (renewed with its refresh token)',
      }),
    ),
    oauthAvailable: Type.Optional(
      Type.Array(Type.Union([Type.Literal('hubspot'), Type.Literal('salesforce')]), {
        description: 'CRMs whose OAuth app is configured: POST /v1/admin/crm/connect/{provider} works for these',
      }),
    ),
  },
  { additionalProperties: false },
);
export const CrmConnectStart = Type.Object(
  { url: Type.String({ description: "the CRM's consent page to open in a browser window" }) },
  { additionalProperties: false },
);
export type CrmConnectStart = Static<typeof CrmConnectStart>;
export type CrmConnection = Static<typeof CrmConnection>;

/** What a CRM says about a sender: read-only facts triage and drafts may cite. */
export interface CrmContext {
  contact?: { name?: string; title?: string; email: string };
  company?: string;
  owner?: string;
  deals: Array<{ name: string; stage: string; amount?: number; closeDate?: string }>;
}
