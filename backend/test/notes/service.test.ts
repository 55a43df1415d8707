import { defaultSettings } from '@steward/shared';
import { describe, expect, it } from 'vitest';
import type { LanguageModel } from '../../src/ai/port.ts';
import { defaultVoice } from '../../src/drafting/voice.ts';
import { createNotesService } from '../../src/notes/service.ts';

const transcript = [
  'Ann: Thanks for joining. We agreed to ship the beta on Friday.',
  'Bo: I will write the release notes by Thursday.',
  'Ann: Great, thanks everyone.',
].join('\n');

/** A model that records that it was asked, and fails (so the local engine answers). */
function refusingModel(): LanguageModel & { calls: number } {
  const model = {
    name: 'refusing',
    calls: 0,
    async complete(): Promise<never> {
      model.calls++;
      throw new Error('unavailable');
    },
    // biome-ignore lint/correctness/useYield: never streams
    async *stream(): AsyncIterable<string> {
      throw new Error('unavailable');
    },
  };
  return model;
}

describe('notes service', () => {
  it('keeps a meeting with an attendee on the never-send lists away from the model', async () => {
    const model = refusingModel();
    const notes = createNotesService({ model });
    const settings = defaultSettings();
    settings.neverSendToModel.domains = ['secret.example'];
    const outcome = await notes.notes(
      { userKey: 't:u', settings },
      { transcript, attendees: ['Ann <ann@secret.example>', 'Bo <bo@example.com>'] },
    );
    expect(outcome.ok && outcome.engine).toBe('local');
    expect(model.calls).toBe(0);

    await notes.notes({ userKey: 't:u', settings: defaultSettings() }, { transcript, attendees: ['bo@example.com'] });
    expect(model.calls).toBeGreaterThan(0);
  });

  it('writes the follow-up in the learned voice and ignores a profile it cannot read', async () => {
    const notes = createNotesService({});
    const learned = { ...defaultVoice(), signOffs: [{ text: 'Cheers,', share: 1 }], signatureName: 'Sam Lee' };
    const ctx = { userKey: 't:u', settings: defaultSettings() };
    const withVoice = await notes.notes({ ...ctx, learnedVoice: learned }, { transcript });
    const broken = await notes.notes({ ...ctx, learnedVoice: { signOffs: 'Cheers' } }, { transcript });
    const none = await notes.notes(ctx, { transcript });
    if (!withVoice.ok || !broken.ok || !none.ok) throw new Error('no notes');
    expect(withVoice.notes.followUp.text).toContain('Cheers,\nSam Lee');
    expect(broken.notes.followUp.text).toBe(none.notes.followUp.text);
    expect(none.notes.followUp.text).not.toContain('Cheers');
  });
});
