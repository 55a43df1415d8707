import { describe, expect, it } from 'vitest';
import { withoutFalseStarts } from '../../src/notes/decisions.ts';
import { makeNotesLocal } from '../../src/notes/local.ts';
import { parseTranscript, type Turn } from '../../src/notes/transcript.ts';

/** "Speaker: text" lines → turns. */
function turnsOf(lines: string[]): Turn[] {
  const parsed = parseTranscript(lines.join('\n'), { format: 'txt' });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.turns;
}

/** A chair (Mira) who opens and moderates; two designers who present. */
const OPENING = [
  'Mira: Good afternoon, this is our detailed design meeting, so let us look at the kettle prototype together.',
  'Tomas: Right, I have brought the clay model of the kettle and the list of parts we priced.',
];

describe('decisions settled in passing', () => {
  it("takes the chair's 'we just take that one' and 'let's give five' as decisions", () => {
    const turns = turnsOf([
      ...OPENING,
      'Ines: The lid could open with a button or with a lever on the handle.',
      'Tomas: A lever on the handle is easier for people with weak hands.',
      'Mira: Okay, we just take the lever on the handle then.',
      'Tomas: How many spare filters go in the box?',
      'Ines: Three or five, the filters are cheap.',
      "Mira: Yeah, five filters. Let's give five filters.",
    ]);
    const decisions = makeNotesLocal(turns).decisions;
    expect(decisions.map((d) => d.sourceTurns?.[0])).toEqual([4, 7]);
    expect(decisions[0]?.text).toMatch(/lever on the handle/);
  });

  it("takes a short verdict that rules something out ('Okay, no steam whistle.') from anyone", () => {
    const turns = turnsOf([
      ...OPENING,
      'Ines: A steam whistle would cost two euros and most people find it annoying anyway.',
      'Tomas: Okay, no steam whistle.',
    ]);
    expect(makeNotesLocal(turns).decisions.map((d) => [d.text, d.sourceTurns])).toEqual([['No steam whistle.', [3]]]);
  });

  it("does not take 'we just take…' from someone who is not chairing, nor a bare 'no, no'", () => {
    const turns = turnsOf([
      ...OPENING,
      'Mira: What do you think about the lever on the handle for the lid of the kettle?',
      'Tomas: Okay, we just take the lever on the handle then.',
      'Ines: Okay, no, no.',
    ]);
    expect(makeNotesLocal(turns).decisions).toEqual([]);
  });

  it('does not take deciding to decide, or the meeting moving on, as a decision', () => {
    const turns = turnsOf([
      ...OPENING,
      'Mira: We have to decide on the shape of the spout in this meeting.',
      "Mira: Let's go for our evaluation presentation now.",
      'Tomas: Yes.',
      'Mira: We have to stop it now, we are running late.',
    ]);
    expect(makeNotesLocal(turns).decisions).toEqual([]);
  });
});

describe('a commitment whose object was said just before', () => {
  it('reads "I\'ll just check it" with what "it" is, from the sentence or the turn before', () => {
    const turns = turnsOf([
      ...OPENING,
      'Ines: The heating element comes in a slim version and a standard version. I think I will just check it.',
      'Tomas: The supplier list shows two kinds of thermostat switch.',
      "Ines: Yeah, I'll look into that.",
    ]);
    const found = makeNotesLocal(turns).actionItems;
    // The referent from the turn before is cited with the commitment.
    expect(found.map((a) => a.sourceTurns)).toEqual([[2], [3, 4]]);
    const items = found.map((a) => [a.owner, a.task]);
    expect(items).toEqual([
      ['Ines', 'Check it: the heating element comes in a slim version and a standard version'],
      ['Ines', 'Look into that: the supplier list shows two kinds of thermostat switch'],
    ]);
  });

  it('takes no task from "I\'ll do that" when nothing before it says what "that" is', () => {
    const turns = turnsOf([...OPENING, 'Ines: Okay.', "Tomas: Sure, I'll do that."]);
    expect(makeNotesLocal(turns).actionItems).toEqual([]);
  });
});

describe('decisions that name nothing, and hedged rules', () => {
  it('takes no decision that names nothing ("So we use that.")', () => {
    const turns = turnsOf([
      ...OPENING,
      'Ines: The blue one is the cheapest of the three samples.',
      'Mira: So we use that.',
    ]);
    expect(makeNotesLocal(turns).decisions).toEqual([]);
  });

  it("needs more than a 'yeah' for someone else's hedged rule, and takes it with 'that's a good idea'", () => {
    const hedged = [...OPENING, 'Ines: Maybe the handle will be made of cork next year.'];
    expect(makeNotesLocal(turnsOf([...hedged, 'Tomas: Yeah.'])).decisions).toEqual([]);
    expect(
      makeNotesLocal(turnsOf([...hedged, "Tomas: That's a good idea."])).decisions.map((d) => d.sourceTurns),
    ).toEqual([[2, 3]]);
  });
});

describe('open questions the meeting cannot answer', () => {
  it('lists "we don\'t know how many…" and "we didn\'t get any information about…" as unknowns', () => {
    const turns = turnsOf([
      ...OPENING,
      'Ines: The kettle will have a thermostat switch and a heating element, the thermostat switch is the expensive part.',
      'Tomas: We also do not know how many heating elements the thermostat switch can drive.',
      'Ines: And we did not get any information about the thermostat switch price from the supplier.',
      'Mira: Thermostat switch and heating element then, the supplier will tell us.',
    ]);
    const texts = makeNotesLocal(turns).openQuestions.map((q) => q.text);
    expect(texts).toContainEqual(expect.stringMatching(/how many heating elements/));
    expect(texts).toContainEqual(expect.stringMatching(/information about the thermostat switch price/));
  });

  it('leaves open a question answered "Doesn\'t say." or "I dunno"', () => {
    const turns = turnsOf([
      ...OPENING,
      'Ines: The thermostat switch and the heating element come from the same supplier, the thermostat switch is the odd one.',
      'Tomas: How does the thermostat switch know when the water boils?',
      "Ines: Doesn't say. The thermostat switch sheet only lists the price.",
      'Mira: And how long does the heating element last in hard water?',
      'Tomas: I dunno, the heating element sheet lists only its power.',
    ]);
    const questions = makeNotesLocal(turns).openQuestions.map((q) => q.sourceTurns);
    expect(questions).toEqual([
      [3, 4],
      [5, 6],
    ]);
  });
});

describe('false starts in a decision', () => {
  it('drops a cut-off word the speaker then says in full, and keeps real short words', () => {
    expect(withoutFalseStarts('I think th the numbers should be at the bottom, w we could do that')).toBe(
      'I think the numbers should be at the bottom, we could do that',
    );
    expect(withoutFalseStarts('We keep it on one level, a about an inch')).toBe(
      'We keep it on one level, a about an inch',
    );
  });
});
