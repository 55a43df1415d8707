/**
 * Rules for what is unambiguous: calendar machinery, automated mail, collaboration-tool comments and
 * bulk campaigns. Each rule says in words why it fired.
 */
import type { CategoryId } from '@steward/shared';
import { domainOf } from '../mail/addresses.ts';
import { MARKETING_SERVICES } from '../mail/signals.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import { PITCH_CUES, pitchCues } from './pitch.ts';

export interface RuleHit {
  category: CategoryId;
  reason: string;
  /** How often this rule is right, as far as we know; used as the result's confidence. */
  confidence: number;
}

const CALENDAR_SUBJECT =
  /^\s*(invitation|updated invitation|new event|event canceled|event cancelled|canceled event|cancelled event|accepted|declined|tentatively accepted|tentative|canceled|cancelled|updated|meeting (request|cancel+ed|update|accepted|declined)|einladung|zugesagt|abgesagt)\s*(\(.*?\))?\s*:/i;
const CALENDAR_METHOD_WORDS: Record<string, string> = {
  REQUEST: 'a calendar invitation',
  REPLY: 'a reply to a calendar invitation',
  CANCEL: 'a calendar cancellation',
  COUNTER: 'a proposed new time for a meeting',
  PUBLISH: 'a published calendar event',
  REFRESH: 'a calendar refresh request',
};

export function meetingUpdateRule(msg: NormalisedMessage): RuleHit | undefined {
  const calendar = msg.signals.calendar;
  if (calendar) {
    const what = (calendar.method && CALENDAR_METHOD_WORDS[calendar.method]) ?? 'a calendar event';
    return { category: 'meeting_update', reason: `contains ${what} (text/calendar part)`, confidence: 0.97 };
  }
  if (
    CALENDAR_SUBJECT.test(msg.subject) &&
    /@|\d{1,2}(:\d\d)?\s*(am|pm)|\d{1,2}:\d\d|calendar|meeting|event|invitation/i.test(
      msg.subject + msg.text.slice(0, 2000),
    )
  ) {
    return { category: 'meeting_update', reason: 'subject is a calendar response or update', confidence: 0.9 };
  }
  const head = msg.text.length > 1500 ? msg.text.slice(0, 1500) : msg.text;
  if (INVITATION_TEXT.test(head)) {
    return {
      category: 'meeting_update',
      reason: 'the text of a calendar invitation (When: … Where: …)',
      confidence: 0.9,
    };
  }
  if (MEETING_CHANGE.test(msg.subject) && !REPLY_SUBJECT.test(msg.subject) && !msg.signals.inReplyTo) {
    return { category: 'meeting_update', reason: 'announces a changed or cancelled meeting', confidence: 0.8 };
  }
  return undefined;
}

/** The body a calendar program writes for an invitation: "When: …" and "Where: …" lines, often "*~*~*~*". */
const INVITATION_TEXT = /^\s*When:\s.{5,120}\n+\s*Where:\s.*(\n|$)|^\s*When:\s.{5,160}\s+Where:\s.*\*~\*~\*~/im;
/** A notice that a meeting moved, changed or was called off (guideline: updated or cancelled meeting notices). */
const MEETING_CHANGE =
  /\b(time|date|room|location|venue) change\b|\b(meeting|call|conference call|session)s? (has been |is )?(cancel+ed|moved|rescheduled|postponed)\b|\b(cancel+ed|rescheduled|postponed|moved):?\s.{0,60}\b(meeting|call|session)\b/i;

interface ToolFormat {
  tool: string;
  sender: RegExp;
  comment: RegExp;
}

/** Comment and mention notifications of collaboration tools: sender domain plus wording. */
const COMMENT_FORMATS: ToolFormat[] = [
  {
    tool: 'GitHub',
    sender: /(^|\.)github\.com$/,
    comment:
      /commented on|mentioned you|@\S+ mentioned|requested your review|review requested|left a comment|replied to|approved this pull request|requested changes|reply to this email directly|you are receiving this because you (were mentioned|commented|authored|are subscribed|were assigned|modified)/i,
  },
  {
    tool: 'GitLab',
    sender: /(^|\.)gitlab\.(com|io)$/,
    comment: /commented|mentioned you|new comment|reply to this email directly/i,
  },
  {
    tool: 'Jira',
    sender: /atlassian\.net$|(^|\.)atlassian\.com$|jira/i,
    comment: /commented on|mentioned you|\bcomment\b|replied/i,
  },
  { tool: 'Confluence', sender: /atlassian\.net$/, comment: /commented on|mentioned you|replied to your comment/i },
  {
    tool: 'Google Docs',
    sender: /^(docs|comments|drive-shares|sheets|slides)[-\w.]*@(docs\.)?google\.com$/,
    comment: /comment|mentioned you|assigned you|replied|new activity|shared/i,
  },
  { tool: 'Figma', sender: /(^|\.)figma\.com$/, comment: /comment|mentioned you|replied/i },
  {
    tool: 'Notion',
    sender: /(^|\.)(notion\.so|mail\.notion\.so|makenotion\.com)$/,
    comment: /comment|mentioned you|replied|@/i,
  },
  {
    tool: 'Microsoft Office',
    sender: /(^|\.)(microsoft\.com|sharepointonline\.com|office\.com|office365\.com)$/,
    comment: /commented on|mentioned you|@mentioned you|replied to your comment|left a comment/i,
  },
  { tool: 'Linear', sender: /(^|\.)linear\.app$/, comment: /comment|mentioned you|replied/i },
  { tool: 'Asana', sender: /(^|\.)asana\.com$/, comment: /comment|mentioned you|replied/i },
  { tool: 'Trello', sender: /(^|\.)trello\.com$/, comment: /comment|mentioned you/i },
  { tool: 'Slack', sender: /(^|\.)slack\.com$/, comment: /mentioned you|sent you a (direct )?message|replied to/i },
  { tool: 'Bitbucket', sender: /(^|\.)bitbucket\.org$/, comment: /commented|mentioned you/i },
];

const TRACKER_MAIL =
  /-{3,}\s*Additional Comments From\b|-{3,}\s*You are receiving this mail because:|\bshow_bug\.cgi\?id=\d+[\s\S]{0,400}\b(changed|comment|summary):/i;
const COMMIT_LOG = /^\s*Log Message:\s*$/im;
const COMMIT_FILES = /^\s*(Modified|Added|Removed) Files:/im;

export function commentRule(msg: NormalisedMessage): RuleHit | undefined {
  const address = msg.from?.address ?? '';
  const domain = domainOf(address);
  const head = `${msg.subject}\n${msg.text.slice(0, 3000)}`;
  for (const format of COMMENT_FORMATS) {
    const senderMatches = format.tool === 'Google Docs' ? format.sender.test(address) : format.sender.test(domain);
    if (senderMatches && format.comment.test(head)) {
      return { category: 'comment', reason: `a ${format.tool} comment or mention notification`, confidence: 0.93 };
    }
  }
  // A bug tracker's comment or change mail, whatever the tool's domain (Bugzilla's fixed wording).
  if (TRACKER_MAIL.test(head)) {
    return { category: 'comment', reason: 'a bug tracker comment or change notification', confidence: 0.9 };
  }
  // A version-control commit notice: a change to shared code, with its log message.
  // (The literal first: the multi-line pattern is slow to fail on the many texts without it.)
  if (head.includes('Log Message:') && COMMIT_LOG.test(head) && COMMIT_FILES.test(head)) {
    return { category: 'comment', reason: 'a commit notification (a change to shared code)', confidence: 0.88 };
  }
  // A Google Docs comment relayed under the commenter's name ("Ann Lee (Google Docs)").
  if (
    /\((Google Docs|Google Sheets|Google Slides|Google Drive)\)/i.test(msg.from?.name ?? '') &&
    /comment|mentioned|replied/i.test(head)
  ) {
    return { category: 'comment', reason: 'a Google Docs comment or mention notification', confidence: 0.93 };
  }
  return undefined;
}

const NOTIFICATION_FORMATS: Array<[RegExp, string]> = [
  [
    /\b(password reset|reset your password|reset password|verify your (email|account)|verification code|one[- ]time (code|password)|security (alert|code)|sign[- ]in (attempt|alert)|new (sign[- ]in|login)|two[- ]factor|2fa code|confirm your (email|account))\b/i,
    'an account security message',
  ],
  [
    /\b(account (has been )?(activated|created|locked|disabled|expired|suspended)|(mailbox|inbox|quota|storage) (is )?(approaching|over|exceeding|has exceeded|is full)|size limit|delivery confirmation|confirmation of (receipt|delivery)|(e-?mail|system|automatic|automated) notification|notification:)/i,
    'an automatic account or delivery notice',
  ],
  [
    /\b(your (order|receipt|invoice|payment|purchase|subscription|booking|reservation)|order (confirmation|#|number|shipped)|payment (received|confirmation|failed)|receipt (for|from)|invoice (#|no\.?|number)|has shipped|out for delivery|delivery (update|notification)|tracking number|statement is (ready|available))\b/i,
    'a receipt, invoice or delivery update',
  ],
  [
    /\b(build (failed|passed|succeeded|fixed|broken)|pipeline (failed|succeeded|passed)|workflow run|run (failed|succeeded|cancelled)|deploy(ment)? (failed|succeeded)|all jobs have (failed|succeeded)|\[ci\]|ci (failed|passed))\b/i,
    'a CI / build notification',
  ],
  [
    /\b(delivery status notification|undeliverable|mail delivery (failed|subsystem)|returned mail|out of office|automatic reply|autoreply|auto-reply|abwesenheitsnotiz)\b/i,
    'an automatic delivery report or auto-reply',
  ],
];

/** How machine notices introduce themselves: automatic generation, no reply expected, a service outage. */
const SYSTEM_NOTICE =
  /\b(this (is an )?(automated|automatic(ally generated)?|system[- ]generated) (message|e-?mail|notice|notification|reminder)|(message|e-?mail|notice) (was|is|has been) (automatically|system) generated|(is|was|are|has been) sent automatically|automatically generated (message|e-?mail|notice)|please do not (reply|respond) to this (message|e-?mail)|do not reply to this (message|e-?mail)|no (response|reply) (is )?(required|necessary|needed)|you are receiving this (notification|notice|alert)|has been quarantined|(scheduled|planned) (maintenance|outage|downtime)|will be (unavailable|down|offline) (from|between|on|during)|(automated|automatic) ([\w-]+ ){0,3}(reminder|notice|notification|report|alert)|the following ([\w-]+ ){0,2}(reports?|items?|documents?|requests?|invoices?|orders?|tasks?) (have|has) been (waiting|pending|awaiting))\b/i;

/** Machine mail confirming something the reader did: an order, a ticket, a registration, an account change. */
const TRANSACTION_TEXT =
  /\b(we have|we've) (received|issued|processed|shipped) your\b|\byour (recent )?(\w+ )?(order|registration|reservation|booking|ticket|payment|enrollment|password|account) (has been|was) (received|confirmed|processed|issued|created|activated|shipped|reset|changed)\b|\bthank you for (your (order|purchase|payment)|registering|ordering)\b|\byou have been (added|registered|enrolled) (to|for|in)\b/i;

const TOOL_DOMAINS =
  /(^|\.)(github\.com|gitlab\.com|atlassian\.net|figma\.com|notion\.so|linear\.app|asana\.com|trello\.com|slack\.com|circleci\.com|travis-ci\.(com|org)|vercel\.com|netlify\.com|sentry\.io|pagerduty\.com|bitbucket\.org)$/;

export function notificationRule(msg: NormalisedMessage): RuleHit | undefined {
  const s = msg.signals;
  const head = `${msg.subject}\n${msg.text.slice(0, 1500)}`;
  if (s.autoSubmitted)
    return {
      category: 'notification',
      reason: `sent automatically (Auto-Submitted: ${s.autoSubmitted})`,
      confidence: 0.92,
    };
  for (const [pattern, what] of NOTIFICATION_FORMATS) {
    if (pattern.test(msg.subject) || ((s.noReplySender || !!s.bulkMailer) && pattern.test(head))) {
      return { category: 'notification', reason: `looks like ${what}`, confidence: 0.88 };
    }
  }
  if (SYSTEM_NOTICE.test(head))
    return { category: 'notification', reason: 'looks like an automated system notice', confidence: 0.8 };
  if (TRANSACTION_TEXT.test(head.length > 700 ? head.slice(0, 700) : head))
    return {
      category: 'notification',
      reason: 'confirms something you did (an order, a ticket, a registration, an account change)',
      confidence: 0.8,
    };
  const domain = domainOf(msg.from?.address ?? '');
  if (TOOL_DOMAINS.test(domain))
    return { category: 'notification', reason: `automated mail from ${domain}`, confidence: 0.88 };
  if (s.noReplySender) return { category: 'notification', reason: 'sent from a no-reply address', confidence: 0.85 };
  if (
    msg.from &&
    /^((notifications?|notify|alerts?|updates?|system|automated|robot|bot|daemon|info|support|billing|accounts?|security|receipts?|orders?|rss|rss-?feeds?|feeds?|news-?feeds?|headlines|digests?|mailer-daemon|postmaster|webmaster|nobody|mailman|listserv|majordomo)([-+_.].*)?|[\w.]+-(owner|admin|request|bounces?))@/i.test(
      msg.from.address,
    ) &&
    !s.listUnsubscribe
  ) {
    return {
      category: 'notification',
      reason: `sent by an automated address (${msg.from.address.split('@')[0]}@)`,
      confidence: 0.8,
    };
  }
  return undefined;
}

/** A date, or how often: "12/21", "2002-08-30", "May 24th", "24 May", "daily". */
const SUBJECT_DATE =
  /\b\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(st|nd|rd|th)?\b|\b\d{1,2}(st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b(daily|weekly|monthly|nightly|hourly)\b/i;
/** What a system sends on a schedule: a report, a summary, a listing, figures. */
const SUBJECT_REPORT =
  /\b(reports?|summary|indices|index|headlines|stories|digest|bulletin|listing|data ?sheets?|forecast|statistics|stats|prices|quotes|results|positions?)\b/i;
const FORWARD_OR_REPLY_SUBJECT = /^\s*(re|aw|sv|antw|fw|fwd|wg)\s*:/i;
const FORWARDED_TEXT = /-{2,}\s*(Original Message|Forwarded by)/i;

/**
 * A report or digest sent on a schedule (guideline: system reports, automated digests of a system): the
 * subject names a report, a summary or figures together with the date or period it covers, and the message
 * is neither a reply nor a forward (a colleague passing a report on writes fyi mail). Not for the user's own
 * mail: the caller checks.
 */
export function periodicReportRule(msg: NormalisedMessage): RuleHit | undefined {
  const subject = msg.subject;
  if (!SUBJECT_REPORT.test(subject) || !SUBJECT_DATE.test(subject)) return undefined;
  if (FORWARD_OR_REPLY_SUBJECT.test(subject) || msg.signals.inReplyTo || msg.quoted.trim()) return undefined;
  if (FORWARDED_TEXT.test(msg.text.length > 3000 ? msg.text.slice(0, 3000) : msg.text)) return undefined;
  return {
    category: 'notification',
    reason: 'a dated report or digest in the subject: automated periodic mail',
    confidence: 0.75,
  };
}

/** Campaign mail: a marketing-only bulk service together with an unsubscribe link. */
export function marketingRule(msg: NormalisedMessage): RuleHit | undefined {
  const s = msg.signals;
  if (
    s.bulkMailer &&
    MARKETING_SERVICES.has(s.bulkMailer) &&
    (s.listUnsubscribe || /unsubscribe/i.test(msg.text.slice(-4000)))
  ) {
    return { category: 'marketing', reason: `sent through ${s.bulkMailer} with an unsubscribe link`, confidence: 0.93 };
  }
  return undefined;
}

/** How bulk mail tells its reader how to stop receiving it. */
const OPT_OUT =
  /\bunsubscribe\b|\bopt[- ]?out\b|\bremoved? (yourself |you |your (e-?mail )?(address )?)?from (our|this|the|my|all|any|future)( \w+)? (mailing |e-?mail )?lists?\b|\bto be removed\b|\b(taken|take you|take me) off (of )?(our |this |the |any |all )?(\w+ )?(mailing |e-?mail )?lists?\b|\b(no longer|do not|don't) wish to receive\b|\b(rather|prefer) not (to )?receive\b|\bwish to be removed\b|\bclick here to remove\b|\bremoval instructions\b|"remove" (in|as) the subject|\bexcluded from (future|further) (contacts?|mailings?|e-?mails?)\b|\b(communication|e-?mail|mailing|subscription) preferences\b/i;
const REPLY_SUBJECT = /^\s*(re|aw|sv|antw)\s*:/i;
/** The footer a discussion group's server adds to every post: how to leave the group or list. */
const GROUP_FOOTER =
  /\bunsubscribe from this (group|list|mailing list)\b|[\w.-]+-unsubscribe@[\w.-]+|\/mailman\/listinfo\b|\blistinfo\//i;
/** A "[group]" tag that a list server puts before the subject of every post. */
const GROUP_TAG = /^\s*\[[^\]]{2,40}\]/;

/**
 * A post to a discussion group sent without List-* headers (old group servers): the subject carries the
 * group's tag and the footer tells members how to leave the group. Its opt-out line is the group's, not a
 * mass mailing's (guideline: discussion on a mailing list is fyi or to_respond; spam relayed through a
 * group is still caught by pitchRule).
 */
export function discussionListFooter(subject: string, tail: string): boolean {
  return GROUP_TAG.test(subject) && GROUP_FOOTER.test(tail);
}

/**
 * Mass mailing (guideline: newsletters, promotions, mass mailings): not part of a conversation, not a
 * mailing-list discussion, and either tells the reader how to stop receiving it or is link-heavy HTML.
 */
export function promotionRule(msg: NormalisedMessage): RuleHit | undefined {
  const s = msg.signals;
  if (s.listId || s.inReplyTo || REPLY_SUBJECT.test(msg.subject)) return undefined;
  const tail = msg.text.length > 1500 ? msg.text.slice(-1500) : msg.text;
  if (OPT_OUT.test(tail) && !discussionListFooter(msg.subject, tail))
    return { category: 'marketing', reason: 'a mass mailing: tells you how to unsubscribe', confidence: 0.88 };
  if (msg.html !== undefined && (msg.linkCount ?? 0) >= 4)
    return { category: 'marketing', reason: 'a mass mailing: link-heavy HTML', confidence: 0.85 };
  return undefined;
}

/**
 * Selling or soliciting (guideline: promotions, cold outreach, spam): several distinct selling cues in a
 * message that is not part of a conversation (no In-Reply-To, no quoted history); two when the reader
 * got a blind copy. Unlike promotionRule it also covers spam relayed through a mailing list and mail
 * without an opt-out line.
 */
export function pitchRule(msg: NormalisedMessage, { blind = false }: { blind?: boolean } = {}): RuleHit | undefined {
  if (msg.signals.inReplyTo) return undefined;
  // Quoted text without In-Reply-To: a conversation, or bulk mail dressed as one ("> Dear friend…"); one
  // cue more than usual decides. Blind copies (the reader in neither To nor Cc, no mailing list) are how
  // bulk mail is sent: there two selling cues are enough.
  const quoted = msg.quoted.trim() !== '';
  const needed = quoted ? PITCH_CUES + 1 : blind && !msg.signals.listId ? PITCH_CUES - 1 : PITCH_CUES;
  const cues = pitchCues(msg, Math.max(needed, PITCH_CUES)); // only the first three are named
  if (cues.length < needed) return undefined;
  return { category: 'marketing', reason: `sells or solicits: ${cues.slice(0, 3).join(', ')}`, confidence: 0.85 };
}

const FORWARD_START = /^\s*-{2,}\s*(Forwarded by|Original Message)|^\s*-{5,}/im;

/** An appointment: a clock time, a span of hours, or a meeting word. */
const APPOINTMENT =
  /\b\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b|\b(meeting|meet with|lunch|dinner|breakfast|luncheon|conference call|call with|appointment|reception|speech|panel|fly to|flight|hold for|staff meeting|conference room|dial[- ]in|passcode|bridge)\b/i;

/**
 * A message that was never sent to anyone: it has headers, but no recipient and no trace of delivery
 * (no To, Cc, Bcc, Delivered-To or Received). Such an item is a note or a calendar entry kept in the
 * mailbox; with an appointment in it, it is calendar machinery (guideline: meeting_update). Returns
 * `note` for the rest: nobody was asked anything, so it cannot be waiting for a reply.
 */
export function unaddressedRule(msg: NormalisedMessage): RuleHit | 'note' | undefined {
  const h = msg.headers;
  if (!h.from || !(h['message-id'] || h.date)) return undefined; // a bare record: its recipients are unknown
  if (msg.to.length > 0 || msg.cc.length > 0) return undefined;
  if (h.to || h.cc || h.bcc || h['delivered-to'] || h['x-original-to'] || h.received || h['list-id']) return undefined;
  // Only the note's own text: a forwarded message's header times are not an appointment.
  const text = msg.newText.trim() || msg.quoted.trim() ? msg.newText : msg.text;
  const forwarded = FORWARD_START.exec(text);
  const own = (forwarded ? text.slice(0, forwarded.index) : text).slice(0, 1500);
  if (APPOINTMENT.test(`${msg.subject}\n${own}`)) {
    return {
      category: 'meeting_update',
      reason: 'a calendar entry: addressed to nobody, it gives a time or a meeting',
      confidence: 0.75,
    };
  }
  return 'note';
}
