/** `steward triage [--me ADDRESS]... [--json] INPUT...` — cli.md. */
import { defaultSettings, type TriageResult } from '@steward/shared';
import { configureAi } from '../../ai/configured.ts';
import { loadConfig } from '../../config.ts';
import { readMessageInputs } from '../../mail/input.ts';
import { normaliseMessage } from '../../mail/normalise.ts';
import type { NormalisedMessage } from '../../mail/types.ts';
import { createTriageService, type TriageService, type TriageUserContext } from '../../triage/service.ts';
import { type CliCommand, type CliIo, UsageError } from '../command.ts';

const USAGE =
  'steward triage [--me ADDRESS]... [--json] INPUT...   (INPUT: .eml, .mbox, .jsonl, or - for JSON Lines on stdin)';
const PROGRESS_EVERY = 200;
const MAX_THREAD_MEMORY = 20;
const MAX_THREADS = 10_000;

interface TriageArgs {
  me: string[];
  json: boolean;
  inputs: string[];
}

export function parseTriageArgs(args: string[]): TriageArgs {
  const parsed: TriageArgs = { me: [], json: false, inputs: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') parsed.json = true;
    else if (arg === '--me') {
      const value = args[++i];
      if (!value || value.startsWith('--')) throw new UsageError('--me needs an address');
      parsed.me.push(value);
    } else if (arg.startsWith('--me=')) {
      if (arg.length === 5) throw new UsageError('--me needs an address');
      parsed.me.push(arg.slice(5));
    } else if (arg === '--') {
      parsed.inputs.push(...args.slice(i + 1));
      break;
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else parsed.inputs.push(arg);
  }
  if (parsed.inputs.length === 0) throw new UsageError('no input: give .eml, .mbox, .jsonl files or - for stdin');
  return parsed;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(text)) resolve();
    else stream.once('drain', () => resolve());
  });
}

function cell(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat.padEnd(width);
}

/** Human columns: the position in the input (1-based), who sent it, its subject, then the verdict. */
const COLUMNS: Array<[string, number]> = [
  ['#', 4],
  ['FROM', 20],
  ['SUBJECT', 28],
  ['CATEGORY', 14],
  ['REPLY', 5],
  ['MEET', 4],
  ['PRIORITY', 8],
  ['CONF', 4],
];
function humanHeader(): string {
  return `${COLUMNS.map(([name, width]) => name.padEnd(width)).join('  ')}  SUMMARY / REASON\n`;
}
function sender(msg: NormalisedMessage): string {
  return msg.from?.name || msg.from?.address || '(unknown)';
}
function humanRow(index: number, msg: NormalisedMessage, r: TriageResult): string {
  const values = [
    `${index + 1}`,
    sender(msg),
    msg.subject || '(no subject)',
    r.category,
    r.needsReply ? 'yes' : '-',
    r.meetingRequest ? 'yes' : '-',
    r.priority,
    r.confidence.toFixed(2),
  ];
  const reason = r.reasons[0] ? `  (${r.reasons[0]})` : '';
  return `${values.map((v, i) => cell(v, COLUMNS[i]![1])).join('  ')}  ${r.summary}${reason}\n`;
}
function humanError(index: number, error: { code: string; message: string }): string {
  return `${cell(`${index + 1}`, COLUMNS[0]![1])}  error: ${error.message} (${error.code})\n`;
}

/** The triage service over the engine AI_PROVIDER chooses, exactly as for the server (usage kept in memory). */
function serviceFromEnv(env: NodeJS.ProcessEnv): TriageService {
  return createTriageService({ ai: configureAi(loadConfig({ ...env, LOG_LEVEL: 'silent' })) });
}

/** The CLI has no account: default settings (thresholds, empty never-send lists), no sender rules, no personal model. */
const CLI_USER: TriageUserContext = { userKey: 'local:cli', settings: defaultSettings(), rules: [] };

export function createTriageCommand(service?: TriageService): CliCommand {
  return {
    name: 'triage',
    summary: 'Classify messages: category, needs reply, meeting request, priority, reasons, summary',
    usage: USAGE,
    async run(args: string[], io: CliIo): Promise<number> {
      const options = parseTriageArgs(args);
      const triage = service ?? serviceFromEnv(io.env);
      const threads = new Map<string, NormalisedMessage[]>();
      let failures = 0;
      let done = 0;
      let headerWritten = options.json;
      let triaged = 0;
      const onNotice = (text: string) => void io.stderr.write(`steward triage: ${text}\n`);
      try {
        for await (const input of readMessageInputs(options.inputs, io.stdin, { onNotice })) {
          let line: string;
          if (input.error || !input.message) {
            failures++;
            const error = input.error ?? { code: 'invalid_message', message: 'no message' };
            line = options.json ? `${JSON.stringify({ id: input.id, error })}\n` : humanError(input.index, error);
          } else {
            try {
              const msg = await normaliseMessage(input.message);
              const threadKey = msg.threadId ?? msg.signals.references[0] ?? msg.signals.inReplyTo;
              const thread = threadKey ? threads.get(threadKey) : undefined;
              const result = await triage.triage(CLI_USER, msg, { me: options.me, ...(thread ? { thread } : {}) });
              if (threadKey) {
                threads.delete(threadKey); // re-inserted last, so the oldest thread is first to go
                threads.set(threadKey, [...(thread ?? []), msg].slice(-MAX_THREAD_MEMORY));
                if (threads.size > MAX_THREADS) threads.delete(threads.keys().next().value as string);
              }
              triaged++;
              line = options.json ? `${JSON.stringify(result)}\n` : humanRow(input.index, msg, result);
            } catch (error) {
              failures++;
              const failure = {
                code: 'triage_failed',
                message: error instanceof Error ? error.message : String(error),
              };
              line = options.json
                ? `${JSON.stringify({ id: input.id, error: failure })}\n`
                : humanError(input.index, failure);
            }
          }
          if (!headerWritten) {
            await write(io.stdout, humanHeader());
            headerWritten = true;
          }
          await write(io.stdout, line);
          done++;
          if (!options.json && done % PROGRESS_EVERY === 0) await write(io.stderr, `triaged ${done} messages…\n`);
        }
      } catch (error) {
        await write(io.stderr, `steward triage: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      }
      if (!options.json && done >= PROGRESS_EVERY)
        await write(io.stderr, `triaged ${done} messages, ${failures} failed\n`);
      if (triaged === 0) await write(io.stderr, 'steward triage: no message was read\n');
      return failures > 0 || triaged === 0 ? 1 : 0;
    },
  };
}

export const triageCommand: CliCommand = createTriageCommand();
