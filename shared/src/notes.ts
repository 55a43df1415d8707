import { type Static, Type } from 'typebox';

/** Longest transcript the API accepts: about ten hours of talk, far beyond any real meeting. */
export const MAX_TRANSCRIPT_CHARS = 2_000_000;

export const TRANSCRIPT_FORMATS = ['vtt', 'srt', 'txt', 'json'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];
export const TranscriptFormatSchema = Type.Union([
  Type.Literal('vtt'),
  Type.Literal('srt'),
  Type.Literal('txt'),
  Type.Literal('json'),
]);

/** Indices into the normalised speaker turns, so a client can show where an item came from. */
export const SourceTurns = Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 50 });

export const NotesRequest = Type.Object(
  {
    transcript: Type.String({ minLength: 1, maxLength: MAX_TRANSCRIPT_CHARS }),
    format: Type.Optional(TranscriptFormatSchema),
    meetingDate: Type.Optional(
      Type.String({
        maxLength: 64,
        pattern: '^\\d{4}-\\d{2}-\\d{2}',
        description: 'ISO 8601 date or date-time of the meeting; due dates ("by Friday") resolve against it.',
      }),
    ),
    timeZone: Type.Optional(
      Type.String({ maxLength: 64, description: 'IANA zone of the meeting, e.g. Europe/Berlin.' }),
    ),
    attendees: Type.Optional(
      Type.Array(Type.String({ maxLength: 320, description: 'A name, an address, or "Name <address>".' }), {
        maxItems: 200,
      }),
    ),
    title: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { $id: 'NotesRequest', additionalProperties: false },
);
export type NotesRequest = Static<typeof NotesRequest>;

export const ActionItem = Type.Object(
  {
    owner: Type.String({ maxLength: 200, description: 'A speaker or named person; "Unassigned" when nobody took it.' }),
    task: Type.String({ maxLength: 500 }),
    due: Type.Union([Type.String({ maxLength: 64 }), Type.Null()], {
      description: 'YYYY-MM-DD for a day, or an ISO date-time with offset when a time of day was said; null if none.',
    }),
    dueText: Type.Optional(Type.String({ maxLength: 120, description: 'The due phrase as spoken, e.g. "by Friday".' })),
    sourceTurns: Type.Optional(SourceTurns),
  },
  { additionalProperties: false },
);
export type ActionItem = Static<typeof ActionItem>;

export const Decision = Type.Object(
  { text: Type.String({ maxLength: 500 }), sourceTurns: Type.Optional(SourceTurns) },
  { additionalProperties: false },
);
export type Decision = Static<typeof Decision>;

export const OpenQuestion = Type.Object(
  {
    text: Type.String({ maxLength: 500 }),
    askedBy: Type.Optional(Type.String({ maxLength: 200 })),
    sourceTurns: Type.Optional(SourceTurns),
  },
  { additionalProperties: false },
);
export type OpenQuestion = Static<typeof OpenQuestion>;

export const FollowUpEmail = Type.Object(
  { subject: Type.String({ maxLength: 300 }), text: Type.String({ maxLength: 20_000 }) },
  { additionalProperties: false },
);
export type FollowUpEmail = Static<typeof FollowUpEmail>;

export const MeetingNotes = Type.Object(
  {
    summary: Type.Array(Type.String({ maxLength: 600 }), { maxItems: 10 }),
    summarySourceTurns: Type.Optional(Type.Array(SourceTurns, { maxItems: 10 })),
    decisions: Type.Array(Decision, { maxItems: 50 }),
    actionItems: Type.Array(ActionItem, { maxItems: 100 }),
    openQuestions: Type.Array(OpenQuestion, { maxItems: 50 }),
    followUp: FollowUpEmail,
    warnings: Type.Optional(
      Type.Array(Type.String({ maxLength: 300 }), {
        maxItems: 20,
        description: 'Problems found in the transcript that did not stop the notes, e.g. a truncated file.',
      }),
    ),
  },
  { $id: 'MeetingNotes', additionalProperties: false },
);
export type MeetingNotes = Static<typeof MeetingNotes>;

/** Stored notes as the API shows them. */
export const MeetingNotesRecord = Type.Object(
  {
    id: Type.String(),
    title: Type.Union([Type.String(), Type.Null()]),
    meetingDate: Type.Union([Type.String({ description: 'ISO date-time' }), Type.Null()]),
    createdAt: Type.String(),
    ...MeetingNotes.properties,
  },
  { additionalProperties: false },
);
export type MeetingNotesRecord = Static<typeof MeetingNotesRecord>;

const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/**
 * POST /v1/meetings/notes as the route takes it: the transcript's length is checked by the transcript
 * parser (so an over-long transcript is a 413 like an over-large body), and the audio of a transcription
 * may be kept with the notes.
 */
export const NotesBody = Type.Object(
  {
    ...NotesRequest.properties,
    // The length is checked by the transcript parser, so an over-long transcript is a 413 like an over-large body.
    transcript: Type.String({
      minLength: 1,
      description: 'WebVTT, SRT, "Speaker: text" lines or JSON; at most 2 000 000 characters.',
    }),
    transcriptionId: Type.Optional(
      Type.String({
        pattern: UUID_PATTERN,
        description: 'From POST /v1/meetings/transcribe: the notes keep that audio along with the transcript.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type NotesBody = Static<typeof NotesBody>;

export const NotesList = Type.Object({ items: Type.Array(MeetingNotesRecord) });
export const NotesListQuery = Type.Object(
  { limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1 to 100; default 50' })) },
  { additionalProperties: false },
);
export type NotesList = Static<typeof NotesList>;
export type NotesListQuery = Static<typeof NotesListQuery>;

/** POST /v1/meetings/transcribe answers the transcript of the uploaded audio. */
export const TranscriptionResponse = Type.Object({
  transcriptionId: Type.Optional(
    Type.String({
      description:
        'Pass to POST /v1/meetings/notes to keep the audio with the notes. Absent when the audio could not be kept.',
    }),
  ),
  transcript: Type.String(),
  format: Type.Union([Type.Literal('vtt'), Type.Literal('txt')]),
  language: Type.Optional(Type.String()),
  durationSeconds: Type.Optional(Type.Number()),
});
export type TranscriptionResponse = Static<typeof TranscriptionResponse>;

/** GET /v1/meetings/notes/{id}/transcript: the numbered speaker turns that `sourceTurns` point at. */
export const TranscriptTurns = Type.Object({
  turns: Type.Array(
    Type.Object({
      index: Type.Integer({ minimum: 0 }),
      speaker: Type.String(),
      text: Type.String(),
      start: Type.Optional(Type.Number()),
      end: Type.Optional(Type.Number()),
    }),
  ),
});
export type TranscriptTurns = Static<typeof TranscriptTurns>;
