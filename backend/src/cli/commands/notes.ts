import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  defaultSettings,
  MAX_TRANSCRIPT_CHARS,
  type MeetingNotes,
  type NotesRequest,
  type TranscriptFormat,
} from '@steward/shared';
import { DateTime } from 'luxon';
import { configureAi } from '../../ai/configured.ts';
import { loadConfig } from '../../config.ts';
import { createNotesService } from '../../notes/service.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { UsageError } from '../command.ts';

const USAGE = `Usage: steward notes [--json] [--date ISO_DATE] [--tz IANA_ZONE] [--attendee NAME]... [--title TEXT] TRANSCRIPT

Meeting notes from a transcript: summary, decisions, action items, open questions and a follow-up email.
  --json            one JSON line: {"summary", "decisions", "actionItems", "openQuestions", "followUp", …}
  --date ISO_DATE   when the meeting took place; due dates ("by Friday") resolve against it.
                    Default: the transcript file's modification time (said on stderr).
  --tz IANA_ZONE    the meeting's time zone (default UTC)
  --attendee NAME   a participant, "Name" or "Name <address>"; repeatable; the follow-up greets them
  --title TEXT      the meeting's title, used in the follow-up's subject
TRANSCRIPT: .vtt, .srt, .txt ("Speaker: text" lines) or .json ([{"speaker", "text", "start"?}]);
other extensions and - (stdin) are recognised by content.`;

interface NotesArgs {
  json: boolean;
  date?: string;
  tz?: string;
  attendees: string[];
  title?: string;
  input: string;
}

function parseArgs(args: string[]): NotesArgs {
  const parsed: Omit<NotesArgs, 'input'> & { inputs: string[] } = { json: false, attendees: [], inputs: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--json') parsed.json = true;
    else if (['--date', '--tz', '--attendee', '--title'].includes(arg)) {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      if (arg === '--date') parsed.date = value;
      else if (arg === '--tz') parsed.tz = value;
      else if (arg === '--title') parsed.title = value;
      else parsed.attendees.push(value);
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option "${arg}"`);
    else parsed.inputs.push(arg);
  }
  if (parsed.inputs.length !== 1) throw new UsageError('give exactly one TRANSCRIPT');
  const { inputs, ...rest } = parsed;
  return { ...rest, input: inputs[0] ?? '' };
}

const FORMAT_BY_EXTENSION: Record<string, TranscriptFormat> = {
  '.vtt': 'vtt',
  '.webvtt': 'vtt',
  '.srt': 'srt',
  '.txt': 'txt',
  '.json': 'json',
};

async function readTranscript(input: string, io: CliIo): Promise<{ text: string; modified?: Date }> {
  if (input === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of io.stdin) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buffer.length;
      if (size > MAX_TRANSCRIPT_CHARS * 4) throw new Error('the transcript on stdin is too large');
      chunks.push(buffer);
    }
    return { text: Buffer.concat(chunks).toString('utf8') };
  }
  const file = path.resolve(io.cwd, input);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch {
    throw new Error(`cannot read ${input}: no such file`);
  }
  if (!info.isFile()) throw new Error(`cannot read ${input}: not a file`);
  // UTF-8 needs at most 4 bytes a character, so a bigger file is over the limit whatever it holds.
  if (info.size > MAX_TRANSCRIPT_CHARS * 4)
    throw new Error(`${input} is too large for a transcript (${info.size} bytes)`);
  return { text: await readFile(file, 'utf8'), modified: info.mtime };
}

function formatNotes(notes: MeetingNotes, tz: string | undefined): string {
  const bullet = (text: string) => `  • ${text}`;
  const section = (title: string, lines: string[]) => [title, ...(lines.length > 0 ? lines : ['  (none)']), ''];
  const due = (value: string | null) => {
    if (!value) return 'no date';
    const when = DateTime.fromISO(value, { setZone: true });
    if (!when.isValid) return value;
    const zoned = tz && value.length > 10 ? when.setZone(tz) : when;
    return value.length > 10 ? zoned.toFormat('ccc d LLL yyyy, HH:mm') : zoned.toFormat('ccc d LLL yyyy');
  };
  return [
    ...section('Summary', notes.summary.map(bullet)),
    ...section(
      'Decisions',
      notes.decisions.map((d) => bullet(d.text)),
    ),
    ...section(
      'Action items',
      notes.actionItems.map((item) => bullet(`${item.owner}: ${item.task} (due ${due(item.due)})`)),
    ),
    ...section(
      'Open questions',
      notes.openQuestions.map((q) => bullet(q.askedBy ? `${q.text} (asked by ${q.askedBy})` : q.text)),
    ),
    'Follow-up email',
    `  Subject: ${notes.followUp.subject}`,
    '',
    ...notes.followUp.text
      .trimEnd()
      .split('\n')
      .map((line) => (line ? `  ${line}` : '')),
    '',
  ].join('\n');
}

export const notesCommand: CliCommand = {
  name: 'notes',
  summary: 'Meeting notes and a follow-up email from a transcript',
  usage: USAGE,
  async run(args, io) {
    const options = parseArgs(args);
    const { text, modified } = await readTranscript(options.input, io);
    const format = FORMAT_BY_EXTENSION[path.extname(options.input).toLowerCase()];
    let meetingDate = options.date;
    if (meetingDate === undefined && modified) {
      meetingDate = DateTime.fromJSDate(modified, { zone: options.tz ?? 'utc' }).toISO() ?? undefined;
      if (meetingDate)
        io.stderr.write(`due dates resolved against the file's date ${meetingDate.slice(0, 10)} (use --date)\n`);
    }
    const request: NotesRequest = {
      transcript: text,
      ...(format ? { format } : {}),
      ...(meetingDate ? { meetingDate } : {}),
      ...(options.tz ? { timeZone: options.tz } : {}),
      ...(options.attendees.length > 0 ? { attendees: options.attendees } : {}),
      ...(options.title ? { title: options.title } : {}),
    };
    // The engine AI_PROVIDER chooses, exactly as for the server (no database: usage is kept in memory).
    const { model } = configureAi(loadConfig({ ...io.env, LOG_LEVEL: 'silent' }, io.cwd));
    const notes = createNotesService(model ? { model } : {});
    const result = await notes.notes({ userKey: 'local:cli', settings: defaultSettings() }, request);
    if (!result.ok) {
      if (result.error.code === 'invalid_meeting_date' || result.error.code === 'invalid_time_zone') {
        throw new UsageError(result.error.message);
      }
      throw new Error(`${options.input}: ${result.error.message}`);
    }
    for (const warning of result.notes.warnings ?? []) io.stderr.write(`warning: ${warning}\n`);
    io.stdout.write(options.json ? `${JSON.stringify(result.notes)}\n` : formatNotes(result.notes, options.tz));
    return 0;
  },
};
