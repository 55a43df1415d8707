/**
 * Issue 12: every path over untrusted text runs in time linear in its input. For each path, fast-check
 * draws a short unit from tokens that are hard for regular expressions and parsers (unclosed tags,
 * partial matches, runs of one letter…); the unit is repeated to n, 2n and 4n characters, and the test
 * fails when the time more than triples per doubling (over 9× from n to 4n: a quadratic path grows 16×, a
 * linear one 4×). Each time is the least CPU time of three runs, plus a floor, so a busy machine does not fail it. Known
 * attack units from the issue are always among the cases. Not a benchmark: it only tells growth apart.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enforceDraftRules } from '../src/ai/output-rules.ts';
import { findInjections, quarantineInstructions, sanitiseModelOutput } from '../src/ai/safety.ts';
import { visibleHtmlText } from '../src/mail/html-text.ts';
import { normaliseMessage } from '../src/mail/normalise.ts';
import { notesFromRequest } from '../src/notes/local.ts';
import { cleanUtterance } from '../src/notes/transcript.ts';
import { parseTimeExpressions } from '../src/scheduling/times.ts';

const BASE = Number(process.env.LINEAR_TEST_CHARS ?? 12_000);
const FLOOR_MS = 40;

/**
 * The least CPU time (user + system, this process and its worker threads) of `times` runs, in ms. CPU time,
 * not wall time: on a busy machine other processes stretch the wall clock but not the work done here.
 */
async function bestOf(run: () => unknown | Promise<unknown>, times = 3): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const start = process.cpuUsage();
    await run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.max(1, Math.ceil(length / Math.max(1, unit.length)))).slice(0, length);
}

/** Times at n, 2n, 4n; true unless the two doublings together grew the time more than 3 × 3 = 9 times. */
async function growsLinearly(
  path: (input: string) => unknown | Promise<unknown>,
  unit: string,
  scale = 1,
): Promise<{ ok: boolean; ms: number[] }> {
  let ms: number[] = [];
  // A busy machine (a garbage collection, another process) can slow one size; a second full measurement
  // settles it. A super-linear path fails both: its growth is in the work, not in the machine.
  for (let attempt = 0; attempt < 2; attempt++) {
    ms = [];
    for (const factor of [1, 2, 4]) {
      const input = repeatTo(unit, BASE * scale * factor);
      ms.push(await bestOf(() => path(input)));
    }
    const [a = 0, , c = 0] = ms;
    // Linear grows 4× over the two doublings, quadratic 16×: 9× (tripling per doubling) lies between, far
    // enough from both that a busy machine does not tip it (each time is already the best of three).
    if (c <= 9 * a + FLOOR_MS) return { ok: true, ms: ms.map((t) => Math.round(t)) };
  }
  return { ok: false, ms: ms.map((t) => Math.round(t)) };
}

interface PathCase {
  name: string;
  run: (input: string) => unknown | Promise<unknown>;
  tokens: string[];
  /** Units from the issue and from review: always checked. */
  known: string[];
  /** Input sizes times this (deep nesting shows its growth only past some depth). */
  scale?: number;
}

const REF = new Date('2026-03-02T10:00:00Z');

const PATHS: PathCase[] = [
  {
    name: 'HTML (normalisation)',
    run: (html) => normaliseMessage({ id: 'h', html } as never),
    tokens: [
      '<a ',
      '<a href=x>',
      '<b>',
      '<i>',
      '</i>',
      '</p>',
      '<p>',
      '<li>',
      '<ol start=3 type=I>',
      '<td>',
      '<div style="display:none">',
      '<!--',
      'x',
      ' ',
      '"',
      '=',
      '&amp;',
      '<img ',
      '>',
      '\n',
    ],
    known: ['<a ', '<b><i>', '</i>', '<div hidden>', '<p', '<a href', '<!--'],
  },
  {
    name: 'HTML (visible text pass)',
    run: (html) => visibleHtmlText(html),
    tokens: ['<b>', '<i>', '</b>', '<ul>', '<li>', '<table>', '<tr>', '<td>', 'x ', '<br>', '<pre>', '<blockquote>'],
    known: ['<b><i>', '<ul><li>', '<blockquote>x', '</td>'],
    scale: 6,
  },
  {
    name: 'MIME (raw source)',
    run: (raw) => normaliseMessage({ id: 'm', raw } as never),
    tokens: [
      'Content-Type: multipart/mixed; boundary=x\r\n',
      '--x\r\n',
      '\r\n',
      '=?utf-8?q?',
      '?=',
      'a',
      ':',
      ' ',
      '\t',
      'Subject: ',
      '=',
      '=0A',
      '\r\n\r\n',
    ],
    known: ['a', ':', ' \t', 'Subject: =?utf-8?q?a', 'X: a\r\n ', '\r\n--x'],
  },
  {
    name: 'transcript (notes)',
    run: (transcript) => notesFromRequest({ transcript } as never),
    tokens: [
      'm',
      'h',
      'u',
      'e',
      'r',
      ' ',
      ',',
      '.',
      'you know ',
      'I mean, ',
      '\n',
      'A: ',
      'WEBVTT\n',
      '00:00:01.000 --> 00:00:02.000\n',
      '[laughter',
      '{',
      'the ',
      '-->',
      '?',
    ],
    known: ['m', 'mh', ' m', 'the ', 'A: mmm\n', 'you know ', '00:00:01.000 --> ', '?m'],
  },
  {
    name: 'transcript (filler words)',
    run: (text) => cleanUtterance(`${text}x`),
    tokens: ['m', 'h', 'u', 'e', 'r', ',', ' '],
    known: ['m', 'mh', 'u', 'er', 'hm'],
  },
  {
    name: 'time expressions',
    run: (text) => parseTimeExpressions(text, { ref: REF, tz: 'Europe/Berlin' }),
    tokens: [
      'next ',
      'Monday ',
      'at ',
      '3',
      'pm',
      ' ',
      '-',
      ':',
      'on ',
      'between ',
      'and ',
      '1',
      '0',
      '/',
      'tomorrow ',
      'week ',
      'the ',
    ],
    known: ['1', '1:', '3pm-', 'next ', 'next 1', 'between 1 and ', '1/1/', 'Monday 3pm'],
  },
  {
    name: 'safety (quarantine)',
    run: (text) => quarantineInstructions(text),
    tokens: [
      'ignore ',
      'instructions ',
      'a',
      ' ',
      '@',
      '.',
      'forward ',
      'all ',
      'AAAA',
      '=',
      'system',
      ':',
      'assistant',
      '\n',
      'you are ',
      'classify ',
    ],
    known: ['a', 'AAAA', 'ignore ', 'forward all ', ' \n', 'assistant ', ' ', '\t', 'system '],
  },
  {
    name: 'safety (output sanitiser)',
    run: (text) => sanitiseModelOutput(text, { allowedSources: ['Hello'] }),
    tokens: [
      'a',
      ' ',
      '@',
      '.',
      'http://',
      'www.',
      '1',
      '-',
      '(',
      ')',
      '[',
      ']',
      '![',
      '](',
      'x.com',
      '\n',
      '<',
      '>',
      'at ',
      'dot ',
    ],
    known: ['(1-', '1-', 'a.', '[a', '![', 'a@', 'a at b dot ', 'www.a'],
  },
  {
    name: 'safety (injection finder)',
    run: (text) => findInjections(text),
    tokens: ['ignore ', 'a', ' ', 'the ', 'instructions', 'AI ', 'must ', '\n', 'reply ', 'with ', 'classify ', 'as '],
    known: ['a ', 'ignore ', 'AI a', 'classify a'],
  },
  {
    name: 'draft output rules',
    run: (text) => enforceDraftRules(text, { sources: ['Hello'] }),
    tokens: [
      'I have ',
      'sent ',
      'forwarded ',
      'the ',
      'a',
      ' ',
      '.',
      '\n',
      'evil',
      '。',
      '[.]',
      'com',
      '/',
      'dot ',
      'was ',
      'approved ',
    ],
    known: ['a', 'I have sent ', 'evil[.]', 'a.', 'was ', 'dot '],
  },
];

function seedOption(): { seed?: number } {
  const seed = process.env.LINEAR_TEST_SEED;
  if (seed === 'random') return {};
  return { seed: seed ? Number(seed) : 20_260_312 };
}

describe('linear time on untrusted input', () => {
  it.each(PATHS.map((p) => [p.name, p] as const))(
    '%s: doubling the input never more than triples the time (known attack units)',
    async (_name, path) => {
      for (const unit of path.known) {
        const { ok, ms } = await growsLinearly(path.run, unit);
        expect(
          ok,
          `unit ${JSON.stringify(unit)} took ${ms.join(' / ')} ms at ${BASE} / ${2 * BASE} / ${4 * BASE} chars`,
        ).toBe(true);
      }
    },
    300_000,
  );

  it.each(PATHS.map((p) => [p.name, p] as const))(
    '%s: doubling the input never more than triples the time (generated units)',
    async (_name, path) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...path.tokens), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
          async (unit) => {
            const { ok, ms } = await growsLinearly(path.run, unit, path.scale);
            if (!ok) throw new Error(`unit ${JSON.stringify(unit)} took ${ms.join(' / ')} ms`);
          },
        ),
        // A fixed seed by default, so the suite checks the same units every run; LINEAR_TEST_SEED (or
        // LINEAR_TEST_SEED=random) and LINEAR_TEST_RUNS explore further. What exploration finds goes into `known`.
        { numRuns: Number(process.env.LINEAR_TEST_RUNS ?? 4), ...seedOption() },
      );
    },
    300_000,
  );
});
