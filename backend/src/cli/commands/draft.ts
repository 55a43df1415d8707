import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Draft, defaultSettings, VoiceProfile } from '@steward/shared';
import { Value } from 'typebox/value';
import { createOpenAiModel } from '../../ai/openai.ts';
import type { LanguageModel } from '../../ai/port.ts';
import { loadConfig } from '../../config.ts';
import { draftReplyLocal } from '../../drafting/local.ts';
import { draftReplyWithModel } from '../../drafting/model.ts';
import { defaultVoice, learnVoice } from '../../drafting/voice.ts';
import { readMessageInputs } from '../../mail/input.ts';
import { normaliseMessage } from '../../mail/normalise.ts';
import type { NormalisedMessage } from '../../mail/types.ts';
import type { CliCommand, CliIo } from '../command.ts';
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

function modelFromEnv(io: CliIo): LanguageModel | undefined {
  const config = loadConfig(io.env, io.cwd);
  if (config.aiProvider !== 'openai') return undefined;
  return createOpenAiModel({
    baseURL: config.openai.baseUrl ?? 'https://api.openai.com/v1',
    ...(config.openai.apiKey ? { apiKey: config.openai.apiKey } : {}),
    model: config.openai.model,
    timeoutMs: config.openai.timeoutMs,
  });
}

export const draftCommand: CliCommand = {
  name: 'draft',
  summary: "Draft replies in the user's voice",
  usage: USAGE,
  async run(args, io) {
    const options = parseArgs(args);
    const model = modelFromEnv(io);
    const sent = options.sentPath ? await readSentMail([options.sentPath], io) : [];
    const voice = options.voicePath
      ? await readVoiceFile(options.voicePath, io.cwd)
      : options.sentPath
        ? learnVoice(sent)
        : defaultVoice();
    const me = ownAddresses(sent);
    const settings = defaultSettings();
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
      const input = { message, thread, voice, settings, now: new Date(), me };
      let draft: Draft;
      if (model) {
        try {
          draft = await draftReplyWithModel({ ...input, model, sent });
        } catch (error) {
          io.stderr.write(
            `${record.id}: language model failed (${error instanceof Error ? error.message : String(error)}); drafted locally\n`,
          );
          draft = draftReplyLocal(input);
        }
      } else {
        draft = draftReplyLocal(input);
      }
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
