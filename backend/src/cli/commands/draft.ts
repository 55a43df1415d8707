import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Draft, defaultSettings, VoiceProfile } from '@steward/shared';
import { Value } from 'typebox/value';
import { configureAi } from '../../ai/configured.ts';
import { loadConfig } from '../../config.ts';
import { createDraftingService, type DraftUserContext } from '../../drafting/service.ts';
import { defaultVoice, learnVoice } from '../../drafting/voice.ts';
import { readMessageInputs } from '../../mail/input.ts';
import { normaliseMessage } from '../../mail/normalise.ts';
import type { NormalisedMessage } from '../../mail/types.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { readSentMail } from './voice.ts';

const USAGE = `Usage: steward draft [--voice PROFILE.json | --sent SENT_INPUT] [--json] INPUT...

Writes one reply draft per message. Nothing is sent.
  --voice PROFILE.json   a voice profile, as printed by \`steward voice learn --json\`
  --sent SENT_INPUT      learn the voice from this sent mail first (.eml, .mbox, .jsonl)
  --json                 JSON Lines: {"id", "subject", "text", "html", "placeholders", "proposedTimes"}
INPUT: .eml, .mbox or .jsonl files, or - for JSON Lines on stdin. Messages that share a threadId are
drafted with the earlier ones as their thread. The engine is chosen by AI_PROVIDER (default local).`;

interface DraftArgs {
  voicePath?: string;
  sentPath?: string;
  json: boolean;
  inputs: string[];
}

function parseArgs(args: string[]): DraftArgs {
  const parsed: DraftArgs = { json: false, inputs: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--json') parsed.json = true;
    else if (arg === '--voice' || arg === '--sent') {
      const value = args[++i];
      if (!value || (value.startsWith('--') && value !== '-')) throw new UsageError(`${arg} needs a value`);
      if (arg === '--voice') parsed.voicePath = value;
      else parsed.sentPath = value;
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option "${arg}"`);
    else parsed.inputs.push(arg);
  }
  if (parsed.voicePath && parsed.sentPath) throw new UsageError('use either --voice or --sent, not both');
  if (!parsed.inputs.length) throw new UsageError('give at least one INPUT');
  if (parsed.sentPath === '-' && parsed.inputs.includes('-')) throw new UsageError('stdin can be read only once');
  return parsed;
}

async function readVoiceFile(file: string, cwd: string): Promise<VoiceProfile> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path.resolve(cwd, file), 'utf8'));
  } catch (error) {
    throw new Error(`cannot read voice profile ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Value.Check(VoiceProfile, value)) {
    const first = [...Value.Errors(VoiceProfile, value)][0];
    throw new Error(
      `${file} is not a voice profile (${first ? `${first.instancePath || '/'}: ${first.message}` : 'schema mismatch'})`,
    );
  }
  return value;
}

/** The user's own addresses, as the sent mail shows them, so a thread the user wrote last gets a follow-up. */
function ownAddresses(sent: NormalisedMessage[]): string[] {
  return [...new Set(sent.map((m) => m.from?.address).filter((a): a is string => !!a))];
}

function formatDraft(id: string, draft: Draft): string {
  const lines = [`── ${id} ── ${draft.subject}`, '', draft.text, ''];
  if (draft.placeholders.length) lines.push(`To fill in: ${draft.placeholders.join(' ')}`);
  if (draft.proposedTimes.length) lines.push(`Proposed times: ${draft.proposedTimes.map((t) => t.label).join('; ')}`);
  return `${lines.join('\n').trimEnd()}\n\n`;
}

export const draftCommand: CliCommand = {
  name: 'draft',
  summary: "Draft replies in the user's voice",
  usage: USAGE,
  async run(args, io) {
    const options = parseArgs(args);
    // The engine AI_PROVIDER chooses, exactly as for the server (no database: usage is kept in memory).
    const drafting = createDraftingService({ ai: configureAi(loadConfig(io.env, io.cwd)) });
    const sent = options.sentPath ? await readSentMail([options.sentPath], io) : [];
    const voice = options.voicePath
      ? await readVoiceFile(options.voicePath, io.cwd)
      : options.sentPath
        ? learnVoice(sent)
        : defaultVoice();
    const me = ownAddresses(sent);
    const ctx: DraftUserContext = {
      scope: { tenantId: 'local', userId: 'cli' },
      userKey: 'local:cli',
      settings: defaultSettings(),
      voice: { profile: voice, examples: [] },
    };
    const threads = new Map<string, NormalisedMessage[]>();
    let failures = 0;
    const inputs = options.inputs.map((p) => (p === '-' ? p : path.resolve(io.cwd, p)));
    let drafted = 0;
    const onNotice = (text: string) => void io.stderr.write(`steward draft: ${text}\n`);
    for await (const record of readMessageInputs(inputs, io.stdin, { onNotice })) {
      if (!record.message) {
        failures++;
        const error = record.error ?? { code: 'invalid_message', message: 'unreadable message' };
        io.stdout.write(
          options.json
            ? `${JSON.stringify({ id: record.id, error })}\n`
            : `── ${record.id} ── error: ${error.message}\n\n`,
        );
        continue;
      }
      const message = await normaliseMessage(record.message);
      const threadKey = message.threadId;
      const thread = threadKey ? (threads.get(threadKey) ?? []) : [];
      const { draft, fallback } = await drafting.draft(ctx, { message, thread, me, sent, now: new Date() });
      if (fallback) io.stderr.write(`${record.id}: ${fallback}\n`);
      if (threadKey) threads.set(threadKey, [...thread, message]);
      drafted++;
      io.stdout.write(
        options.json ? `${JSON.stringify({ id: record.id, ...draft })}\n` : formatDraft(record.id, draft),
      );
    }
    if (drafted === 0) io.stderr.write('steward draft: no message was read\n');
    return failures > 0 || drafted === 0 ? 1 : 0;
  },
};
