import type { CliCommand } from '../command.ts';
import { doctorCommand } from './doctor.ts';
import { draftCommand } from './draft.ts';
import { keysCommand } from './keys.ts';
import { migrateCommand } from './migrate.ts';
import { notesCommand } from './notes.ts';
import { serveCommand } from './serve.ts';
import { timesCommand } from './times.ts';
import { triageCommand } from './triage.ts';
import { voiceCommand } from './voice.ts';

/** Every `steward` command, in the order --help lists them. */
export const commands: CliCommand[] = [
  triageCommand,
  draftCommand,
  voiceCommand,
  timesCommand,
  notesCommand,
  serveCommand,
  migrateCommand,
  keysCommand,
  doctorCommand,
];
