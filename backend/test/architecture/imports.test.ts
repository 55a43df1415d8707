/**
 * The layering rules, checked from the import graph (docs/architecture.md):
 * - the core (triage/, drafting/, scheduling/, notes/) imports nothing from storage/, jobs/, http/, sync/ or accounts/;
 * - storage/ imports nothing from mail/ or sync/;
 * - mail/ imports nothing from http/, sync/, storage/ or jobs/.
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
});
