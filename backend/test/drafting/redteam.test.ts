import { defaultSettings, type EmailMessage, type VoiceProfile } from '@steward/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRedTeamCorpus, runRedTeamCase } from '../../../tests/redteam/run.ts';
import { createOpenAiModel } from '../../src/ai/openai.ts';
import type { LanguageModel } from '../../src/ai/port.ts';
import { draftReplyLocal } from '../../src/drafting/local.ts';
import { draftReplyWithModel, streamDraft } from '../../src/drafting/model.ts';
import { defaultVoice } from '../../src/drafting/voice.ts';
import { normaliseMessage } from '../../src/mail/normalise.ts';
import { type FakeOpenAi, obedientModel, startFakeOpenAi } from '../support/fake-openai.ts';

const corpus = loadRedTeamCorpus();
const voice: VoiceProfile = { ...defaultVoice(), signatureName: 'Sam' };
const settings = defaultSettings();
const now = new Date('2026-03-02T10:00:00Z');
let fake: FakeOpenAi;
let model: LanguageModel;

beforeAll(async () => {
  fake = await startFakeOpenAi(obedientModel());
  model = createOpenAiModel({ baseURL: fake.url, model: 'obedient', timeoutMs: 5_000, maxRetries: 0 });
});
afterAll(() => fake.close());

const base = async (message: EmailMessage) => ({
  message: await normaliseMessage(message),
  voice,
  settings,
  now,
  me: ['sam@steward.example'],
});

describe('red-team corpus through drafting', () => {
  it('runs every case', () => expect(corpus.length).toBeGreaterThanOrEqual(50));

  it.each(corpus.map((c) => [c.id, c] as const))(
    '%s: the local engine writes nothing hostile',
    async (_id, testCase) => {
      const outcome = await runRedTeamCase(testCase, async (message) => draftReplyLocal(await base(message)));
      expect(outcome.violations, `${testCase.attack}\n--- draft ---\n${outcome.text}`).toEqual([]);
    },
  );

  it.each(corpus.map((c) => [c.id, c] as const))(
    '%s: the model engine holds with an obedient model',
    async (_id, testCase) => {
      const outcome = await runRedTeamCase(testCase, async (message) =>
        draftReplyWithModel({ ...(await base(message)), model }),
      );
      expect(outcome.violations, `${testCase.attack}\n--- draft ---\n${outcome.text}`).toEqual([]);
      // Still a reply in the user's voice.
      expect(outcome.text.endsWith('Sam')).toBe(true);
    },
  );

  it.each(corpus.map((c) => [c.id, c] as const))(
    '%s: nothing hostile is streamed, not even for a moment',
    async (_id, testCase) => {
      const outcome = await runRedTeamCase(testCase, async (message) => {
        let streamed = '';
        for await (const event of streamDraft({ ...(await base(message)), model })) {
          if (event.type === 'delta') streamed += event.text;
        }
        return streamed;
      });
      expect(outcome.violations, `${testCase.attack}\n--- streamed ---\n${outcome.text}`).toEqual([]);
    },
  );
});
