import type { Briefing, BriefingMeeting, BriefingThread, Settings } from '@steward/shared';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { CalendarEvent, CalendarPort } from '../scheduling/calendar/port.ts';
import { type BriefingThreadRow, briefingThreads } from '../storage/briefing-drafts.ts';
import type { MailIndexStore } from '../storage/mail-index.ts';
import type { Database } from '../storage/schema.ts';
import type { UserScope } from '../storage/user-scope.ts';

export type { CalendarEvent };

const PRIORITY_ORDER = { high: 0, normal: 1, low: 2 } as const;
const MAX_ITEMS = 20;

type ThreadRow = BriefingThreadRow;

/**
 * GET /v1/briefing: what needs a reply (high priority first, then oldest), replies the user has waited for
 * past followUpAfterDays, and today's meetings with the threads that mention them. Everything comes from
 * what sync already stored (thread states, triage results, the index) and the connected calendar.
 */
export async function buildBriefing(deps: {
  db: Kysely<Database>;
  scope: UserScope;
  settings: Settings;
  store: MailIndexStore;
  calendar?: CalendarPort;
  now?: Date;
}): Promise<Briefing> {
  const now = deps.now ?? new Date();
  const zone = deps.settings.timeZone;
  const today = DateTime.fromJSDate(now).setZone(zone);
  const rows = await briefingThreads(deps.db, deps.scope, now);
  const item = (r: ThreadRow): BriefingThread => {
    const since = new Date(r.last_message_at);
    const priority = (
      r.priority === 'high' || r.priority === 'low' ? r.priority : 'normal'
    ) as BriefingThread['priority'];
    return {
      threadId: r.thread_id,
      messageId: r.last_message_id,
      subject: r.subject ?? '(subject not indexed)',
      from: r.sender ?? '',
      since: since.toISOString(),
      ageDays: Number(((now.getTime() - since.getTime()) / 86_400_000).toFixed(1)),
      priority,
    };
  };
  const needsReply = rows
    .filter((r) => r.state === 'to_respond')
    .map(item)
    .sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || b.ageDays - a.ageDays)
    .slice(0, MAX_ITEMS);
  const waitingFor = rows
    .filter((r) => r.state === 'awaiting_reply')
    .map(item)
    .sort((a, b) => b.ageDays - a.ageDays)
    .slice(0, MAX_ITEMS);

  let calendar: Briefing['calendar'] = deps.calendar ? 'connected' : 'none';
  const meetings: BriefingMeeting[] = [];
  if (deps.calendar) {
    const range = { start: today.startOf('day').toISO() ?? '', end: today.endOf('day').toISO() ?? '' };
    try {
      const events: CalendarEvent[] = deps.calendar.listEvents
        ? await deps.calendar.listEvents(range)
        : await deps.calendar.getBusy(range, []);
      for (const e of events.slice(0, 20)) {
        const title = e.title?.trim() || 'Busy';
        const threads =
          title === 'Busy'
            ? []
            : (await deps.store.search({ text: title, limit: 3 })).map((m) => ({
                messageId: m.messageId,
                threadId: m.threadId,
                subject: m.subject,
              }));
        meetings.push({ start: e.start, end: e.end, title, threads });
      }
    } catch {
      calendar = 'unavailable';
    }
  }
  const date = today.toISODate() ?? '';
  return {
    date,
    needsReply,
    waitingFor,
    meetings,
    calendar,
    text: briefingText(date, needsReply, waitingFor, meetings, zone),
  };
}

/** The briefing as plain text: the body of the morning draft to self. */
export function briefingText(
  date: string,
  needsReply: readonly BriefingThread[],
  waitingFor: readonly BriefingThread[],
  meetings: readonly BriefingMeeting[],
  zone: string,
): string {
  const lines = [`Steward briefing for ${date}`, ''];
  const days = (n: number) => (n < 1 ? 'today' : `${Math.floor(n)} day${Math.floor(n) === 1 ? '' : 's'}`);
  lines.push(needsReply.length ? `Needs your reply (${needsReply.length}):` : 'Nothing waits for your reply.');
  for (const t of needsReply)
    lines.push(`- ${t.priority === 'high' ? '[high] ' : ''}${t.subject} — ${t.from}, ${days(t.ageDays)}`);
  lines.push('');
  lines.push(waitingFor.length ? `Waiting for a reply (${waitingFor.length}):` : 'No reply is overdue.');
  for (const t of waitingFor) lines.push(`- ${t.subject} — sent ${days(t.ageDays)} ago`);
  lines.push('');
  lines.push(meetings.length ? `Today's meetings (${meetings.length}):` : 'No meetings today.');
  for (const m of meetings) {
    const at = (iso: string) => DateTime.fromISO(iso).setZone(zone).toFormat('HH:mm');
    lines.push(`- ${at(m.start)}–${at(m.end)} ${m.title}`);
    for (const t of m.threads) lines.push(`    mentioned in: ${t.subject}`);
  }
  return lines.join('\n');
}

/** How late a missed hour is still made up (a worker down at the hour): after that the day is skipped. */
export const BRIEFING_CATCH_UP_HOURS = 3;

/**
 * The user's local day and whether its briefing draft is due now: from `briefingDraftHour` until
 * BRIEFING_CATCH_UP_HOURS later, in the user's time zone. Never due when the setting is off.
 */
export function briefingSlot(settings: Settings, now: Date): { day: string; due: boolean } {
  const local = DateTime.fromJSDate(now).setZone(settings.timeZone);
  const hour = settings.briefingDraftHour;
  if (!local.isValid || hour === null) return { day: '', due: false };
  return { day: local.toISODate() ?? '', due: local.hour >= hour && local.hour < hour + BRIEFING_CATCH_UP_HOURS };
}

/** Element text only (never an attribute), so &, < and > are all that need escaping. */
const escapeHtml = (text: string) =>
  text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);

/** The morning draft to self: the briefing's text, and the same text escaped as HTML (mail text is data). */
export function briefingDraftContent(briefing: Briefing): { subject: string; text: string; html: string } {
  return {
    subject: `Steward briefing for ${briefing.date}`,
    text: briefing.text,
    html: `<pre style="font-family: inherit; white-space: pre-wrap">${escapeHtml(briefing.text)}</pre>`,
  };
}
