import path from 'node:path';
import type { VoiceProfile } from '@steward/shared';
import { learnVoice } from '../../drafting/voice.ts';
import { readMessageInputs } from '../../mail/input.ts';
import { normaliseMessage } from '../../mail/normalise.ts';
import type { NormalisedMessage } from '../../mail/types.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { UsageError } from '../command.ts';

const USAGE = `Usage: steward voice learn [--json] SENT_INPUT...

Learns a voice profile (the style card) from the user's sent mail and prints it.
SENT_INPUT: .eml, .mbox or .jsonl files, or - for JSON Lines on stdin. 20 or more messages give a reliable profile.
  --json   print the profile as one JSON object`;

/** Reads sent mail; unreadable records are reported on stderr and skipped, as the profile needs no single one. */
export async function readSentMail(paths: string[], io: CliIo): Promise<NormalisedMessage[]> {
  const sent: NormalisedMessage[] = [];
  const resolved = paths.map((p) => (p === '-' ? p : path.resolve(io.cwd, p)));
  const onNotice = (text: string) => void io.stderr.write(`${text}\n`);
  for await (const record of readMessageInputs(resolved, io.stdin, { onNotice })) {
    if (!record.message) {
      io.stderr.write(`skipped ${record.id}: ${record.error?.message ?? 'unreadable'}\n`);
      continue;
    }
    sent.push(await normaliseMessage(record.message));
  }
  return sent;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

export function formatStyleCard(voice: VoiceProfile): string {
  const phrases = (list: VoiceProfile['greetings']) =>
    list
      .slice(0, 4)
      .map((p) => `${p.text ? `"${p.text}"` : '(none)'} ${percent(p.share)}`)
      .join(', ') || '(none)';
  const lines = [
    `Signs as:      ${voice.signatureName || '(no name found)'}`,
    `Greetings:     ${phrases(voice.greetings)}`,
    `Sign-offs:     ${phrases(voice.signOffs)}`,
    `Length:        about ${voice.typicalWords} words`,
    `Formality:     ${voice.formality}`,
    `Contractions:  ${percent(voice.contractionsRate)}`,
    `Exclamations:  ${percent(voice.punctuation.exclamationRate)} of sentences; ellipses in ${percent(voice.punctuation.ellipsisRate)} of messages`,
    `Emoji:         ${percent(voice.emojiRate)} of messages`,
    `Languages:     ${voice.languages.join(', ')}`,
    `Confidence:    ${voice.confidence} (${voice.sampleCount} messages)${voice.note ? ` — ${voice.note}` : ''}`,
  ];
  const known = voice.perRecipient.filter((r) => r.count >= 2).slice(0, 10);
  if (known.length) {
    lines.push('Per recipient:');
    for (const r of known) {
      lines.push(
        `  ${r.address}: ${r.greeting ? `"${r.greeting}"` : '(no greeting)'} / ${r.signOff ? `"${r.signOff}"` : '(no sign-off)'} (${r.count})`,
      );
    }
  }
  return lines.join('\n');
}

export const voiceCommand: CliCommand = {
  name: 'voice',
  summary: "Learn a voice profile from the user's sent mail",
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'learn') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'missing subcommand "learn"');
    let json = false;
    const paths: string[] = [];
    for (const arg of rest) {
      if (arg === '--json') json = true;
      else if (arg.startsWith('--')) throw new UsageError(`unknown option "${arg}"`);
      else paths.push(arg);
    }
    if (!paths.length) throw new UsageError('give at least one SENT_INPUT');
    const sent = await readSentMail(paths, io);
    if (sent.length === 0) {
      io.stderr.write('steward voice: no sent message was read, so there is no voice to learn\n');
      return 1;
    }
    const voice = learnVoice(sent);
    io.stdout.write(json ? `${JSON.stringify(voice)}\n` : `${formatStyleCard(voice)}\n`);
    return 0;
  },
};
