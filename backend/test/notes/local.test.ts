import { MeetingNotes } from '@steward/shared';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { makeNotesLocal, notesFromRequest } from '../../src/notes/local.ts';
import { parseTranscript, type Turn } from '../../src/notes/transcript.ts';
import { JSON_TRANSCRIPT, MEETING_DATE, PLAIN_TEXT, SRT, TEAMS_VTT, ZOOM_VTT } from './fixtures.ts';

function turnsOf(input: string): Turn[] {
  const parsed = parseTranscript(input);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.turns;
}

const tz = 'Europe/Berlin';

describe('makeNotesLocal on a Teams meeting', () => {
  const turns = turnsOf(TEAMS_VTT);
  const notes = makeNotesLocal(turns, {
    meetingDate: MEETING_DATE,
    tz,
    attendees: ['Ann Lee <ann@example.com>', 'Sarah Kim <sarah@example.com>', 'Bob Stone <bob@example.com>'],
    voice: { name: 'Ann Lee', greeting: 'Hey {name},', signOff: 'Cheers' },
  });

  it('matches the MeetingNotes schema', () => {
    expect(Value.Check(MeetingNotes, notes)).toBe(true);
  });

  it('finds the decision and cites its turn', () => {
    expect(notes.decisions).toEqual([
      { text: 'We agreed to launch on April 28 without the export feature (Tue 28 Apr 2026).', sourceTurns: [2] },
    ]);
  });

  it('gives action items owners, tasks and due dates resolved against the meeting date', () => {
    expect(notes.actionItems).toEqual([
      {
        owner: 'Sarah Kim',
        task: 'Update the pricing page copy',
        due: '2026-03-06',
        dueText: 'by Friday',
        sourceTurns: [2, 3],
      },
      {
        owner: 'Bob Stone',
        task: 'Send the revised release plan to the leadership team',
        due: '2026-03-04',
        dueText: 'tomorrow',
        sourceTurns: [4],
      },
    ]);
  });

  it('lists the question nobody could answer', () => {
    expect(notes.openQuestions).toEqual([
      {
        text: 'Who is going to brief the support team on the export delay?',
        askedBy: 'Sarah Kim',
        sourceTurns: [5, 6],
      },
    ]);
  });

  it('summarises in the third person, compressed, in meeting order, citing the turns each bullet comes from', () => {
    expect(notes.summary.length).toBeGreaterThan(2);
    expect(notes.summary.length).toBeLessThanOrEqual(10);
    expect(notes.summary).toContain('The team agreed to launch on April 28 without the export feature.');
    const summaryWords = notes.summary.join(' ').split(/\s+/).length;
    const spokenWords = turns
      .map((t) => t.text)
      .join(' ')
      .split(/\s+/).length;
    expect(summaryWords).toBeLessThan(spokenWords / 2);
    const sources = notes.summarySourceTurns ?? [];
    expect(sources).toHaveLength(notes.summary.length);
    notes.summary.forEach((bullet, i) => {
      expect(bullet).not.toMatch(/^(?:I|We|Um|So)\b/);
      // Every content word of a bullet comes from the turn it cites (or is the speaker's name).
      const cited = `${turns[sources[i]?.[0] ?? -1]?.text} ${turns[sources[i]?.[0] ?? -1]?.speaker} team`.toLowerCase();
      for (const word of bullet.toLowerCase().match(/[a-z]{5,}/g) ?? []) {
        if (!['agreed', 'thought', 'suggested'].includes(word)) expect(cited).toContain(word.slice(0, 5));
      }
    });
    const order = sources.map((s) => s[0] ?? 0);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('writes the follow-up in the user voice, greeting the others by name', () => {
    expect(notes.followUp.subject).toBe('Follow-up: our meeting on Tue 3 Mar 2026');
    expect(notes.followUp.text.startsWith('Hey Sarah and Bob,\n')).toBe(true);
    expect(notes.followUp.text).toContain('- Sarah Kim: Update the pricing page copy (due Fri 6 Mar)');
    expect(notes.followUp.text).toContain(
      '- Bob Stone: Send the revised release plan to the leadership team (due Wed 4 Mar)',
    );
    expect(notes.followUp.text).toContain(
      '- We agreed to launch on April 28 without the export feature (Tue 28 Apr 2026).',
    );
    expect(notes.followUp.text.trimEnd().endsWith('Cheers,\nAnn Lee')).toBe(true);
  });
});

describe('action items', () => {
  it('gives a request to whoever accepts it, with the date from the request', () => {
    const notes = makeNotesLocal(turnsOf(ZOOM_VTT), { meetingDate: MEETING_DATE, tz });
    expect(notes.actionItems).toEqual([
      {
        owner: 'Tom Berg',
        task: 'Send the final mockups to the agency',
        due: '2026-03-10',
        dueText: 'next Tuesday',
        sourceTurns: [2, 3],
      },
    ]);
  });

  it('assigns a named person ("Omar will…") and a speaker\'s own "I\'ll…"', () => {
    const json = makeNotesLocal(turnsOf(JSON_TRANSCRIPT), { meetingDate: MEETING_DATE, tz });
    expect(json.actionItems.map((a) => [a.owner, a.task, a.due])).toEqual([
      ['Omar', 'Post the job descriptions', '2026-03-09'],
    ]);
    const srt = makeNotesLocal(turnsOf(SRT), { meetingDate: MEETING_DATE, tz });
    expect(srt.actionItems.map((a) => [a.owner, a.task, a.due])).toEqual([
      ['Raj', 'Update the calendar invite', '2026-03-09'],
    ]);
  });

  it('resolves "next Wednesday" and gives an unnamed "can you" to the speaker who says "Sure"', () => {
    const notes = makeNotesLocal(turnsOf(PLAIN_TEXT), { meetingDate: MEETING_DATE, tz });
    expect(notes.actionItems.map((a) => [a.owner, a.task, a.due])).toEqual([
      ['Kevin', 'Draft the counter-proposal for the retention clauses', '2026-03-11'],
      ['Kevin', 'Loop in the security team', null],
    ]);
  });

  it('keeps the spoken due phrase but no date when the meeting date is unknown', () => {
    const notes = makeNotesLocal(turnsOf(TEAMS_VTT));
    expect(notes.actionItems[0]).toMatchObject({ owner: 'Sarah Kim', due: null, dueText: 'by Friday' });
  });

  it('ignores meeting narration ("let me share my screen", "I\'ll be honest")', () => {
    const turns: Turn[] = [
      { speaker: 'Ann', text: "Let me share my screen. I'll be honest, the numbers look weak." },
      { speaker: 'Bob', text: 'Can you hear me now?' },
      { speaker: 'Ann', text: 'Yes, I can hear you fine.' },
    ];
    expect(makeNotesLocal(turns).actionItems).toEqual([]);
  });
});

describe('decisions and open questions', () => {
  it('records a proposal the next speaker clearly accepts', () => {
    const notes = makeNotesLocal(turnsOf(ZOOM_VTT));
    expect(notes.decisions).toEqual([
      { text: "Let's go with the blue design for the landing page.", sourceTurns: [0] },
    ]);
  });

  it('does not record undecided talk as a decision', () => {
    const turns: Turn[] = [
      { speaker: 'Ann', text: "We haven't decided on the vendor for the event catering yet." },
      { speaker: 'Bob', text: 'Should we go with the cheaper caterer from last year?' },
    ];
    const notes = makeNotesLocal(turns);
    expect(notes.decisions).toEqual([]);
    expect(notes.openQuestions.map((q) => q.text)).toEqual([
      "We haven't decided on the vendor for the event catering yet.",
      'Should we go with the cheaper caterer from last year?',
    ]);
  });

  it('leaves out questions that were answered', () => {
    const notes = makeNotesLocal(turnsOf(SRT));
    expect(notes.openQuestions).toEqual([]);
    const plain = makeNotesLocal(turnsOf(PLAIN_TEXT));
    expect(plain.openQuestions.map((q) => q.text)).toEqual(['What happens to our archived data if we do not renew?']);
  });
});

describe('long meetings', () => {
  it('keeps the summary to 10 distinct bullets over a long meeting', () => {
    const topics = ['budget', 'hiring plan', 'vendor contract', 'launch date', 'pricing page', 'security review'];
    const turns: Turn[] = Array.from({ length: 1200 }, (_, i) => ({
      speaker: ['Ann', 'Bob', 'Carla'][i % 3] ?? 'Ann',
      text: `The ${topics[Math.floor(i / 200)]} discussion covered item ${i} and the follow-up work for the ${topics[i % 6]} team.`,
    }));
    const notes = makeNotesLocal(turns);
    expect(notes.summary.length).toBeGreaterThan(0);
    expect(notes.summary.length).toBeLessThanOrEqual(10);
    expect(new Set(notes.summary).size).toBe(notes.summary.length);
    for (const [turn] of notes.summarySourceTurns ?? []) expect(turn).toBeLessThan(turns.length);
  });
});

describe('notesFromRequest', () => {
  it('turns a request into notes', () => {
    const result = notesFromRequest({
      transcript: TEAMS_VTT,
      meetingDate: '2026-03-03',
      timeZone: tz,
      title: 'Launch sync',
    });
    expect(result.ok && result.notes.actionItems[0]?.due).toBe('2026-03-06');
    expect(result.ok && result.notes.followUp.subject).toBe('Follow-up: Launch sync');
  });

  it('answers error values for a bad date, a bad zone and something that is not a transcript', () => {
    expect(notesFromRequest({ transcript: SRT, meetingDate: '2026-13-45' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_meeting_date' },
    });
    expect(notesFromRequest({ transcript: SRT, timeZone: 'Mars/Olympus' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_time_zone' },
    });
    const email = 'From: a@example.com\nSubject: Hi\nDate: Tue, 3 Mar 2026 10:00:00 +0000\n\nHello.';
    expect(notesFromRequest({ transcript: email })).toMatchObject({ ok: false, error: { code: 'not_a_transcript' } });
  });
});
