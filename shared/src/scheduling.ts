import { type Static, Type } from 'typebox';
import { IsoDateTime } from './common.ts';
import { EmailMessage } from './message.ts';

const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' });
const Zone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone, e.g. America/New_York' });

/** A span of time, ISO 8601 with offset, `end` exclusive. */
export const TimeInterval = Type.Object({ start: IsoDateTime, end: IsoDateTime }, { additionalProperties: false });
export type TimeInterval = Static<typeof TimeInterval>;

const Person = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 512 })), address: Type.String({ maxLength: 512 }) },
  { additionalProperties: false },
);

export const SuggestRequest = Type.Object(
  {
    message: Type.Optional(EmailMessage),
    request: Type.Optional(
      Type.Object(
        {
          durationMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 480 })),
          windows: Type.Optional(Type.Array(TimeInterval, { maxItems: 50 })),
          requesterZone: Type.Optional(Zone),
          attendees: Type.Optional(Type.Array(Type.String({ maxLength: 320 }), { maxItems: 100 })),
        },
        { additionalProperties: false },
      ),
    ),
    busy: Type.Optional(
      Type.Array(TimeInterval, { maxItems: 20_000, description: 'The user’s busy time, if the client supplies it.' }),
    ),
    constraints: Type.Optional(
      Type.Object(
        {
          bufferMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 240 })),
          minimumNoticeHours: Type.Optional(Type.Number({ minimum: 0, maximum: 24 * 14 })),
          maxMeetingsPerDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })),
          horizonDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
          stepMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 60 })),
          preferred: Type.Optional(
            Type.Array(
              Type.Object(
                {
                  start: HHMM,
                  end: HHMM,
                  weekdays: Type.Optional(
                    Type.Array(
                      Type.Union([
                        Type.Literal('mon'),
                        Type.Literal('tue'),
                        Type.Literal('wed'),
                        Type.Literal('thu'),
                        Type.Literal('fri'),
                        Type.Literal('sat'),
                        Type.Literal('sun'),
                      ]),
                      {
                        maxItems: 7,
                      },
                    ),
                  ),
                },
                { additionalProperties: false },
              ),
              { maxItems: 20 },
            ),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'SuggestRequest', additionalProperties: false },
);
export type SuggestRequest = Static<typeof SuggestRequest>;

export const Slot = Type.Object(
  {
    start: IsoDateTime,
    end: IsoDateTime,
    score: Type.Number({ minimum: 0, maximum: 1 }),
    label: Type.String({
      description:
        'As the proposal and drafts write it, in the user\'s zone (and the requester\'s when it differs), e.g. "Tue 4 Feb, 15:00 CET / 09:00 EST".',
    }),
  },
  { additionalProperties: false },
);
export type Slot = Static<typeof Slot>;

export const SuggestResponse = Type.Object(
  {
    understood: Type.Object(
      {
        isMeetingRequest: Type.Boolean(),
        reasons: Type.Array(Type.String()),
        durationMinutes: Type.Integer(),
        windows: Type.Array(
          Type.Object({ start: IsoDateTime, end: IsoDateTime, text: Type.String() }, { additionalProperties: false }),
        ),
        participants: Type.Array(Person),
        mode: Type.Union([Type.Literal('online'), Type.Literal('in_person'), Type.Literal('unknown')]),
        location: Type.Optional(Type.String()),
        requesterZone: Type.Optional(Type.String()),
        theirTimesUnavailable: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    slots: Type.Array(Slot),
    proposal: Type.String({
      description: 'Plain text with full dates and both zones, e.g. "Tue 4 Feb, 15:00 CET / 09:00 EST".',
    }),
  },
  { $id: 'SuggestResponse', additionalProperties: false },
);
export type SuggestResponse = Static<typeof SuggestResponse>;

const EventDetails = {
  start: IsoDateTime,
  end: IsoDateTime,
  summary: Type.String({ minLength: 1, maxLength: 500 }),
  description: Type.Optional(Type.String({ maxLength: 10_000 })),
  location: Type.Optional(Type.String({ maxLength: 1000 })),
  attendees: Type.Array(Person, { maxItems: 200 }),
};

export const IcsRequest = Type.Object(
  { ...EventDetails, uid: Type.Optional(Type.String({ maxLength: 255 })), organizer: Type.Optional(Person) },
  { $id: 'IcsRequest', additionalProperties: false },
);
export type IcsRequest = Static<typeof IcsRequest>;

export const CreateEventRequest = Type.Object(
  { ...EventDetails, online: Type.Optional(Type.Boolean()) },
  { $id: 'CreateEventRequest', additionalProperties: false },
);
export type CreateEventRequest = Static<typeof CreateEventRequest>;

export const CreateEventResponse = Type.Object(
  { id: Type.String() },
  { $id: 'CreateEventResponse', additionalProperties: false },
);
export type CreateEventResponse = Static<typeof CreateEventResponse>;
