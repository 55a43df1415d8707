/**
 * The item scorer of the notes evaluation, shared by `notes.ts` and `notes-classifier.ts` so that both are
 * scored the same way: a predicted item matches a gold item of the same kind when its cited lines lie within
 * three transcript lines of the gold item's, it shares a content word with the gold item (its text or the
 * lines it rests on), and, for an action item, it names the same owner; the matching is one-to-one.
 */
import type { MeetingNotes } from '@steward/shared';
import { contentTerms } from '../../src/notes/text.ts';
import type { Turn } from '../../src/notes/transcript.ts';

export interface QmsumMeeting {
  meeting_id: string;
  meeting_transcripts: { speaker: string; content: string }[];
  general_query_list: { query: string; answer: string }[];
}

export interface GoldItem {
  turns: number[];
  /** Decisions and open questions. */
  text?: string;
  /** Action items. */
  task?: string;
  owner?: string;
}
export interface GoldMeeting {
  meeting: string;
  split: 'dev' | 'heldback';
  /** The annotation round; round 3 meetings were added to the dev split without moving their summary split. */
  round?: number;
  decisions: GoldItem[];
  actionItems: GoldItem[];
  openQuestions: GoldItem[];
}

const WINDOW = 3;
export const KINDS = ['decisions', 'actionItems', 'openQuestions'] as const;
export type Kind = (typeof KINDS)[number];

export interface Predicted {
  lines: number[];
  owner?: string;
  text: string;
}

const GROUP_OWNERS = new Set(['all', 'everyone', 'unassigned', 'the team', 'team']);

function sameOwner(gold: string | undefined, predicted: string | undefined): boolean {
  const g = (gold ?? '').toLowerCase();
  const p = (predicted ?? '').toLowerCase();
  if (g === p) return true;
  return GROUP_OWNERS.has(g) && GROUP_OWNERS.has(p);
}

/** Transcript lines a merged turn covers (its start and end were set to its first and last line). */
export function linesOf(turns: Turn[], cited: readonly number[]): number[] {
  const lines: number[] = [];
  for (const index of cited) {
    const turn = turns[index];
    if (turn?.start === undefined) continue;
    for (let line = turn.start; line <= (turn.end ?? turn.start); line++) lines.push(line);
  }
  return lines;
}

function near(a: readonly number[], b: readonly number[]): boolean {
  return a.some((x) => b.some((y) => Math.abs(x - y) <= WINDOW));
}

/** The words of a transcript's lines, for the content-word test below. */
function lineTerms(meeting: QmsumMeeting, lines: readonly number[]): Set<string> {
  const terms = new Set<string>();
  for (const line of lines)
    for (const term of contentTerms(meeting.meeting_transcripts[line]?.content ?? '')) terms.add(term);
  return terms;
}

export function predictedItems(notes: MeetingNotes, turns: Turn[], kind: Kind): Predicted[] {
  if (kind === 'actionItems')
    return notes.actionItems.map((a) => ({ lines: linesOf(turns, a.sourceTurns ?? []), owner: a.owner, text: a.task }));
  return notes[kind].map((d) => ({ lines: linesOf(turns, d.sourceTurns ?? []), text: d.text }));
}

/**
 * Can predicted item p stand for gold item g? Its cited lines lie within three lines of the gold item's, it
 * shares a content word with the gold item (its text, or the transcript lines the gold item rests on), and an
 * action item names the same owner. Nearness alone would credit any item that happens to sit nearby.
 */
export function canMatch(meeting: QmsumMeeting, g: GoldItem, p: Predicted, kind: Kind): boolean {
  if (!near(g.turns, p.lines)) return false;
  if (kind === 'actionItems' && !sameOwner(g.owner, p.owner)) return false;
  const goldTerms = new Set([...contentTerms(g.text ?? g.task ?? ''), ...lineTerms(meeting, g.turns)]);
  return contentTerms(p.text).some((term) => goldTerms.has(term));
}

/** One-to-one: the largest matching of predicted to gold items (augmenting paths; both lists are short). */
export function match(
  meeting: QmsumMeeting,
  goldItems: GoldItem[],
  predicted: Predicted[],
  kind: Kind,
): { tp: number; matchedGold: Set<number>; matchedPredicted: Set<number> } {
  const edges = predicted.map((p) => goldItems.flatMap((g, i) => (canMatch(meeting, g, p, kind) ? [i] : [])));
  const goldTo = new Map<number, number>();
  const augment = (p: number, seen: Set<number>): boolean => {
    for (const g of edges[p] ?? []) {
      if (seen.has(g)) continue;
      seen.add(g);
      const holder = goldTo.get(g);
      if (holder === undefined || augment(holder, seen)) {
        goldTo.set(g, p);
        return true;
      }
    }
    return false;
  };
  for (let p = 0; p < predicted.length; p++) augment(p, new Set());
  return { tp: goldTo.size, matchedGold: new Set(goldTo.keys()), matchedPredicted: new Set(goldTo.values()) };
}
