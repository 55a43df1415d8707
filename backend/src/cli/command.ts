import type { Readable, Writable } from 'node:stream';

/** The streams and environment a command runs with; tests pass their own. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** One `steward <name>` command. `run` returns the process exit code. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Thrown for a wrong invocation; main prints the message and the usage, exit code 2. */
export class UsageError extends Error {}
