import { createRequire } from 'node:module';
import type { CliIo } from './command.ts';
import { UsageError } from './command.ts';
import { type CommandEntry, commands } from './commands/index.ts';

/** Read here rather than from app.ts, so that `--help` and `--version` load nothing else. */
const VERSION: string = createRequire(import.meta.url)('../../package.json').version;

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `steward ${VERSION} — a self-hostable AI email assistant for Outlook and Gmail`,
    '',
    'Usage: steward <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `steward <command> --help` for a command's options. The engine is chosen by AI_PROVIDER (default local).",
  ].join('\n');
}

export function findCommand(name: string): CommandEntry | undefined {
  return commands.find((c) => c.name === name);
}

/** Runs one invocation and returns the exit code; never throws. */
export async function main(argv: string[], io?: Partial<CliIo>): Promise<number> {
  const fullIo: CliIo = {
    stdin: io?.stdin ?? process.stdin,
    stdout: io?.stdout ?? process.stdout,
    stderr: io?.stderr ?? process.stderr,
    env: io?.env ?? process.env,
    cwd: io?.cwd ?? process.cwd(),
  };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    fullIo.stdout.write(`${helpText()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    fullIo.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = findCommand(name);
  if (!entry) {
    fullIo.stderr.write(`steward: unknown command "${name}". Run steward --help for the list.\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    fullIo.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, fullIo);
  } catch (error) {
    if (error instanceof UsageError) {
      fullIo.stderr.write(`steward ${name}: ${error.message}\n${command.usage}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    fullIo.stderr.write(`steward ${name}: ${message.split('\n').join(' ')}\n`);
    return 1;
  }
}
