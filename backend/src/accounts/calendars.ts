/**
 * The user's connected calendars behind the calendar port: the calendar of a connected mailbox (Google
 * Calendar for Gmail, Outlook for Microsoft 365, with the mailbox's own sealed refresh token and the
 * account tokens' refresh logic) plus the ICS feeds in the user's settings, whose busy time is merged in.
 */
import type { Config } from '../config.ts';
import { RetryLaterError } from '../jobs/queue.ts';
import { fetchFeedText, MAX_ICS_FEEDS } from '../scheduling/calendar/feed-fetch.ts';
import { googleCalendar } from '../scheduling/calendar/google.ts';
import { graphCalendar } from '../scheduling/calendar/graph.ts';
import { icsFeedCalendar } from '../scheduling/calendar/ics-feed.ts';
import { CalendarError, type CalendarPort, normaliseBusy, type TokenProvider } from '../scheduling/calendar/port.ts';
import type { Interval } from '../scheduling/solver.ts';
import type { Storage } from '../storage/database.ts';
import { mailboxStore } from '../storage/mailboxes.ts';
import type { MailboxRow } from '../storage/schema.ts';
import type { UserScope } from '../storage/user-scope.ts';
import { userStore } from '../storage/users.ts';
import { ReauthRequiredError } from './http.ts';
import type { AccountTokens } from './tokens.ts';

export type CalendarResolver = (scope: UserScope) => Promise<CalendarPort | undefined>;

export interface ConnectedCalendarsOptions {
  config: Config;
  storage: Storage;
  /** Where sealed refresh tokens are opened and access tokens come from (shared with mail sync). */
  tokens: Pick<AccountTokens, 'cipher' | 'accessTokens'>;
  log?: { warn(obj: object, msg: string): void };
  /** How ICS feeds are read (tests); default `fetchFeedText`: https only, public addresses only. */
  fetchFeed?: (url: string) => Promise<string>;
  /** Per feed; a slower feed is skipped. Default 4 s. */
  feedTimeoutMs?: number;
}

/** The mailbox whose calendar is used: an active one first, then one needing re-authorisation, oldest first. */
export function calendarMailbox(mailboxes: MailboxRow[]): MailboxRow | undefined {
  const rank = (m: MailboxRow) => (m.status === 'active' ? 0 : m.status === 'needs_reauth' ? 1 : 2);
  return [...mailboxes].filter((m) => rank(m) < 2).sort((a, b) => rank(a) - rank(b))[0];
}

function feedHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid';
  }
}

/** Token errors from the account refresh, as calendar errors the routes know how to answer. */
function asCalendarError(error: unknown): unknown {
  if (error instanceof ReauthRequiredError)
    return new CalendarError(
      'the provider refused calendar access; reconnect the mailbox in Steward to grant it (scheduling needs calendar permission)',
    );
  if (error instanceof RetryLaterError)
    return new CalendarError('the sign-in service is unavailable; try again shortly', 503);
  if (error instanceof Error && error.name === 'KeyMismatchError')
    return new CalendarError('the stored sign-in cannot be read with the configured TOKEN_ENCRYPTION_KEY');
  return error;
}

function mailboxCalendar(options: ConnectedCalendarsOptions, mailbox: MailboxRow): CalendarPort {
  const { config, tokens } = options;
  const token: TokenProvider = async () => {
    try {
      return await tokens.accessTokens(mailbox, 'calendar').get();
    } catch (error) {
      throw asCalendarError(error);
    }
  };
  const port =
    mailbox.provider === 'gmail'
      ? googleCalendar({ token, baseUrl: config.sync.googleCalendarApiUrl })
      : graphCalendar({ token, baseUrl: `${config.sync.graphApiUrl}/v1.0` });
  // Google answers 403 when the mailbox was connected before calendar scopes were asked for.
  const hint = (error: unknown) =>
    error instanceof CalendarError && error.status === 403
      ? new CalendarError(`${error.message} (reconnect the mailbox to grant calendar access)`, 403)
      : error;
  // A 401 means the cached access token was revoked early: refresh once and retry.
  const retried = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof CalendarError) || error.status !== 401) throw hint(error);
      try {
        tokens.accessTokens(mailbox, 'calendar').invalidate();
      } catch (inner) {
        throw asCalendarError(inner);
      }
      try {
        return await call();
      } catch (again) {
        throw hint(again);
      }
    }
  };
  const list = port.listEvents?.bind(port);
  return {
    getBusy: (range, attendees) => retried(() => port.getBusy(range, attendees)),
    createEvent: (ev) => retried(() => port.createEvent(ev)),
    ...(list ? { listEvents: (range: Interval) => retried(() => list(range)) } : {}),
  };
}

/**
 * `Services.calendars`: for a user, the calendar of their connected mailbox and their ICS feeds, or
 * undefined when they have neither. A feed that is down or slow is logged and skipped; the mailbox
 * calendar failing is an error (a calendar that could not be read must not look free).
 */
export function connectedCalendars(options: ConnectedCalendarsOptions): CalendarResolver {
  const { storage } = options;
  const fetchFeed =
    options.fetchFeed ?? ((url: string) => fetchFeedText(url, { timeoutMs: options.feedTimeoutMs ?? 4_000 }));
  const feedTimeoutMs = options.feedTimeoutMs ?? 4_000;

  async function feedBusy(url: string, range: Interval): Promise<Interval[]> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the ICS feed timed out')), feedTimeoutMs);
      });
      return await Promise.race([icsFeedCalendar(url, { fetchText: fetchFeed }).getBusy(range, []), timeout]);
    } catch (error) {
      // The URL itself may be a secret address: only its host is logged.
      options.log?.warn({ host: feedHost(url), reason: (error as Error).message }, 'ICS feed skipped');
      return [];
    } finally {
      clearTimeout(timer);
    }
  }

  return async (scope) => {
    const [mailboxes, settings] = await Promise.all([
      options.tokens.cipher ? mailboxStore(storage.db, scope).list() : Promise.resolve([]),
      userStore(storage.db, scope).settings(),
    ]);
    const mailbox = calendarMailbox(mailboxes);
    const primary = mailbox ? mailboxCalendar(options, mailbox) : undefined;
    const feeds = (settings.icsFeeds ?? []).slice(0, MAX_ICS_FEEDS);
    if (feeds.length === 0) return primary;
    return {
      async getBusy(range, attendees) {
        // Feeds are the user's own time; attendees' busy comes from the provider only.
        const [own, ...fromFeeds] = await Promise.all([
          primary ? primary.getBusy(range, attendees) : Promise.resolve([]),
          ...(attendees.length === 0 ? feeds.map((url) => feedBusy(url, range)) : []),
        ]);
        return normaliseBusy([...own, ...fromFeeds.flat()], range);
      },
      // Titles come from the connected calendar only; feeds add busy time.
      ...(primary?.listEvents ? { listEvents: primary.listEvents } : {}),
      async createEvent(ev) {
        if (!primary)
          throw new CalendarError('ICS feeds are read-only; connect a Microsoft 365 or Google account', 409);
        return primary.createEvent(ev);
      },
    };
  };
}
