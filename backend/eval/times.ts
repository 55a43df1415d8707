/**
 * Time-expression evaluation.
 *   npx tsx backend/eval/times.ts [--failures]
 *
 * 1. Duckling's English corpus: $STEWARD_EVAL_DATA/duckling/duckling_en_time_corpus.jsonl (skipped, saying so,
 *    when STEWARD_EVAL_DATA is not set). A row is correct when the resolved start equals the expected value truncated to the
 *    row's grain.
 * 2. Our own hand-annotated sets in backend/eval/data (see its README): expressions in business mail (the
 *    development part and a held-back part), news-style sentences about the past, and sentences that hold
 *    numbers but no time. They need no external data, so they run even when Duckling is absent.
 *
 * `--failures` prints what went wrong on Duckling, the development part of the mail set, the news sentences and
 * the no-time sentences. It never prints the held-back part: that one is only counted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { parseTimeExpressions, type TimeExpression } from '../src/scheduling/times.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = process.env.STEWARD_EVAL_DATA;
const showFailures = process.argv.includes('--failures');

const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

// ---------------------------------------------------------------------------------------------
// Duckling

interface DucklingRow {
  phrase: string;
  kind: string;
  grain?: string;
  value?: string;
  from?: string;
  to?: string;
}

const ZONE = 'UTC-2';
const REF = '2013-02-12T04:30:00-02:00';

type Unit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

function truncate(iso: string, grain: string): string {
  const unit = grain.toLowerCase() as Unit;
  const dt = DateTime.fromISO(iso, { zone: ZONE, setZone: false }).setZone(ZONE);
  return dt.startOf(unit).toISO() ?? '';
}

/** The expression covering the most of the phrase: the corpus labels whole phrases. */
function mainExpression(found: TimeExpression[]): TimeExpression | undefined {
  return [...found].sort((a, b) => b.text.length - a.text.length || a.index - b.index)[0];
}

interface Tally {
  total: number;
  correct: number;
}

const pct = (t: Tally | undefined) => (t?.total ? (100 * t.correct) / t.total : 0);
const line = (name: string, t: Tally | undefined, target: string) =>
  `${name.padEnd(30)} ${String(t?.total ?? 0).padStart(5)} ${String(t?.correct ?? 0).padStart(8)} ${pct(t).toFixed(1).padStart(7)}%  ${target}`;

function duckling(): void {
  if (!dataDir) {
    console.log('Duckling skipped: STEWARD_EVAL_DATA is not set (docs/evaluation.md lists the data sets)');
    return;
  }
  const file = resolve(dataDir, 'duckling/duckling_en_time_corpus.jsonl');
  if (!existsSync(file)) {
    console.log(`Duckling skipped: ${file} not found (set STEWARD_EVAL_DATA to the evaluation data folder)`);
    return;
  }
  const rows = readJsonl<DucklingRow>(file);
  const tallies = new Map<string, Tally>();
  const failures: string[] = [];
  const started = performance.now();
  for (const row of rows) {
    const found = parseTimeExpressions(row.phrase, { ref: REF, tz: ZONE });
    const tally = tallies.get(row.kind) ?? { total: 0, correct: 0 };
    tallies.set(row.kind, tally);
    tally.total++;
    if (row.kind === 'none') {
      if (found.length === 0) tally.correct++;
      else failures.push(`none\t${row.phrase}\t→ ${found.map((f) => f.text).join(' | ')}`);
      continue;
    }
    const expected = row.value ?? row.from;
    const main = mainExpression(found);
    if (!expected || !row.grain) continue;
    const want = truncate(`${expected}-02:00`, row.grain);
    const got = main ? truncate(main.start, row.grain) : '';
    if (got === want) tally.correct++;
    else
      failures.push(
        `${row.kind}\t${row.phrase}\twant ${want.slice(0, 19)} (${row.grain})\tgot ${main ? `${got.slice(0, 19)} [${main.text}] ${main.grain}` : 'nothing'}`,
      );
  }
  const elapsed = performance.now() - started;
  if (showFailures) for (const f of failures) console.log(f);
  console.log(`Duckling EN time corpus (${rows.length} rows, ref ${REF})`);
  console.log(`${'kind'.padEnd(30)} ${'rows'.padStart(5)} ${'correct'.padStart(8)} ${'rate'.padStart(8)}  target`);
  const none = tallies.get('none');
  console.log(line('datetime', tallies.get('datetime'), '≥ 89%'));
  console.log(line('datetimeInterval', tallies.get('datetimeInterval'), '≥ 77%'));
  console.log(
    `${'none (must not parse)'.padEnd(30)} ${String(none?.total ?? 0).padStart(5)} ${String((none?.total ?? 0) - (none?.correct ?? 0)).padStart(8)} ${(100 - pct(none)).toFixed(1).padStart(7)}%  ≤ 5% produce an expression`,
  );
  console.log(line('datetimeOpenInterval', tallies.get('datetimeOpenInterval'), '(not targeted)'));
  console.log(line('datetimeHoliday', tallies.get('datetimeHoliday'), '(not targeted)'));
  console.log(line('datetimeIntervalHoliday', tallies.get('datetimeIntervalHoliday'), '(not targeted)'));
  console.log(`${(elapsed / rows.length).toFixed(2)} ms per phrase\n`);
}

// ---------------------------------------------------------------------------------------------
// Hand-annotated sets (backend/eval/data)

interface GoldTime {
  text: string;
  /** Character offset of `text` in the sentence. */
  at: number;
  /** The value the writer meant; see data/README.md for the notation. */
  value: string;
}

interface AnnotatedRow {
  id: string;
  split?: 'dev' | 'heldback';
  ref: string;
  text: string;
  times: GoldTime[];
  /** Temporal words that are not scored either way (durations, sets, "now"). */
  ignore: { text: string; at: number }[];
}

const PARTS: Record<string, [number, number]> = { MO: [4, 12], AF: [12, 18], EV: [16, 24], NI: [17, 24] };
const SEASONS: Record<string, number[]> = { SP: [3, 4, 5], SU: [6, 7, 8], FA: [9, 10, 11], WI: [12, 1, 2] };

/** The instant an expression names, for scoring: the deadline of "by 5pm", else the start. */
function namedInstant(e: TimeExpression, ref: DateTime): DateTime {
  const start = DateTime.fromISO(e.start, { setZone: true }).setZone(ref.zone);
  if (/^(?:by|before|until|till|within|no later than)\b/i.test(e.text) && Math.abs(start.diff(ref).as('minutes')) < 1) {
    return DateTime.fromISO(e.end, { setZone: true }).setZone(ref.zone).minus({ milliseconds: 1 });
  }
  return start;
}

/** Whether the expression has the value the writer meant. */
export function matchesValue(value: string, e: TimeExpression, ref: DateTime): boolean {
  const at = namedInstant(e, ref);
  let m = /^(\d{4})$/.exec(value);
  if (m) return at.year === Number(m[1]);
  m = /^(\d{4})-(\d{2})$/.exec(value);
  if (m) return at.year === Number(m[1]) && at.month === Number(m[2]);
  m = /^(\d{4})-Q([1-4])$/.exec(value);
  if (m) return at.year === Number(m[1]) && Math.ceil(at.month / 3) === Number(m[2]);
  m = /^(\d{4})-(SP|SU|FA|WI)$/.exec(value);
  if (m)
    return (
      SEASONS[m[2]!]!.includes(at.month) && (at.month === 1 || at.month === 2 ? at.year - 1 : at.year) === Number(m[1])
    );
  m = /^(\d{4})-W(\d{2})(-WE)?$/.exec(value);
  if (m) {
    if (at.weekYear !== Number(m[1]) || at.weekNumber !== Number(m[2])) return false;
    return m[3] ? at.weekday >= 5 : true;
  }
  m = /^(\d{4}-\d{2}-\d{2})(?:T(MO|AF|EV|NI))?$/.exec(value);
  if (m) {
    if (at.toISODate() !== m[1]) return false;
    if (!m[2]) return true;
    const [from, to] = PARTS[m[2]]!;
    return at.hour >= from && at.hour < to;
  }
  m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (m) {
    const want = m[2]
      ? DateTime.fromISO(`${m[1]}${m[2]}`, { setZone: true })
      : DateTime.fromISO(m[1]!, { zone: ref.zone });
    return Math.abs(at.diff(want).as('minutes')) < 1;
  }
  throw new Error(`unknown gold value ${value}`);
}

/** "now" names the present moment (TimeML's PRESENT_REF): never gold, never a false time. */
const PRESENT_REF = /^(?:right\s+)?now$/i;

interface SetScore {
  sentences: number;
  gold: number;
  found: number;
  correct: number;
  falseTimes: number;
  failures: string[];
}

function scoreRows(rows: AnnotatedRow[]): SetScore {
  const score: SetScore = { sentences: rows.length, gold: 0, found: 0, correct: 0, falseTimes: 0, failures: [] };
  for (const row of rows) {
    const ref = DateTime.fromISO(row.ref, { setZone: true });
    const found = parseTimeExpressions(row.text, { ref: row.ref });
    const overlap = (e: TimeExpression, at: number, length: number) =>
      Math.max(0, Math.min(e.index + e.text.length, at + length) - Math.max(e.index, at));
    for (const g of row.times) {
      score.gold++;
      const best = [...found]
        .filter((e) => overlap(e, g.at, g.text.length) > 0)
        .sort((a, b) => overlap(b, g.at, g.text.length) - overlap(a, g.at, g.text.length))[0];
      if (best) score.found++;
      if (best && matchesValue(g.value, best, ref)) score.correct++;
      else
        score.failures.push(
          `${row.id}\t"${g.text}" want ${g.value}\tgot ${best ? `${best.start} ${best.grain} [${best.text}]${best.rule ? ` ${best.rule}` : ''}` : 'nothing'}\t(ref ${row.ref.slice(0, 10)} ${ref.weekdayShort}) ${row.text.slice(0, 160)}`,
        );
    }
    const spans = [...row.times, ...row.ignore];
    for (const e of found) {
      if (PRESENT_REF.test(e.text) || spans.some((s) => overlap(e, s.at, s.text.length) > 0)) continue;
      score.falseTimes++;
      score.failures.push(`${row.id}\tFALSE "${e.text}" → ${e.start}\t${row.text.slice(0, 160)}`);
    }
  }
  return score;
}

function printScore(name: string, s: SetScore, target: string): void {
  const rate = s.gold ? (100 * s.correct) / s.gold : 0;
  console.log(
    `${name.padEnd(30)} ${String(s.sentences).padStart(9)} ${String(s.gold).padStart(6)} ${String(s.found).padStart(6)} ${String(s.correct).padStart(8)} ${rate.toFixed(1).padStart(7)}% ${String(s.falseTimes).padStart(6)}  ${target}`,
  );
}

function annotated(): void {
  const dir = resolve(here, 'data');
  const email = readJsonl<AnnotatedRow>(resolve(dir, 'email-times.jsonl'));
  const news = readJsonl<AnnotatedRow>(resolve(dir, 'news-times.jsonl'));
  const dev = scoreRows(email.filter((r) => r.split !== 'heldback'));
  const heldback = scoreRows(email.filter((r) => r.split === 'heldback'));
  const newsScore = scoreRows(news);
  if (showFailures) for (const f of [...dev.failures, ...newsScore.failures]) console.log(f);
  console.log('Hand-annotated expressions (backend/eval/data): right value = found with the value the writer meant');
  console.log(
    `${'set'.padEnd(30)} ${'sentences'.padStart(9)} ${'gold'.padStart(6)} ${'found'.padStart(6)} ${'correct'.padStart(8)} ${'rate'.padStart(8)} ${'false'.padStart(6)}  target`,
  );
  printScore('mail, development part', dev, '≥ 90%');
  printScore('mail, held-back part', heldback, '≥ 85% (not looked at while tuning)');
  printScore('news-style (development)', newsScore, '(past and future; written to tune direction)');

  const none = readJsonl<{ id: string; category: string; text: string }>(resolve(dir, 'no-times.jsonl'));
  const byCategory = new Map<string, Tally>();
  const failures: string[] = [];
  for (const row of none) {
    const found = parseTimeExpressions(row.text, { ref: '2001-06-15T12:00:00-05:00' }).filter(
      (e) => !PRESENT_REF.test(e.text),
    );
    for (const key of ['all', row.category]) {
      const t = byCategory.get(key) ?? { total: 0, correct: 0 };
      t.total++;
      if (found.length) t.correct++;
      byCategory.set(key, t);
    }
    if (found.length)
      failures.push(`${row.id}\t${found.map((e) => `"${e.text}" → ${e.start}`).join(' | ')}\t${row.text}`);
  }
  if (showFailures) for (const f of failures) console.log(f);
  console.log('\nSentences with numbers but no time: share that produce any expression (false times)');
  for (const [key, t] of [...byCategory].sort((a, b) =>
    a[0] === 'all' ? -1 : b[0] === 'all' ? 1 : a[0].localeCompare(b[0]),
  )) {
    console.log(
      `${key.padEnd(30)} ${String(t.total).padStart(9)} ${String(t.correct).padStart(6)} ${pct(t).toFixed(1).padStart(7)}%  ${key === 'all' ? '≤ 2%' : ''}`,
    );
  }
}

duckling();
annotated();
