import { type Static, Type } from 'typebox';
import { CATEGORY_IDS, CATEGORY_LABELS as CATEGORY_LABELS_DEFAULT, type CategoryId } from './triage.ts';

const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' });

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Working hours for one weekday; an empty list means a day off. */
export const DayHours = Type.Array(Type.Object({ start: HHMM, end: HHMM }, { additionalProperties: false }), {
  maxItems: 4,
});

export const WorkingHours = Type.Object(
  Object.fromEntries(WEEKDAYS.map((d) => [d, DayHours])) as Record<Weekday, typeof DayHours>,
  { additionalProperties: false },
);
export type WorkingHours = Static<typeof WorkingHours>;

const CategorySetting = Type.Object(
  { enabled: Type.Boolean(), displayName: Type.String({ minLength: 1, maxLength: 40 }) },
  { additionalProperties: false },
);

/** A user's settings. Every field has a default, so a new user starts complete. */
export const Settings = Type.Object(
  {
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone, e.g. Europe/Berlin' }),
    locale: Type.String({ minLength: 2, maxLength: 35 }),
    workingHours: WorkingHours,
    meetingBufferMinutes: Type.Integer({ minimum: 0, maximum: 240 }),
    minimumNoticeHours: Type.Number({ minimum: 0, maximum: 24 * 14 }),
    maxMeetingsPerDay: Type.Integer({ minimum: 1, maximum: 24 }),
    defaultMeetingMinutes: Type.Integer({ minimum: 5, maximum: 480 }),
    categories: Type.Object(
      Object.fromEntries(CATEGORY_IDS.map((id) => [id, CategorySetting])) as Record<CategoryId, typeof CategorySetting>,
      { additionalProperties: false },
    ),
    replyThreshold: Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'Fyxer-style dial: higher means fewer messages are put in To respond.',
    }),
    marketingThreshold: Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'Higher means only clear promotions are filed as Marketing.',
    }),
    followUpAfterDays: Type.Integer({ minimum: 1, maximum: 60 }),
    backfillDays: Type.Integer({ minimum: 0, maximum: 365 }),
    icsFeeds: Type.Array(Type.String({ minLength: 9, maxLength: 2048, pattern: '^https://[^\\s]+$' }), {
      maxItems: 5,
      description:
        'Published iCalendar (ICS) feeds whose busy time scheduling also avoids: https only, at most 5; loopback and private addresses are refused.',
    }),
    mailIndex: Type.Boolean({
      description:
        'Ask Steward: keep a searchable index of synced mail (full text, and embeddings when a model is configured). Off by default; turning it off deletes the index.',
    }),
    briefingDraftHour: Type.Union([Type.Integer({ minimum: 0, maximum: 23 }), Type.Null()], {
      description:
        'Leave the morning briefing as a draft to yourself at this hour of your time zone (never sent); null for no draft.',
    }),
    neverSendToModel: Type.Object(
      {
        senders: Type.Array(Type.String({ maxLength: 320 }), { maxItems: 1000 }),
        domains: Type.Array(Type.String({ maxLength: 253 }), { maxItems: 1000 }),
        labels: Type.Array(Type.String({ maxLength: 256 }), { maxItems: 1000 }),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'Settings', additionalProperties: false },
);
export type Settings = Static<typeof Settings>;

/** A partial update: every top-level key optional, nothing unknown allowed. */
export const SettingsPatch = Type.Partial(Settings, { $id: 'SettingsPatch', additionalProperties: false });
export type SettingsPatch = Static<typeof SettingsPatch>;

const nineToFive = [{ start: '09:00', end: '17:00' }];

export function defaultSettings(): Settings {
  return {
    timeZone: 'UTC',
    locale: 'en',
    workingHours: {
      mon: nineToFive,
      tue: nineToFive,
      wed: nineToFive,
      thu: nineToFive,
      fri: nineToFive,
      sat: [],
      sun: [],
    },
    meetingBufferMinutes: 10,
    minimumNoticeHours: 12,
    maxMeetingsPerDay: 6,
    defaultMeetingMinutes: 30,
    categories: Object.fromEntries(
      CATEGORY_IDS.map((id) => [id, { enabled: true, displayName: CATEGORY_LABELS_DEFAULT[id] }]),
    ) as Settings['categories'],
    replyThreshold: 0.5,
    marketingThreshold: 0.5,
    followUpAfterDays: 3,
    backfillDays: 14,
    icsFeeds: [],
    mailIndex: false,
    briefingDraftHour: null,
    neverSendToModel: { senders: [], domains: [], labels: [] },
  };
}
