/**
 * The layering rules, checked from the import graph (docs/architecture.md):
 * - the core (triage/, drafting/, scheduling/, notes/) imports nothing from storage/, jobs/, http/, sync/ or accounts/;
 * - storage/ imports nothing from mail/ or sync/;
 * - mail/ imports nothing from http/, sync/, storage/ or jobs/;
 * - no file outside storage/ builds a query (Kysely's selectFrom, insertInto, updateTable, deleteFrom, or a
 *   sql`…` template): all SQL is in storage/.
 * Every relative import of every file under backend/src is read: static imports, `export … from`, and
 * dynamic `import()`, type-only ones included.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

const RULES: Array<{ from: string[]; never: string[] }> = [
  { from: ['triage', 'drafting', 'scheduling', 'notes'], never: ['storage', 'jobs', 'http', 'sync', 'accounts'] },
  { from: ['storage'], never: ['mail', 'sync'] },
  { from: ['mail'], never: ['http', 'sync', 'storage', 'jobs'] },
];

interface Edge {
  file: string;
  target: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|mjs|js)$/.test(entry.name) ? [full] : [];
  });
}

/** The module specifiers a source text imports or re-exports. */
export function specifiersOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1]!);
  return found;
}

/** The top-level folder of backend/src a path is in ('' for files at the top, like app.ts). */
function area(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length > 1 ? rel[0]! : '';
}

function edges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) =>
    specifiersOf(readFileSync(file, 'utf8'))
      .filter((s) => s.startsWith('.'))
      .map((s) => ({ file, target: path.resolve(path.dirname(file), s) })),
  );
}

/** Every edge that breaks a rule, as "file → target". */
export function violations(graph: Edge[]): string[] {
  const broken: string[] = [];
  for (const { file, target } of graph) {
    const from = area(file);
    const to = area(target);
    for (const rule of RULES) {
      if (rule.from.includes(from) && rule.never.includes(to))
        broken.push(`${path.relative(SRC, file)} → ${path.relative(SRC, target)}`);
    }
  }
  return broken;
}

/** Kysely's query builders: a file outside storage/ that uses one writes SQL where it must not. */
const QUERY_BUILDER = /\.(?:selectFrom|insertInto|updateTable|deleteFrom)\s*\(|\bsql\s*(?:<[^`]*?>)?\s*`/g;

/** Every query built in a source text, as "line: builder" (comments are not code, so they are skipped). */
export function queriesIn(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
  return [...code.matchAll(QUERY_BUILDER)].map(
    (m) => `${code.slice(0, m.index).split('\n').length}: ${m[0].replace(/\s+/g, '')}`,
  );
}

/** Every file outside storage/ that builds a query, as "file:line: builder". */
export function queriesOutsideStorage(): string[] {
  return sourceFiles(SRC)
    .filter((file) => area(file) !== 'storage')
    .flatMap((file) => queriesIn(readFileSync(file, 'utf8')).map((q) => `${path.relative(SRC, file)}:${q}`));
}

describe('the import graph keeps the layers apart', () => {
  it('reads the imports of every source file', () => {
    const graph = edges();
    // A reader that found nothing would pass every rule: make sure it sees the known edges.
    expect(graph.length).toBeGreaterThan(300);
    expect(graph.some((e) => area(e.file) === 'sync' && area(e.target) === 'storage')).toBe(true);
    expect(graph.some((e) => area(e.file) === 'triage' && area(e.target) === 'mail')).toBe(true);
  });

  it('finds a forbidden import in each form an import can take', () => {
    const text = [
      "import { a } from '../storage/users.ts';",
      "import type { B } from '../jobs/queue.ts';",
      "export { c } from '../http/errors.ts';",
      "export * from '../sync/port.ts';",
      "const d = await import('../accounts/tokens.ts');",
    ].join('\n');
    const file = path.join(SRC, 'triage', 'example.ts');
    const graph = specifiersOf(text).map((s) => ({ file, target: path.resolve(path.dirname(file), s) }));
    expect(violations(graph)).toHaveLength(5);
    const storage = path.join(SRC, 'storage', 'example.ts');
    expect(violations([{ file: storage, target: path.join(SRC, 'mail', 'types.ts') }])).toHaveLength(1);
    const mail = path.join(SRC, 'mail', 'example.ts');
    expect(violations([{ file: mail, target: path.join(SRC, 'jobs', 'queue.ts') }])).toHaveLength(1);
    expect(violations([{ file: mail, target: path.join(SRC, 'mail', 'types.ts') }])).toEqual([]);
  });

  it('core, storage and mail import nothing they must not', () => {
    expect(violations(edges())).toEqual([]);
  });

  it('finds a query in each form a query can take, and not in comments', () => {
    const text = [
      "await db.selectFrom('users').selectAll().execute();",
      "await trx\n  .insertInto('jobs')",
      "db.updateTable('jobs').set({})",
      "db.deleteFrom('jobs')",
      'await sql`select 1`.execute(db);',
      'sql<{ n: number }>`select 1 as n`',
      "// db.selectFrom('users') in a comment",
      '/** sql`…` in a doc comment */',
      "const selectFrom = 'a word, not a call';",
    ].join('\n');
    expect(queriesIn(text)).toHaveLength(6);
  });

  it('builds no query outside storage/', () => {
    expect(queriesOutsideStorage()).toEqual([]);
  });
});
