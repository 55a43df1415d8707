import { VoiceProfile } from '@steward/shared';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { readMessageStyle } from '../../src/drafting/style.ts';
import { defaultVoice, learnVoice } from '../../src/drafting/voice.ts';
import { message, vinceSentMail } from './helpers.ts';

describe('readMessageStyle', () => {
  it('reads greeting, sign-off and signed name around the body', () => {
    const style = readMessageStyle('Hi Ann,\n\nThe numbers look right to me. I’m happy to sign.\n\nBest regards,\nTom');
    expect(style).toMatchObject({ greeting: 'Hi {name},', signOff: 'Best regards,', signName: 'Tom', contractions: 1 });
    expect(style.body).toBe('The numbers look right to me. I’m happy to sign.');
    expect(style.words).toBe(10);
  });

  it('takes a bare first line "Shirley," as a name greeting but not "Thanks,"', () => {
    expect(readMessageStyle('Shirley,\n\nPlease distribute.\n\nVince').greeting).toBe('{name},');
    expect(readMessageStyle('Thanks,\n\nPlease distribute.').greeting).toBe('');
  });

  it('keeps a greeting to a group literally and reads a one-line sign-off with name', () => {
    const style = readMessageStyle('Hi all,\nThe launch moved.\nThanks, Ann');
    expect(style.greeting).toBe('Hi all,');
    expect(style.signOff).toBe('Thanks,');
    expect(style.signName).toBe('Ann');
  });
});

describe('learnVoice', () => {
  it('learns greeting habit, signed name and length from sent mail, with quotes stripped', async () => {
    const sent = await vinceSentMail(24);
    // A reply with a long quoted message must not count the quote as the user's words.
    sent.push(
      await message({
        from: 'Vince J Kaminski <vince.kaminski@example.com>',
        to: ['Greg Whalley <greg.whalley@example.com>'],
        text: `Greg,\n\nAgreed.\n\nVince\n\n-----Original Message-----\nFrom: Greg Whalley\nSent: Monday, June 4, 2001 9:00 AM\nTo: Vince\nSubject: x\n\n${'long quoted words '.repeat(200)}`,
      }),
    );
    const voice = learnVoice(sent);
    expect(Value.Check(VoiceProfile, voice)).toBe(true);
    expect(voice.greetings[0]).toEqual({ text: '{name},', share: 1 });
    expect(voice.signatureName).toBe('Vince');
    expect(voice.signOffs[0]?.text).toBe('');
    expect(voice.typicalWords).toBeGreaterThan(3);
    expect(voice.typicalWords).toBeLessThan(25);
    expect(voice.sampleCount).toBe(25);
    expect(voice.confidence).toBe('medium');
    expect(voice.perRecipient.find((r) => r.address === 'shirley.crenshaw@example.com')).toMatchObject({
      greeting: '{name},',
      count: 8,
    });
    expect(voice.languages).toEqual(['en']);
  });

  it('says it is unsure with fewer than 20 messages', async () => {
    const voice = learnVoice(await vinceSentMail(5));
    expect(voice.confidence).toBe('low');
    expect(voice.note).toMatch(/only 5 messages/);
  });

  it('tells a formal writer from a casual one', async () => {
    const formal = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        message({
          from: 'me@example.com',
          text: `Dear Mr Smith,\n\nI am writing to confirm that we do not need item ${i}. It is settled.\n\nKind regards,\nMargaret`,
        }),
      ),
    );
    const casual = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        message({
          from: 'me@example.com',
          text: `Hey Sam!\n\nI'm in, that's great! Can't wait for round ${i} 🎉\n\nCheers,\nJo`,
        }),
      ),
    );
    const f = learnVoice(formal);
    const c = learnVoice(casual);
    expect(f.formality).toBe('formal');
    expect(f.contractionsRate).toBe(0);
    expect(c.formality).toBe('casual');
    expect(c.contractionsRate).toBe(1);
    expect(c.emojiRate).toBe(1);
    expect(c.punctuation.exclamationRate).toBeGreaterThan(0.3);
    expect(f.signOffs[0]?.text).toBe('Kind regards,');
    expect(c.signatureName).toBe('Jo');
  });

  it('records the languages the user writes', async () => {
    const german = await Promise.all(
      Array.from({ length: 6 }, () =>
        message({
          from: 'me@example.com',
          text: 'Hallo Jonas,\n\nich habe die Zahlen nicht bekommen. Kannst du sie mir bitte noch einmal schicken?\n\nViele Grüße\nAnna',
        }),
      ),
    );
    const english = await vinceSentMail(10);
    const voice = learnVoice([...english, ...german]);
    expect(voice.languages).toEqual(['en', 'de']);
    expect(voice.greetings.map((g) => g.text)).toContain('Hallo {name},');
  });

  it('falls back to the generic profile when nothing of the user’s own text is there', async () => {
    const forward = await message({
      from: 'me@example.com',
      text: '\n-----Original Message-----\nFrom: X\nSent: Monday\nTo: Y\nSubject: Z\n\nHello',
    });
    expect(learnVoice([forward]).sampleCount).toBe(0);
    expect(Value.Check(VoiceProfile, defaultVoice())).toBe(true);
  });
});
