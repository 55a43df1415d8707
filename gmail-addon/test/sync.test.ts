import { describe, expect, it } from 'vitest';
import {
  agoText,
  authorizationUrlOf,
  backfillText,
  isConnectProvider,
  type MailboxSyncStatus,
  mailboxLine,
  syncView,
} from '../src/core/sync.ts';

const NOW = new Date('2025-03-24T10:00:00Z');

function mailbox(over: Partial<MailboxSyncStatus> = {}): MailboxSyncStatus {
  return {
    id: 'mbx-1',
    provider: 'gmail',
    address: 'sam@example.com',
    status: 'active',
    statusReason: null,
    phase: 'live',
    backfill: { total: 400, done: 400, startedAt: '2025-03-24T09:00:00Z', finishedAt: '2025-03-24T09:20:00Z' },
    processed: 532,
    lastSyncAt: '2025-03-24T09:55:00Z',
    lastError: null,
    ...over,
  };
}

describe('backfill progress', () => {
  it('says which days are being sorted and how far along', () => {
    expect(backfillText({ total: 400, done: 120, startedAt: null, finishedAt: null }, 14)).toBe(
      'Sorting your last 14 days: 120 of 400',
    );
    expect(backfillText({ total: 3, done: 0, startedAt: null, finishedAt: null }, 1)).toBe(
      'Sorting your last 1 day: 0 of 3',
    );
  });

  it('says "recent mail" when the window is not known, and never counts past the total', () => {
    expect(backfillText({ total: 10, done: 12, startedAt: null, finishedAt: null })).toBe(
      'Sorting recent mail: 10 of 10',
    );
    expect(backfillText({ total: 10, done: -1, startedAt: null, finishedAt: null }, 0)).toBe(
      'Sorting recent mail: 0 of 10',
    );
  });

  it('before the provider has listed the messages there is nothing to count yet', () => {
    expect(backfillText({ total: 0, done: 0, startedAt: null, finishedAt: null }, 14)).toBe(
      'Looking through your last 14 days…',
    );
  });
});

describe('one mailbox', () => {
  it('while backfilling: the progress, and when the server last checked', () => {
    const line = mailboxLine(mailbox({ phase: 'backfill', backfill: { ...mailbox().backfill, done: 120 } }), {
      backfillDays: 14,
      now: NOW,
    });
    expect(line).toEqual({
      address: 'sam@example.com',
      provider: 'Gmail',
      state: 'Sorting your last 14 days: 120 of 400',
      detail: 'Last checked 5 min ago',
      warning: '',
      reconnect: null,
    });
  });

  it('once live: new mail is sorted as it arrives, with how much was sorted', () => {
    const line = mailboxLine(mailbox({ processed: 1 }), { now: NOW });
    expect(line.state).toBe('Sorting new mail as it arrives');
    expect(line.detail).toBe('1 message sorted · last checked 5 min ago');
    expect(line.reconnect).toBeNull();
  });

  it('shows the last error next to the rest', () => {
    const line = mailboxLine(mailbox({ lastError: 'Gmail answered 503 ' }), { now: NOW });
    expect(line.detail).toBe('532 messages sorted · last checked 5 min ago · Last error: Gmail answered 503');
    expect(mailboxLine(mailbox({ phase: 'idle', lastError: 'boom' }), { now: NOW })).toMatchObject({
      state: 'Waiting to start',
      detail: 'Last error: boom',
    });
  });

  it('needs_reauth: a warning with the reason and the provider to reconnect through', () => {
    const reason = "The provider rejected Steward's access (expired or revoked). Reconnect the mailbox.";
    const line = mailboxLine(mailbox({ status: 'needs_reauth', statusReason: ` ${reason}` }), { now: NOW });
    expect(line).toMatchObject({
      provider: 'Gmail',
      state: 'Paused: Steward lost access',
      detail: '532 messages sorted · last checked 5 min ago',
      warning: reason,
      reconnect: 'google',
    });
    const graph = mailboxLine(mailbox({ provider: 'graph', status: 'needs_reauth', statusReason: null }), { now: NOW });
    expect(graph).toMatchObject({
      provider: 'Microsoft 365',
      warning: 'Steward can no longer read this mailbox. Reconnect it to keep sorting in the background.',
      reconnect: 'microsoft',
    });
  });

  it('a disconnected mailbox only says so', () => {
    expect(mailboxLine(mailbox({ status: 'disconnected' }), { now: NOW })).toMatchObject({
      state: 'Disconnected',
      warning: '',
      reconnect: null,
    });
  });
});

describe('the homepage section', () => {
  it('is left out when the server has no mailbox sync', () => {
    expect(syncView(null)).toBeNull();
    expect(syncView({} as never)).toBeNull();
  });

  it('offers to connect Gmail when no mailbox is connected', () => {
    expect(syncView({ mailboxes: [] })).toEqual({ mailboxes: [], offerConnect: true });
    expect(syncView({ mailboxes: [mailbox({ status: 'disconnected' })] }, { now: NOW })?.offerConnect).toBe(true);
  });

  it('does not offer to connect again while a mailbox is connected or only needs reconnecting', () => {
    expect(syncView({ mailboxes: [mailbox()] }, { now: NOW })?.offerConnect).toBe(false);
    const view = syncView({ mailboxes: [mailbox({ status: 'needs_reauth' })] }, { now: NOW });
    expect(view?.offerConnect).toBe(false);
    expect(view?.mailboxes[0]?.reconnect).toBe('google');
  });
});

it('says how long ago in the few words the sidebar has room for', () => {
  expect(agoText(null, NOW)).toBe('');
  expect(agoText('not a date', NOW)).toBe('');
  expect(agoText('2025-03-24T09:59:40Z', NOW)).toBe('just now');
  expect(agoText('2025-03-24T11:00:00Z', NOW)).toBe('just now');
  expect(agoText('2025-03-24T07:00:00Z', NOW)).toBe('3 h ago');
  expect(agoText('2025-03-21T10:00:00Z', NOW)).toBe('3 days ago');
});

it('opens only an https authorization URL from the connect route', () => {
  expect(authorizationUrlOf({ authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth?state=x' })).toBe(
    'https://accounts.google.com/o/oauth2/v2/auth?state=x',
  );
  expect(authorizationUrlOf({ authorizationUrl: 'javascript:alert(1)' })).toBeNull();
  expect(authorizationUrlOf({ authorizationUrl: 'http://accounts.google.com/' })).toBeNull();
  expect(authorizationUrlOf(null)).toBeNull();
  expect(isConnectProvider('google')).toBe(true);
  expect(isConnectProvider('gmail')).toBe(false);
});
