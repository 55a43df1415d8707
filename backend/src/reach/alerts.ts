/**
 * Alerts to Slack and Microsoft Teams. A user's channel has rules (to_respond and high priority, meeting
 * requests, these senders or domains); a matching new message sends a short notice — sender, subject,
 * Steward's one-line summary and a link that opens the message — never the body, and no summary for
 * senders on the never-send-to-model lists. Quiet hours (in the user's zone) and an hourly limit hold
 * notices back; held notices go out later as one digest. 429 and 5xx are retried with backoff, honouring
 * Retry-After. Webhook URLs and bot tokens are sealed with TOKEN_ENCRYPTION_KEY like mailbox tokens.
 */
import { randomUUID } from 'node:crypto';
import {
  type ChatPostMessageArguments,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import type {
  AlertChannel,
  AlertChannelInput,
  AlertChannelPatch,
  AlertRules,
  AlertTestResult,
  Settings,
  TriageResult,
} from '@steward/shared';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { TokenCipher } from '../accounts/crypto.ts';
import { mayShareWithModel } from '../ai/privacy.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import { type AlertChannelRow, type AlertNotice, alertStore, type QuietHours } from '../storage/alerts.ts';
import type { Database } from '../storage/schema.ts';
import type { UserScope } from '../storage/user-scope.ts';
import { userStore } from '../storage/users.ts';
import {
  checkOutboundUrl,
  guardedFetch,
  type OutboundOptions,
  OutboundUrlError,
  request,
  retryAfterMs,
} from './http.ts';

/** What a notice says. Never a message body. */
export type Notice = AlertNotice;

export interface AlertEvent {
  message: NormalisedMessage;
  result: TriageResult;
  /** Where the message lives, for the link that opens it. */
  provider?: 'gmail' | 'graph';
  providerMessageId?: string;
  labels?: string[];
}

type Secret = { url: string } | { botToken: string; channel: string };

export class AlertChannelError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AlertChannelError';
  }
}

/** Hosts that receive Slack and Teams webhooks; anything else is refused before it is stored. */
const WEBHOOK_HOSTS: Record<'slack' | 'teams', RegExp> = {
  slack: /^hooks\.slack\.com$/,
  teams: /(^|\.)(webhook\.office\.com|logic\.azure\.com|api\.powerplatform\.com|environment\.api\.powerplatform\.com)$/,
};

export interface AlertDeps {
  db: Kysely<Database>;
  cipher?: TokenCipher;
  outbound?: OutboundOptions;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  log?: { warn(obj: object, msg: string): void };
}

/** The AAD of a channel's sealed secret: bound to its user, kind and id. */
export const channelSecretContext = (scope: UserScope, kind: string, id: string) =>
  `steward-alert-channel|${scope.userId}|${kind}|${id}`;

function describeTarget(kind: 'slack' | 'teams', secret: Secret): string {
  if ('botToken' in secret) return `Slack ${secret.channel}`;
  const url = new URL(secret.url);
  return `${kind === 'slack' ? 'Slack' : 'Teams'} webhook ${url.host}/…`;
}

type ChannelRow = AlertChannelRow;

function toChannel(row: ChannelRow): AlertChannel {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    target: row.target,
    rules: row.rules,
    quietHours: row.quiet_hours ?? null,
    maxPerHour: row.max_per_hour,
    lastError: row.last_error,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export function matchRules(rules: AlertRules, event: AlertEvent): string | undefined {
  const { result, message } = event;
  const from = message.from?.address?.toLowerCase() ?? '';
  const domain = from.split('@')[1] ?? '';
  if (rules.senders.some((s) => s.toLowerCase() === from)) return 'from a sender you follow';
  if (rules.domains.some((d) => domain === d.toLowerCase() || domain.endsWith(`.${d.toLowerCase()}`)))
    return `from ${domain}`;
  if (rules.toRespondHighPriority && result.category === 'to_respond' && result.priority === 'high')
    return 'needs your reply, high priority';
  if (rules.meetingRequests && result.meetingRequest) return 'meeting request';
  return undefined;
}

/** True when `at` falls inside quiet hours [start, end) in the zone; the range may pass midnight. */
export function inQuietHours(quiet: QuietHours | null, zone: string, at: Date): boolean {
  if (!quiet || quiet.start === quiet.end) return false;
  const local = DateTime.fromJSDate(at).setZone(zone);
  const t = (local.isValid ? local : DateTime.fromJSDate(at).toUTC()).toFormat('HH:mm');
  return quiet.start < quiet.end ? t >= quiet.start && t < quiet.end : t >= quiet.start || t < quiet.end;
}

export function messageLink(event: AlertEvent): string | undefined {
  if (!event.providerMessageId) return undefined;
  if (event.provider === 'gmail')
    return `https://mail.google.com/mail/u/0/#all/${encodeURIComponent(event.message.threadId ?? event.providerMessageId)}`;
  if (event.provider === 'graph')
    return `https://outlook.office.com/mail/deeplink/read/${encodeURIComponent(event.providerMessageId)}`;
  return undefined;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/** Slack mrkdwn control characters are escaped, so a subject cannot mention @channel or fake a link. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackPayload(notices: Notice[], digest: boolean): Record<string, unknown> {
  const first = notices[0];
  const text = digest
    ? `Steward: ${notices.length} messages held back`
    : `New mail from ${first?.from ?? 'someone'}: ${first?.subject ?? ''}`;
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: slackEscape(clip(text, 300)) } }];
  for (const notice of notices.slice(0, 10)) {
    const lines = [
      `*${slackEscape(clip(notice.subject || '(no subject)', 200))}*`,
      `From ${slackEscape(clip(notice.from, 200))} · ${slackEscape(notice.reason)}`,
      ...(notice.summary ? [slackEscape(clip(notice.summary, 200))] : []),
    ];
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: lines.join('\n') },
      ...(notice.link
        ? {
            accessory: {
              type: 'button',
              text: { type: 'plain_text', text: 'Open' },
              url: notice.link,
              action_id: 'open_message',
            },
          }
        : {}),
    });
  }
  if (notices.length > 10) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${notices.length - 10} more` }] });
  }
  return { text: slackEscape(clip(text, 300)), blocks, unfurl_links: false, unfurl_media: false };
}

export function teamsPayload(notices: Notice[], digest: boolean): Record<string, unknown> {
  const body: unknown[] = [
    {
      type: 'TextBlock',
      text: digest ? `Steward: ${notices.length} messages held back` : 'Steward: new mail',
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
    },
  ];
  const actions: unknown[] = [];
  for (const notice of notices.slice(0, 10)) {
    body.push({
      type: 'Container',
      separator: true,
      items: [
        { type: 'TextBlock', text: clip(notice.subject || '(no subject)', 200), weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: `From ${clip(notice.from, 200)} · ${notice.reason}`, isSubtle: true, wrap: true },
        ...(notice.summary ? [{ type: 'TextBlock', text: clip(notice.summary, 200), wrap: true }] : []),
      ],
    });
    if (!digest && notice.link) actions.push({ type: 'Action.OpenUrl', title: 'Open message', url: notice.link });
  }
  if (notices.length > 10) body.push({ type: 'TextBlock', text: `and ${notices.length - 10} more`, wrap: true });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          ...(actions.length ? { actions } : {}),
        },
      },
    ],
  };
}

export interface Delivery {
  delivered: boolean;
  status: number;
  detail?: string;
  attempts: number;
}

export function createAlerts(deps: AlertDeps) {
  const { db } = deps;
  const store = alertStore(db);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? (() => new Date());

  function cipher(): TokenCipher {
    if (!deps.cipher)
      throw new AlertChannelError(
        'alerts_not_configured',
        'TOKEN_ENCRYPTION_KEY is not set, so alert secrets cannot be stored.',
      );
    return deps.cipher;
  }

  function openSecret(row: ChannelRow): Secret {
    return JSON.parse(
      cipher().open(
        { ciphertext: row.secret_ciphertext, iv: row.secret_iv, tag: row.secret_tag, keyVersion: row.key_version },
        channelSecretContext({ tenantId: row.tenant_id, userId: row.user_id }, row.kind, row.id),
      ),
    ) as Secret;
  }

  function checkSecret(input: AlertChannelInput): Secret {
    if (input.kind === 'slack' && input.botToken) {
      if (!input.channel) throw new AlertChannelError('invalid_body', 'A Slack bot token needs a channel or user id.');
      if (!/^xox[bp]-[A-Za-z0-9-]+$/.test(input.botToken))
        throw new AlertChannelError('invalid_body', 'A Slack bot token starts with xoxb-.');
      return { botToken: input.botToken, channel: input.channel };
    }
    if (!input.url)
      throw new AlertChannelError('invalid_body', 'Give the webhook URL (or, for Slack, a bot token and channel).');
    let url: URL;
    try {
      url = checkOutboundUrl(input.url, deps.outbound?.redirect);
    } catch (error) {
      if (error instanceof OutboundUrlError) throw new AlertChannelError('invalid_url', `url: ${error.message}.`);
      throw error;
    }
    if (!WEBHOOK_HOSTS[input.kind].test(url.hostname.toLowerCase())) {
      throw new AlertChannelError(
        'invalid_url',
        input.kind === 'slack'
          ? 'url: a Slack incoming webhook is on https://hooks.slack.com/.'
          : 'url: a Teams incoming webhook or Workflows URL is on webhook.office.com, logic.azure.com or api.powerplatform.com.',
      );
    }
    return { url: url.toString() };
  }

  /**
   * A bot token's notice: `chat.postMessage` through Slack's own Web API client (@slack/web-api), over the
   * guarded HTTPS client. The client's own retries are off (the loop in `deliver` retries, honouring
   * Retry-After); `{"ok": false}` answers are failures that are not retried.
   */
  async function postWithBot(
    secret: { botToken: string; channel: string },
    payload: Record<string, unknown>,
    attempts: number,
  ): Promise<Delivery & { retryAfterMs?: number; retry: boolean }> {
    const client = new WebClient(secret.botToken, {
      fetch: guardedFetch({ timeoutMs: 10_000, maxBytes: 64 * 1024, ...deps.outbound }),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: LogLevel.ERROR,
      allowAbsoluteUrls: false,
    });
    try {
      await client.chat.postMessage({ channel: secret.channel, ...payload } as ChatPostMessageArguments);
      return { delivered: true, status: 200, attempts, retry: false };
    } catch (error) {
      if (error instanceof WebAPIPlatformError)
        return { delivered: false, status: 200, detail: error.data.error, attempts, retry: false };
      if (error instanceof WebAPIRateLimitedError)
        return {
          delivered: false,
          status: 429,
          detail: 'rate limited',
          attempts,
          retry: true,
          retryAfterMs: Math.min(error.retryAfter * 1000, 300_000),
        };
      if (error instanceof WebAPIHTTPError)
        return {
          delivered: false,
          status: error.statusCode,
          detail: clip(String(error.body ?? error.statusMessage ?? '').trim(), 200) || undefined,
          attempts,
          retry: error.statusCode >= 500,
        };
      const original = error instanceof WebAPIRequestError ? error.original : (error as Error);
      return {
        delivered: false,
        status: 0,
        detail: original.message,
        attempts,
        retry: !(original instanceof OutboundUrlError),
      };
    }
  }

  /** One POST, retried on 429 and 5xx (Retry-After honoured, else exponential backoff), at most 4 tries. */
  async function deliver(kind: 'slack' | 'teams', secret: Secret, notices: Notice[], digest: boolean) {
    const payload = kind === 'slack' ? slackPayload(notices, digest) : teamsPayload(notices, digest);
    if ('botToken' in secret) {
      let outcome: Delivery & { retryAfterMs?: number; retry: boolean } = {
        delivered: false,
        status: 0,
        attempts: 0,
        retry: false,
      };
      for (let attempt = 1; attempt <= 4; attempt++) {
        outcome = await postWithBot(secret, payload, attempt);
        if (!outcome.retry) break;
        if (attempt < 4) await sleep(outcome.retryAfterMs ?? 500 * 2 ** (attempt - 1));
      }
      const { retry: _retry, retryAfterMs: _wait, ...delivery } = outcome;
      return delivery;
    }
    const url = secret.url;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    const body: Record<string, unknown> = payload;
    let last: Delivery = { delivered: false, status: 0, attempts: 0 };
    for (let attempt = 1; attempt <= 4; attempt++) {
      try {
        const res = await request(
          url,
          { method: 'POST', headers, body: JSON.stringify(body) },
          {
            timeoutMs: 10_000,
            maxBytes: 64 * 1024,
            ...deps.outbound,
          },
        );
        if (res.status >= 200 && res.status < 300) return { delivered: true, status: res.status, attempts: attempt };
        last = {
          delivered: false,
          status: res.status,
          detail: clip(res.text.trim(), 200) || undefined,
          attempts: attempt,
        };
        if (res.status !== 429 && res.status < 500) return last;
        if (attempt < 4) await sleep(retryAfterMs(res.headers['retry-after']) ?? 500 * 2 ** (attempt - 1));
      } catch (error) {
        if (error instanceof OutboundUrlError)
          return { delivered: false, status: 0, detail: error.message, attempts: attempt };
        last = { delivered: false, status: 0, detail: (error as Error).message, attempts: attempt };
        if (attempt < 4) await sleep(500 * 2 ** (attempt - 1));
      }
    }
    return last;
  }

  const channelsOf = (scope: UserScope) => store.channelsOf(scope);
  const sentLastHour = (channelId: string, at: Date) => store.sentLastHour(channelId, at);

  async function setError(row: ChannelRow, delivery: Delivery): Promise<void> {
    const error = delivery.delivered ? null : `${delivery.status || 'no answer'}: ${delivery.detail ?? 'failed'}`;
    if (error === row.last_error) return;
    await store.setError(row.id, error);
  }

  /** Sends the held notices of a channel as one digest when quiet hours are over and the limit allows. */
  async function flushHeld(row: ChannelRow, settings: Settings, at: Date): Promise<boolean> {
    if (inQuietHours(row.quiet_hours, settings.timeZone, at)) return false;
    if ((await sentLastHour(row.id, at)) >= row.max_per_hour) return false;
    const held = await store.held(row.id);
    if (held.length === 0) return false;
    const delivery = await deliver(
      row.kind,
      openSecret(row),
      held.map((h) => h.notice),
      true,
    );
    await setError(row, delivery);
    if (!delivery.delivered) return false;
    await store.markDigested(
      row.id,
      held.map((h) => h.message_key),
      at,
    );
    return true;
  }

  return {
    async list(scope: UserScope): Promise<AlertChannel[]> {
      return (await channelsOf(scope)).map(toChannel);
    },

    async create(scope: UserScope, input: AlertChannelInput): Promise<AlertChannel> {
      const secret = checkSecret(input);
      const id = randomUUID();
      const sealed = cipher().seal(JSON.stringify(secret), channelSecretContext(scope, input.kind, id));
      const row = await store.create(scope, {
        id,
        kind: input.kind,
        name: input.name,
        target: describeTarget(input.kind, secret),
        sealed,
        rules: input.rules,
        quietHours: input.quietHours ?? null,
        maxPerHour: input.maxPerHour ?? 10,
      });
      await userStore(db, scope).audit('alerts.channel_added', { channelId: id, kind: input.kind });
      return toChannel(row);
    },

    /** Changes a channel's name, rules, quiet hours or hourly limit; undefined when it is not the user's. */
    async update(scope: UserScope, id: string, patch: AlertChannelPatch): Promise<AlertChannel | undefined> {
      const row = await store.update(scope, id, patch);
      if (!row) return undefined;
      await userStore(db, scope).audit('alerts.channel_changed', { channelId: id, fields: Object.keys(patch) });
      return toChannel(row);
    },

    async remove(scope: UserScope, id: string): Promise<boolean> {
      const removed = await store.remove(scope, id);
      if (removed) await userStore(db, scope).audit('alerts.channel_removed', { channelId: id });
      return removed;
    },

    /** "Send a test alert": one sample notice, delivered now (quiet hours and limits do not apply). */
    async test(scope: UserScope, id: string): Promise<AlertTestResult | undefined> {
      const row = (await channelsOf(scope)).find((r) => r.id === id);
      if (!row) return undefined;
      const delivery = await deliver(
        row.kind,
        openSecret(row),
        [
          {
            from: 'Steward',
            subject: 'Test alert',
            summary: 'Alerts from Steward will look like this.',
            reason: 'test',
          },
        ],
        false,
      );
      await setError(row, delivery);
      await userStore(db, scope).audit('alerts.tested', { channelId: id, delivered: delivery.delivered });
      return {
        delivered: delivery.delivered,
        status: delivery.status,
        ...(delivery.detail ? { detail: delivery.detail } : {}),
      };
    },

    /** A new message: every channel whose rules match gets a notice now, or holds it for the digest. */
    async onMessage(scope: UserScope, event: AlertEvent): Promise<void> {
      const rows = await channelsOf(scope);
      if (rows.length === 0) return;
      const settings = await userStore(db, scope).settings();
      const at = now();
      const shareSummary = mayShareWithModel(event.message, settings.neverSendToModel, event.labels);
      for (const row of rows) {
        const reason = matchRules(row.rules, event);
        if (!reason) continue;
        const notice: Notice = {
          from: event.message.from?.name
            ? `${event.message.from.name} <${event.message.from.address}>`
            : (event.message.from?.address ?? 'unknown sender'),
          subject: event.message.subject,
          reason,
          ...(shareSummary && event.result.summary ? { summary: event.result.summary } : {}),
          ...(messageLink(event) ? { link: messageLink(event) } : {}),
        };
        const key = `${event.provider ?? 'client'}:${event.providerMessageId ?? event.message.id}`;
        const claimed = await store.claim(scope, row.id, key, notice);
        if (!claimed) continue; // already alerted (a retry of the same message)
        const quiet = inQuietHours(row.quiet_hours, settings.timeZone, at);
        if (quiet || (await sentLastHour(row.id, at)) >= row.max_per_hour) {
          await store.setStatus(row.id, key, 'held');
          continue;
        }
        await flushHeld(row, settings, at);
        const delivery = await deliver(row.kind, openSecret(row), [notice], false);
        await setError(row, delivery);
        if (delivery.delivered) await store.setStatus(row.id, key, 'sent', now());
        else await store.setStatus(row.id, key, 'failed');
      }
    },

    /** Sends due digests for every channel with held notices (run periodically by the worker). */
    async flushAll(): Promise<number> {
      const due = await store.channelsWithHeld();
      let sent = 0;
      for (const row of due) {
        const scope = { tenantId: row.tenant_id, userId: row.user_id };
        const settings = await userStore(db, scope).settings();
        if (await flushHeld(row, settings, now())) sent++;
      }
      return sent;
    },
  };
}

export type Alerts = ReturnType<typeof createAlerts>;
