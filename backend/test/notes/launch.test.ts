import { describe, expect, it } from 'vitest';
import { makeNotesLocal } from '../../src/notes/local.ts';
import { parseTranscript } from '../../src/notes/transcript.ts';
import { LAUNCH_DATE, LAUNCH_VTT } from './fixtures.ts';

const parsed = parseTranscript(LAUNCH_VTT);
if (!parsed.ok) throw new Error(parsed.error.message);
const turns = parsed.turns;
const notes = makeNotesLocal(turns, {
  meetingDate: LAUNCH_DATE,
  tz: 'Europe/Berlin',
  attendees: [
    'Maya Chen <maya@example.com>',
    'Tom Berg <tom@example.com>',
    'Priya Shah <priya@example.com>',
    'Alex Kim <alex@example.com>',
  ],
  voice: { name: 'Alex Kim', greeting: 'Hi {name},', signOff: 'Best,' },
});

describe('notes of a nine-cue launch meeting', () => {
  it('catches the launch decision, with the date resolved', () => {
    expect(notes.decisions).toEqual([{ text: 'We launch on Tuesday March 17 (Tue 17 Mar 2026).', sourceTurns: [3] }]);
  });

  it('gives three owners one task each, including the request addressed by name, with due dates', () => {
    expect(notes.actionItems.map((a) => [a.owner, a.task, a.due])).toEqual([
      ['Priya Shah', 'Announce that to customers: we launch on Tuesday March 17', '2026-03-09'],
      ['Tom Berg', 'Send the test results to the whole team', '2026-03-06'],
      ['Maya Chen', 'Update the pricing page before the launch', null],
    ]);
    // The "Yes, I'll send the test results by Friday" that accepted Tom's task is not a second task.
    expect(notes.actionItems.find((a) => a.owner === 'Tom Berg')?.sourceTurns).toEqual([5, 6]);
  });

  it('reports the open question, without its "one open question:" label', () => {
    expect(notes.openQuestions).toEqual([
      { text: 'Do we need legal to review the new terms?', askedBy: 'Maya Chen', sourceTurns: [7, 8] },
    ]);
  });

  it('summarises in the third person, shorter than the meeting, with the decision in it', () => {
    const summary = notes.summary.join(' ');
    expect(notes.summary).toContain('The team launches on Tuesday March 17.');
    expect(summary).not.toMatch(/\b(?:I|I'll|we|our|um|you know)\b/i);
    const spoken = turns.map((t) => t.text).join(' ');
    expect(summary.split(/\s+/).length).toBeLessThan(spoken.split(/\s+/).length / 2);
    // Compressed, not copied: most bullets are not a sentence of the transcript word for word.
    const copied = notes.summary.filter((bullet) => spoken.includes(bullet.slice(0, -1)));
    expect(copied.length).toBeLessThan(notes.summary.length / 2);
  });

  it('writes a follow-up that greets the attendees by name, not "all"', () => {
    const text = notes.followUp.text;
    expect(text.startsWith('Hi Maya, Tom and Priya,\n')).toBe(true);
    expect(text).toContain('Decisions:\n- We launch on Tuesday March 17 (Tue 17 Mar 2026).');
    expect(text).toContain('- Priya Shah: Announce that to customers: we launch on Tuesday March 17 (due Mon 9 Mar)');
    expect(text).toContain('- Tom Berg: Send the test results to the whole team (due Fri 6 Mar)');
    expect(text).toContain('Open questions:\n- Do we need legal to review the new terms?');
    expect(text.trimEnd().endsWith('Best,\nAlex Kim')).toBe(true);
  });
});
