/**
 * Mailbox sync on the homepage: what GET /v1/sync/status says, turned into lines a person reads, without
 * CardService so it can be tested as data. The shapes are the shared schemas' types (`import type`: the
 * bundle carries no schema library).
 */
import type { ConnectProvider, MailboxState, MailboxSyncStatus, SyncStatus } from '@steward/shared';

export type { ConnectProvider, MailboxState, MailboxSyncStatus, SyncStatus };

export function isConnectProvider(value: unknown): value is ConnectProvider {
  return value === 'google' || value === 'microsoft';
}

export interface MailboxLine {
  address: string;
  /** "Gmail" or "Microsoft 365". */
  provider: string;
  /** What the mailbox is doing: "Sorting your last 14 days: 120 of 400", "Sorting new mail as it arrives"... */
  state: string;
  /** Small print under the state: how much was sorted, when, the last error. */
  detail: string;
  /** Set when the user has to act: Steward lost access to the mailbox. */
  warning: string;
  /** Which connect flow gives Steward its access back; null when nothing needs doing. */
  reconnect: ConnectProvider | null;
}

export interface SyncView {
  mailboxes: MailboxLine[];
  /** No mailbox is connected: offer "Connect Gmail for background sorting". */
  offerConnect: boolean;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function capitalized(text: string): string {
  return text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}` : '';
}

/** "just now", "5 min ago", "3 h ago", "2 days ago": the homepage has no room for a full date. */
export function agoText(iso: string | null, now: Date): string {
  if (!iso) return '';
  const then = Date.parse(iso);
  if (!Number.isFinite(then)) return '';
  const minutes = Math.floor(Math.max(0, now.getTime() - then) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${plural(Math.floor(hours / 24), 'day')} ago`;
}

function providerName(provider: MailboxSyncStatus['provider']): string {
  return provider === 'graph' ? 'Microsoft 365' : 'Gmail';
}

/** "Sorting your last 14 days: 120 of 400"; "recent mail" when the settings (so the window) are unknown. */
export function backfillText(backfill: MailboxSyncStatus['backfill'], backfillDays?: number): string {
  const window = backfillDays && backfillDays > 0 ? `your last ${plural(backfillDays, 'day')}` : 'recent mail';
  const total = Math.max(0, Math.floor(backfill.total));
  // The total is known once the provider has listed the messages; until then there is nothing to count.
  if (total === 0) return `Looking through ${window}…`;
  const done = Math.min(total, Math.max(0, Math.floor(backfill.done)));
  return `Sorting ${window}: ${done} of ${total}`;
}

export function mailboxLine(m: MailboxSyncStatus, options: { backfillDays?: number; now?: Date } = {}): MailboxLine {
  const now = options.now ?? new Date();
  const line: MailboxLine = {
    address: m.address,
    provider: providerName(m.provider),
    state: '',
    detail: '',
    warning: '',
    reconnect: null,
  };
  const sorted = m.processed > 0 ? `${plural(m.processed, 'message')} sorted` : '';
  const checked = m.lastSyncAt ? `last checked ${agoText(m.lastSyncAt, now)}` : '';
  const summary = [sorted, checked].filter(Boolean).join(' · ');

  if (m.status === 'needs_reauth') {
    line.state = 'Paused: Steward lost access';
    // The server's reason is a sentence written for the user ("The provider rejected Steward's access...").
    const reason = m.statusReason?.trim().slice(0, 300);
    line.warning = reason || 'Steward can no longer read this mailbox. Reconnect it to keep sorting in the background.';
    line.reconnect = m.provider === 'graph' ? 'microsoft' : 'google';
    line.detail = capitalized(summary);
    return line;
  }
  if (m.status === 'disconnected') {
    line.state = 'Disconnected';
    line.detail = capitalized(summary);
    return line;
  }
  if (m.phase === 'backfill') {
    line.state = backfillText(m.backfill, options.backfillDays);
    line.detail = capitalized(checked);
  } else if (m.phase === 'live') {
    line.state = 'Sorting new mail as it arrives';
    line.detail = capitalized(summary);
  } else {
    line.state = 'Waiting to start';
  }
  if (m.lastError) {
    const error = `Last error: ${m.lastError.trim().slice(0, 200)}`;
    line.detail = line.detail ? `${line.detail} · ${error}` : error;
  }
  return line;
}

/**
 * The sync section of the homepage. `status` null means the server has no mailbox sync (it answered 404):
 * the section is then left out entirely.
 */
export function syncView(
  status: SyncStatus | null,
  options: { backfillDays?: number; now?: Date } = {},
): SyncView | null {
  if (!status || !Array.isArray(status.mailboxes)) return null;
  const mailboxes = status.mailboxes.map((m) => mailboxLine(m, options));
  return {
    mailboxes,
    offerConnect: !status.mailboxes.some((m) => m.status === 'active' || m.status === 'needs_reauth'),
  };
}

/** The connect route's answer is opened in the user's browser: only an https URL is acceptable. */
export function authorizationUrlOf(answer: unknown): string | null {
  const url = (answer as { authorizationUrl?: unknown } | null)?.authorizationUrl;
  return typeof url === 'string' && /^https:\/\/[^\s]+$/.test(url) ? url : null;
}
