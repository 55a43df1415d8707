/** What Steward asks each provider for, and where the Microsoft identity platform answers. */
import type { Config } from '../config.ts';

/** What mail sync needs from Microsoft Graph (also the scope of the refresh requests mail sync makes). */
export const GRAPH_MAIL_SCOPES = [
  'offline_access',
  'https://graph.microsoft.com/Mail.ReadWrite',
  'https://graph.microsoft.com/MailboxSettings.ReadWrite',
  'User.Read',
];
/**
 * Scheduling: free/busy (calendarView, getSchedule) and creating the event the user chose. Requested with
 * its own refresh, so a mailbox connected before calendars were asked for keeps syncing mail.
 */
export const GRAPH_CALENDAR_SCOPES = ['offline_access', 'https://graph.microsoft.com/Calendars.ReadWrite'];
/** Everything asked for when a Microsoft 365 mailbox is connected. */
export const GRAPH_SCOPES = [...GRAPH_MAIL_SCOPES, 'https://graph.microsoft.com/Calendars.ReadWrite'];
/**
 * Everything asked for when a Gmail mailbox is connected. The calendar scopes are for scheduling:
 * `calendar.freebusy` lets freeBusy.query read busy time (never event details) and `calendar.events` lets
 * events.insert create the event the user chose; together they are the least that allows both.
 */
export const GMAIL_SCOPES = [
  'https://www.googleapis.com/auth/gmail.modify',
  'https://www.googleapis.com/auth/gmail.compose',
  'https://www.googleapis.com/auth/calendar.freebusy',
  'https://www.googleapis.com/auth/calendar.events',
  'openid',
  'email',
];

/** The Microsoft identity platform endpoint, optionally redirected (tests) from the https authority to a local server. */
export function microsoftEndpoint(config: Config, path: string): string {
  const authority = config.sync.microsoft.authority.replace(/\/+$/, '');
  const url = `${authority}${path}`;
  const login = config.sync.microsoft.loginUrl;
  if (!login) return url;
  const u = new URL(url);
  return `${login.replace(/\/+$/, '')}${u.pathname}${u.search}`;
}
