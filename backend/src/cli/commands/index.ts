import type { CliCommand } from '../command.ts';

/**
 * Every `steward` command, in the order --help lists them. Only the name and summary live here: a command's
 * module (and what it pulls in: engines, models, the database) is loaded when that command runs, so
 * `steward --help` starts without loading any of it.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
}

export const commands: CommandEntry[] = [
  {
    name: 'triage',
    summary: 'Classify messages: category, needs reply, meeting request, priority, reasons, summary',
    load: async () => (await import('./triage.ts')).triageCommand,
  },
  {
    name: 'draft',
    summary: "Draft replies in the user's voice",
    load: async () => (await import('./draft.ts')).draftCommand,
  },
  {
    name: 'voice',
    summary: "Learn a voice profile from the user's sent mail",
    load: async () => (await import('./voice.ts')).voiceCommand,
  },
  {
    name: 'times',
    summary: 'Find and resolve time expressions ("Tue or Wed afternoon", "EOD Friday") in text',
    load: async () => (await import('./times.ts')).timesCommand,
  },
  {
    name: 'notes',
    summary: 'Meeting notes and a follow-up email from a transcript',
    load: async () => (await import('./notes.ts')).notesCommand,
  },
  {
    name: 'serve',
    summary: 'Start the Steward server (embedded PostgreSQL unless DATABASE_URL is set)',
    load: async () => (await import('./serve.ts')).serveCommand,
  },
  {
    name: 'migrate',
    summary: 'Bring the database schema up to date',
    load: async () => (await import('./migrate.ts')).migrateCommand,
  },
  {
    name: 'keys',
    summary: 'Rotate the key that encrypts stored mailbox tokens',
    load: async () => (await import('./keys.ts')).keysCommand,
  },
  {
    name: 'doctor',
    summary: 'Check the configuration end to end: database, URLs, identity, keys, model, push, clock',
    load: async () => (await import('./doctor.ts')).doctorCommand,
  },
];
