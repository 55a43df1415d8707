import { type Static, Type } from 'typebox';
import { EmailMessage } from './message.ts';

/** A phrase the user writes and how often (share of messages, 0..1). */
export const PhraseUse = Type.Object(
  {
    text: Type.String({
      maxLength: 200,
      description: 'As the user writes it; `{name}` stands for the recipient\'s first name, e.g. "Hi {name},".',
    }),
    share: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { additionalProperties: false },
);
export type PhraseUse = Static<typeof PhraseUse>;

/** How the user opens and closes mail to one person, when the history shows it. */
export const RecipientStyle = Type.Object(
  {
    address: Type.String({ maxLength: 320 }),
    greeting: Type.Optional(Type.String({ maxLength: 200 })),
    signOff: Type.Optional(Type.String({ maxLength: 200 })),
    count: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type RecipientStyle = Static<typeof RecipientStyle>;

export const Formality = Type.Union([Type.Literal('casual'), Type.Literal('neutral'), Type.Literal('formal')]);
export type Formality = Static<typeof Formality>;

/**
 * The user's writing style, learned from their sent mail and shown to them as an editable "style card"
 * (docs/drafting.md). Every field is something a person can read and correct.
 */
export const VoiceProfile = Type.Object(
  {
    greetings: Type.Array(PhraseUse, { maxItems: 20, description: 'Most used first; empty text means no greeting.' }),
    signOffs: Type.Array(PhraseUse, { maxItems: 20, description: 'Most used first; empty text means no sign-off.' }),
    perRecipient: Type.Array(RecipientStyle, { maxItems: 500 }),
    signatureName: Type.String({ maxLength: 200, description: 'The name the user signs with, e.g. "Vince".' }),
    typicalWords: Type.Integer({ minimum: 0, maximum: 5000, description: 'Median words in the body.' }),
    formality: Formality,
    contractionsRate: Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'Share of contractable phrases written as contractions ("I\'m" versus "I am").',
    }),
    emojiRate: Type.Number({ minimum: 0, maximum: 1, description: 'Share of messages with at least one emoji.' }),
    punctuation: Type.Object(
      {
        exclamationRate: Type.Number({ minimum: 0, maximum: 1, description: 'Share of sentences ending in "!".' }),
        ellipsisRate: Type.Number({ minimum: 0, maximum: 1, description: 'Share of messages with "..." or "…".' }),
      },
      { additionalProperties: false },
    ),
    languages: Type.Array(Type.String({ minLength: 2, maxLength: 8 }), {
      maxItems: 10,
      description: 'ISO 639-1 codes, most used first.',
    }),
    sampleCount: Type.Integer({ minimum: 0 }),
    confidence: Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')], {
      description: 'low below 20 messages, high from 50.',
    }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { $id: 'VoiceProfile', additionalProperties: false },
);
export type VoiceProfile = Static<typeof VoiceProfile>;

/** `POST /v1/voice/learn`: the user's sent mail. */
export const VoiceLearnRequest = Type.Object(
  { messages: Type.Array(EmailMessage, { minItems: 1, maxItems: 500 }) },
  { $id: 'VoiceLearnRequest', additionalProperties: false },
);
export type VoiceLearnRequest = Static<typeof VoiceLearnRequest>;

/** POST /v1/voice/learn answers the learned profile and how many messages it came from. */
export const VoiceLearnResponse = Type.Object({
  profile: VoiceProfile,
  learnedFrom: Type.Integer({ description: 'messages with text of their own that the profile was learned from' }),
  skipped: Type.Integer({
    description: 'messages that could not be read or had no text of their own (only quotes, only a signature)',
  }),
});
export type VoiceLearnResponse = Static<typeof VoiceLearnResponse>;
