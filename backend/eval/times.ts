/**
 * Time-expression evaluation on Duckling's English corpus.
 *   npx tsx backend/eval/times.ts [--failures]
 * Data: $STEWARD_EVAL_DATA/duckling/duckling_en_time_corpus.jsonl (default ../shared/data from the repo root).
 * A row is correct when the resolved start equals the expected value truncated to the row's grain.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { parseTimeExpressions, type TimeExpression } from '../src/scheduling/times.ts';

interface Row {
  phrase: string;
  kind: string;
  grain?: string;
  value?: string;
  from?: string;
  to?: string;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.STEWARD_EVAL_DATA ?? resolve(repoRoot, '../shared/data');
const file = resolve(dataDir, 'duckling/duckling_en_time_corpus.jsonl');
if (!existsSync(file)) {
  console.log(`skipped: ${file} not found (set STEWARD_EVAL_DATA to the evaluation data folder)`);
  process.exit(0);
}

const ZONE = 'UTC-2';
const REF = '2013-02-12T04:30:00-02:00';
const showFailures = process.argv.includes('--failures');

const rows: Row[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Row);

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
const tallies = new Map<string, Tally>();
const failures: string[] = [];
const started = performance.now();

for (const row of rows) {
  const found = parseTimeExpressions(row.phrase, { ref: REF, tz: ZONE });
  const group = row.kind;
  const tally = tallies.get(group) ?? { total: 0, correct: 0 };
  tallies.set(group, tally);
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

const pct = (t: Tally | undefined) => (t?.total ? (100 * t.correct) / t.total : 0);
const line = (name: string, t: Tally | undefined, target: string) =>
  `${name.padEnd(26)} ${String(t?.total ?? 0).padStart(5)} ${String(t?.correct ?? 0).padStart(8)} ${pct(t).toFixed(1).padStart(7)}%  ${target}`;

if (showFailures) for (const f of failures) console.log(f);
console.log(`Duckling EN time corpus (${rows.length} rows, ref ${REF})`);
console.log(`${'kind'.padEnd(26)} ${'rows'.padStart(5)} ${'correct'.padStart(8)} ${'rate'.padStart(8)}  target`);
const none = tallies.get('none');
console.log(line('datetime', tallies.get('datetime'), '≥ 85%'));
console.log(line('datetimeInterval', tallies.get('datetimeInterval'), '≥ 70%'));
console.log(
  `${'none (must not parse)'.padEnd(26)} ${String(none?.total ?? 0).padStart(5)} ${String((none?.total ?? 0) - (none?.correct ?? 0)).padStart(8)} ${(100 - pct(none)).toFixed(1).padStart(7)}%  ≤ 10% produce an expression`,
);
console.log(line('datetimeOpenInterval', tallies.get('datetimeOpenInterval'), '(not targeted)'));
console.log(line('datetimeHoliday', tallies.get('datetimeHoliday'), '(not targeted)'));
console.log(line('datetimeIntervalHoliday', tallies.get('datetimeIntervalHoliday'), '(not targeted)'));
console.log(`${(elapsed / rows.length).toFixed(2)} ms per phrase`);
