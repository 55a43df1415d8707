import type { ActionItem, Decision, FollowUpEmail, OpenQuestion, VoiceProfile } from '@steward/shared';
import { DateTime } from 'luxon';

/** The few habits of the user's writing the follow-up needs (a subset of the voice profile). */
export interface VoiceHint {
  /** "Hi", "Hey team,", or a template with {name}: "Hi {name},". */
  greeting?: string;
  /** "Best", "Cheers,", "Thanks!". */
  signOff?: string;
  /** The name the user signs with. */
  name?: string;
}

export interface FollowUpInput {
  title?: string;
  meetingDate?: Date;
  tz?: string;
  /** Names, addresses or "Name <address>"; the greeting names up to four of them. */
  attendees?: readonly string[];
  decisions: readonly Decision[];
  actionItems: readonly ActionItem[];
  openQuestions: readonly OpenQuestion[];
  voice?: VoiceHint;
}

/** A plain-text recap email to the attendees: decisions, owned and dated action items, open questions. */
export function composeFollowUp(input: FollowUpInput): FollowUpEmail {
  const meetingDay = input.meetingDate
    ? formatDay(DateTime.fromJSDate(input.meetingDate, { zone: zoneOf(input.tz) }))
    : null;
  const meetingName = input.title?.trim() || null;
  const subject = meetingName
    ? `Follow-up: ${meetingName}`
    : meetingDay
      ? `Follow-up: our meeting on ${meetingDay}`
      : 'Meeting follow-up';

  const occasion = [meetingName ? `"${meetingName}"` : 'the meeting', meetingDay ? `on ${meetingDay}` : null]
    .filter(Boolean)
    .join(' ');
  const paragraphs: string[] = [greetingLine(input), `Thanks for your time in ${occasion}. Here is a recap.`];

  if (input.decisions.length > 0) {
    paragraphs.push(['Decisions:', ...input.decisions.map((decision) => `- ${decision.text}`)].join('\n'));
  }
  if (input.actionItems.length > 0) {
    const year = input.meetingDate ? DateTime.fromJSDate(input.meetingDate).year : DateTime.now().year;
    paragraphs.push(
      [
        'Action items:',
        ...input.actionItems.map(
          (item) =>
            `- ${item.owner}: ${stripFinalStop(item.task)} (${item.due ? `due ${formatDue(item.due, year)}` : 'no date set'})`,
        ),
      ].join('\n'),
    );
  }
  if (input.decisions.length === 0 && input.actionItems.length === 0) {
    paragraphs.push('No decisions or action items were recorded.');
  }
  if (input.openQuestions.length > 0) {
    paragraphs.push(['Open questions:', ...input.openQuestions.map((question) => `- ${question.text}`)].join('\n'));
  }
  paragraphs.push('Let me know if I missed anything or got something wrong.');
  paragraphs.push(signOffLines(input.voice));
  return { subject, text: `${paragraphs.filter((p) => p !== '').join('\n\n')}\n` };
}

function greetingLine(input: FollowUpInput): string {
  const userFirstName = input.voice?.name?.trim().split(/\s+/)[0]?.toLowerCase();
  const names = [
    ...new Set((input.attendees ?? []).map(firstNameOf).filter((name): name is string => Boolean(name))),
  ].filter((name) => name.toLowerCase() !== userFirstName);
  // Up to four people are named ("Hi Maya, Tom and Priya,"); a bigger group is greeted as one.
  const addressed =
    names.length === 0 || names.length > 4
      ? 'all'
      : names.length === 1
        ? names[0]
        : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  // An empty greeting is the user's habit of starting without one.
  const greeting = input.voice?.greeting === undefined ? 'Hi {name},' : input.voice.greeting.trim();
  if (greeting === '') return '';
  if (greeting.includes('{name}')) return greeting.replaceAll('{name}', addressed ?? 'all');
  // A bare salutation ("Hey") gets the names; a complete one ("Hi team,") is the user's choice as it is.
  if (/[,!:]$/.test(greeting) || greeting.split(/\s+/).length > 1) return greeting;
  return `${greeting} ${addressed},`;
}

/** The sign-off and the name under it; without a name, none at all (never a "Best," left hanging). */
function signOffLines(voice: VoiceHint | undefined): string {
  const signOff = voice?.signOff === undefined ? 'Best,' : voice.signOff.trim();
  const closing = signOff === '' || /[,!.]$/.test(signOff) || signOff.includes('\n') ? signOff : `${signOff},`;
  const name = voice?.name?.trim();
  // A sign-off of several lines carries its own name ("Best,\nAnn").
  if (!name) return closing.includes('\n') ? closing : '';
  if (closing.toLowerCase().includes(name.toLowerCase())) return closing;
  return closing ? `${closing}\n${name}` : name;
}

/** "Sarah Chen <sarah@x.com>" → Sarah; "sarah.chen@x.com" → Sarah; "Sarah" → Sarah. */
export function firstNameOf(attendee: string): string | null {
  const display = attendee
    .replace(/<[^>]*>/, '')
    .replace(/["']/g, '')
    .trim();
  if (display && !display.includes('@')) return display.split(/\s+/)[0] ?? null;
  const local = (attendee.match(/([^<\s@]+)@/)?.[1] ?? '').split(/[._+-]/)[0] ?? '';
  if (!/^[a-z]{2,}$/i.test(local)) return null;
  return local.charAt(0).toUpperCase() + local.slice(1).toLowerCase();
}

function zoneOf(tz: string | undefined): string {
  return tz && DateTime.now().setZone(tz).isValid ? tz : 'utc';
}

function formatDay(day: DateTime): string {
  return day.toFormat('ccc d LLL yyyy');
}

/** "2026-03-06" → "Fri 6 Mar"; a date-time keeps its time; the year only when it is not the meeting's. */
function formatDue(due: string, meetingYear: number): string {
  const when = DateTime.fromISO(due, { setZone: true });
  if (!when.isValid) return due;
  const day = when.toFormat(when.year === meetingYear ? 'ccc d LLL' : 'ccc d LLL yyyy');
  return due.length > 10 ? `${day}, ${when.toFormat('HH:mm')}` : day;
}

function stripFinalStop(text: string): string {
  return text.replace(/[.]+$/, '');
}

/** The follow-up's voice from a learned profile: the user's most used greeting and sign-off. */
export function voiceHintFromProfile(profile: VoiceProfile): VoiceHint {
  const greeting = profile.greetings[0]?.text;
  const signOff = profile.signOffs[0]?.text;
  return {
    ...(greeting === undefined ? {} : { greeting }),
    ...(signOff === undefined ? {} : { signOff }),
    ...(profile.signatureName ? { name: profile.signatureName } : {}),
  };
}
