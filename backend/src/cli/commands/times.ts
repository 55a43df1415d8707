import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseTimeExpressions, type TimeExpression } from '../../scheduling/times.ts';
import { isValidZone } from '../../scheduling/zones.ts';
import { type CliCommand, type CliIo, UsageError } from '../command.ts';

const USAGE = `Usage: steward times --ref ISO_DATETIME [--tz IANA_ZONE] [--json] [--debug]

Prints every time expression in the text on stdin, resolved against the reference time.
  --ref ISO_DATETIME   what "tomorrow" and "next week" are relative to, e.g. 2025-02-04T09:00:00-05:00
  --tz IANA_ZONE       the writer's zone (default: the offset of --ref, else UTC)
  --json               stdin is JSON Lines {"id", "text", "ref"?, "tz"?}; prints one line per document:
                       {"id", "expressions": [{"text", "start", "end", "grain"}]}
  --debug              also print the rule that found each expression and, where the sentence decided it,
                       the direction it was read in and the word that decided ("past", "said")`;

interface TimesArgs {
  ref?: string;
  tz?: string;
  json: boolean;
  debug: boolean;
}

function parseArgs(args: string[]): TimesArgs {
  const parsed: TimesArgs = { json: false, debug: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--json') parsed.json = true;
    else if (arg === '--debug') parsed.debug = true;
    else if (arg === '--ref' || arg === '--tz') {
      const value = args[++i];
      if (!value || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      if (arg === '--ref') parsed.ref = value;
      else parsed.tz = value;
    } else throw new UsageError(`unknown argument "${arg}"`);
  }
  if (!parsed.ref && !parsed.json) throw new UsageError('--ref is required');
  if (parsed.ref && Number.isNaN(Date.parse(parsed.ref)))
    throw new UsageError(`--ref is not an ISO date-time: ${parsed.ref}`);
  if (parsed.tz && !isValidZone(parsed.tz)) throw new UsageError(`--tz is not a time zone: ${parsed.tz}`);
  return parsed;
}

const publicFields = (e: TimeExpression) => ({ text: e.text, start: e.start, end: e.end, grain: e.grain });
const debugFields = (e: TimeExpression) => ({
  ...publicFields(e),
  ...(e.rule ? { rule: e.rule } : {}),
  ...(e.direction ? { direction: e.direction, cue: e.cue } : {}),
});

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk;
  return text;
}

interface Failure {
  code: string;
  message: string;
}

function parseDocument(
  line: string,
  position: number,
  args: TimesArgs,
): { id: unknown; text: string; ref: string; tz?: string } | { id: unknown; error: Failure } {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return { id: position, error: { code: 'invalid_json', message: 'the line is not valid JSON' } };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return { id: position, error: { code: 'invalid_record', message: 'each line must be a JSON object' } };
  }
  const record = doc as Record<string, unknown>;
  const id = record.id ?? position;
  if (typeof record.text !== 'string')
    return { id, error: { code: 'invalid_record', message: '"text" must be a string' } };
  const ref = typeof record.ref === 'string' ? record.ref : args.ref;
  if (!ref) return { id, error: { code: 'missing_ref', message: 'no "ref" in the record and no --ref given' } };
  const tz = typeof record.tz === 'string' ? record.tz : args.tz;
  return { id, text: record.text, ref, ...(tz ? { tz } : {}) };
}

async function runJson(args: TimesArgs, io: CliIo): Promise<number> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let position = 0;
  let failures = 0;
  for await (const raw of lines) {
    if (!raw.trim()) continue;
    position++;
    const doc = parseDocument(raw, position, args);
    if ('error' in doc) {
      failures++;
      io.stdout.write(`${JSON.stringify({ id: doc.id, error: doc.error })}\n`);
      continue;
    }
    try {
      const expressions = parseTimeExpressions(doc.text, { ref: doc.ref, ...(doc.tz ? { tz: doc.tz } : {}) });
      const fields = args.debug ? debugFields : publicFields;
      io.stdout.write(`${JSON.stringify({ id: doc.id, expressions: expressions.map(fields) })}\n`);
    } catch (error) {
      failures++;
      const message = error instanceof Error ? error.message : String(error);
      io.stdout.write(`${JSON.stringify({ id: doc.id, error: { code: 'invalid_reference', message } })}\n`);
    }
  }
  return failures > 0 ? 1 : 0;
}

function formatTable(expressions: TimeExpression[], debug: boolean): string {
  if (!expressions.length) return 'no time expressions found\n';
  const width = Math.min(40, Math.max(4, ...expressions.map((e) => e.text.length)));
  const why = (e: TimeExpression) =>
    debug ? `  ${(e.rule ?? '').padEnd(16)}${e.direction ? `${e.direction} (${e.cue})` : ''}`.trimEnd() : '';
  const rows = expressions.map((e) =>
    `${e.text.slice(0, 40).padEnd(width)}  ${e.start}  ${e.end}  ${e.grain.padEnd(6)}${why(e)}`.trimEnd(),
  );
  const header = `${'text'.padEnd(width)}  ${'start'.padEnd(25)}  ${'end'.padEnd(25)}  grain${debug ? '   rule            direction' : ''}`;
  return `${header}\n${rows.join('\n')}\n`;
}

export const timesCommand: CliCommand = {
  name: 'times',
  summary: 'Find and resolve time expressions ("Tue or Wed afternoon", "EOD Friday") in text',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv);
    if (args.json) return runJson(args, io);
    const text = await readAll(io.stdin);
    const expressions = parseTimeExpressions(text, { ref: args.ref!, ...(args.tz ? { tz: args.tz } : {}) });
    io.stdout.write(formatTable(expressions, args.debug));
    return 0;
  },
};
