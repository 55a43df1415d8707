import type { Decision, MeetingNotes, NotesRequest } from '@steward/shared';
import { DateTime } from 'luxon';
import { compressSentence } from './compress.ts';
import { extractDecisions, leadSpeaker } from './decisions.ts';
import { composeFollowUp, firstNameOf, type VoiceHint } from './follow-up.ts';
import { extractActionItems, type ItemContext } from './items.ts';
import { extractOpenQuestions } from './questions.ts';
import { type SummaryBullet, summariseTurns } from './summary.ts';
import { sentencesOfTurns } from './text.ts';
import { parseTranscript, type TranscriptErrorCode, type Turn, UNKNOWN_SPEAKER } from './transcript.ts';

export interface NotesLocalOptions {
  /** When the meeting happened; due dates ("by Friday") resolve against it. */
  meetingDate?: Date;
  /** IANA zone of the meeting, for due dates and the follow-up's dates. Default UTC. */
  tz?: string;
  /** Names, addresses or "Name <address>"; owners are matched against them and the follow-up greets them. */
  attendees?: string[];
  title?: string;
  voice?: VoiceHint;
  /** Transcript warnings to pass through to the notes. */
  warnings?: string[];
}

const MAX_TEXT = 500;
/** The sentence of a decision's turn that states it (not the greeting before it). */
const DECIDED =
  /\b(?:agreed|decided|decision|settled|go with|stick with|then we|so we|we(?:'ll| will)? (?:launch|ship|release|use))\b/i;

/** The local engine's meeting notes: extractive, deterministic, offline. */
export function makeNotesLocal(turns: readonly Turn[], opts: NotesLocalOptions = {}): MeetingNotes {
  const ctx: ItemContext = {
    turns,
    sentences: sentencesOfTurns(turns),
    people: peopleOf(turns, opts.attendees ?? []),
    lead: leadSpeaker(turns),
    ...(opts.meetingDate ? { meetingDate: opts.meetingDate } : {}),
    ...(opts.tz ? { tz: opts.tz } : {}),
  };
  const decisions = extractDecisions(ctx)
    .slice(0, 50)
    .map((d) => ({ ...d, text: clip(d.text) }));
  // What was decided belongs in the summary before what was merely said.
  const decided = new Set(decisions.map((d) => d.sourceTurns?.[0]));
  const bullets = withDecisions(
    summariseTurns(turns, { priority: (s) => (decided.has(s.turn) && DECIDED.test(s.text) ? 2 : 1) }),
    decisions,
    ctx,
  );
  const actionSentences = new Set<string>();
  const actionItems = extractActionItems(ctx, actionSentences)
    .slice(0, 100)
    .map((item) => ({ ...item, task: clip(item.task) }));
  const openQuestions = extractOpenQuestions(ctx, actionSentences, decisions).map((q) => ({
    ...q,
    text: clip(q.text),
  }));
  const followUp = composeFollowUp({
    decisions,
    actionItems,
    openQuestions,
    ...(opts.title ? { title: opts.title } : {}),
    ...(opts.meetingDate ? { meetingDate: opts.meetingDate } : {}),
    ...(opts.tz ? { tz: opts.tz } : {}),
    ...(opts.attendees ? { attendees: opts.attendees } : {}),
    ...(opts.voice ? { voice: opts.voice } : {}),
  });
  return {
    summary: bullets.map((bullet) => bullet.text),
    summarySourceTurns: bullets.map((bullet) => bullet.sourceTurns),
    decisions,
    actionItems,
    openQuestions,
    followUp,
    ...(opts.warnings && opts.warnings.length > 0 ? { warnings: opts.warnings.slice(0, 20) } : {}),
  };
}

/** The first decisions, as third-person bullets, when the summary does not carry them yet. */
function withDecisions(bullets: SummaryBullet[], decisions: Decision[], ctx: ItemContext): SummaryBullet[] {
  const cited = new Set(bullets.flatMap((b) => b.sourceTurns));
  const added: SummaryBullet[] = [];
  for (const decision of decisions.slice(0, 2)) {
    const turn = decision.sourceTurns?.[0];
    if (turn === undefined || cited.has(turn)) continue;
    const sentence = ctx.sentences.find((s) => s.turn === turn && DECIDED.test(s.text));
    const text = sentence ? compressSentence(sentence.text, sentence.speaker) : null;
    if (text) added.push({ text, sourceTurns: [turn] });
  }
  if (!added.length) return bullets;
  // The overview line, when there is one, stays first; the rest in meeting order.
  const [first, ...rest] = bullets;
  const overview = first?.text.startsWith('The meeting discussed') ? [first] : [];
  const ordered = [...(overview.length ? rest : bullets), ...added].sort(
    (a, b) => (a.sourceTurns[0] ?? 0) - (b.sourceTurns[0] ?? 0),
  );
  return [...overview, ...ordered].slice(0, 10);
}

/** Speakers and attendees, by the names people use for them in conversation. */
function peopleOf(turns: readonly Turn[], attendees: readonly string[]): string[] {
  const people = new Set<string>();
  for (const turn of turns) if (turn.speaker !== UNKNOWN_SPEAKER) people.add(turn.speaker);
  for (const attendee of attendees) {
    const display = attendee
      .replace(/<[^>]*>/, '')
      .replace(/["']/g, '')
      .trim();
    if (display && !display.includes('@')) people.add(display);
    else {
      const first = firstNameOf(attendee);
      if (first) people.add(first);
    }
  }
  // A speaker "Sarah" and an attendee "Sarah Chen" are one person: keep the full name.
  return [...people].filter(
    (name) => ![...people].some((other) => other !== name && other.toLowerCase().startsWith(`${name.toLowerCase()} `)),
  );
}

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1).trimEnd()}…`;
}

export type NotesResult =
  | { ok: true; notes: MeetingNotes; turns: Turn[] }
  | { ok: false; error: { code: TranscriptErrorCode | 'invalid_meeting_date' | 'invalid_time_zone'; message: string } };

/** `POST /v1/meetings/notes` and `steward notes` in one pure step: transcript text in, notes or an error value out. */
export function notesFromRequest(request: NotesRequest, voice?: VoiceHint): NotesResult {
  let meetingDate: Date | undefined;
  if (request.meetingDate !== undefined) {
    const parsed = DateTime.fromISO(request.meetingDate, { zone: request.timeZone ?? 'utc' });
    if (!parsed.isValid) {
      return {
        ok: false,
        error: { code: 'invalid_meeting_date', message: `"${request.meetingDate}" is not an ISO 8601 date.` },
      };
    }
    meetingDate = parsed.toJSDate();
  }
  if (request.timeZone !== undefined && !DateTime.now().setZone(request.timeZone).isValid) {
    return {
      ok: false,
      error: { code: 'invalid_time_zone', message: `"${request.timeZone}" is not an IANA time zone.` },
    };
  }
  const parsed = parseTranscript(request.transcript, request.format ? { format: request.format } : {});
  if (!parsed.ok) return parsed;
  const notes = makeNotesLocal(parsed.turns, {
    warnings: parsed.warnings,
    ...(meetingDate ? { meetingDate } : {}),
    ...(request.timeZone ? { tz: request.timeZone } : {}),
    ...(request.attendees ? { attendees: request.attendees } : {}),
    ...(request.title ? { title: request.title } : {}),
    ...(voice ? { voice } : {}),
  });
  return { ok: true, notes, turns: parsed.turns };
}
