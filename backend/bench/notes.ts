/**
 * Local meeting notes speed: parse + notes for one-hour meetings (QMSum size) and for a synthetic
 * five-hour transcript. Target: under 2 s for one hour. Run: npx tsx backend/bench/notes.ts
 * Uses $STEWARD_EVAL_DATA/qmsum when STEWARD_EVAL_DATA is set, else synthetic transcripts only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { makeNotesLocal } from '../src/notes/local.ts';
import { parseTranscript } from '../src/notes/transcript.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const qmsum = process.env.STEWARD_EVAL_DATA
  ? resolve(repoRoot, process.env.STEWARD_EVAL_DATA, 'qmsum/qmsum_all_test.jsonl.gz')
  : '';
const meetingDate = new Date('2026-03-03T10:00:00Z');

interface Row {
  name: string;
  chars: number;
  turns: number;
  parseMs: number;
  notesMs: number;
}

function measure(name: string, transcript: string, format: 'json' | 'vtt'): Row {
  const t0 = performance.now();
  const parsed = parseTranscript(transcript, { format });
  const t1 = performance.now();
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error.message}`);
  makeNotesLocal(parsed.turns, { meetingDate, tz: 'Europe/Berlin' });
  const t2 = performance.now();
  return { name, chars: transcript.length, turns: parsed.turns.length, parseMs: t1 - t0, notesMs: t2 - t1 };
}

/** A Teams-style VTT of `hours` hours: four speakers, a cue every 5 s, varied sentences. */
function syntheticVtt(hours: number): string {
  const speakers = ['Ann Lee', 'Bob Stone', 'Carla Diaz', 'Dev Patel'];
  const topics = ['budget', 'launch plan', 'hiring', 'vendor contract', 'roadmap', 'customer churn', 'pricing page'];
  const lines = ['WEBVTT', ''];
  const cues = Math.floor((hours * 3600) / 5);
  for (let i = 0; i < cues; i++) {
    const speaker = speakers[(i * 7 + Math.floor(i / 3)) % speakers.length];
    const topic = topics[Math.floor(i / 40) % topics.length];
    const text =
      i % 23 === 0
        ? `Um, I'll send the ${topic} numbers to the team by Friday.`
        : i % 17 === 0
          ? `So can we, you know, decide on the ${topic} before next week?`
          : `I think the ${topic} needs another look because the numbers from item ${i % 97} changed again.`;
    lines.push(`${i}`, `${stamp(i * 5)} --> ${stamp(i * 5 + 4.5)}`, `<v ${speaker}>${text}</v>`, '');
  }
  return lines.join('\n');
}

function stamp(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}`;
}

function main(): void {
  const rows: Row[] = [];
  // Warm-up so JIT compilation does not land on the first measured meeting.
  measure('warm-up', syntheticVtt(0.25), 'vtt');
  if (existsSync(qmsum)) {
    const meetings = gunzipSync(readFileSync(qmsum)).toString('utf8').split('\n').filter(Boolean);
    meetings.forEach((line, i) => {
      const meeting = JSON.parse(line) as { meeting_id?: string; meeting_transcripts: unknown[] };
      rows.push(measure(`qmsum #${i + 1}`, JSON.stringify(meeting.meeting_transcripts), 'json'));
    });
  } else {
    console.log(`(QMSum not found at ${qmsum}; synthetic transcripts only)`);
  }
  const qmsumRows = rows.slice();
  rows.push(measure('synthetic VTT 1 h', syntheticVtt(1), 'vtt'));
  rows.push(measure('synthetic VTT 5 h', syntheticVtt(5), 'vtt'));

  console.log('transcript            chars   turns  parse ms  notes ms  total ms');
  const show = (row: Row) =>
    console.log(
      `${row.name.padEnd(18)} ${String(row.chars).padStart(8)} ${String(row.turns).padStart(7)} ${row.parseMs
        .toFixed(1)
        .padStart(9)} ${row.notesMs.toFixed(1).padStart(9)} ${(row.parseMs + row.notesMs).toFixed(1).padStart(9)}`,
    );
  if (qmsumRows.length > 0) {
    const totals = qmsumRows.map((row) => row.parseMs + row.notesMs).sort((a, b) => a - b);
    const slowest = qmsumRows.reduce((a, b) => (a.parseMs + a.notesMs >= b.parseMs + b.notesMs ? a : b));
    console.log(
      `QMSum, ${qmsumRows.length} meetings: median ${(totals[Math.floor(totals.length / 2)] ?? 0).toFixed(1)} ms, ` +
        `max ${(totals.at(-1) ?? 0).toFixed(1)} ms (target < 2000 ms per one-hour meeting); slowest:`,
    );
    show(slowest);
  }
  for (const row of rows.slice(qmsumRows.length)) show(row);
}

main();
