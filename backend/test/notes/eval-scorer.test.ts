import { describe, expect, it } from 'vitest';
import {
  canMatch,
  type GoldItem,
  linesOf,
  match,
  type Predicted,
  type QmsumMeeting,
} from '../../eval/support/notes-match.ts';
import { turnFeatures } from '../../eval/support/notes-turn-features.ts';
import { makeNotesLocal } from '../../src/notes/local.ts';
import { parseTranscript } from '../../src/notes/transcript.ts';

// A hand-written meeting (not a corpus row), one line per entry, in the shape the notes eval reads.
const LINES: [string, string][] = [
  ['Project Manager', 'Okay, let us start with the battery.'],
  ['Industrial Designer', 'I looked at solar cells and they cost too much.'],
  ['Project Manager', 'So we go with normal batteries then.'],
  ['Marketing', 'Yeah, agreed.'],
  ['Marketing', 'Fine by me.'],
  ['Project Manager', 'Marketing, can you check what the competitors charge?'],
  ['Marketing', "Sure, I'll look into the prices before the next meeting."],
  ['Industrial Designer', 'Do we know whether the case can be made of rubber?'],
  ['Project Manager', "I don't know, we'll have to find out."],
];

const meeting: QmsumMeeting = {
  meeting_id: 'hand-written',
  meeting_transcripts: LINES.map(([speaker, content]) => ({ speaker, content })),
  general_query_list: [],
};

function turns() {
  const entries = LINES.map(([speaker, text], i) => ({ speaker, text, start: i, end: i }));
  const parsed = parseTranscript(JSON.stringify(entries), { format: 'json' });
  if (!parsed.ok) throw new Error('the hand-written meeting should parse');
  return parsed.turns;
}

describe('notes eval scorer', () => {
  const decision: GoldItem = { turns: [2, 3], text: 'Normal batteries, not solar cells.' };
  const action: GoldItem = { turns: [5, 6], owner: 'Marketing', task: "Look into the competitors' prices." };

  it('matches an extract of the lines a gold item rests on, not only its abstractive text', () => {
    const p: Predicted = { lines: [2], text: 'So we go with normal batteries then.' };
    expect(canMatch(meeting, decision, p, 'decisions')).toBe(true);
    // Near, but sharing no content word with the gold item or its lines: no credit.
    expect(canMatch(meeting, decision, { lines: [1], text: 'Okay.' }, 'decisions')).toBe(false);
    // Sharing words but far away: no credit.
    const far: GoldItem = { turns: [20], text: 'Normal batteries.' };
    expect(canMatch(meeting, far, p, 'decisions')).toBe(false);
  });

  it('wants the same owner for an action item (group owners are one)', () => {
    const task = "I'll look into the prices before the next meeting.";
    expect(canMatch(meeting, action, { lines: [6], owner: 'Marketing', text: task }, 'actionItems')).toBe(true);
    expect(canMatch(meeting, action, { lines: [6], owner: 'Project Manager', text: task }, 'actionItems')).toBe(false);
    const all: GoldItem = { turns: [6], owner: 'All', task: 'Look into prices.' };
    expect(canMatch(meeting, all, { lines: [6], owner: 'Everyone', text: task }, 'actionItems')).toBe(true);
  });

  it('credits each gold item once: a second item on the same decision is a false positive', () => {
    const twice: Predicted[] = [
      { lines: [2], text: 'We go with normal batteries.' },
      { lines: [3], text: 'Normal batteries agreed.' },
    ];
    const { tp, matchedPredicted } = match(meeting, [decision], twice, 'decisions');
    expect(tp).toBe(1);
    expect(matchedPredicted.size).toBe(1);
  });

  it('maps merged turns back to every transcript line they cover', () => {
    const merged = turns();
    // The two Marketing lines (3 and 4) are one turn.
    const index = merged.findIndex((t) => t.start === 3);
    expect(linesOf(merged, [index])).toEqual([3, 4]);
  });
});

describe('turn features for the item classifier diagnostic', () => {
  it('gives each turn its cues, the rules it triggered and an owner', () => {
    const merged = turns();
    const notes = makeNotesLocal(merged, {});
    const features = turnFeatures(merged, notes);
    expect(features).toHaveLength(merged.length);
    const ask = merged.findIndex((t) => t.text.startsWith('Marketing, can you'));
    const reply = merged.findIndex((t) => t.text.startsWith("Sure, I'll"));
    expect(features[reply]?.features).toContain('c:i-will');
    expect(features[reply]?.owner).toBe('Marketing');
    // "can you…?" is owned by whoever answers it.
    expect(features[ask]?.owner).toBe('Marketing');
    const question = merged.findIndex((t) => t.text.startsWith('Do we know'));
    expect(features[question]?.features).toContain('c:question');
    expect(features[question]?.features).toContain('nc:unknown');
    expect(features[question]?.text.openQuestions).toBe('Do we know whether the case can be made of rubber?');
  });
});
