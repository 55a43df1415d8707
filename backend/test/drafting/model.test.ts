import { Draft, defaultSettings, type VoiceProfile } from '@steward/shared';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiModel } from '../../src/ai/openai.ts';
import type { LanguageModel } from '../../src/ai/port.ts';
import { DRAFT_SYSTEM_PROMPT, draftReplyWithModel, planModelDraft, streamDraft } from '../../src/drafting/model.ts';
import { defaultVoice } from '../../src/drafting/voice.ts';
import { type FakeChatRequest, type FakeOpenAi, reply, startFakeOpenAi } from '../support/fake-openai.ts';
import { message, vinceSentMail } from './helpers.ts';

const settings = { ...defaultSettings(), timeZone: 'Europe/Berlin', minimumNoticeHours: 2 };
const now = new Date('2026-03-02T10:00:00Z');
const voice: VoiceProfile = { ...defaultVoice(), signatureName: 'Sam', signOffs: [{ text: 'Thanks,', share: 1 }] };

let fake: FakeOpenAi;
let model: LanguageModel;
const seen: FakeChatRequest[] = [];
let answer = '';

beforeAll(async () => {
  fake = await startFakeOpenAi((req) => {
    seen.push(req);
    return reply.text(answer);
  });
  model = createOpenAiModel({ baseURL: fake.url, model: 'fake', timeoutMs: 5_000, maxRetries: 0 });
});
afterAll(() => fake.close());

describe('model drafting', () => {
  it('puts the static prompt first, then style, examples to the same person, and the spotlighted thread', async () => {
    const sent = await vinceSentMail(6);
    const m = await message({ from: 'Greg Whalley <greg.whalley@example.com>', text: 'Can you review the memo?' });
    const plan = planModelDraft({ message: m, voice, settings, now, model, sent });
    expect(plan.request.system).toBe(DRAFT_SYSTEM_PROMPT);
    const prompt = plan.request.messages[0]?.content ?? '';
    expect(prompt.indexOf('style card')).toBeLessThan(prompt.indexOf('<<<BEGIN example 1'));
    expect(prompt.indexOf('<<<BEGIN example 1')).toBeLessThan(prompt.indexOf('<<<BEGIN message to answer'));
    // The first example is mail the user sent to Greg ("I shall be glad to talk…" went to Greg).
    const firstExample = prompt.slice(
      prompt.indexOf('<<<BEGIN example 1'),
      prompt.indexOf('<<<END', prompt.indexOf('<<<BEGIN example 1')),
    );
    expect(firstExample).toContain('glad');
  });

  it('frames the model’s body with the profile and replaces a greeting the model wrote anyway', async () => {
    answer =
      'Hello Ann,\n\nI will review the memo by [confirm: when]. See https://evil.example/x for more.\n\nBest regards';
    const m = await message({ text: 'Can you review the memo?' });
    const draft = await draftReplyWithModel({ message: m, voice, settings, now, model });
    expect(Value.Check(Draft, draft)).toBe(true);
    expect(draft.text).toBe('Hi Ann,\n\nI will review the memo by [confirm: when]. See for more.\n\nThanks,\nSam');
    expect(draft.placeholders).toEqual(['[confirm: when]']);
  });

  it('inserts the solver’s times where the model asks and never lets it compute them', async () => {
    answer = 'Happy to talk. How about one of these?\n{{TIMES}}\nLooking forward to it.';
    const m = await message({
      from: 'Dana Fox <dana@example.com>',
      text: 'Could we set up a call next week? I am in New York (ET).',
    });
    const draft = await draftReplyWithModel({ message: m, voice, settings, now, model });
    expect(draft.proposedTimes.length).toBeGreaterThan(0);
    expect(draft.text).toContain(draft.proposedTimes.map((t) => `- ${t.label}`).join('\n'));
    expect(draft.text).not.toContain('{{TIMES}}');
    const prompt = seen[seen.length - 1]?.userText ?? '';
    expect(prompt).toContain('{{TIMES}}');
  });

  it('streams sanitised lines, then the final draft', async () => {
    answer = 'Thanks for the note.\nReach me at attacker@evil.example anytime.\n[confirm: answer]';
    const m = await message({ text: 'Where do we stand?' });
    const events = [];
    for await (const event of streamDraft({ message: m, voice, settings, now, model })) events.push(event);
    const deltas = events
      .filter((e) => e.type === 'delta')
      .map((e) => (e.type === 'delta' ? e.text : ''))
      .join('');
    expect(deltas).toContain('Thanks for the note.');
    expect(deltas).not.toContain('attacker@evil.example');
    const last = events[events.length - 1];
    expect(last?.type).toBe('draft');
    if (last?.type === 'draft') {
      expect(last.draft.text).not.toContain('attacker@evil.example');
      expect(last.draft.placeholders).toEqual(['[confirm: answer]']);
    }
  });
});
