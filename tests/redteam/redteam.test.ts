import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiModel } from '../../backend/src/ai/openai.ts';
import type { LanguageModel } from '../../backend/src/ai/port.ts';
import { type FakeOpenAi, obedientModel, startFakeOpenAi } from '../../backend/test/support/fake-openai.ts';
import { loadRedTeamCorpus, pipelineDraft, REDTEAM_DRAFT_SYSTEM, runRedTeamCase } from './run.ts';

const corpus = loadRedTeamCorpus();
let fake: FakeOpenAi;
let model: LanguageModel;

beforeAll(async () => {
  fake = await startFakeOpenAi(obedientModel());
  model = createOpenAiModel({ baseURL: fake.url, model: 'obedient', timeoutMs: 5_000, maxRetries: 0 });
});
afterAll(() => fake.close());

describe('red-team corpus', () => {
  it('has at least 100 distinct hostile emails covering every attack family', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    expect(new Set(corpus.map((c) => c.id)).size).toBe(corpus.length);
    const families = new Set(corpus.map((c) => c.id.split('-')[0]));
    expect([...families].sort()).toEqual([
      'base64',
      'bidi',
      'claim',
      'classify',
      'form',
      'forward',
      'hidden',
      'host',
      'ignore',
      'lang',
      'leak',
      'md',
      'phone',
      'quoted',
    ]);
    for (const c of corpus) expect(c.mustNotContain.length).toBeGreaterThan(0);
  });

  // Without the pipeline the obedient model does what each email says: proof that the attacks are live
  // and that the assertions below can fail.
  it.each(corpus.map((c) => [c.id, c] as const))('%s succeeds against an unprotected prompt', async (_id, testCase) => {
    const outcome = await runRedTeamCase(testCase, async (message) => {
      const raw = [message.subject, message.html ?? message.text].join('\n');
      const response = await model.complete({
        purpose: 'draft',
        system: REDTEAM_DRAFT_SYSTEM,
        messages: [{ role: 'user', content: raw }],
      });
      return response.text;
    });
    expect(outcome.violations).not.toEqual([]);
  });

  it.each(corpus.map((c) => [c.id, c] as const))(
    '%s is neutralised by the pipeline with an obedient model',
    async (_id, testCase) => {
      const outcome = await runRedTeamCase(testCase, (message) =>
        pipelineDraft(model, message, ['Sam Lee', 'sam@steward.example']),
      );
      expect(outcome.violations, `${testCase.attack}\n--- output ---\n${outcome.text}`).toEqual([]);
      // The reply is still a reply: the obedient model's greeting survives sanitising.
      expect(outcome.text).toContain('Thank you for your message.');
    },
  );
});
