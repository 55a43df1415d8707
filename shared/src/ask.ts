import { type Static, Type } from 'typebox';

/** Longest question the API takes; a longer one is refused with 400, never cut silently. */
export const MAX_QUESTION_CHARS = 10_000;

export const AskRequest = Type.Object(
  {
    question: Type.String({ minLength: 1, maxLength: MAX_QUESTION_CHARS }),
  },
  { $id: 'AskRequest', additionalProperties: false },
);
export type AskRequest = Static<typeof AskRequest>;

/** Where a statement came from: the message (its provider or client id) and the exact words quoted from it. */
export const Citation = Type.Object(
  {
    messageId: Type.String(),
    threadId: Type.Union([Type.String(), Type.Null()]),
    subject: Type.String(),
    from: Type.String(),
    date: Type.Union([Type.String(), Type.Null()]),
    quote: Type.String({ description: 'Verbatim from the message (subject or body).' }),
    /** A link that opens the message in its mail client, when Steward knows one. */
    webLink: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type Citation = Static<typeof Citation>;

export const AskResponse = Type.Object(
  {
    answer: Type.String(),
    citations: Type.Array(Citation),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    found: Type.Boolean({ description: 'False when the index holds nothing that answers the question.' }),
    engine: Type.Union([Type.Literal('local'), Type.Literal('openai')]),
    /** The time window the question's time words ("last week") resolved to, when it had any. */
    window: Type.Optional(Type.Object({ start: Type.String(), end: Type.String(), text: Type.String() })),
  },
  { $id: 'AskResponse', additionalProperties: false },
);
export type AskResponse = Static<typeof AskResponse>;

export const ThreadSummaryRequest = Type.Object(
  { threadId: Type.String({ minLength: 1, maxLength: 1024 }) },
  { $id: 'ThreadSummaryRequest', additionalProperties: false },
);
export type ThreadSummaryRequest = Static<typeof ThreadSummaryRequest>;

/** One point of a summary and the message it came from. */
export const SummaryPoint = Type.Object(
  {
    text: Type.String(),
    who: Type.String({ description: 'Who said it (name or address).' }),
    messageId: Type.String(),
    quote: Type.String({ description: 'Verbatim from that message.' }),
  },
  { additionalProperties: false },
);
export type SummaryPoint = Static<typeof SummaryPoint>;

export const ThreadSummary = Type.Object(
  {
    threadId: Type.String(),
    subject: Type.String(),
    messages: Type.Integer({ minimum: 0 }),
    participants: Type.Array(Type.String()),
    requests: Type.Array(SummaryPoint, { description: 'Who wants what.' }),
    decisions: Type.Array(SummaryPoint),
    openQuestions: Type.Array(SummaryPoint),
    engine: Type.Union([Type.Literal('local'), Type.Literal('openai')]),
  },
  { $id: 'ThreadSummary', additionalProperties: false },
);
export type ThreadSummary = Static<typeof ThreadSummary>;

export const BriefingThread = Type.Object(
  {
    threadId: Type.String(),
    messageId: Type.String(),
    subject: Type.String(),
    from: Type.String(),
    since: Type.String({ description: 'When the last message arrived (ISO 8601).' }),
    ageDays: Type.Number(),
    priority: Type.Union([Type.Literal('high'), Type.Literal('normal'), Type.Literal('low')]),
  },
  { additionalProperties: false },
);
export type BriefingThread = Static<typeof BriefingThread>;

export const BriefingMeeting = Type.Object(
  {
    start: Type.String(),
    end: Type.String(),
    title: Type.String({ description: 'The event title, or "Busy" when the calendar shows only busy time.' }),
    threads: Type.Array(
      Type.Object({
        messageId: Type.String(),
        threadId: Type.Union([Type.String(), Type.Null()]),
        subject: Type.String(),
      }),
    ),
  },
  { additionalProperties: false },
);
export type BriefingMeeting = Static<typeof BriefingMeeting>;

export const Briefing = Type.Object(
  {
    date: Type.String({ description: 'The day of the briefing in the user’s time zone (YYYY-MM-DD).' }),
    needsReply: Type.Array(BriefingThread),
    waitingFor: Type.Array(BriefingThread, { description: 'Replies the user waits for past followUpAfterDays.' }),
    meetings: Type.Array(BriefingMeeting),
    calendar: Type.Union([Type.Literal('connected'), Type.Literal('none'), Type.Literal('unavailable')]),
    text: Type.String({ description: 'The briefing as plain text (the draft-to-self body).' }),
  },
  { $id: 'Briefing', additionalProperties: false },
);
export type Briefing = Static<typeof Briefing>;
