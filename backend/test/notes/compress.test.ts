import { describe, expect, it } from 'vitest';
import { compressSentence, gerund, speakerLabel, thirdPerson, toThirdPerson } from '../../src/notes/compress.ts';

describe('compressSentence', () => {
  it('drops fillers and hedges and reads the first-person frame into a reporting verb', () => {
    expect(
      compressSentence('So, um, I think we should probably just go with the rubber case, you know.', 'Marketing'),
    ).toBe('Marketing suggested going with the rubber case.');
    expect(compressSentence("I'll send the revised release plan to the leadership team tomorrow.", 'Bob Stone')).toBe(
      'Bob Stone will send the revised release plan to the leadership team tomorrow.',
    );
    expect(compressSentence('OK, so we agreed to launch on April 28 without the export feature.', 'Ann')).toBe(
      'The team agreed to launch on April 28 without the export feature.',
    );
    expect(
      compressSentence(
        'And I was thinking that maybe our remote could have a little screen or something like that.',
        'User Interface',
      ),
    ).toBe("User Interface thought the team's remote could have a little screen.");
  });

  it('moves "we" and "I" to the third person with the verb agreeing', () => {
    expect(compressSentence('I need to look into what kind of battery we use.', 'Industrial Designer')).toBe(
      'Industrial Designer needs to look into what kind of battery the team uses.',
    );
    expect(toThirdPerson("we're over budget and I was late")).toBe('the team is over budget and they were late');
    expect(toThirdPerson("if we'd had our budget")).toBe("if the team had had the team's budget");
  });

  it('gives up on questions and fragments', () => {
    expect(compressSentence('Can everyone hear me?', 'Ann')).toBeNull();
    expect(compressSentence('Yeah, okay, right.', 'Ann')).toBeNull();
  });

  it('has the small word forms it needs', () => {
    expect([
      thirdPerson('need'),
      thirdPerson('have'),
      thirdPerson('try'),
      thirdPerson('had'),
      thirdPerson('will'),
    ]).toEqual(['needs', 'has', 'tries', 'had', 'will']);
    expect([gerund('go'), gerund('use'), gerund('put'), gerund('see')]).toEqual([
      'going',
      'using',
      'putting',
      'seeing',
    ]);
    expect(speakerLabel('The Chair (Hon. Anthony Rota (NipissingTimiskaming, Lib.))')).toBe('The Chair');
  });
});
